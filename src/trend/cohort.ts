/**
 * Cohort summary of trend verdicts per instrument × scale (× form where the scale's scoring depends on it)
 * × respondent (× an optional group):
 * counts and % per category, pre–post mean change (latest − baseline, raw points) with a 95% CI from
 * the t distribution, Cohen's d_z = mean/SD of the differences and Hedges' g = d_z · J with the
 * small-sample correction J = 1 − 3/(4·df − 1), df = n − 1 (Hedges & Olkin 1985, approximation).
 * Raters stay apart: pooling mother and professional ratings would count a family more than once.
 */
import { mean, sampleStandardDeviation } from "simple-statistics";
import { cohensDz } from "../stats/cohens-dz.js";
import { hedgesG } from "../stats/hedges-g.js";
import { meanConfidenceInterval } from "../stats/mean-confidence-interval.js";
import { tQuantile } from "../stats/t-quantile.js";

export { tQuantile };
import { CATEGORIES, ZERO_SPREAD, type Category, type TrendAnalysis } from "./classify.js";
import { formatNormsSource } from "./reliable-change.js";
import { requireIterable } from "./input.js";


export interface PairedStats {
  n: number;
  mean: number;
  sd: number | null;
  ci95: [number, number] | null;
  cohensDz: number | null;
  hedgesG: number | null;
  /** why the CI or an effect size is empty; absent when all are given */
  reason?: string;
}

/**
 * Statistics of paired differences (post − pre). SD, CI and effect sizes need n ≥ 2; the CI and effect
 * sizes also need a spread: an SD within floating-point noise of zero (ZERO_SPREAD relative to the
 * largest |difference|, e.g. 7e-12 from sums of tenths) is reported as 0 and leaves them empty, since
 * mean/0 is undefined, not huge. Hedges' g needs df ≥ 2 for its correction.
 */
export function pairedStats(diffs: readonly number[]): PairedStats | null {
  const n = diffs.length;
  if (n === 0) return null;
  const m = mean([...diffs]);
  if (n < 2) return { n, mean: m, sd: null, ci95: null, cohensDz: null, hedgesG: null, reason: "1 pair: SD, CI and effect sizes need at least 2" };
  const raw = sampleStandardDeviation([...diffs]);
  const scale = Math.max(1, ...diffs.map(Math.abs));
  if (!(raw > ZERO_SPREAD * scale)) return { n, mean: m, sd: 0, ci95: null, cohensDz: null, hedgesG: null, reason: `the ${n} changes have no spread (SD 0): CI and effect sizes are undefined` };
  const dz = cohensDz(m, raw);
  const df = n - 1;
  const out: PairedStats = { n, mean: m, sd: raw, ci95: meanConfidenceInterval(m, raw, n), cohensDz: dz, hedgesG: df < 2 ? null : hedgesG(dz, df) };
  if (df < 2) out.reason = "2 pairs: Hedges' g needs at least 3 (df ≥ 2)";
  return out;
}

export interface CohortRow {
  /** the group's value; for several grouping columns their values joined by " / " (null when all are empty) */
  group: string | null;
  /** for several grouping columns: each column's value, by column name */
  groups?: Record<string, string | null>;
  instrument: string;
  scale: string;
  /** the form, for a scale scored differently per form (see TrendAnalysis.form); else null */
  form: string | null;
  respondent: string;
  direction: TrendAnalysis["direction"];
  nSeries: number;
  /** series with a baseline and a later follow-up */
  nFollowUp: number;
  nNoFollowUp: number;
  counts: Record<Category, number>;
  /** % of nFollowUp; null when nFollowUp is 0 */
  percent: Record<Category, number | null>;
  change: PairedStats | null;
  /** the norms sources of the row's series, e.g. "definition" or "sample n=12" ("none" when none) */
  norms: string[];
  /** when no series got a verdict for want of norms: how to get verdicts */
  verdictHint: string | null;
}

/** What to give so a scale without norms gets verdicts, from the no_norms reason of its series. */
function hintFor(a: TrendAnalysis): string {
  const why = a.notes.find((n) => n.startsWith("no norms")) ?? "";
  const flags = `--instrument ${a.instrument} --scale ${a.scale}`;
  if (/no published SD/.test(why)) return `${a.instrument}.${a.scale} has a reliability in its definition but no SD: add --norms sample (SD of the file's baselines), or --sd with ${flags}`;
  return `${a.instrument}.${a.scale} has no reliability in its definition: give --sd and --reliability with ${flags}`;
}

/** A series' group: one value, or one value per grouping column (see cohortGrouping). */
export type GroupOf = (a: TrendAnalysis) => string | null | Readonly<Record<string, string | null>>;

export function cohortSummary(analyses: readonly TrendAnalysis[], groupOf: GroupOf = () => null): CohortRow[] {
  requireIterable("cohortSummary", "analyses", analyses, "an array of trend analyses (analyseTrends gives one)");
  const cells = new Map<string, { group: string | null; groups?: Record<string, string | null>; list: TrendAnalysis[] }>();
  for (const a of analyses) {
    const g = groupOf(a);
    const key = JSON.stringify([g, a.instrument, a.scale, a.form, a.respondent]);
    let c = cells.get(key);
    if (!c) {
      const several = g !== null && typeof g === "object";
      const joined = several ? Object.values(g).filter((v) => v !== null).join(" / ") || null : g;
      cells.set(key, (c = { group: joined, ...(several ? { groups: { ...g } } : {}), list: [] }));
    }
    c.list.push(a);
  }
  const rows: CohortRow[] = [];
  for (const { group, groups, list } of cells.values()) {
    const follow = list.filter((a) => a.n >= 2 && a.firstDate !== a.lastDate);
    const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
    for (const a of follow) counts[a.category]++;
    const percent = Object.fromEntries(CATEGORIES.map((c) => [c, follow.length ? (100 * counts[c]) / follow.length : null])) as Record<Category, number | null>;
    const a0 = list[0]!;
    const judged = follow.filter((a) => a.category !== "no_norms");
    const firstNoNorms = follow.find((a) => a.category === "no_norms");
    rows.push({
      group,
      ...(groups ? { groups } : {}),
      instrument: a0.instrument,
      scale: a0.scale,
      form: a0.form,
      respondent: a0.respondent,
      direction: a0.direction,
      nSeries: list.length,
      nFollowUp: follow.length,
      nNoFollowUp: list.length - follow.length,
      counts,
      percent,
      change: pairedStats(follow.map((a) => a.latest! - a.baseline!)),
      norms: [...new Set(list.map((a) => formatNormsSource(a.norms)))].sort(),
      verdictHint: judged.length === 0 && firstNoNorms ? hintFor(firstNoNorms) : null,
    });
  }
  return rows;
}
