/** Grouping for cohort summaries: by a column of the raw file (a subject's first non-empty value), or by phase. */
import { ChoiceError } from "../choice.js";
import type { ScoreResult } from "../schema/results.js";
import type { BuiltRow } from "../io/fast-results.js";
import { didYouMeanHint } from "../text/did-you-mean.js";
import type { TrendAnalysis, TrendSummary } from "./classify.js";
import type { GroupOf } from "./cohort.js";

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
  readonly values = new Map<string, Map<string, string>>();
  /** the columns of `by` and their maps, in order */
  private readonly columns: { name: string; values: Map<string, string> }[] = [];
  /**
   * the last extras object whose columns were read: eachResult's transient reader hands on one object, holding the
   * same columns, for every row built from the fast path, so its column names are read once
   */
  private lastExtras: Readonly<Record<string, string>> | undefined;
  /** the last subject whose every column has its value */
  private done: string | undefined;
  constructor(readonly by: readonly string[]) {
    for (const name of by) {
      const values = new Map<string, string>();
      this.values.set(name, values);
      this.columns.push({ name, values });
    }
  }
  /** a row built on the fast path: its administrations share its subject and grouping columns, so once a row */
  addBuilt(v: BuiltRow): void {
    if (v.count > 0) this.add(v.subjectId, v.extras);
  }

  add(subjectId: string | undefined, extras: Readonly<Record<string, string>>): void {
    if (extras !== this.lastExtras) {
      for (const name in extras) this.names.add(name);
      this.lastExtras = extras;
    }
    if (!subjectId) return;
    // rows of one subject come mostly together: once each column has its value, the subject's later rows change nothing
    if (subjectId === this.done) return;
    let complete = true;
    for (let k = 0; k < this.columns.length; k++) {
      const { name, values } = this.columns[k]!;
      if (values.has(subjectId)) continue;
      const v = extras[name];
      if (v) values.set(subjectId, v);
      else complete = false;
    }
    this.done = complete ? subjectId : undefined;
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
  const groupOfSubject = columns.values.get(by)!;
  return (a) => groupOfSubject.get(a.subjectId) ?? null;
}
