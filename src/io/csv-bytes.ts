/**
 * CSV written straight to UTF-8 bytes in a reused buffer: the bytes of csvCell's and csvLineIn's text, without
 * building the text. Plain ASCII text and numbers are written byte by byte; a cell that is quoted, guarded
 * against formulas or not ASCII goes through csvCell once and its bytes are remembered. tests/csv-bytes.test.ts
 * holds the bytes equal to the text's on random cells in both dialects.
 */
import { remember } from "../memo.js";
import { ByteChunks } from "./byte-chunks.js";
import { csvCell, formatNumber, type CsvDialect } from "./csv.js";

export type CsvValue = string | number | boolean | null | undefined;

/** Bytes gathered before they are handed on. */
export const CSV_BYTES_CAPACITY = 1 << 16;
const MEMO_SIZE = 4096;
/** longer cells are encoded each time: the memo's memory stays small */
const MEMO_MAX_CHARS = 256;
/** formatNumber's text is at most a sign, 21 digits, a point and 6 decimals (an exponent form is shorter) */
const NUMBER_BYTES = 32;

/** numbers below this in size are written to six decimals from integers (CsvBytes.sixDecimals): 2^33 / 10^6 */
const SIX_DECIMALS_BELOW = 8589;

/** ASCII codes csvCell quotes a cell for (its NEEDS_QUOTES: " , CR LF ; tab) */
const QUOTES = new Uint8Array(128);
for (const c of '",\r\n;\t') QUOTES[c.charCodeAt(0)] = 1;
/** first characters csvCell may guard with an apostrophe (its FORMULA_START: = + - @ tab CR) */
const FORMULA = new Uint8Array(128);
for (const c of "=+-@\t\r") FORMULA[c.charCodeAt(0)] = 1;

/** The decimal digits of a whole number 0 ≤ a < 2^53 (String(a)) at buf[at…); returns the end. */
function writeDigits(buf: Buffer, at: number, a: number): number {
  let n = 1;
  for (let p = 10; p <= a; p *= 10) n++;
  const end = at + n;
  if (a < 2147483648) {
    // in 32-bit integers: a double's % is a slow call
    let v = a | 0;
    for (let i = end - 1; i > at; i--) {
      const q = (v / 10) | 0;
      buf[i] = 48 + v - q * 10;
      v = q;
    }
    buf[at] = 48 + v;
    return end;
  }
  for (let i = end - 1; i >= at; i--) {
    const d = a % 10;
    buf[i] = 48 + d;
    a = (a - d) / 10;
  }
  return end;
}

/**
 * A CSV output in a dialect as bytes: text (a header line, at the start of a line), cells and line ends, handed to
 * `sink` in pieces of whole characters when the buffer is full and by flush().
 */
export class CsvBytes extends ByteChunks {
  private lineStart = true;
  private readonly memo = new Map<string, Uint8Array>();
  private readonly delimiter: number;
  private readonly point: number;
  private readonly eol: Buffer;

  constructor(d: CsvDialect, sink: (bytes: Uint8Array) => void) {
    super(sink, CSV_BYTES_CAPACITY);
    this.delimiter = d.delimiter.charCodeAt(0);
    // csvLineIn writes a number's point as a comma in a decimal-comma dialect, and never quotes it
    this.point = d.decimalComma ? 44 : 46;
    this.eol = Buffer.from(d.eol, "latin1");
  }

  /** The next cell of the line: the delimiter (but first on a line), then the cell as csvLineIn writes it. */
  cell(v: CsvValue): void {
    if (this.lineStart) this.lineStart = false;
    else {
      if (this.used === this.buf.length) this.flush();
      this.buf[this.used++] = this.delimiter;
    }
    if (v === null || v === undefined) return;
    if (typeof v === "number") this.number(v);
    else this.string(typeof v === "string" ? v : String(v));
  }

  /** The dialect's line end. */
  endLine(): void {
    if (this.used + 2 > this.buf.length) this.flush();
    for (let i = 0; i < this.eol.length; i++) this.buf[this.used++] = this.eol[i]!;
    this.lineStart = true;
  }

  /**
   * formatNumber's text: whole numbers and tenths as digits, else its own text. A number within 1e-9 of a tenth T,
   * below 1e6 (a sum or difference of tenths, as 0.7000000000000011), is T too: the double nearest T is within
   * 6e-11 of it there, so x is within 5e-7 of T and toFixed(6) rounds it to T, whose zeros formatNumber cuts.
   */
  private number(x: number): void {
    if (this.used + NUMBER_BYTES > this.buf.length) this.flush();
    const buf = this.buf;
    if (Number.isSafeInteger(x)) {
      // String(x): a sign, the digits; -0 as 0
      let at = this.used;
      if (x < 0) buf[at++] = 45;
      this.used = writeDigits(buf, at, x < 0 ? -x : x);
      return;
    }
    if (x < 1e9 && x > -1e9) {
      const tenths = Math.round(x * 10);
      const near = tenths / 10;
      if (near === x || (x < 1e6 && x > -1e6 && x - near < 1e-9 && near - x < 1e-9)) {
        // -0 has no sign; a whole T no point
        let at = this.used;
        if (tenths < 0) buf[at++] = 45;
        const a = tenths < 0 ? -tenths : tenths;
        const d = a % 10;
        at = writeDigits(buf, at, (a - d) / 10);
        if (d !== 0) {
          buf[at++] = this.point;
          buf[at++] = 48 + d;
        }
        this.used = at;
        return;
      }
    }
    if (x < SIX_DECIMALS_BELOW && x > -SIX_DECIMALS_BELOW && this.sixDecimals(x)) return;
    // ASCII: digits, sign, point
    const s = formatNumber(x);
    let at = this.used;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      buf[at++] = c === 46 ? this.point : c;
    }
    this.used = at;
  }

  /**
   * formatNumber's toFixed(6) text, cut of its trailing zeros, from integers: toFixed rounds |x|·10^6 to the nearest
   * integer n, up on a tie. Below 2^33, |x|·10^6 as a double is within 2^-20 of the exact product, so n follows from
   * it unless its fraction is within 1e-6 of ½: then false, and formatNumber decides.
   */
  private sixDecimals(x: number): boolean {
    const y = (x < 0 ? -x : x) * 1e6;
    const whole = Math.floor(y);
    const f = y - whole;
    if (f > 0.5 - 1e-6 && f < 0.5 + 1e-6) return false;
    const n = f > 0.5 ? whole + 1 : whole;
    const buf = this.buf;
    let at = this.used;
    // "-0" (a negative that rounds to 0) is written as 0
    if (x < 0 && n > 0) buf[at++] = 45;
    const frac = n % 1e6;
    at = writeDigits(buf, at, (n - frac) / 1e6);
    if (frac !== 0) {
      buf[at++] = this.point;
      let digits = frac;
      let width = 6;
      while (digits % 10 === 0) {
        digits /= 10;
        width--;
      }
      // leading zeros of the fraction, then its digits
      const end = at + width;
      for (let i = end - 1; i >= at; i--) {
        buf[i] = 48 + (digits % 10);
        digits = (digits - (digits % 10)) / 10;
      }
      at = end;
    }
    this.used = at;
    return true;
  }

  private string(s: string): void {
    const n = s.length;
    if (n === 0) return;
    // ASCII that csvCell leaves as it is (no quote, delimiter or line break; no formula start): copied code by code
    const first = s.charCodeAt(0);
    if (n <= this.buf.length && (first > 127 || FORMULA[first] === 0)) {
      if (this.used + n > this.buf.length) this.flush();
      const buf = this.buf;
      const at = this.used;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 127 || QUOTES[c] === 1) break;
        buf[at + i] = c;
      }
      if (i === n) {
        this.used = at + n;
        return;
      }
    }
    if (n > MEMO_MAX_CHARS) return this.text(csvCell(s));
    this.bytes(this.memo.get(s) ?? remember(this.memo, s, Buffer.from(csvCell(s), "utf8"), MEMO_SIZE));
  }

  private bytes(b: Uint8Array): void {
    if (this.used + b.length > this.buf.length) this.flush();
    this.buf.set(b, this.used);
    this.used += b.length;
  }
}
