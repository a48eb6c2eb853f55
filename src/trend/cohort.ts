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
import { CATEGORIES, ZERO_SPREAD, type Category, type TrendSummary } from "./classify.js";
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
  /** the form, for a scale scored differently per form (see TrendSummary.form); else null */
  form: string | null;
  respondent: string;
  direction: TrendSummary["direction"];
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
function hintFor(a: TrendSummary): string {
  const why = a.notes.find((n) => n.startsWith("no norms")) ?? "";
  const flags = `--instrument ${a.instrument} --scale ${a.scale}`;
  if (/no published SD/.test(why)) return `${a.instrument}.${a.scale} has a reliability in its definition but no SD: add --norms sample (SD of the file's baselines), or --sd with ${flags}`;
  return `${a.instrument}.${a.scale} has no reliability in its definition: give --sd and --reliability with ${flags}`;
}

/** A series' group: one value, or one value per grouping column (see cohortGrouping). */
export type GroupOf = (a: TrendSummary) => string | null | Readonly<Record<string, string | null>>;

export function cohortSummary(analyses: readonly TrendSummary[], groupOf: GroupOf = () => null): CohortRow[] {
  requireIterable("cohortSummary", "analyses", analyses, "an array of trend analyses (analyseTrends gives one)");
  const cells = new CohortCells(groupOf);
  for (const a of analyses) cells.add(a);
  return cells.rows();
}

/** cells remembered by their key fields (CohortCells.recent): more than the measures × groups of most files */
const RECENT_CELLS = 32;

interface Cell {
  group: string | null;
  groups?: Record<string, string | null>;
  first: TrendSummary;
  nSeries: number;
  counts: Record<Category, number>;
  /** latest − baseline of each series with a follow-up, in order */
  diffs: number[];
  judged: number;
  firstNoNorms: TrendSummary | undefined;
  norms: Set<string>;
}

/**
 * cohortSummary one analysis at a time: each cell keeps only its counts, the changes of its series with a
 * follow-up and the analyses it names (its first, and the first without norms), so the analyses need not be kept.
 */
export class CohortCells {
  private readonly cells = new Map<string, Cell>();
  constructor(private readonly groupOf: GroupOf = () => null) {}

  /** the cells last added to with one group (not several), by their key fields: tried before building a key */
  private readonly recent: { g: string | null; instrument: string; scale: string; form: string | null; respondent: string; cell: Cell }[] = [];
  private next = 0;

  add(a: TrendSummary): void {
    const g = this.groupOf(a);
    let c: Cell | undefined;
    const one = g === null || typeof g === "string";
    if (one)
      for (const r of this.recent)
        if (r.g === g && r.instrument === a.instrument && r.scale === a.scale && r.form === a.form && r.respondent === a.respondent) {
          c = r.cell;
          break;
        }
    if (!c) c = this.cellOf(g, a);
    c.nSeries++;
    // the texts of sources without n are made once (formatNormsSource)
    c.norms.add(formatNormsSource(a.norms));
    if (!(a.n >= 2 && a.firstDate !== a.lastDate)) return;
    c.counts[a.category]++;
    c.diffs.push(a.latest! - a.baseline!);
    if (a.category !== "no_norms") c.judged++;
    else c.firstNoNorms ??= a;
  }

  /** the cell of group g and a's measure and respondent, made on its first analysis */
  private cellOf(g: ReturnType<GroupOf>, a: TrendSummary): Cell {
    const key = JSON.stringify([g, a.instrument, a.scale, a.form, a.respondent]);
    let c = this.cells.get(key);
    if (!c) {
      const several = g !== null && typeof g === "object";
      const joined = several ? Object.values(g).filter((v) => v !== null).join(" / ") || null : g;
      const counts = Object.fromEntries(CATEGORIES.map((k) => [k, 0])) as Record<Category, number>;
      this.cells.set(key, (c = { group: joined, ...(several ? { groups: { ...g } } : {}), first: a, nSeries: 0, counts, diffs: [], judged: 0, firstNoNorms: undefined, norms: new Set() }));
    }
    if (g === null || typeof g === "string") {
      this.recent[this.next] = { g, instrument: a.instrument, scale: a.scale, form: a.form, respondent: a.respondent, cell: c };
      this.next = (this.next + 1) % RECENT_CELLS;
    }
    return c;
  }

  rows(): CohortRow[] {
    const rows: CohortRow[] = [];
    for (const { group, groups, first: a0, nSeries, counts, diffs, judged, firstNoNorms, norms } of this.cells.values()) {
      const nFollowUp = diffs.length;
      const percent = Object.fromEntries(CATEGORIES.map((c) => [c, nFollowUp ? (100 * counts[c]) / nFollowUp : null])) as Record<Category, number | null>;
      rows.push({
        group,
        ...(groups ? { groups } : {}),
        instrument: a0.instrument,
        scale: a0.scale,
        form: a0.form,
        respondent: a0.respondent,
        direction: a0.direction,
        nSeries,
        nFollowUp,
        nNoFollowUp: nSeries - nFollowUp,
        counts,
        percent,
        change: pairedStats(diffs),
        norms: [...norms].sort(),
        verdictHint: judged === 0 && firstNoNorms ? hintFor(firstNoNorms) : null,
      });
    }
    return rows;
  }
}
