/** Short summaries of analysis results for people (the CLI's closing lines on standard error). */
import type { TrendSummary } from "./classify.js";
import type { CohortRow } from "./cohort.js";
import type { FitFamily } from "./fit.js";
import type { GoalEvaluation } from "./goals.js";

/** Series, what was left out, ties, and why series got no verdict (one line per reason, with its count). */
export function trendSummary(analyses: readonly TrendSummary[], skipped: readonly unknown[], read: { kind: "raw" | "scored"; results: readonly unknown[] }): string {
  const tally = new TrendTally();
  for (const a of analyses) tally.add(a);
  return tally.text(skipped.length, read.kind, read.results.length);
}

/** What trendSummary says, counted one analysis at a time (analyses written as they come are not kept). */
export class TrendTally {
  private series = 0;
  private ties = 0;
  private readonly why = new Map<string, number>();

  add(a: TrendSummary): void {
    this.series++;
    if (a.ties.length) this.ties++;
    const reason = a.category === "insufficient_data" ? `insufficient_data: ${a.notes[0] ?? ""}` : a.category === "no_norms" ? `no_norms, ${a.instrument}.${a.scale}: ${a.notes.filter((n) => /^(no norms|--norms sample)/.test(n)).join("; ")}` : null;
    if (reason !== null) this.why.set(reason, (this.why.get(reason) ?? 0) + 1);
  }

  /** the summary, given how many results were left out (no subject or date), the input's kind and its results */
  text(skipped: number, kind: "raw" | "scored", results: number): string {
    const ties = this.ties;
    let out = `${this.series} series from ${results} ${kind === "raw" ? "administrations scored" : "scored administrations"}${skipped ? `; ${skipped} without subject or date left out` : ""}${ties ? `; ${ties} series with two administrations on one date (kept in file order)` : ""}\n`;
    for (const [reason, n] of this.why) out += `${reason} (${n} series)\n`;
    return out;
  }
}

/** Rater series, how many have alerts now, and the ETR table in use. */
export function fitSummary(families: readonly FitFamily[], etrName: string | undefined): string {
  return fitSummaryText(families.length, families.filter((f) => f.current.length).length, etrName);
}

/** fitSummary from its counts: rater series, and those with alerts at their latest session. */
export function fitSummaryText(families: number, now: number, etrName: string | undefined): string {
  return `${families} rater series; ${now} with alerts at their latest session. ${etrName !== undefined ? `ETR: ${etrName}` : "No ETR table in use: alerts rely on the reliable-change rules."}\n`;
}

/** Goals per status. */
export function goalsSummary(evals: readonly GoalEvaluation[]): string {
  const counts = new Map<string, number>();
  for (const e of evals) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
  return `${evals.length} goals: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}\n`;
}

/** Rows, series, and how to get verdicts where none were given for want of norms. */
export function cohortSummaryText(rows: readonly CohortRow[], series: number): string {
  let out = `${rows.length} cohort rows from ${series} series\n`;
  for (const hint of new Set(rows.map((r) => r.verdictHint).filter((h) => h !== null))) out += `no verdicts: ${hint}\n`;
  return out;
}
