/**
 * The verdict for one series: baseline (first administration) against latest, by reliable change and
 * clinical significance, always read in the scale's direction.
 *
 *  recovered     reliable improvement and moved from the clinical into the non-clinical range
 *  improved      reliable improvement (baseline already non-clinical, or range unknown)
 *  unchanged     no reliable change
 *  deteriorated  reliable worsening
 *  insufficient_data  fewer than two administrations, or all on one date: no follow-up
 *  no_norms      a follow-up exists, but there are no norms for reliable change (give --sd and
 *                --reliability, or --norms sample); the note says which number is missing
 *  changed       scales with direction "none" (neither end is better, e.g. PRFQ certainty): a reliable
 *                change either way is "changed", otherwise "unchanged"; never improved/deteriorated.
 */
import type { ScaleDef } from "../schema/instrument.js";
import { clinicalCriterion, inClinicalRange, type Criterion, type Cutoffs } from "./clinical-significance.js";
import { sampleStandardDeviation } from "simple-statistics";
import { scaleDependsOnForm, type Instrument } from "../registry/load.js";
import { assessChange, changeBasis, type ChangeBasis, type ChangeResult, type NormsSource, type ReliableVerdict, type UserNorms } from "./reliable-change.js";
import { SeriesCollector, type Series, type SeriesOptions, type SeriesOutline, type SeriesPoint, type SeriesSkip } from "./series.js";
import { olsSlopeOf, theilSenSlopeOf, type OlsSlope } from "./slope.js";
import { requireIterable } from "./input.js";

export const CATEGORIES = ["recovered", "improved", "unchanged", "deteriorated", "insufficient_data", "changed", "no_norms"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Step {
  date: string;
  score: number;
  weeks: number;
  phase?: string;
  /** the form the administration was scored on, when the instrument has forms (charts draw its bands) */
  form?: string;
  fromBaseline: ChangeResult | null;
  fromPrevious: ChangeResult | null;
}

export interface TrendAnalysis {
  subjectId: string;
  respondent: string;
  instrument: string;
  scale: string;
  /** the form of every administration in the series when the scale's scoring depends on the form, else null */
  form: string | null;
  direction: Series["direction"];
  reference: Series["reference"];
  n: number;
  firstDate: string | null;
  lastDate: string | null;
  baseline: number | null;
  latest: number | null;
  change: number | null;
  rci: number | null;
  /** null when it cannot be judged (see reason) */
  reliableChange: ReliableVerdict | null;
  category: Category;
  basis: ChangeBasis | null;
  /** where the norms for reliable change came from (kind "none" when there are none) */
  norms: NormsSource;
  criterion: Criterion | null;
  baselineClinical: boolean | null;
  latestClinical: boolean | null;
  slopePerWeek: OlsSlope | null;
  theilSenPerWeek: number | null;
  steps: Step[];
  ties: string[];
  notScorable: number;
  /** why the verdict is insufficient_data or limited; empty when nothing to say */
  notes: string[];
}

/**
 * An analysis without the two parts that cost most and only JSON, charts and reports read (the Theil–Sen slope,
 * O(n²) in the points, and the steps, objects per point): what the CSV table and cohort need.
 */
export type TrendSummary = Omit<TrendAnalysis, "theilSenPerWeek" | "steps">;

export interface ClassifyOptions {
  /** user SD / reliability (e.g. --sd, --reliability) */
  norms?: UserNorms;
  cutoff?: keyof Cutoffs;
  /** "sample": where no SD is published, the SD of the baselines in the input (see sampleNorms) */
  normsFrom?: "sample";
}

export function classifySeries(series: Series, def: ScaleDef | undefined, opts: ClassifyOptions = {}): TrendAnalysis {
  return analyseSeries(outlineOf(series), def, opts, series.points) as TrendAnalysis;
}

/** classifySeries without the Theil–Sen slope and the steps (see TrendSummary); every other field the same. */
export function summariseSeries(series: Series | SeriesOutline, def: ScaleDef | undefined, opts: ClassifyOptions = {}): TrendSummary {
  return analyseSeries("points" in series ? outlineOf(series) : series, def, opts, null);
}

/** A series' outline, its weeks and scores in the shared scratch (valid until the next call). */
function outlineOf(series: Series): SeriesOutline {
  const pts = series.points;
  const { weeks, scores } = weeksAndScores(pts);
  const { subjectId, respondent, instrument, scale, form, direction, reference, ties, notScorable } = series;
  return { subjectId, respondent, instrument, scale, form, direction, reference, ties, notScorable, n: pts.length, first: pts[0], last: pts[pts.length - 1], weeks, scores };
}

/** The analysis of a series; with its points (`pts`) the Theil–Sen slope and the steps too. */
function analyseSeries(series: SeriesOutline, def: ScaleDef | undefined, opts: ClassifyOptions, pts: readonly SeriesPoint[] | null, bases?: Bases): TrendSummary | TrendAnalysis {
  const n = series.n;
  const notes: string[] = [];
  const { b, c } = bases !== undefined ? bases.of(def, series.direction) : { b: changeBasis(def, opts.norms), c: clinicalCriterion(def, series.direction, opts.cutoff) };
  const basis = b.basis;
  if (b.basis === null) notes.push(b.reason);
  const criterion = c.criterion;
  if (c.criterion === null) notes.push(c.reason);
  if (series.ties.length) notes.push(`more than one administration on ${series.ties.join(", ")}: kept in file order (baseline is the first, latest the last)`);
  if (series.notScorable) notes.push(`${series.notScorable} administration(s) not scorable and left out`);

  const { first, last, weeks, scores } = series;
  // fields are set in TrendAnalysis' order (JSON keeps it); a summary leaves two out
  const out: TrendSummary & Partial<Pick<TrendAnalysis, "theilSenPerWeek" | "steps">> = {
    subjectId: series.subjectId,
    respondent: series.respondent,
    instrument: series.instrument,
    scale: series.scale,
    form: series.form,
    direction: series.direction,
    reference: series.reference,
    n,
    firstDate: first?.date ?? null,
    lastDate: last?.date ?? null,
    baseline: first?.score ?? null,
    latest: last?.score ?? null,
    change: first && last && n > 1 ? last.score - first.score : null,
    rci: null,
    reliableChange: null,
    category: "insufficient_data",
    basis,
    norms: basis ? basis.norms : { kind: "none", provisional: false },
    criterion,
    baselineClinical: first && criterion ? inClinicalRange(first, criterion, series.direction) : null,
    latestClinical: last && criterion ? inClinicalRange(last, criterion, series.direction) : null,
    slopePerWeek: olsSlopeOf(weeks, scores),
  } as TrendSummary;
  if (pts !== null) {
    out.theilSenPerWeek = theilSenSlopeOf(weeks, scores)?.slope ?? null;
    out.steps = stepsOf(pts, basis, series.direction);
  }
  out.ties = series.ties;
  out.notScorable = series.notScorable;
  out.notes = notes;
  if (n < 2) {
    notes.unshift(n === 0 ? "no scorable administration" : "only one administration: no change to assess");
    return out;
  }
  if (first!.date === last!.date) {
    notes.unshift("all administrations are on one date: no change over time to assess");
    return out;
  }
  if (!basis) {
    out.category = "no_norms";
    return out;
  }
  const ch = assessChange(first!.score, last!.score, basis, series.direction);
  out.rci = ch.rci;
  out.reliableChange = ch.verdict;
  if (ch.verdict === "changed") out.category = "changed";
  else if (ch.verdict === "worsened") out.category = "deteriorated";
  else if (ch.verdict === "none") out.category = "unchanged";
  else {
    out.category = out.baselineClinical === true && out.latestClinical === false ? "recovered" : "improved";
    if (out.baselineClinical === null || out.latestClinical === null) notes.push("clinical range unknown (no band or cutoff): recovery not assessed");
  }
  return out;
}

/** each point's weeks and score, for the slopes: kept between series, so a series costs no allocation for them */
let weeksOf = new Float64Array(64);
let scoresOf = new Float64Array(64);

/** The weeks and scores of a series' points, as views valid until the next call. */
function weeksAndScores(pts: readonly SeriesPoint[]): { weeks: Float64Array; scores: Float64Array } {
  const n = pts.length;
  if (weeksOf.length < n) {
    weeksOf = new Float64Array(n * 2);
    scoresOf = new Float64Array(n * 2);
  }
  for (let i = 0; i < n; i++) {
    weeksOf[i] = pts[i]!.weeks;
    scoresOf[i] = pts[i]!.score;
  }
  return { weeks: weeksOf.subarray(0, n), scores: scoresOf.subarray(0, n) };
}

/**
 * The steps of a series: each point with its change from the baseline and from the previous point. A step's fields
 * are set in this order (JSON keeps it), phase and form only when the point has them.
 */
function stepsOf(pts: readonly SeriesPoint[], basis: ChangeBasis | null, direction: Series["direction"]): Step[] {
  const n = pts.length;
  const steps: Step[] = new Array<Step>(n);
  const first = pts[0];
  for (let i = 0; i < n; i++) {
    const p = pts[i]!;
    const step = { date: p.date, score: p.score, weeks: p.weeks } as Step;
    if (p.phase !== undefined) step.phase = p.phase;
    if (p.form !== null) step.form = p.form;
    step.fromBaseline = i === 0 || !basis ? null : assessChange(first!.score, p.score, basis, direction);
    step.fromPrevious = i === 0 || !basis ? null : assessChange(pts[i - 1]!.score, p.score, basis, direction);
    steps[i] = step;
  }
  return steps;
}

/** Tolerance below which a spread counts as zero (floating-point noise of sums of tenths). */
export const ZERO_SPREAD = 1e-9;

export type SampleNorms = { sd: number; n: number } | { sd: null; n: number; reason: string };

/**
 * The SD of the baseline values of the series with a follow-up, per instrument × scale × form ×
 * respondent (R clinicalsignificance's convention: the pre-treatment SD of the analysed sample).
 * Needs at least 2 baselines and a spread above ZERO_SPREAD.
 */
export function sampleNorms(series: Iterable<Series | SeriesOutline>): Map<string, SampleNorms> {
  const groups = new Map<string, number[]>();
  for (const s of series) {
    // a series, or its outline (its first and last point)
    const n = "points" in s ? s.points.length : s.n;
    const first = "points" in s ? s.points[0] : s.first;
    const last = "points" in s ? s.points[n - 1] : s.last;
    if (n < 2 || first!.date === last!.date) continue;
    const k = sampleKey(s);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(first!.score);
  }
  const out = new Map<string, SampleNorms>();
  for (const [k, xs] of groups) {
    if (xs.length < 2) out.set(k, { sd: null, n: xs.length, reason: `--norms sample: only ${xs.length} baseline in the file; an SD needs at least 2` });
    else {
      const sd = sampleStandardDeviation(xs);
      out.set(k, sd > ZERO_SPREAD ? { sd, n: xs.length } : { sd: null, n: xs.length, reason: `--norms sample: the ${xs.length} baselines in the file are all equal (SD 0)` });
    }
  }
  return out;
}

export const sampleKey = (s: Pick<Series, "instrument" | "scale" | "form" | "respondent">): string => JSON.stringify([s.instrument, s.scale, s.form, s.respondent]);

type InstrumentRegistry = { has(id: string): boolean; get(id: string): Instrument };

/** Every series in `results`, classified with the scale definitions from `registry`. */
export function analyseTrends(
  results: Iterable<import("../schema/results.js").ScoreResult>,
  registry: InstrumentRegistry,
  opts: ClassifyOptions & SeriesOptions = {},
): { analyses: TrendAnalysis[]; skipped: SeriesSkip[] } {
  requireIterable("analyseTrends", "results", results, "an array of score results");
  const collector = trendCollector(registry, opts);
  for (const r of results) collector.add(r);
  return { analyses: [...analyseCollected(collector, registry, opts)], skipped: collector.skipped };
}

/**
 * What the analysis asks of a registry's scales, by instrument and scale id, each worked out once (a registry does
 * not change): its definition, and whether its scoring depends on the form. Unknown scales: undefined and false.
 */
/** scale facts remembered by their ids (scaleFacts): a few measures per file mostly */
const RECENT_FACTS = 4;

function scaleFacts(registry: InstrumentRegistry): (inst: string, scale: string) => { def: ScaleDef | undefined; perForm: boolean } {
  type Facts = { def: ScaleDef | undefined; perForm: boolean };
  const known = new Map<string, Map<string, Facts>>();
  // asked per series, which come measure after measure of a subject: the last few answers are kept by their ids
  const recent: { inst: string; scale: string; facts: Facts }[] = [];
  let next = 0;
  return (inst, scale) => {
    for (let k = 0; k < recent.length; k++) {
      const r = recent[k]!;
      if (r.inst === inst && r.scale === scale) return r.facts;
    }
    let byScale = known.get(inst);
    if (byScale === undefined) known.set(inst, (byScale = new Map()));
    let facts = byScale.get(scale);
    if (facts === undefined) {
      const sc = registry.has(inst) ? registry.get(inst).scales.find((s) => s.id === scale) : undefined;
      byScale.set(scale, (facts = { def: sc?.def, perForm: sc !== undefined && scaleDependsOnForm(registry.get(inst), sc) }));
    }
    recent[next] = { inst, scale, facts };
    next = (next + 1) % RECENT_FACTS;
    return facts;
  };
}

/** The collector analyseTrends gathers results in: a scale whose scoring depends on the form gets a series per form. */
export function trendCollector(registry: InstrumentRegistry, opts: SeriesOptions = {}): SeriesCollector {
  const facts = scaleFacts(registry);
  return new SeriesCollector({ ...opts, perForm: opts.perForm ?? ((inst, scale) => facts(inst, scale).perForm) });
}

type CollectedOptions = ClassifyOptions & Pick<SeriesOptions, "birthDates">;

/**
 * changeBasis and clinicalCriterion for one set of options that does not change, per definition and direction:
 * the series of a scale share them (and their description texts), as the analyses only read them.
 */
class Bases {
  private readonly known = new Map<ScaleDef | undefined, Map<Series["direction"], { b: ReturnType<typeof changeBasis>; c: ReturnType<typeof clinicalCriterion> }>>();
  constructor(private readonly opts: ClassifyOptions) {}
  of(def: ScaleDef | undefined, direction: Series["direction"]): { b: ReturnType<typeof changeBasis>; c: ReturnType<typeof clinicalCriterion> } {
    let byDirection = this.known.get(def);
    if (byDirection === undefined) this.known.set(def, (byDirection = new Map()));
    let both = byDirection.get(direction);
    if (both === undefined) byDirection.set(direction, (both = { b: changeBasis(def, this.opts.norms), c: clinicalCriterion(def, direction, this.opts.cutoff) }));
    return both;
  }
}

/**
 * analyseTrends over a trendCollector that has every result: the analyses one at a time, in analyseTrends' order,
 * so a caller can write each and let it go. --norms sample first takes the baselines of every series.
 */
export function analyseCollected(collector: SeriesCollector, registry: InstrumentRegistry, opts?: CollectedOptions & { detail?: true }): Generator<TrendAnalysis>;
/** detail false: summaries (the CSV table, cohort), without the Theil–Sen slope and the steps */
export function analyseCollected(collector: SeriesCollector, registry: InstrumentRegistry, opts: CollectedOptions & { detail: boolean }): Generator<TrendSummary>;
export function* analyseCollected(collector: SeriesCollector, registry: InstrumentRegistry, opts: CollectedOptions & { detail?: boolean } = {}): Generator<TrendSummary | TrendAnalysis> {
  const detail = opts.detail !== false;
  const samples = opts.normsFrom === "sample" ? sampleNorms(collector.outlines(opts.birthDates)) : null;
  // without sample norms every series is classified with the same options
  const same: ClassifyOptions = { ...opts, norms: { ...opts.norms } };
  const bases = new Bases(same);
  const facts = scaleFacts(registry);
  for (const s of detail ? collector.series(opts.birthDates) : collector.outlines(opts.birthDates)) {
    const def = facts(s.instrument, s.scale).def;
    const sample = samples?.get(sampleKey(s));
    const norms: UserNorms | undefined = samples === null ? undefined : { ...opts.norms, ...(sample && sample.sd !== null ? { sample: { sd: sample.sd, n: sample.n } } : {}) };
    const o = norms === undefined ? same : { ...opts, norms };
    const shared = norms === undefined ? bases : undefined;
    const a = "points" in s ? analyseSeries(outlineOf(s), def, o, s.points, shared) : analyseSeries(s, def, o, null, shared);
    if (a.category === "no_norms" && sample && sample.sd === null) a.notes.push(sample.reason);
    yield a;
  }
}
