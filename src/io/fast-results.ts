/**
 * Results of wide rows on the fast path (src/io/fast-long.ts), for readers that want results rather than long
 * CSV lines (trend, fit, cohort, goals), without scoring the rows again. A scale's result is a function of its
 * long line, which the compiled scorer memoises as one FastTail object per distinct line (score, status, band,
 * items answered, flags, provisional): the first time a row holds a line not yet seen, that row is scored by the
 * full path and its scale results are kept by tail (learn()); a row whose every line is known is built from them
 * (build()). A scale result with a `reason` (not scorable: it names the missing items) is never kept, so such
 * rows always take the full path. learn() also builds the row it was given and compares it with the full path's
 * results: a scorer whose results ever differ is never built from again.
 * Once the full path has given a scorer's first row, a line not met yet is built from the scale result the scorer
 * made with it (FastTail.result, the general path's for that line), so most lines need no row scored twice; each
 * row the full path scores checks those results too.
 */
import { remember } from "../memo.js";
import type { FastScorer, FastTail } from "../scoring/fast.js";
import type { Issue, ScaleResult, ScoreResult } from "../schema/results.js";
import type { FastLongRows } from "./fast-long.js";
import { cellValue, newExtras, type Plan, type ReadOptions } from "./rows.js";

/**
 * rows handed on as built results since the process started, and results that were objects of an earlier row set
 * again (tests check that these paths are taken)
 */
export const builtRows = { count: 0, reused: 0, direct: 0 };

/**
 * A row built on the fast path as a collector reads it without result objects (see FastResults.view()): the
 * fields add(result) reads, per administration, and each scale result with a number that stands for it. The
 * object is set again for every row: read it during the call it is given to, keep only its strings and numbers.
 */
export interface BuiltRow {
  /** the scale ids are numbers of this source's kept scale results: a collector fed from another must not mix them */
  readonly source: object;
  row: number;
  subjectId: string;
  administeredOn: string;
  /** administeredOn's digits as one number, yyyymmdd (the fast path takes only plain yyyy-mm-dd dates); -1: none */
  dateKey: number;
  /** "" without the column (or an empty cell), as a result then has none */
  respondent: string;
  phase: string;
  /**
   * the grouping columns (every column that is not an item or a known field), their cells in this row at the same
   * places in extraValues: read only when the reader asks for them (else extraValues stays empty)
   */
  readonly extraNames: readonly string[];
  readonly extraValues: string[];
  /** administrations of the row */
  count: number;
  readonly instrument: string[];
  readonly form: (string | null)[];
  /** administration k's scale results are scales[first[k] .. first[k + 1]) */
  readonly first: number[];
  readonly scales: ScaleResult[];
  /** per scale result: its number, the same for the same (shared) scale result object, from 0 up */
  readonly scaleIds: number[];
  /**
   * view(…, cells true), for a reader on another thread: the row's bytes, and per field (RAW_FIELDS, then the
   * grouping columns when read) its cell's start and end in them (-1, -1: the file lacks the column), in place of
   * subjectId, administeredOn, dateKey, respondent, phase and extraValues, which are then not set
   */
  bytes?: Buffer;
  readonly cells?: Int32Array;
  /** the file's delimiter, by which a cell's bytes are read (cellValue) */
  readonly delimiter?: string;
}

/** the fields of BuiltRow.cells before the grouping columns, by place */
export const RAW_FIELDS = ["subject_id", "administered_on", "respondent", "phase"] as const;

/** a kept scale result, its number (BuiltRow.scaleIds) and whether it is provisional, and who kept it */
interface Kept {
  result: ScaleResult;
  id: number;
  provisional: boolean;
  owner: FastResults;
}

/**
 * The last few distinct cells of a column by their bytes, each with its value: a cell found here costs no string
 * and no copy. The one found or added last is tried first.
 */
export class RecentCells {
  /** per kept cell: its bytes at the start of a buffer reused when it fits, their length, its value */
  private readonly bytes: Uint8Array[] = [];
  private readonly lengths = new Int32Array(RECENT_CELLS);
  private readonly values: string[] = [];
  private last = 0;
  private next = 0;

  /** the value of bytes[a, b) when they are among the cells kept */
  find(bytes: Uint8Array, a: number, b: number): string | undefined {
    const n = this.values.length;
    const len = b - a;
    for (let j = 0, k = this.last; j < n; j++, k = k + 1 === n ? 0 : k + 1) {
      if (this.lengths[k] !== len) continue;
      const kept = this.bytes[k]!;
      // from the end: ids of one file differ mostly in their last characters
      let p = len;
      while (p > 0 && kept[p - 1] === bytes[a + p - 1]) p--;
      if (p === 0) {
        this.last = k;
        return this.values[k];
      }
    }
    return undefined;
  }

  /** keeps bytes[a, b) (copied) and their value, in place of the oldest when full */
  add(bytes: Uint8Array, a: number, b: number, value: string): void {
    const k = this.next;
    this.next = (k + 1) % RECENT_CELLS;
    const len = b - a;
    let kept = this.bytes[k];
    if (kept === undefined || kept.length < len) this.bytes[k] = kept = new Uint8Array(Math.max(len, 16));
    for (let p = 0; p < len; p++) kept[p] = bytes[a + p]!;
    this.lengths[k] = len;
    this.values[k] = value;
    this.last = k;
  }
}

/** cells kept per column: more than the groups (municipalities, teams) of most files */
const RECENT_CELLS = 8;

const RECENT_BITS = 12;
const RECENT_DATES = 1 << RECENT_BITS;

/**
 * Cells of a file's rows as cellValue reads them, from their bytes: per field, the last few cells (RecentCells);
 * dates, which the fast path takes only as plain yyyy-mm-dd, as one string per date. Shared by FastResults and
 * the thread that reads rows a worker built (src/io/results-thread.ts), so both read a cell the same way.
 */
export class CellTexts {
  private readonly recent: (RecentCells | undefined)[] = [];
  /** date texts by their digits as one number yyyymmdd: a file holds a few thousand distinct dates */
  private readonly dates = new Map<number, string>();
  /** the last dates read, direct-mapped by their key: most rows find theirs here, without the map */
  private readonly recentKeys = new Int32Array(RECENT_DATES).fill(-1);
  private readonly recentDates: string[] = new Array<string>(RECENT_DATES).fill("");
  /** the key of the date date() read last */
  dateKey = 0;

  constructor(private readonly delimiter: string) {}

  /** bytes[a, b), a cell of field f (any number naming where it comes from), as cellValue reads it */
  cell(f: number, bytes: Buffer, a: number, b: number): string {
    const recent = this.recent[f] ?? (this.recent[f] = new RecentCells());
    const known = recent.find(bytes, a, b);
    if (known !== undefined) return known;
    const v = cellValue(bytes.toString("utf8", a, b), this.delimiter);
    recent.add(bytes, a, b, v);
    return v;
  }

  /** the plain yyyy-mm-dd date at bytes[a, a + 10) (cellValue leaves it as it is), its key in dateKey */
  date(bytes: Buffer, a: number): string {
    // yyyy-mm-dd → yyyymmdd, digits at a…a+3, a+5, a+6, a+8, a+9 (unrolled: this runs for every row)
    const key =
      (bytes[a]! - 48) * 10_000_000 +
      (bytes[a + 1]! - 48) * 1_000_000 +
      (bytes[a + 2]! - 48) * 100_000 +
      (bytes[a + 3]! - 48) * 10_000 +
      (bytes[a + 5]! - 48) * 1_000 +
      (bytes[a + 6]! - 48) * 100 +
      (bytes[a + 8]! - 48) * 10 +
      (bytes[a + 9]! - 48);
    this.dateKey = key;
    const slot = Math.imul(key, 0x9e3779b1) >>> (32 - RECENT_BITS);
    if (this.recentKeys[slot] === key) return this.recentDates[slot]!;
    const text = this.dates.get(key) ?? remember(this.dates, key, bytes.toString("latin1", a, a + 10), 100_000);
    this.recentKeys[slot] = key;
    this.recentDates[slot] = text;
    return text;
  }
}

/** the issues of the many results without any: one list, frozen, since built results are only read */
const NO_ISSUES: Issue[] = Object.freeze([]) as unknown as Issue[];

/** what the full path gave a scorer's results beside the scales and the row's cells */
interface Known {
  instrumentName: string;
  definitionVersion: string;
  form: string | null;
  formRule: string | null;
  /** the form selection's provisional (undefined until a result without a provisional scale showed it) */
  selProvisional: boolean | undefined;
}

export class FastResults {

  /** the numbers given to kept scale results so far */
  private keptCount = 0;
  /** null: the scorer's results once differed from the full path's */
  private readonly known = new Map<FastScorer, Known | null>();
  /** the results of the row last built, in the full path's order, and their grouping columns */
  readonly results: ScoreResult[] = [];
  extras: Record<string, string> = Object.create(null) as Record<string, string>;
  private readonly col: (c: keyof Plan["meta"]) => number;

  /**
   * reuse: the reader neither keeps nor changes a result or its extras once handed on, so each row's results and
   * extras are the objects of the row before, set again (see pooled())
   */
  constructor(
    private readonly plan: Plan,
    private readonly opts: ReadOptions,
    private readonly fast: FastLongRows,
    private readonly reuse = false,
  ) {
    this.col = (c) => plan.meta[c] ?? -1;
    this.texts = new CellTexts(opts.delimiter);
    this.cols = { subject: this.col("subject_id"), date: this.col("administered_on"), respondent: this.col("respondent"), phase: this.col("phase"), birth: this.col("birth_date") };
    this.instrumentIds = plan.instruments.map((p) => p.inst.id);
    this.viewed = { source: this, row: 0, subjectId: "", administeredOn: "", dateKey: 0, respondent: "", phase: "", extraNames: plan.extras.map((e) => e.name), extraValues: [], count: 0, instrument: [], form: [], first: [0], scales: this.found, scaleIds: this.foundIds, bytes: Buffer.alloc(0), cells: new Int32Array(2 * (RAW_FIELDS.length + plan.extras.length)).fill(-1), delimiter: opts.delimiter };
  }
  private readonly cols: Record<"subject" | "date" | "respondent" | "phase" | "birth", number>;

  /** the scale results build() found, administration after administration, for fill(), and their numbers */
  private readonly found: ScaleResult[] = [];
  private readonly foundIds: number[] = [];
  /** and each administration's Known */
  private readonly foundKnown: Known[] = [];

  /** true: `results` holds the results of the row fast last took; false: a line of it is not known yet */
  build(row: number): boolean {
    const t = this.fast.taken;
    const n = this.fast.administrations;
    const found = this.found;
    let f = 0;
    for (let k = 0; k < n; k++) {
      const scorer = t.scorers[k]!;
      const known = this.known.get(scorer);
      if (!known) return false;
      this.foundKnown[k] = known;
      const tails = scorer.tails;
      let prov = false;
      for (let s = 0; s < tails.length; s++) {
        const tail = tails[s]!;
        // a line not met yet: its scale result as the scorer made it, once the general path has vouched for the scorer
        const kept = this.keptFor(tail) ?? (tail.result === null ? undefined : this.keep(tail, tail.result));
        if (kept === undefined) return false;
        if (kept.provisional) prov = true;
        this.foundIds[f] = kept.id;
        found[f++] = kept.result;
      }
      if (!prov && known.selProvisional === undefined) return false;
    }
    this.builtRow = row;
    return true;
  }

  /** the row build() last built */
  private builtRow = 0;

  /** the scale result kept for a line (on the line itself, so it goes when the scorer forgets the line) */
  private keptFor(tail: FastTail): Kept | undefined {
    const kept = tail.kept as Kept | undefined;
    return kept !== undefined && kept.owner === this ? kept : undefined;
  }

  private keep(tail: FastTail, result: ScaleResult): Kept {
    const kept: Kept = { result, id: this.keptCount++, provisional: result.provisional, owner: this };
    tail.kept = kept;
    return kept;
  }

  /** `results` (and `extras`) of the row build() last built */
  fill(): void {
    this.fillResults(this.builtRow, this.fast.administrations);
  }

  /** the plan's instruments' ids, by place */
  private readonly instrumentIds: string[];

  /** what view() hands on, set again for every row */
  private readonly viewed: BuiltRow;

  /**
   * The row build() last built, as a BuiltRow: the fields fill() would put on its results, without making them.
   * `withExtras` false: the grouping columns are not read (extraValues stays empty).
   */
  view(withExtras: boolean, cells = false): BuiltRow {
    builtRows.direct++;
    return this.readRow(withExtras, cells);
  }

  /** the fields of the row build() last built, into `viewed` (shared by view() and fillResults()) */
  private readRow(withExtras: boolean, cells = false): BuiltRow {
    const t = this.fast.taken;
    const n = this.fast.administrations;
    const v = this.viewed;
    const { subject, date, respondent, phase } = this.cols;
    v.row = this.builtRow;
    if (cells) {
      v.bytes = t.bytes;
      const at = v.cells!;
      const fs = t.fs;
      const fe = t.fe;
      at[0] = fs[subject]!;
      at[1] = fe[subject]!;
      at[2] = fs[date]!;
      at[3] = fe[date]!;
      at[4] = respondent < 0 ? -1 : fs[respondent]!;
      at[5] = respondent < 0 ? -1 : fe[respondent]!;
      at[6] = phase < 0 ? -1 : fs[phase]!;
      at[7] = phase < 0 ? -1 : fe[phase]!;
      if (withExtras) {
        const extras = this.plan.extras;
        for (let k = 0, j = 2 * RAW_FIELDS.length; k < extras.length; k++, j += 2) {
          at[j] = fs[extras[k]!.index]!;
          at[j + 1] = fe[extras[k]!.index]!;
        }
      }
    } else {
      v.subjectId = this.cellAt(subject);
      v.administeredOn = this.dateAt(date);
      v.dateKey = this.dateKey;
      v.respondent = respondent < 0 ? "" : this.cellAt(respondent);
      v.phase = phase < 0 ? "" : this.cellAt(phase);
      if (withExtras) {
        const extras = this.plan.extras;
        for (let k = 0; k < extras.length; k++) v.extraValues[k] = this.cellAt(extras[k]!.index);
      }
    }
    v.count = n;
    let f = 0;
    for (let k = 0; k < n; k++) {
      v.instrument[k] = this.instrumentIds[t.instrument[k]!]!;
      v.form[k] = this.foundKnown[k]!.form;
      f += t.scorers[k]!.tails.length;
      v.first[k + 1] = f;
    }
    return v;
  }

  /** the cell of meta column c of the row last taken, as the full path reads it ("" without the column) */
  cell(c: keyof Plan["meta"]): string {
    // the two asked of every row (read-results' fastRecord) without looking them up
    const i = c === "subject_id" ? this.cols.subject : c === "birth_date" ? this.cols.birth : this.col(c);
    return i < 0 ? "" : this.cellAt(i);
  }

  /** the texts of the cells read (consecutive rows mostly repeat subject, respondent, group; a file has few dates) */
  private readonly texts: CellTexts;

  /** column i of the row last taken, as cellValue reads it */
  private cellAt(i: number): string {
    const t = this.fast.taken;
    return this.texts.cell(i, t.bytes, t.fs[i]!, t.fe[i]!);
  }

  /** the administered_on cell of the row last taken (the fast path took it as plain yyyy-mm-dd), its key in dateKey */
  private dateAt(i: number): string {
    const t = this.fast.taken;
    const text = this.texts.date(t.bytes, t.fs[i]!);
    this.dateKey = this.texts.dateKey;
    return text;
  }

  /** the key of the date dateAt() read last */
  private dateKey = 0;

  /** results[0, n) from the known scale results and the row's cells (every one known: build() checked) */
  private fillResults(row: number, n: number): void {
    const t = this.fast.taken;
    const results = this.results;
    // set in place: setting an array's length is slow, and rows mostly hold as many administrations
    if (results.length !== n) results.length = n;
    // every grouping column is set, so an object of the row before holds what a new one would
    const extras = this.reuse ? this.extras : newExtras(this.plan);
    for (const e of this.plan.extras) extras[e.name] = this.cellAt(e.index);
    this.extras = extras;
    const v = this.readRow(false);
    const { subjectId, administeredOn, respondent, phase } = v;
    const file = this.opts.file;
    let from = 0;
    for (let k = 0; k < n; k++) {
      const known = this.foundKnown[k]!;
      const first = v.first[k]!;
      const f = v.first[k + 1]!;
      const nScales = f - first;
      let provisional = known.selProvisional === true;
      for (let s = first; s < f; s++) if (this.found[s]!.provisional) provisional = true;
      const birth = t.birth[k]!;
      // the birth-relative rule's explanation (src/rules/birth-relative.ts); learn() checks it against the full path
      const formRule = birth === 0 ? known.formRule : `administered_on ${administeredOn} is ${birth === 1 ? "before" : "on or after"} birth_date ${this.cell("birth_date")}`;
      const end = t.issueEnd[k]!;
      const issues = end === from ? NO_ISSUES : t.issues.slice(from, end);
      from = end;
      const pooled = this.reuse ? this.pooled(k, nScales, respondent !== "", phase !== "") : undefined;
      if (pooled !== undefined) {
        const scales = pooled.scales as ScaleResult[];
        for (let s = 0; s < nScales; s++) scales[s] = this.found[first + s]!;
        pooled.instrument = v.instrument[k]!;
        pooled.instrumentName = known.instrumentName;
        pooled.definitionVersion = known.definitionVersion;
        pooled.form = known.form;
        pooled.formRule = formRule;
        pooled.issues = issues;
        pooled.provisional = provisional;
        pooled.subjectId = subjectId;
        pooled.administeredOn = administeredOn;
        if (respondent !== "") pooled.respondent = respondent;
        if (phase !== "") pooled.phase = phase;
        pooled.source!.row = row;
        results[k] = pooled;
        builtRows.reused++;
        continue;
      }
      const scales = this.found.slice(first, f);
      const result: ScoreResult = {
        instrument: v.instrument[k]!,
        instrumentName: known.instrumentName,
        definitionVersion: known.definitionVersion,
        form: known.form,
        formRule,
        scales,
        issues,
        provisional,
      };
      result.subjectId = subjectId;
      result.administeredOn = administeredOn;
      if (respondent !== "") result.respondent = respondent;
      if (phase !== "") result.phase = phase;
      result.source = file !== undefined ? { file, row } : { row };
      results[k] = result;
      if (this.reuse) this.pool[k] = { result, respondent: respondent !== "", phase: phase !== "" };
    }
  }

  /** per administration of a row: the result last made there, and whether it has a respondent and a phase */
  private readonly pool: { result: ScoreResult; respondent: boolean; phase: boolean }[] = [];

  /**
   * The result made for administration k of an earlier row, when it has the fields the new one has (as many scales,
   * a respondent and a phase or not), so that setting them again makes it what a new object would be.
   */
  private pooled(k: number, nScales: number, respondent: boolean, phase: boolean): ScoreResult | undefined {
    const p = this.pool[k];
    return p !== undefined && p.result.scales.length === nScales && p.respondent === respondent && p.phase === phase ? p.result : undefined;
  }

  /**
   * The full path's results of the row fast last took (in order): their scale results are kept by the row's tails,
   * and the row built from them must give the same results, else its scorers are never built from.
   */
  learn(row: number, full: readonly { result: ScoreResult; extras: Record<string, string> }[]): void {
    const t = this.fast.taken;
    const n = this.fast.administrations;
    if (full.length !== n) return;
    for (let k = 0; k < n; k++) {
      const scorer = t.scorers[k]!;
      const r = full[k]!.result;
      const tails = scorer.tails;
      if (this.known.get(scorer) === null) return;
      if (r.instrument !== this.plan.instruments[t.instrument[k]!]!.inst.id || r.scales.length !== tails.length) return this.refuse(t.scorers, n);
      let prov = false;
      for (let s = 0; s < tails.length; s++) {
        const sc = r.scales[s]!;
        const tail = tails[s]!;
        if (sc.provisional) prov = true;
        // the scorer's own result for the line must be the general path's, or the scorer is never built from
        if (tail.result !== null && JSON.stringify(tail.result) !== JSON.stringify(sc)) return this.refuse(t.scorers, n);
        if (sc.reason === undefined && this.keptFor(tail) === undefined) this.keep(tail, sc);
      }
      const before = this.known.get(scorer);
      this.known.set(scorer, {
        instrumentName: r.instrumentName,
        definitionVersion: r.definitionVersion,
        form: r.form,
        formRule: r.formRule,
        selProvisional: prov ? before?.selProvisional : r.provisional,
      });
    }
    if (!this.build(row)) return;
    this.fill();
    for (let k = 0; k < n; k++) if (JSON.stringify(this.results[k]) !== JSON.stringify(full[k]!.result) || JSON.stringify(this.extras) !== JSON.stringify(full[k]!.extras)) return this.refuse(t.scorers, n);
  }

  private refuse(scorers: readonly FastScorer[], n: number): void {
    for (let k = 0; k < n; k++) this.known.set(scorers[k]!, null);
  }
}
