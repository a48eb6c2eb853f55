/**
 * CSV text in and out. Reading sniffs the encoding and delimiter from the first bytes, then streams
 * records through papaparse; writing quotes as RFC 4180 and neutralises spreadsheet formulas.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import Papa from "papaparse";
import { makeIssue } from "../scoring/issues.js";
import { FileError } from "./rows.js";

export interface Sniffed {
  delimiter: "," | ";" | "\t";
  bom: boolean;
}

const SNIFF_BYTES = 64 * 1024;
const DELIMS = [",", ";", "\t"] as const;
const NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };
export const delimiterName = (d: string) => NAMES[d] ?? JSON.stringify(d);

function fail(file: string | undefined, message: string, expected: string, received: string): never {
  const issue = makeIssue("invalid_value", "error", { received, expected });
  if (file !== undefined) issue.file = file;
  issue.row = 1;
  throw new FileError(`${file ?? "input"}: ${message}`, issue);
}

/** Encoding, BOM and delimiter from the start of a file; throws FileError for empty, binary or headerless input. */
export function sniff(head: Uint8Array, totalBytes: number, file?: string): Sniffed {
  let start = 0;
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  if (bom) start = 3;
  if (head.length - start === 0 || Buffer.from(head.subarray(start)).toString("utf8").trim() === "")
    fail(file, "the file is empty; expected a header row and one row per administration", "a CSV file with a header row", "an empty file");
  const body = head.subarray(start);
  if (body.includes(0)) fail(file, "this is not a text file (it holds NUL bytes); expected a CSV file saved as text (UTF-8)", "UTF-8 text", "binary data");
  let nl = body.indexOf(0x0a);
  if (nl < 0) {
    if (totalBytes > head.length) fail(file, `the first row is longer than ${SNIFF_BYTES / 1024} KB; expected a header row of column names`, "a header row", "a very long first line");
    nl = body.length;
  }
  let headerText: string;
  try {
    headerText = new TextDecoder("utf-8", { fatal: true }).decode(body.subarray(0, nl));
  } catch {
    fail(file, "the header row is not UTF-8 text; save the file as CSV UTF-8", "UTF-8 text", "bytes that are not UTF-8");
  }
  // Count delimiters outside quotes in the header: names never hold them, values might.
  const counts = { ",": 0, ";": 0, "\t": 0 } as Record<(typeof DELIMS)[number], number>;
  let quoted = false;
  for (const ch of headerText) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as (typeof DELIMS)[number]]++;
  }
  const best = DELIMS.reduce((a, b) => (counts[b] > counts[a] ? b : a));
  if (counts[best] === 0)
    fail(file, "found no comma, semicolon or tab in the header row; expected columns such as subject_id,administered_on,pss_1,…", "a , ; or tab separated header", headerText.slice(0, 60));
  return { delimiter: best, bom };
}

export interface RecordBatch {
  /** records with their spreadsheet row numbers (the header is row 1) */
  rows: { fields: string[]; row: number }[];
}

/** Reads and sniffs the first bytes of a file. */
export async function sniffFile(path: string): Promise<Sniffed & { size: number }> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    await fh.read(buf, 0, buf.length, 0);
    return { ...sniff(buf, size, path), size };
  } finally {
    await fh.close();
  }
}

export interface StreamHandlers {
  onHeader(fields: string[]): void;
  /** a chunk's records, after the chunk's quote errors */
  onRecords?(rows: { fields: string[]; row: number }[]): void;
  /**
   * when given, each record instead of onRecords (same order: a chunk's quote errors come first);
   * `replacementSeen` is false while no U+FFFD (undecodable bytes) has occurred anywhere in the text read so far
   */
  onRecord?(fields: string[], row: number, replacementSeen: boolean): void;
  onQuoteError(row: number, message: string): void;
  onProgress?(bytesRead: number): void;
}

/** `text.replacementSeen`: whether U+FFFD occurs in the text parsed so far (set by the caller) */
function collector(h: StreamHandlers, text: { replacementSeen: boolean }) {
  let row = 0;
  let headerSeen = false;
  return (data: string[][], errors: Papa.ParseError[]) => {
    // data[i] is spreadsheet row base + i + 1 (empty lines count)
    const base = row;
    row += data.length;
    let first = 0;
    if (!headerSeen && data.length > 0) {
      headerSeen = true;
      first = 1;
      h.onHeader(data[0]!);
    }
    let bad: Map<number, string> | null = null;
    for (const e of errors) if (e.row !== undefined && e.type === "Quotes") (bad ??= new Map()).set(e.row, e.message);
    if (bad !== null) for (let i = first; i < data.length; i++) if (bad.has(i)) h.onQuoteError(base + i + 1, bad.get(i)!);
    const one = h.onRecord !== undefined;
    const out: { fields: string[]; row: number }[] | null = one ? null : [];
    for (let i = first; i < data.length; i++) {
      const fields = data[i]!;
      if (bad !== null && bad.has(i)) continue;
      // an empty line is not a record, but it still has a spreadsheet row number
      if (fields.length === 1 && fields[0] === "") continue;
      if (one) {
        // let go of each row once handed on: rows still held when the young generation is collected get
        // copied, and after a second collection promoted, which for a 1 MB chunk is most of them
        (data as (string[] | undefined)[])[i] = undefined;
        h.onRecord!(fields, base + i + 1, text.replacementSeen);
      } else out!.push({ fields, row: base + i + 1 });
    }
    if (out !== null && out.length) h.onRecords?.(out);
  };
}

/**
 * Bytes read per chunk. Not a free tuning knob: a chunk's quote errors are reported before its records,
 * so the chunk size decides where such errors fall in the issue order.
 */
export const STREAM_CHUNK_BYTES = 1 << 20;

const PIECE_CHARS = 16 * 1024;

/**
 * The text papaparse streams from a file: read in STREAM_CHUNK_BYTES chunks and passed on whole, except
 * that after the first chunk, and while no quote character has occurred anywhere, chunks go on in
 * 16K-character pieces. Without a quote papaparse reports no quote errors (whose place in the issue order
 * follows chunk boundaries) and parses pieces just as it would the whole chunk; the first chunk stays whole
 * because papaparse guesses the line ending from it. Small pieces keep parsed rows short-lived (less GC),
 * and a piece's rows (about 250) are still in the CPU cache when the scorer reads them; papaparse alone is
 * no slower with them than with 64K pieces (bench/RESULTS.md).
 * `text.replacementSeen` turns true when a chunk holding U+FFFD is read, before any of it is parsed.
 */
export function papaparseInput(path: string, start: number): { input: Readable; file: ReturnType<typeof createReadStream>; text: { replacementSeen: boolean } } {
  const file = createReadStream(path, { encoding: "utf8", start, highWaterMark: STREAM_CHUNK_BYTES });
  const input = new Readable({ read() {}, encoding: "utf8" });
  const text = { replacementSeen: false };
  let first = true;
  let quoted = false;
  file.on("data", (chunk) => {
    const s = chunk as string;
    if (!text.replacementSeen && s.includes("\uFFFD")) text.replacementSeen = true;
    if (!quoted && s.includes('"')) quoted = true;
    if (first || quoted) input.push(s);
    else for (let i = 0; i < s.length; i += PIECE_CHARS) input.push(s.slice(i, i + PIECE_CHARS));
    first = false;
  });
  file.on("end", () => input.push(null));
  file.on("error", (e) => input.destroy(e));
  return { input, file, text };
}

/** Streams a file's records through papaparse; memory stays bounded by the chunk size. */
export function streamFile(path: string, s: Sniffed, h: StreamHandlers): Promise<void> {
  return new Promise((resolve, reject) => {
    const { input, file: stream, text } = papaparseInput(path, s.bom ? 3 : 0);
    const collect = collector(h, text);
    let failed: unknown;
    Papa.parse(input as unknown as File, {
      delimiter: s.delimiter,
      header: false,
      skipEmptyLines: false,
      chunk: (res: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
        try {
          collect(res.data, res.errors);
          h.onProgress?.(stream.bytesRead);
        } catch (e) {
          failed = e;
          parser.abort();
        }
      },
      complete: () => (failed ? reject(failed) : resolve()),
      error: (e: Error) => reject(e),
    });
  });
}

/** Parses CSV text already in memory (stdin, tests) the same way as a file. */
export function parseText(text: string, file: string | undefined, h: StreamHandlers): Sniffed {
  const bytes = Buffer.from(text, "utf8");
  const s = sniff(bytes.subarray(0, SNIFF_BYTES), bytes.length, file);
  const body = s.bom ? text.replace(/^\uFEFF/, "") : text;
  const res = Papa.parse<string[]>(body, { delimiter: s.delimiter, header: false, skipEmptyLines: false });
  collector(h, { replacementSeen: body.includes("\uFFFD") })(res.data, res.errors);
  return s;
}

// ---------------------------------------------------------------- writing

const NEEDS_QUOTES = /[",\r\n;\t]/;
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A CSV cell: quoted when needed; text that a spreadsheet would run as a formula gets a leading
 * apostrophe (OWASP CSV injection advice). Numbers stay numbers.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value);
  let s = String(value);
  // FORMULA_START by character code: the regexes run only for text that starts like a formula
  const c = s.charCodeAt(0);
  if ((c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) && FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: readonly (string | number | boolean | null | undefined)[]): string => cells.map(csvCell).join(",") + "\n";

/** Up to 6 decimals, no trailing zeros, no exponent: stable across runs and platforms. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return "";
  // a safe integer prints the same digits through String as through toFixed; -0 prints as "0" either way
  if (Number.isSafeInteger(x)) return String(x);
  const s = x.toFixed(6).replace(/\.?0+$/, "");
  return s === "-0" ? "0" : s;
}
