/**
 * CSV text in and out. Reading sniffs the encoding, delimiter and line ending from the first bytes, then
 * streams records: lines without quotes are split here (see lineReader), text from the first quote on goes
 * through papaparse. Writing quotes as RFC 4180 and neutralises spreadsheet formulas.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { isUtf8 } from "node:buffer";
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import Papa from "papaparse";
import { makeIssue } from "../scoring/issues.js";
import { FileError } from "./rows.js";

export type Newline = "\n" | "\r\n" | "\r";

export interface Sniffed {
  delimiter: "," | ";" | "\t";
  bom: boolean;
  /** the header row's line ending, used for the whole file */
  newline: Newline;
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
  // the header ends at the first line break outside quotes (or, if a quote is never closed, at the first one)
  let nl = -1;
  let quotedNl = -1;
  let inQuotes = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === 0x22) inQuotes = !inQuotes;
    else if (c === 0x0a || c === 0x0d) {
      if (!inQuotes) {
        nl = i;
        break;
      }
      if (quotedNl < 0) quotedNl = i;
    }
  }
  if (nl < 0) nl = quotedNl;
  let newline: Newline = "\n";
  if (nl < 0 || (body[nl] === 0x0d && nl === body.length - 1 && totalBytes > head.length)) {
    if (totalBytes > head.length) fail(file, `the first row is longer than ${SNIFF_BYTES / 1024} KB; expected a header row of column names`, "a header row", "a very long first line");
    nl = body.length;
  } else if (body[nl] === 0x0d) newline = body[nl + 1] === 0x0a ? "\r\n" : "\r";
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
  return { delimiter: best, bom, newline };
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
  /**
   * Optional, with onRecord: a record from a line without quotes, as UTF-8 `bytes` from `start` to `end` (its
   * fields are that text split on the delimiter), offered before any text is decoded. true: handled (the bytes
   * are valid only during the call); false: the record goes on to onRecord.
   */
  onLine?(bytes: Buffer, start: number, end: number, row: number, replacementSeen: boolean): boolean;
  onQuoteError(row: number, message: string): void;
  onProgress?(bytesRead: number): void;
}

/** What the line reader and papaparse share: the last spreadsheet row read, and whether the header was. */
interface ReadState {
  row: number;
  headerSeen: boolean;
  /** true once the text read holds a U+FFFD (literal, or decoded from bytes that are not UTF-8), before any of it is parsed */
  replacementSeen: boolean;
}

/** papaparse's results → handlers; rows continue from `st.row` */
function collector(h: StreamHandlers, st: ReadState) {
  return (data: string[][], errors: Papa.ParseError[]) => {
    // data[i] is spreadsheet row base + i + 1 (empty lines count)
    const base = st.row;
    st.row += data.length;
    let first = 0;
    if (!st.headerSeen && data.length > 0) {
      st.headerSeen = true;
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
        // copied, and after a second collection promoted
        (data as (string[] | undefined)[])[i] = undefined;
        h.onRecord!(fields, base + i + 1, st.replacementSeen);
      } else out!.push({ fields, row: base + i + 1 });
    }
    if (out !== null && out.length) h.onRecords?.(out);
  };
}

const QUOTE = 0x22;
const REPLACEMENT = Buffer.from("\uFFFD", "utf8");

/**
 * Reads a file's bytes up to the first chunk that holds a quote character. Without quotes, CSV is simple: a
 * record is a line, and its fields are the line split on the delimiter, which is what papaparse gives for such
 * text too (its own fast mode does the same split). Reading the bytes here lets onLine take a line before any
 * of it is decoded; a line it does not take is decoded on its own, which gives the same text as decoding the
 * whole file because a line break is never part of a UTF-8 sequence. From the first chunk with a quote on,
 * papaparse reads the rest (from the last line break on), so quoted fields, escaped quotes and quote errors
 * are papaparse's alone.
 */
function lineReader(h: StreamHandlers, st: ReadState, s: Sniffed) {
  const { delimiter } = s;
  const nl = Buffer.from(s.newline, "latin1");
  const crlf = s.newline === "\r\n";
  const one = h.onRecord !== undefined;
  /** the start of the line begun in an earlier chunk, and the chunks after it that hold no line break */
  let carry: Buffer | null = null;
  const longLine: Buffer[] = [];
  let batch: { fields: string[]; row: number }[] = [];
  const fields = (bytes: Buffer, a: number, b: number) => bytes.toString("utf8", a, b).split(delimiter);
  /** whole lines only, so that no UTF-8 sequence is cut */
  const seeReplacement = (bytes: Buffer, a: number, b: number) => {
    if (st.replacementSeen || a >= b) return;
    const part = bytes.subarray(a, b);
    if (!isUtf8(part) || part.includes(REPLACEMENT)) st.replacementSeen = true;
  };
  const line = (bytes: Buffer, a: number, b: number) => {
    const row = ++st.row;
    if (!st.headerSeen) {
      st.headerSeen = true;
      h.onHeader(fields(bytes, a, b));
    } else if (a === b) {
      // an empty line is not a record, but it still has a spreadsheet row number
    } else if (one) {
      if (h.onLine === undefined || !h.onLine(bytes, a, b, row, st.replacementSeen)) h.onRecord!(fields(bytes, a, b), row, st.replacementSeen);
    } else batch.push({ fields: fields(bytes, a, b), row });
  };
  const flush = () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    h.onRecords?.(rows);
  };
  return {
    /** Reads the whole lines of the bytes so far; false, reading nothing, when `chunk` holds a quote. */
    lines(chunk: Buffer): boolean {
      if (chunk.includes(QUOTE)) return false;
      let pos = 0;
      if (carry !== null) {
        // the line begun in the last chunk
        let first: Buffer;
        const before = longLine.length > 0 ? longLine[longLine.length - 1]! : carry;
        if (crlf && before[before.length - 1] === 0x0d && chunk[0] === 0x0a) {
          // a CRLF split between the chunks
          const whole = Buffer.concat([carry, ...longLine.splice(0)]);
          first = whole.subarray(0, whole.length - 1);
          pos = 1;
        } else {
          const i = chunk.indexOf(nl);
          if (i < 0) {
            // a line longer than a chunk: joined once its end is read, not copied again with every chunk
            longLine.push(chunk);
            return true;
          }
          first = Buffer.concat([carry, ...longLine.splice(0), chunk.subarray(0, i)]);
          pos = i + nl.length;
        }
        carry = null;
        seeReplacement(first, 0, first.length);
        line(first, 0, first.length);
      }
      const last = chunk.lastIndexOf(nl);
      if (last >= pos) {
        seeReplacement(chunk, pos, last);
        for (let i = chunk.indexOf(nl, pos); i >= 0 && i <= last; i = chunk.indexOf(nl, pos)) {
          line(chunk, pos, i);
          pos = i + nl.length;
        }
      }
      // kept as a copy: the stream may reuse the chunk's memory
      if (pos < chunk.length) carry = Buffer.from(chunk.subarray(pos));
      flush();
      return true;
    },
    /** the bytes after the last line break, not yet read */
    get rest(): Buffer {
      return carry === null ? Buffer.alloc(0) : Buffer.concat([carry, ...longLine]);
    },
    /** at the end of the text: its last line, if it does not end with a line break */
    end(): void {
      if (carry !== null) {
        const last = Buffer.concat([carry, ...longLine.splice(0)]);
        carry = null;
        seeReplacement(last, 0, last.length);
        line(last, 0, last.length);
      }
      flush();
    },
  };
}

/** Bytes read per chunk. A chunk's quote errors are reported before its records, so it also decides issue order. */
export const STREAM_CHUNK_BYTES = 1 << 20;

function papaConfig(s: Sniffed) {
  return { delimiter: s.delimiter, newline: s.newline, header: false, skipEmptyLines: false } as const;
}

/** Streams a file's records (see lineReader, then papaparse); memory stays bounded by the chunk size. */
export function streamFile(path: string, s: Sniffed, h: StreamHandlers): Promise<void> {
  return new Promise((resolve, reject) => {
    const file = createReadStream(path, { start: s.bom ? 3 : 0, highWaterMark: STREAM_CHUNK_BYTES });
    const st: ReadState = { row: 0, headerSeen: false, replacementSeen: false };
    const lines = lineReader(h, st, s);
    /** papaparse's input, once a quote was seen */
    let papa: Readable | null = null;
    const decoder = new StringDecoder("utf8");
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      file.destroy();
      papa?.destroy();
      reject(e);
    };
    const toPapaparse = (text: string) => {
      if (!st.replacementSeen && text.includes("\uFFFD")) st.replacementSeen = true;
      papa!.push(text);
    };
    const startPapaparse = () => {
      const input = new Readable({ read() {}, encoding: "utf8" });
      const collect = collector(h, st);
      Papa.parse(input as unknown as File, {
        ...papaConfig(s),
        chunk: (res: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
          if (failed) return;
          try {
            collect(res.data, res.errors);
            h.onProgress?.(file.bytesRead);
          } catch (e) {
            parser.abort();
            fail(e);
          }
        },
        complete: () => failed || resolve(),
        error: (e: Error) => fail(e),
      });
      return input;
    };
    file.on("data", (data) => {
      if (failed) return;
      const chunk = data as Buffer;
      if (papa !== null) return toPapaparse(decoder.write(chunk));
      try {
        if (lines.lines(chunk)) return void h.onProgress?.(file.bytesRead);
        papa = startPapaparse();
        toPapaparse(decoder.write(Buffer.concat([lines.rest, chunk])));
      } catch (e) {
        fail(e);
      }
    });
    file.on("end", () => {
      if (failed) return;
      if (papa !== null) {
        toPapaparse(decoder.end());
        return void papa.push(null);
      }
      try {
        lines.end();
        resolve();
      } catch (e) {
        fail(e);
      }
    });
    file.on("error", fail);
  });
}

/** Parses CSV text already in memory (stdin, tests) the same way as a file. */
export function parseText(text: string, file: string | undefined, h: StreamHandlers): Sniffed {
  const bytes = Buffer.from(text, "utf8");
  const s = sniff(bytes.subarray(0, SNIFF_BYTES), bytes.length, file);
  const body = s.bom ? bytes.subarray(3) : bytes;
  const st: ReadState = { row: 0, headerSeen: false, replacementSeen: false };
  const lines = lineReader(h, st, s);
  if (lines.lines(body)) lines.end();
  else {
    const rest = body.toString("utf8");
    st.replacementSeen = rest.includes("\uFFFD");
    const res = Papa.parse<string[]>(rest, papaConfig(s));
    collector(h, st)(res.data, res.errors);
  }
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
