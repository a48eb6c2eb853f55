/** Grouping for cohort summaries: by a column of the raw file (a subject's first non-empty value), or by phase. */
import { ChoiceError } from "../choice.js";
import type { ScoreResult } from "../schema/results.js";
import { didYouMeanHint } from "../text/did-you-mean.js";
import type { TrendAnalysis } from "./classify.js";
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
  const one = by.map((name) => groupBy(read, name));
  if (one.length === 0) return () => null;
  if (one.length === 1) return one[0]!;
  return (a) => Object.fromEntries(by.map((name, k) => [name, one[k]!(a)]));
}

function groupBy(read: Parameters<typeof cohortGrouping>[0], by: string): (a: TrendAnalysis) => string | null {
  if (by === "respondent") return () => null;
  if (by === "phase") return (a) => a.steps[0]?.phase ?? null;
  if (read.kind === "scored") throw new ChoiceError(`--by ${by}: a scored file has no grouping columns; give the raw file`);
  if (!read.extras.some((x) => by in x)) {
    const columns = [...new Set(read.extras.flatMap((x) => Object.keys(x)))];
    throw new ChoiceError(`--by: the file has no column ${JSON.stringify(by)}; grouping columns: ${columns.join(", ") || "none"}${didYouMeanHint(by, [...columns, ...BUILTIN_GROUPS])}`);
  }
  // a subject's group: its first non-empty value in the column
  const groupOfSubject = new Map<string, string>();
  read.results.forEach((r, i) => {
    const v = read.extras[i]?.[by];
    if (r.subjectId && v && !groupOfSubject.has(r.subjectId)) groupOfSubject.set(r.subjectId, v);
  });
  return (a) => groupOfSubject.get(a.subjectId) ?? null;
}
