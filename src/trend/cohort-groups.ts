/** Grouping for cohort summaries: by a column of the raw file (a subject's first non-empty value), or by phase. */
import { ChoiceError } from "../choice.js";
import type { ScoreResult } from "../schema/results.js";
import type { BuiltRow } from "../io/fast-results.js";
import { didYouMeanHint } from "../text/did-you-mean.js";
import type { TrendAnalysis, TrendSummary } from "./classify.js";
import type { GroupOf } from "./cohort.js";
import { ManyStrings, NONE } from "./columns.js";

/** Group names with a meaning of their own: phase (the baseline's phase) and respondent (rows are per respondent anyway). */
export const BUILTIN_GROUPS = ["phase", "respondent"] as const;

/**
 * The group of a series, for cohortSummary.
 * @param read - the results with their grouping columns (extras, parallel to results), and whether the file was raw
 * @param by - column names, phase or respondent; none: one group; several: one value per column
 * @throws {ChoiceError} for a column the file does not have, or any column of a scored file
 */
export function cohortGrouping(read: { kind: "raw" | "scored"; results: readonly ScoreResult[]; extras: readonly Record<string, string>[] }, by: readonly string[]): GroupOf {
  const columns = new GroupColumns(by);
  read.results.forEach((r, i) => columns.add(r.subjectId, read.extras[i] ?? {}));
  return groupingOf(columns, read.kind, by);
}

/**
 * What cohort grouping needs of the results, gathered one result at a time: the grouping column names the file
 * has, and each subject's first non-empty value in each column of `by`.
 */
export class GroupColumns {
  readonly names = new Set<string>();
  /** per column of `by`, in order: each subject's value by its number in `subjects` ("" none yet) */
  private readonly columns: { name: string; values: string[] }[] = [];
  /**
   * the last extras object whose columns were read: eachResult's transient reader hands on one object, holding the
   * same columns, for every row built from the fast path, so its column names are read once
   */
  private lastExtras: Readonly<Record<string, string>> | undefined;
  /** the last subject added and its number, and whether every column has its value */
  private readonly last = { subjectId: "", subject: NONE, complete: false };
  private count = 0;
  /**
   * subjects: the numbering to use, shared with a SeriesCollector of the same file (its `subjects`) so that a subject
   * is numbered once; it is fed the same rows and results, each before this
   */
  constructor(
    readonly by: readonly string[],
    private readonly subjects = new ManyStrings(),
    private readonly collector?: { subjectOf(subjectId: string): number },
  ) {
    for (const name of by) this.columns.push({ name, values: [] });
  }
  /** a row built on the fast path: its administrations share its subject and grouping columns, so once a row */
  addBuilt(v: BuiltRow): void {
    if (v.count === 0) return;
    if (v.extraNames !== this.builtNames) this.namesOf(v.extraNames);
    this.fill(v.subjectId, null, v.extraValues);
  }

  /** the grouping columns of the built rows last read, and the place of each column of `by` among them (-1: none) */
  private builtNames: readonly string[] | undefined;
  private builtPlaces: Int32Array = new Int32Array(0);

  private namesOf(names: readonly string[]): void {
    for (const name of names) this.names.add(name);
    this.builtNames = names;
    this.builtPlaces = Int32Array.from(this.columns, (c) => names.indexOf(c.name));
  }

  /** a result's subject and grouping columns */
  add(subjectId: string | undefined, extras: Readonly<Record<string, string>>): void {
    if (extras !== this.lastExtras) {
      for (const name in extras) this.names.add(name);
      this.lastExtras = extras;
    }
    this.fill(subjectId, extras, []);
  }

  /** the subject's values still empty, from `extras` by name or else from a built row's `cells` (builtPlaces) */
  private fill(subjectId: string | undefined, extras: Readonly<Record<string, string>> | null, cells: readonly string[]): void {
    if (!subjectId) return;
    const last = this.last;
    // rows of one subject come mostly together: once each column has its value, the subject's later rows change nothing
    if (subjectId === last.subjectId && last.complete) return;
    let subject = last.subject;
    if (subjectId !== last.subjectId) {
      // the collector has just numbered the subject of most rows
      const known = this.collector?.subjectOf(subjectId) ?? NONE;
      subject = known !== NONE ? known : this.subjects.id(subjectId);
      // numbers come from 0 up (the collector's may pass the next): a subject's values start empty
      for (; this.count <= subject; this.count++) for (const c of this.columns) c.values.push("");
      last.subjectId = subjectId;
      last.subject = subject;
    }
    let complete = true;
    for (let k = 0; k < this.columns.length; k++) {
      const { name, values } = this.columns[k]!;
      if (values[subject] !== "") continue;
      const v = extras !== null ? extras[name] : this.builtPlaces[k]! < 0 ? undefined : cells[this.builtPlaces[k]!];
      if (v) values[subject] = v;
      else complete = false;
    }
    last.complete = complete;
  }

  /** the subject's first non-empty value in column `name` of `by`; undefined when it has none */
  value(name: string, subjectId: string): string | undefined {
    const column = this.columns.find((c) => c.name === name);
    const subject = this.subjects.find(subjectId);
    return column === undefined || subject === NONE ? undefined : column.values[subject] || undefined;
  }

  /** value() for one column, as a function of the subject (series come mostly subject after subject: the last is kept) */
  valueOf(name: string): (subjectId: string) => string | undefined {
    const column = this.columns.find((c) => c.name === name);
    if (column === undefined) return () => undefined;
    let lastId: string | undefined;
    let lastValue: string | undefined;
    return (subjectId) => {
      if (subjectId === lastId) return lastValue;
      const subject = this.subjects.find(subjectId);
      lastId = subjectId;
      return (lastValue = subject === NONE ? undefined : column.values[subject] || undefined);
    };
  }
}

/** cohortGrouping from gathered GroupColumns (of every result of the file). */
export function groupingOf(columns: GroupColumns, kind: "raw" | "scored", by: readonly string[]): GroupOf {
  const one = by.map((name) => groupBy(columns, kind, name));
  if (one.length === 0) return () => null;
  if (one.length === 1) return one[0]!;
  return (a) => Object.fromEntries(by.map((name, k) => [name, one[k]!(a)]));
}

/** --by phase reads the baseline's step: analyses, not summaries (cohort asks for them then) */
export const groupsNeedSteps = (by: readonly string[]): boolean => by.includes("phase");

function groupBy(columns: GroupColumns, kind: "raw" | "scored", by: string): (a: TrendSummary | TrendAnalysis) => string | null {
  if (by === "respondent") return () => null;
  if (by === "phase")
    return (a) => {
      if (!("steps" in a)) throw new Error("cohort grouping by phase: an analysis without its steps (a summary) was given");
      return a.steps[0]?.phase ?? null;
    };
  if (kind === "scored") throw new ChoiceError(`--by ${by}: a scored file has no grouping columns; give the raw file`);
  if (!columns.names.has(by)) {
    const names = [...columns.names];
    throw new ChoiceError(`--by: the file has no column ${JSON.stringify(by)}; grouping columns: ${names.join(", ") || "none"}${didYouMeanHint(by, [...names, ...BUILTIN_GROUPS])}`);
  }
  // a subject's group: its first non-empty value in the column
  const groupOfSubject = columns.valueOf(by);
  return (a) => groupOfSubject(a.subjectId) ?? null;
}
