/**
 * The long CSV output of a wide row, without building administrations or results, for the rows where
 * that is provably what the full path writes: the row reads without issues, every instrument in it is
 * either wholly blank or answered with plain values and blanks, and its scorer (compileFastScorer) accepts
 * them. The only issues of such a row are its scales' missing-item issues, which the scorer makes as the full
 * path does and `issues` hands on (with the file and row) in the full path's order. Any other row is left to
 * the full path, so issues and their order are unchanged.
 *
 * Rows are read as UTF-8 bytes (StreamHandlers.onLine), and their lines are gathered as UTF-8 bytes and handed
 * on in pieces of about 32 KB (take()), so no strings are built per row.
 */
import { compileFastScorer, fastFormRule, type FastScorer } from "../scoring/fast.js";
import type { Issue } from "../schema/results.js";
import { remember } from "../memo.js";
import { csvCell } from "./csv.js";
import { MAX_PACKED_BYTES, packCell } from "./packed-cells.js";
import { cellValue, isoDateBytesState, type Plan, type ReadOptions } from "./rows.js";

/**
 * Non-empty printable ASCII without " , ; and not starting like a formula (= + - @), in bytes[a, b): cellValue
 * and csvCell both give such a cell back as it is.
 */
export function plain(s: Uint8Array, a: number, b: number): boolean {
  if (a >= b) return false;
  const c0 = s[a]!;
  if (c0 === 61 || c0 === 43 || c0 === 45 || c0 === 64) return false;
  for (let i = a; i < b; i++) {
    const c = s[i]!;
    if (c < 33 || c > 126 || c === 34 || c === 44 || c === 59) return false;
  }
  return true;
}

/**
 * Splits a quote-free line, bytes[start, end), on `delim` into exactly `n` fields: field k is bytes[fs[k], fe[k]).
 * false when the line has another number of fields (the general path reports it).
 */
export function splitFields(bytes: Uint8Array, start: number, end: number, delim: number, n: number, fs: Int32Array, fe: Int32Array): boolean {
  let k = 0;
  fs[0] = start;
  for (let p = start; p < end; p++)
    if (bytes[p] === delim) {
      if (++k === n) return false;
      fe[k - 1] = p;
      fs[k] = p + 1;
    }
  if (k !== n - 1) return false;
  fe[k] = end;
  return true;
}

/** x[a, b) to `to` at p (small copies: Buffer.copy costs more than the loop); returns where it ends */
export const copyBytes = (to: Uint8Array, p: number, x: Uint8Array, a: number, b: number): number => {
  for (let i = a; i < b; i++) to[p++] = x[i]!;
  return p;
};

/**
 * Long CSV lines gathered as UTF-8 bytes: an administration's cells (subject, date, respondent: plain ASCII,
 * checked by the caller) once, then each scale's line, with those cells copied again before every line but the first.
 */
export class LineBytes {
  private buf = Buffer.allocUnsafe(FAST_PIECE_BYTES * 2);
  private pos = 0;
  private headStart = 0;
  private headLen = 0;
  private first = true;

  /** bytes gathered and not yet taken */
  get pending(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** begins an administration: its subject, date and respondent cells, src[s0, s1) … */
  head(src: Uint8Array, s0: number, s1: number, d0: number, d1: number, r0: number, r1: number): void {
    this.headLen = s1 - s0 + (d1 - d0) + (r1 - r0) + 3;
    this.room(this.headLen);
    const buf = this.buf;
    let pos = (this.headStart = this.pos);
    pos = copyBytes(buf, pos, src, s0, s1);
    buf[pos++] = 44;
    pos = copyBytes(buf, pos, src, d0, d1);
    buf[pos++] = 44;
    pos = copyBytes(buf, pos, src, r0, r1);
    buf[pos++] = 44;
    this.pos = pos;
    this.first = true;
  }

  /** one scale's line: the rest of it after the administration's cells */
  tail(bytes: Uint8Array): void {
    this.room(this.headLen + bytes.length);
    if (!this.first) this.pos = copyBytes(this.buf, this.pos, this.buf, this.headStart, this.headStart + this.headLen);
    this.first = false;
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** the gathered bytes, which are then cleared: valid only until the next head() */
  take(): Uint8Array {
    const bytes = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return bytes;
  }
}

/** an age_months cell readMeta takes without an issue, and that cellValue leaves as it is */
const PLAIN_AGE = /^\d{1,15}(\.\d{1,15})?$/;

const SHORT_CELL_MEMO = 10_000;

/** gathered text is handed on once it reaches this many bytes */
export const FAST_PIECE_BYTES = 1 << 15;

export interface FastLongRows {
  /**
   * true: the row's long CSV lines were added to the gathered text, and its issues are in `issues`; false: score
   * the row by the full path. `row`: the row number its issues name.
   */
  row(fields: readonly string[], replacementSeen: boolean, row?: number): boolean;
  /** the same for a row given as a line without quotes, UTF-8 bytes[start, end) (StreamHandlers.onLine) */
  line(bytes: Buffer, start: number, end: number, replacementSeen: boolean, row?: number): boolean;
  /** administrations in the row last taken */
  administrations: number;
  /** the issues of the row last taken (missing items), to hand on in this order; empty for most rows */
  readonly issues: Issue[];
  /** bytes gathered and not yet taken */
  readonly pending: number;
  /** the gathered text as UTF-8, which is then cleared: the bytes are valid only until the next row() */
  take(): Uint8Array;
  /** the row last taken, for results built from it (src/io/fast-results.ts): valid until the next row */
  readonly taken: FastTaken;
}

/** What a taken row holds beside its lines: the row's bytes and fields, and its administrations' scorers. */
export interface FastTaken {
  bytes: Buffer;
  /** field k is bytes[fs[k], fe[k]) */
  readonly fs: Int32Array;
  readonly fe: Int32Array;
  /** per administration (the first `administrations`): its scorer, its instrument's place in the plan */
  readonly scorers: FastScorer[];
  readonly instrument: Int32Array;
  /** per administration: its form chosen by fastFormRule's birth rule, 1 before birth, 2 from birth; 0 no rule */
  readonly birth: Uint8Array;
  /** per administration: the end of its issues in `issues` (as the result carries them: before subject and date) */
  readonly issueEnd: Int32Array;
  readonly issues: Issue[];
}

/** `lines`: false when only `taken` is read (no long CSV lines are gathered) */
export function fastLongRows(plan: Plan, opts: ReadOptions, lines = true): FastLongRows {
  const col = (c: keyof Plan["meta"]) => plan.meta[c] ?? -1;
  const iSubject = col("subject_id");
  const iDate = col("administered_on");
  const iResp = col("respondent");
  const iForm = col("form");
  const iBirth = col("birth_date");
  const iAge = col("age_months");
  const iSex = col("sex");
  const iCertified = col("coder_certified");
  const { unnamed, nColumns } = plan;
  const delimiter = opts.delimiter;
  const none = new Float64Array(0);
  const noneU8 = new Uint8Array(0);
  const file = opts.file;
  const rowIssues: Issue[] = [];
  const instruments = plan.instruments.map(({ inst, columns }) => {
    const names = columns.map((c) => c.name);
    // a form chosen per row (EPDS: antenatal before birth_date): one scorer per form, picked by the row's dates
    const rule = fastFormRule(inst);
    const byBirth = rule ? { before: compileFastScorer(inst, names, csvCell, rule.beforeBirth), after: compileFastScorer(inst, names, csvCell, rule.fromBirth) } : null;
    const scorer: FastScorer | null = byBirth ? (byBirth.before && byBirth.after ? byBirth.after : null) : compileFastScorer(inst, names, csvCell);
    // the scorer reads every column of the instrument in the file (else it is null)
    const index = new Map(columns.map((c) => [c.name, c.index]));
    const cols = scorer ? Int32Array.from(scorer.items, (id) => index.get(id)!) : Int32Array.from(columns, (c) => c.index);
    return { scorer, byBirth: scorer && byBirth ? (byBirth as { before: FastScorer; after: FastScorer }) : null, cols, intItem: scorer?.intItem ?? new Uint8Array(0), min: scorer?.min ?? none, max: scorer?.max ?? none };
  });
  // per scorer and item: the points of a short cell by its bytes (scorer.parse is pure); NaN: not the fast path's
  const shortMemo = new Map<FastScorer, Map<number, number>[]>();
  const shortCells = (scorer: FastScorer): Map<number, number>[] => {
    let m = shortMemo.get(scorer);
    if (m === undefined) shortMemo.set(scorer, (m = scorer.items.map(() => new Map())));
    return m;
  };
  /** instruments scored in the current row: the first nScored */
  const scored: FastScorer[] = [];
  let nScored = 0;

  const out8 = new LineBytes();

  /** the current row's fields: field k is bytes[fs[k], fe[k]) */
  const fs = new Int32Array(nColumns);
  const fe = new Int32Array(nColumns);
  const taken: FastTaken = { bytes: Buffer.alloc(0), fs, fe, scorers: scored, instrument: new Int32Array(instruments.length), birth: new Uint8Array(instruments.length), issueEnd: new Int32Array(instruments.length), issues: [] };
  const delimCode = delimiter.charCodeAt(0);

  /** the row in fs/fe of `bytes` (field count checked by the caller) */
  const take = (bytes: Buffer, row: number): boolean => {
    if (rowIssues.length > 0) rowIssues.length = 0;
    if (taken.issues.length > 0) taken.issues.length = 0;
    for (let k = 0; k < unnamed.length; k++) if (fe[unnamed[k]!] !== fs[unnamed[k]!]) return false;
    const s0 = fs[iSubject]!;
    const s1 = fe[iSubject]!;
    const d0 = fs[iDate]!;
    const d1 = fe[iDate]!;
    const r0 = iResp < 0 ? 0 : fs[iResp]!;
    const r1 = iResp < 0 ? 0 : fe[iResp]!;
    if (!plain(bytes, s0, s1) || isoDateBytesState(bytes, d0, d1) !== 1 || (r1 > r0 && !plain(bytes, r0, r1))) return false;
    if (iForm >= 0 && fe[iForm] !== fs[iForm]) return false;
    if (iBirth >= 0 && fe[iBirth] !== fs[iBirth] && isoDateBytesState(bytes, fs[iBirth]!, fe[iBirth]!) !== 1) return false;
    if (iAge >= 0 && fe[iAge] !== fs[iAge] && !PLAIN_AGE.test(bytes.toString("utf8", fs[iAge]!, fe[iAge]!))) return false;
    // a sex code is read (and checked) by the general path
    if (iSex >= 0 && fe[iSex] !== fs[iSex]) return false;
    // so is the coder's certification (coded instruments themselves never take the fast path)
    if (iCertified >= 0 && fe[iCertified] !== fs[iCertified]) return false;
    nScored = 0;
    for (let e = 0; e < instruments.length; e++) {
      const { byBirth, cols, intItem, min, max } = instruments[e]!;
      let scorer = instruments[e]!.scorer;
      if (byBirth !== null) {
        // before birth_date (both plain yyyy-mm-dd, so their bytes compare as dates); no birth_date: the full path
        const b0 = iBirth < 0 ? 0 : fs[iBirth]!;
        const b1 = iBirth < 0 ? 0 : fe[iBirth]!;
        if (b1 === b0) scorer = null;
        else {
          let cmp = 0;
          for (let j = 0; j < 10 && cmp === 0; j++) cmp = bytes[d0 + j]! - bytes[b0 + j]!;
          scorer = cmp < 0 ? byBirth.before : byBirth.after;
        }
      }
      const points = scorer?.points ?? none;
      const missing = scorer?.missing ?? noneU8;
      const n = cols.length;
      let blank = 0;
      for (let i = 0; i < n; i++) {
        const a = fs[cols[i]!]!;
        const b = fe[cols[i]!]!;
        if (a === b) {
          blank++;
          missing[i] = 1;
          continue;
        }
        missing[i] = 0;
        if (scorer === null) return false;
        if (intItem[i] === 1) {
          // plain digits, as scoreColumns' own integer shortcut reads them (cellValue leaves digits as they are)
          if (b - a > 9) return false;
          let x = 0;
          for (let j = a; j < b; j++) {
            const c = bytes[j]! - 48;
            if (c < 0 || c > 9) return false;
            x = x * 10 + c;
          }
          if (x < min[i]! || x > max[i]!) return false;
          points[i] = x;
        } else if (b - a <= MAX_PACKED_BYTES) {
          // a short cell ("7.3", "10"): its points by its packed bytes, so no string is made per cell
          const key = packCell(bytes, a, b);
          const memo = shortCells(scorer)[i]!;
          let v = memo.get(key);
          if (v === undefined) v = remember(memo, key, scorer.parse(i, cellValue(bytes.toString("utf8", a, b), delimiter)) ? points[i]! : NaN, SHORT_CELL_MEMO);
          if (v !== v) return false;
          points[i] = v;
        } else if (!scorer.parse(i, cellValue(bytes.toString("utf8", a, b), delimiter))) return false;
      }
      if (blank === n) continue;
      if (!scorer!.score(blank > 0)) return false;
      taken.instrument[nScored] = e;
      taken.birth[nScored] = byBirth === null ? 0 : scorer === byBirth.before ? 1 : 2;
      scored[nScored++] = scorer!;
      // scoreWith's issues: the administration's file, row, subject and date added to each (as the full path
      // traces them), in the order made
      const made = scorer!.issues;
      for (let k = 0; k < made.length; k++) {
        const issue = made[k]!;
        if (file !== undefined) issue.file = file;
        issue.row = row;
        if (!lines) taken.issues.push({ ...issue });
        if (issue.subjectId === undefined && s1 > s0) issue.subjectId = bytes.toString("utf8", s0, s1);
        if (issue.administeredOn === undefined && d1 > d0) issue.administeredOn = bytes.toString("utf8", d0, d1);
        rowIssues.push(issue);
      }
      taken.issueEnd[nScored - 1] = taken.issues.length;
    }
    if (nScored === 0) return false;
    out.administrations = nScored;
    taken.bytes = bytes;
    if (!lines) return true;
    out8.head(bytes, s0, s1, d0, d1, r0, r1);
    for (let k = 0; k < nScored; k++) {
      const tails = scored[k]!.tails;
      for (let s = 0; s < tails.length; s++) out8.tail(tails[s]!.bytes);
    }
    return true;
  };

  const out: FastLongRows = {
    administrations: 0,
    issues: rowIssues,
    get pending() {
      return out8.pending;
    },
    take: () => out8.take(),
    taken,
    row(fields, replacementSeen, row = 0) {
      if (replacementSeen || fields.length !== nColumns || iSubject < 0 || iDate < 0) return false;
      // the fields laid end to end as UTF-8, so that field k is bytes[fs[k], fe[k]) whatever it holds
      const text = fields.join("");
      const bytes = Buffer.from(text, "utf8");
      // as many bytes as characters: all ASCII, so character offsets are byte offsets
      const ascii = bytes.length === text.length;
      let p = 0;
      for (let k = 0; k < nColumns; k++) {
        fs[k] = p;
        p += ascii ? fields[k]!.length : Buffer.byteLength(fields[k]!, "utf8");
        fe[k] = p;
      }
      return take(bytes, row);
    },
    line(bytes, start, end, replacementSeen, row = 0) {
      if (replacementSeen || iSubject < 0 || iDate < 0 || !splitFields(bytes, start, end, delimCode, nColumns, fs, fe)) return false;
      return take(bytes, row);
    },
  };
  return out;
}
