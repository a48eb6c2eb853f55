/**
 * CSV text in and out. Reading sniffs the encoding, delimiter and line ending from the first bytes, then
 * streams records: lines without quotes are split here (see lineReader), text from the first quote on goes
 * through papaparse. Writing quotes as RFC 4180 and neutralises spreadsheet formulas.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { isUtf8 } from "node:buffer";
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
  /** set for a UTF-16 file (read as UTF-8 after decoding) */
  encoding?: "utf-16le" | "utf-16be";
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
  if (body.includes(0)) {
    // binary data (a zip, an .xlsx) holds NULs everywhere; a text file with a stray one gets its row and column
    // from the reader
    let nuls = 0;
    for (let i = body.indexOf(0); i >= 0; i = body.indexOf(0, i + 1)) nuls++;
    const firstBreak = body.findIndex((c) => c === 0x0a || c === 0x0d);
    const inHeader = body.indexOf(0) < (firstBreak < 0 ? body.length : firstBreak);
    if (inHeader || nuls > Math.max(1, body.length / 1024)) fail(file, "this is not a text file (it holds NUL bytes); expected a CSV file saved as text (UTF-8)", "UTF-8 text", "binary data");
  }
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

/** "utf-16le" or "utf-16be" when the bytes start with that byte-order mark (Excel's "Unicode text" is UTF-16 LE). */
export function utf16Bom(head: Uint8Array): "utf-16le" | "utf-16be" | null {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  return null;
}

/** UTF-16 bytes as they arrive → UTF-8 bytes (the BOM dropped), so that the reader needs to know only UTF-8. */
async function* utf16ToUtf8(chunks: AsyncIterable<Uint8Array>, encoding: "utf-16le" | "utf-16be"): AsyncIterable<Uint8Array> {
  const decoder = new TextDecoder(encoding);
  for await (const c of chunks) {
    const text = decoder.decode(c, { stream: true });
    if (text) yield Buffer.from(text, "utf8");
  }
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest, "utf8");
}

/** Bytes of a whole file or stream as text: UTF-8 (BOM dropped), or UTF-16 with its BOM. */
export function decodeText(bytes: Uint8Array): string {
  const enc = utf16Bom(bytes);
  if (enc) return new TextDecoder(enc).decode(bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/** Reads and sniffs the first bytes of a file. */
export async function sniffFile(path: string, name: string = path): Promise<Sniffed & { size: number }> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    await fh.read(buf, 0, buf.length, 0);
    const enc = utf16Bom(buf);
    if (enc !== null) {
      // an even number of bytes: no character cut in two
      const text = new TextDecoder(enc).decode(buf.subarray(0, buf.length - (buf.length % 2)));
      const utf8 = Buffer.from(text.replace(/^\uFEFF/, ""), "utf8");
      return { ...sniff(utf8.subarray(0, SNIFF_BYTES), size > buf.length ? Number.POSITIVE_INFINITY : utf8.length, name), bom: false, encoding: enc, size };
    }
    return { ...sniff(buf, size, name), size };
  } finally {
    await fh.close();
  }
}

export interface StreamHandlers {
  onHeader(fields: string[]): void;
  /** records in batches (quote errors found with a batch come before it) */
  onRecords?(rows: { fields: string[]; row: number; lines?: number }[]): void;
  /**
   * when given, each record instead of onRecords (a quote error comes before the record it was found with);
   * `replacementSeen` is false while no U+FFFD (undecodable bytes) has occurred anywhere in the text read so far;
   * `lines`: the lines of the file the record took (more than 1 when a quoted cell holds line breaks)
   */
  onRecord?(fields: string[], row: number, replacementSeen: boolean, lines: number): void;
  /**
   * Optional, with onRecord: a record from a line without quotes, as UTF-8 `bytes` from `start` to `end` (its
   * fields are that text split on the delimiter), offered before any text is decoded. true: handled (the bytes
   * are valid only during the call); false: the record goes on to onRecord.
   */
  onLine?(bytes: Buffer, start: number, end: number, row: number, replacementSeen: boolean): boolean;
  /**
   * a row papaparse could not read: `lines` it took, `column` (0-based) where an unclosed quote opened;
   * `unclosed`: the quote is never closed, so the row runs to the end of the file
   */
  onQuoteError(row: number, message: string, info?: { lines: number; column?: number; unclosed: boolean }): void;
  /**
   * Optional: a cell that does not start with a quote but holds one (`mot"her`, `5"`). It is read as written, quote
   * included, as papaparse and other readers do; called before the record, so the value is not taken silently.
   */
  onStrayQuote?(row: number, column: number, value: string): void;
  onProgress?(bytesRead: number): void;
}

/** What the line reader and papaparse share: the last spreadsheet row read, and whether the header was. */
interface ReadState {
  row: number;
  headerSeen: boolean;
  /** true once the text read holds a U+FFFD (literal, or decoded from bytes that are not UTF-8), before any of it is parsed */
  replacementSeen: boolean;
  /** true once a NUL byte was read: then every record is searched for it */
  nulSeen?: boolean;
  header?: string[];
  file?: string | undefined;
  /** a part of a file after its header (FilePart): the row number the header leaves, so rows go on from there */
  rowAfterHeader?: number;
}

/** A NUL in a record: the file is refused, naming the row and the column (text with NULs is not a CSV). */
function nulError(st: ReadState, row: number, column: number): never {
  const name = st.header?.[column]?.trim() || `${column + 1}`;
  const issue = makeIssue("invalid_value", "error", { item: name, received: "a NUL byte", expected: "text: a NUL byte is never part of a CSV file (the file may be damaged or partly binary)" });
  if (st.file !== undefined) issue.file = st.file;
  issue.row = row;
  throw new FileError(`${st.file ?? "input"}: row ${row}, column ${name}: the cell holds a NUL byte; expected text (the file may be damaged or partly binary)`, issue);
}

function checkNul(st: ReadState, fields: readonly string[], row: number): void {
  for (let k = 0; k < fields.length; k++) if (fields[k]!.includes("\u0000")) nulError(st, row, k);
}

/** Line breaks of any kind in `s` (CRLF counts once): the lines a cell adds to its row in a text editor. */
export function lineBreaks(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  for (let i = s.indexOf("\r"); i >= 0; i = s.indexOf("\r", i + 1)) if (s.charCodeAt(i + 1) !== 10) n++;
  return n;
}

/** the lines a record took: 1 plus the line breaks in its cells (a CRLF row in an LF file ends in a lone CR) */
function recordLines(fields: readonly string[]): number {
  let lines = 1;
  for (const f of fields) if (f.length > 0 && (f.includes("\n") || f.includes("\r"))) lines += lineBreaks(f);
  const last = fields[fields.length - 1]!;
  if (lines > 1 && last.charCodeAt(last.length - 1) === 13) lines--;
  return lines;
}

/** A row running over more lines than this is not a row with a long note but a quote out of place. */
export const MAX_ROW_LINES = 100;

/**
 * Why a record that took several lines is not one row but a quote that swallowed rows, or null when it is a row
 * (a cell with a few line breaks). Swallowed: the record has not the header's number of fields, or it runs over
 * MAX_ROW_LINES lines, or a line inside it holds as many delimiters as a whole row.
 */
export function swallowedRows(fields: readonly string[], lines: number, nColumns: number, delimiter: string): { column: number; reason: string } | null {
  if (lines <= 1) return null;
  let column = fields.findIndex((f) => f.includes("\n") || f.includes("\r"));
  if (column < 0) column = 0;
  if (fields.length !== nColumns) return { column, reason: `it has ${fields.length} fields where the header has ${nColumns}` };
  if (lines > MAX_ROW_LINES) return { column, reason: `a row of more than ${MAX_ROW_LINES} lines is not plausible` };
  const parts = fields.join(delimiter).split(/\r\n|\r|\n/);
  const whole = Math.max(1, nColumns - 1);
  for (let k = 1; k < parts.length; k++) if (parts[k]!.split(delimiter).length - 1 >= whole) return { column, reason: `line ${k + 1} of it holds ${parts[k]!.split(delimiter).length - 1} delimiters, as a whole row does` };
  return null;
}

/** papaparse's results → handlers; rows continue from `st.row` */
function collector(h: StreamHandlers, st: ReadState, s: Sniffed) {
  /**
   * `textLines`: the lines of the text parsed, when known; equal to the records, no record took two. `text`: the
   * text the records were parsed from (from its start), to find stray quotes in.
   */
  return (data: string[][], errors: Papa.ParseError[], textLines: number | undefined, text: string) => {
    const oneLineEach = textLines === data.length;
    // data[i] is spreadsheet row base + i + 1 (empty lines count)
    const base = st.row;
    st.row += data.length;
    let first = 0;
    if (!st.headerSeen && data.length > 0) {
      st.headerSeen = true;
      first = 1;
      st.header = data[0]!;
      // a file is cut into parts only where no quote came before (FilePart): a header read here is never a later part's
      if (st.rowAfterHeader !== undefined) throw new Error("a part of a file after its header has a header with a quote");
      if (st.nulSeen) checkNul(st, data[0]!, base + 1);
      h.onHeader(data[0]!);
    }
    if (st.nulSeen) for (let i = first; i < data.length; i++) checkNul(st, data[i]!, base + i + 1);
    let bad: Map<number, Papa.ParseError> | null = null;
    for (const e of errors) if (e.row !== undefined && e.type === "Quotes") (bad ??= new Map()).set(e.row, e);
    if (bad !== null)
      for (let i = first; i < data.length; i++) {
        const e = bad.get(i);
        if (e === undefined) continue;
        const fields = data[i]!;
        const unclosed = e.code === "MissingQuotes";
        // an unclosed cell ends with the file, often with its last line break
        const last = fields[fields.length - 1]!;
        const lines = recordLines(fields) - (unclosed && /[\r\n]$/.test(last) ? 1 : 0);
        h.onQuoteError(base + i + 1, e.message, { lines, unclosed, ...(unclosed ? { column: fields.length - 1 } : {}) });
      }
    const strays = h.onStrayQuote !== undefined && anyQuote(data, first, bad) ? strayQuotes(text, s.delimiter, s.newline) : null;
    const one = h.onRecord !== undefined;
    const out: { fields: string[]; row: number; lines?: number }[] | null = one ? null : [];
    for (let i = first; i < data.length; i++) {
      const fields = data[i]!;
      if (bad !== null && bad.has(i)) continue;
      const stray = strays?.get(i);
      if (stray !== undefined) for (const k of stray) if (k < fields.length) h.onStrayQuote!(base + i + 1, k, fields[k]!);
      // an empty line is not a record, but it still has a spreadsheet row number
      if (fields.length === 1 && fields[0] === "") continue;
      const lines = oneLineEach ? 1 : recordLines(fields);
      if (one) {
        // let go of each row once handed on: rows still held when the young generation is collected get
        // copied, and after a second collection promoted
        (data as (string[] | undefined)[])[i] = undefined;
        h.onRecord!(fields, base + i + 1, st.replacementSeen, lines);
      } else out!.push(lines === 1 ? { fields, row: base + i + 1 } : { fields, row: base + i + 1, lines });
    }
    if (out !== null && out.length) h.onRecords?.(out);
  };
}

/** whether a record read well (not in `bad`) holds a quote in a value: only then can a cell hold a stray one */
function anyQuote(data: readonly string[][], first: number, bad: ReadonlyMap<number, unknown> | null): boolean {
  for (let i = first; i < data.length; i++) {
    if (bad !== null && bad.has(i)) continue;
    const fields = data[i]!;
    for (let k = 0; k < fields.length; k++) if (fields[k]!.includes('"')) return true;
  }
  return false;
}

/**
 * The cells of `text` that hold a quote without starting with one, by record (numbered from 0 as papaparse numbers
 * the records of the text) and column (from 0). RFC 4180 allows a quote only in a quoted cell, doubled; papaparse,
 * like most readers, keeps one elsewhere as text. Records end at `newline` outside quoted cells, as papaparse's.
 */
export function strayQuotes(text: string, delimiter: string, newline: string): Map<number, number[]> {
  const found = new Map<number, number[]>();
  const d0 = delimiter.charCodeAt(0);
  const n0 = newline.charCodeAt(0);
  let record = 0;
  let column = 0;
  let start = true;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c !== 0x22) continue;
      // a doubled quote is one quote of the value; a single one closes the cell
      if (text.charCodeAt(i + 1) === 0x22) i++;
      else quoted = false;
      continue;
    }
    if (c === d0 && text.startsWith(delimiter, i)) {
      i += delimiter.length - 1;
      column++;
      start = true;
      continue;
    }
    if (c === n0 && text.startsWith(newline, i)) {
      i += newline.length - 1;
      record++;
      column = 0;
      start = true;
      continue;
    }
    if (c === 0x22) {
      if (start) quoted = true;
      else {
        const at = found.get(record);
        if (at === undefined) found.set(record, [column]);
        else if (at[at.length - 1] !== column) at.push(column);
      }
    }
    start = false;
  }
  return found;
}

/** A cell with a stray quote and how CSV writes it, for messages (the readers warn and read it as written; the app refuses it). */
export function strayQuoteText(value: string): string {
  return `${JSON.stringify(value)} holds a quote, but the cell does not start with one; in CSV a quote belongs only in a quoted cell, doubled ("${value.replace(/"/g, '""')}")`;
}

const QUOTE = 0x22;
const REPLACEMENT = Buffer.from("\uFFFD", "utf8");
const EMPTY = Buffer.alloc(0);

/** Bytes read per chunk from a file. */
export const STREAM_CHUNK_BYTES = 1 << 20;
/** Text is read in pieces of this many bytes (a chunk is 16 of them), in memory as from a file. */
const PIECE_BYTES = 1 << 16;
/**
 * A row still open inside quotes after this many bytes (a quote never closed, most likely) sends the rest of the
 * text to papaparse in whole chunks, as papaparse streams a file, so that it is not parsed again with every piece.
 */
const OPEN_ROW_BYTES = 1 << 22;

/**
 * Records from CSV bytes, as papaparse gives them for the whole text, read piece by piece.
 *
 * A line without a quote character, outside quotes, is a record whose fields are the line split on the
 * delimiter; papaparse's own fast mode does the same. Such lines are read here from the bytes, and onLine may
 * take one before any of it is decoded. A line not taken is decoded on its own, which gives the same text as
 * decoding the whole file: a line break is never part of a UTF-8 sequence.
 *
 * From a line that holds a quote, papaparse's parser reads that line and the lines after it that hold a quote,
 * then 1, 2, 4, … more whole lines until the rows in them are complete (a quoted field may hold line breaks).
 * So quoted fields, escaped quotes and quote errors are papaparse's alone, and a few quoted cells do not slow
 * down the rest of the file. Quote errors are reported before the records read with them.
 */
function recordReader(h: StreamHandlers, st: ReadState, s: Sniffed, pieceBytes = PIECE_BYTES) {
  const { delimiter } = s;
  const nl = Buffer.from(s.newline, "latin1");
  const nlLen = nl.length;
  const nlLast = nl[nlLen - 1]!;
  const one = h.onRecord !== undefined;
  // Papa.Parser is the parser Papa.parse itself runs; papaparse exports it without documenting it, so
  // tests/reader.test.ts holds what this reader gives to what Papa.parse gives for the whole text
  const parser = new Papa.Parser({ delimiter, newline: s.newline });
  const collect = collector(h, st, s);
  /** bytes not yet read: the start of a row whose end has not been read yet */
  let carry: Buffer = EMPTY;
  /** pieces after `carry` in which it cannot end (see piece()) */
  const held: Buffer[] = [];
  let heldBytes = 0;
  /** the row in `carry` is open inside quotes */
  let open = false;
  /** once a row stayed open too long: papaparse reads the rest as text */
  let streaming: { decoder: StringDecoder; partial: string } | null = null;
  let batch: { fields: string[]; row: number }[] = [];

  const fields = (bytes: Buffer, a: number, b: number) => bytes.toString("utf8", a, b).split(delimiter);
  /** whole lines only, so that no UTF-8 sequence is cut */
  const seeReplacement = (bytes: Buffer, a: number, b: number) => {
    if (st.replacementSeen || a >= b) return;
    const part = bytes.subarray(a, b);
    if (!isUtf8(part) || part.includes(REPLACEMENT)) st.replacementSeen = true;
  };
  const flush = () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    h.onRecords?.(rows);
  };
  /** papaparse's rows of `text` (ignoreLast: an unfinished last row is left); returns where it stopped */
  const parse = (text: string, ignoreLast: boolean) => parser.parse(text, 0, ignoreLast) as { data: string[][]; errors: Papa.ParseError[]; meta: { cursor: number } };
  const papaparse = (text: string, ignoreLast: boolean): number => {
    if (!st.replacementSeen && text.includes("\uFFFD")) st.replacementSeen = true;
    flush();
    const res = parse(text, ignoreLast);
    collect(res.data, res.errors, undefined, text);
    return res.meta.cursor;
  };
  /** a line without quotes, bytes[a, b) */
  const line = (bytes: Buffer, a: number, b: number) => {
    const row = ++st.row;
    if (st.nulSeen) {
      const z = bytes.indexOf(0, a);
      if (z >= 0 && z < b) nulError(st, row, bytes.toString("utf8", a, z).split(delimiter).length - 1);
    }
    if (!st.headerSeen) {
      st.headerSeen = true;
      st.header = fields(bytes, a, b);
      h.onHeader(st.header);
      if (st.rowAfterHeader !== undefined) st.row = st.rowAfterHeader;
    } else if (a === b) {
      // an empty line is not a record, but it still has a spreadsheet row number
    } else if (one) {
      if (h.onLine === undefined || !h.onLine(bytes, a, b, row, st.replacementSeen)) h.onRecord!(fields(bytes, a, b), row, st.replacementSeen, 1);
    } else batch.push({ fields: fields(bytes, a, b), row });
  };
  /**
   * Rows from bytes[a, …), a row's start at a line holding a quote, up to `end` (just after a line break):
   * papaparse on the lines from `a` that hold a quote, then on 1, 2, 4, … more whole lines until every row in
   * them is complete. Returns where they end, or -1 when a row is still open at `end`.
   */
  const quoted = (bytes: Buffer, a: number, end: number): number => {
    // the run of lines holding a quote: one parse for a file whose every cell is quoted, one line for a stray quote
    let b = bytes.indexOf(nl, a) + nlLen;
    // lines in bytes[a, b): as many as records means no record took more than one
    let n = 1;
    for (let q = bytes.indexOf(QUOTE, b); q >= 0 && b < end; q = bytes.indexOf(QUOTE, b)) {
      const i = bytes.indexOf(nl, b);
      if (q > i) break;
      b = i + nlLen;
      n++;
    }
    for (let more = 1; ; more *= 2) {
      const text = bytes.toString("utf8", a, b);
      // nothing is handed on until every row in the lines is complete (U+FFFD: lines() looked)
      const res = parse(text, true);
      if (res.meta.cursor === text.length) {
        collect(res.data, res.errors, n, text);
        return b;
      }
      if (b >= end) return -1;
      for (let k = 0; k < more && b < end; k++) {
        b = bytes.indexOf(nl, b) + nlLen;
        n++;
      }
    }
  };
  /** the whole lines of bytes[0, end): lines without quotes here, others through `quoted` */
  const lines = (bytes: Buffer, end: number): number => {
    seeReplacement(bytes, 0, end);
    let p = 0;
    let q = bytes.indexOf(QUOTE);
    while (p < end) {
      // a one-byte line break is searched as a number: Buffer.indexOf of a Buffer costs more per line
      const i = nlLen === 1 ? bytes.indexOf(nlLast, p) : bytes.indexOf(nl, p);
      if (q < 0 || q > i) {
        line(bytes, p, i);
        p = i + nlLen;
        continue;
      }
      flush();
      const r = quoted(bytes, p, end);
      if (r < 0) {
        open = true;
        return p;
      }
      p = r;
      q = bytes.indexOf(QUOTE, p);
    }
    return p;
  };
  const stream = (text: string, final: boolean) => {
    const all = streaming!.partial + text;
    const cursor = papaparse(all, !final);
    streaming!.partial = final ? "" : all.slice(cursor);
  };
  const piece = (bytes: Buffer) => {
    // one search per piece; only once a NUL was read is each record searched
    if (!st.nulSeen && bytes.includes(0)) st.nulSeen = true;
    if (streaming !== null) return stream(streaming.decoder.write(bytes), false);
    // held, not joined to the carry again with every piece: an open quoted field cannot end in a piece without a
    // quote, nor a line in a piece without the last byte of a line break
    if (open ? !bytes.includes(QUOTE) : !bytes.includes(nlLast)) {
      held.push(Buffer.from(bytes));
      heldBytes += bytes.length;
      if (open && carry.length + heldBytes > OPEN_ROW_BYTES) {
        streaming = { decoder: new StringDecoder("utf8"), partial: "" };
        const rest = Buffer.concat([carry, ...held.splice(0)]);
        carry = EMPTY;
        stream(streaming.decoder.write(rest), false);
      }
      return;
    }
    const region = carry.length === 0 && held.length === 0 ? bytes : Buffer.concat([carry, ...held.splice(0), bytes]);
    heldBytes = 0;
    open = false;
    const last = region.lastIndexOf(nl);
    // no line ends here (a CRLF split between pieces is whole again once the next piece is added)
    const end = last < 0 ? 0 : last + nlLen;
    const p = end === 0 ? 0 : lines(region, end);
    // kept as a copy: the chunk's memory may be reused
    carry = p < region.length ? Buffer.from(region.subarray(p)) : EMPTY;
    flush();
  };
  return {
    /** reads the rows of the bytes so far, in pieces; a row not yet ended waits for the next bytes */
    push(chunk: Buffer): void {
      for (let p = 0; p < chunk.length; p += pieceBytes) piece(chunk.subarray(p, Math.min(chunk.length, p + pieceBytes)));
    },
    /** at the end of the text: the row not yet ended, if any */
    end(): void {
      if (streaming !== null) return stream(streaming.decoder.end(), true);
      const rest = Buffer.concat([carry, ...held.splice(0)]);
      carry = EMPTY;
      if (rest.length === 0) return;
      seeReplacement(rest, 0, rest.length);
      if (rest.includes(QUOTE)) papaparse(rest.toString("utf8"), false);
      else line(rest, 0, rest.length);
      flush();
    },
  };
}

/**
 * A part of a UTF-8 file read as if it were the whole file, for readers that share a file out between threads
 * (src/io/results-thread.ts): bytes [start, end) after the header, whose rows are numbered as in the whole file.
 * The caller cuts only where the whole file's reader would see the same lines: after a line break, with no quote
 * and no U+FFFD (nor bytes that are not UTF-8) before the cut, since a quote or a replacement changes how the lines
 * after it are read.
 */
export interface FilePart {
  /** the part's first byte: 0 for the part that holds the header, else just after a line break */
  start: number;
  /** the byte after the part, just after a line break; none: the file's end, as it is when reached */
  end?: number;
  /** for a part after the first: the byte just after the header's line break */
  headerEnd?: number;
  /** for a part after the first: the spreadsheet row of its first line */
  firstRow?: number;
}

/**
 * Streams a file's records (see recordReader); memory stays bounded by the chunk size and the longest row. With a
 * `part`, only that part (and, for a later part, the header before it).
 */
export async function streamFile(path: string, s: Sniffed, h: StreamHandlers, name: string = path, part?: FilePart): Promise<void> {
  let start = s.bom ? 3 : s.encoding ? 2 : 0;
  const st: ReadState = { row: 0, headerSeen: false, replacementSeen: false, file: name };
  const reader = recordReader(h, st, s);
  if (part !== undefined && part.start > 0) {
    if (s.encoding || part.headerEnd === undefined || part.firstRow === undefined) throw new Error("streamFile: a later part of a UTF-8 file needs its header's end and its first row");
    // the header first, then the part's lines, numbered on from firstRow
    st.rowAfterHeader = part.firstRow - 1;
    for await (const chunk of createReadStream(path, { start, end: part.headerEnd - 1 })) reader.push(chunk as Buffer);
    start = part.start;
  }
  const file = createReadStream(path, { start, highWaterMark: STREAM_CHUNK_BYTES, ...(part?.end !== undefined ? { end: part.end - 1 } : {}) });
  // a handler's error ends the loop, which closes the file
  if (s.encoding) {
    for await (const chunk of utf16ToUtf8(file, s.encoding)) {
      reader.push(chunk as Buffer);
      h.onProgress?.(file.bytesRead);
    }
  } else
    for await (const chunk of file) {
      reader.push(chunk as Buffer);
      h.onProgress?.(file.bytesRead);
    }
  reader.end();
}

/**
 * Reads bytes as they arrive (standard input) the same way as a file, with bounded memory: the first 64 KB are
 * sniffed (`sniffed` is called before any record), then everything goes through the same reader.
 */
export async function streamChunks(chunks: AsyncIterable<Uint8Array>, file: string | undefined, h: StreamHandlers, sniffed: (s: Sniffed) => void): Promise<Sniffed> {
  const first = await firstBytes(chunks);
  const enc = utf16Bom(first.head);
  const body = enc ? utf16ToUtf8(first.all, enc) : first.all;
  const s = await streamUtf8(body, file, h, sniffed);
  if (enc) s.encoding = enc;
  return s;
}

/** the first bytes of a stream (at least 2, unless it ends first), and the whole stream again */
async function firstBytes(chunks: AsyncIterable<Uint8Array>): Promise<{ head: Uint8Array; all: AsyncIterable<Uint8Array> }> {
  const it = chunks[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let n = 0;
  while (n < 2) {
    const r = await it.next();
    if (r.done) break;
    taken.push(r.value);
    n += r.value.length;
  }
  async function* all() {
    yield* taken;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { head: Buffer.concat(taken), all: all() };
}

async function streamUtf8(chunks: AsyncIterable<Uint8Array>, file: string | undefined, h: StreamHandlers, sniffed: (s: Sniffed) => void): Promise<Sniffed> {
  const head: Buffer[] = [];
  let headBytes = 0;
  let total = 0;
  let reader: ReturnType<typeof recordReader> | null = null;
  let s: Sniffed | undefined;
  const start = (ended: boolean) => {
    const all = Buffer.concat(head.splice(0));
    // not ended: more may follow, so a first row without a line break in 64 KB is too long
    s = sniff(all.subarray(0, SNIFF_BYTES), ended ? all.length : Number.POSITIVE_INFINITY, file);
    sniffed(s);
    const r = recordReader(h, { row: 0, headerSeen: false, replacementSeen: false, file }, s);
    r.push(s.bom ? all.subarray(3) : all);
    return r;
  };
  for await (const c of chunks) {
    const bytes = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    total += bytes.length;
    if (reader !== null) reader.push(bytes);
    else {
      head.push(bytes);
      headBytes += bytes.length;
      if (headBytes >= SNIFF_BYTES) reader = start(false);
    }
    h.onProgress?.(total);
  }
  (reader ?? start(true)).end();
  return s!;
}

/**
 * Parses CSV text already in memory (stdin, tests) the same way as a file. `pieceBytes` is for tests, which read
 * text in tiny pieces to put piece boundaries everywhere.
 */
export function parseText(text: string, file: string | undefined, h: StreamHandlers, pieceBytes = PIECE_BYTES): Sniffed {
  const bytes = Buffer.from(text, "utf8");
  const s = sniff(bytes.subarray(0, SNIFF_BYTES), bytes.length, file);
  const reader = recordReader(h, { row: 0, headerSeen: false, replacementSeen: false, file }, s, pieceBytes);
  reader.push(s.bom ? bytes.subarray(3) : bytes);
  reader.end();
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

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  // concatenated in a loop: no array of cells per line (tables of a million lines)
  let line = "";
  for (let i = 0; i < cells.length; i++) line += i === 0 ? csvCell(cells[i]) : "," + csvCell(cells[i]);
  return line + "\n";
}

/** Up to 6 decimals, no trailing zeros, no exponent: stable across runs and platforms. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return "";
  // a safe integer prints the same digits through String as through toFixed; -0 prints as "0" either way
  if (Number.isSafeInteger(x)) return String(x);
  // a number of tenths (most scores and changes): toFixed(6) would give its one decimal and zeros, since below 1e9
  // a double is within 1e-7 of the tenth it is nearest to
  if (x < 1e9 && x > -1e9) {
    const tenths = Math.round(x * 10);
    if (tenths / 10 === x) {
      const a = tenths < 0 ? -tenths : tenths;
      return `${tenths < 0 ? "-" : ""}${(a - (a % 10)) / 10}.${a % 10}`;
    }
  }
  // trailing zeros, then a bare point, cut without a regex (what /\.?0+$/ removes from toFixed's digits)
  const t = x.toFixed(6);
  let end = t.length;
  while (t.charCodeAt(end - 1) === 48) end--;
  if (t.charCodeAt(end - 1) === 46) end--;
  const s = end === t.length ? t : t.slice(0, end);
  return s === "-0" ? "0" : s;
}

/**
 * How a CSV output is written. standard: comma, decimal point, UTF-8 without BOM, LF. excel-da: what Danish Excel
 * opens as it comes: semicolon, decimal comma, UTF-8 with a byte-order mark (so æøå and ≤ show), CRLF.
 */
export interface CsvDialect {
  name: "standard" | "excel-da";
  delimiter: "," | ";";
  decimalComma: boolean;
  /** a UTF-8 byte-order mark before the header */
  bom: boolean;
  eol: "\n" | "\r\n";
}

export const CSV_DIALECTS = {
  standard: { name: "standard", delimiter: ",", decimalComma: false, bom: false, eol: "\n" },
  "excel-da": { name: "excel-da", delimiter: ";", decimalComma: true, bom: true, eol: "\r\n" },
} as const satisfies Record<string, CsvDialect>;

export type DialectName = keyof typeof CSV_DIALECTS;

/** csvLine in a dialect (the standard one is csvLine itself). */
export function csvLineIn(d: CsvDialect, cells: readonly (string | number | boolean | null | undefined)[]): string {
  if (d.name === "standard") return csvLine(cells);
  return cells.map((c) => (typeof c === "number" && d.decimalComma ? formatNumber(c).replace(".", ",") : csvCell(c))).join(d.delimiter) + d.eol;
}

/** The header line in a dialect: with the byte-order mark where the dialect has one. */
export const csvHeaderIn = (d: CsvDialect, names: readonly string[]): string => (d.bom ? "\uFEFF" : "") + csvLineIn(d, names);
