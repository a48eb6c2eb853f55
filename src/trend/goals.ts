/**
 * Developmental goals (udviklingsmål): a goal in the team's words tied to a measure and a target,
 * evaluated at a date (default: its review date) as met / progressing / not_progressing / worsened / no_data,
 * with the evidence. Baseline: the last measurement on or before the start date, else the first after it;
 * latest: the last measurement after the baseline and on or before the evaluation date.
 *  met              the target holds at the latest measurement
 *  worsened         reliable change against the goal (needs a reliable-change basis)
 *  progressing      not met, moved toward the target (raw change)
 *  not_progressing  not met, no movement toward it
 *  no_data          no baseline, or no measurement after it by the evaluation date
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { formatDate, parseDate } from "../dates.js";
import type { ScaleDef } from "../schema/instrument.js";
import { bandsFor, scaleDependsOnForm, type Instrument } from "../registry/load.js";
import type { ScoreResult } from "../schema/results.js";
import { sampleKey, sampleNorms, type SampleNorms } from "./classify.js";
import { assessChange, changeBasis, type ChangeResult, type NormsSource, type UserNorms } from "./reliable-change.js";
import { buildSeries, SeriesCollector, type SeriesPoint } from "./series.js";
import { requireIterable } from "./input.js";

const IsoDate = z.string().refine((s) => parseDate(s) !== null, "a date: yyyy-mm-dd");

export const GoalTargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("below"), value: z.number() }).strict().describe("met when the score is below value"),
  z.object({ kind: z.literal("above"), value: z.number() }).strict().describe("met when the score is above value"),
  z.object({ kind: z.literal("reliable_improvement") }).strict().describe("met on a reliable improvement from baseline"),
  z.object({ kind: z.literal("leave_band"), band: z.string().min(1) }).strict().describe("met when the score is no longer in this band (band id)"),
]);
export type GoalTarget = z.output<typeof GoalTargetSchema>;

export const GoalSchema = z
  .object({
    id: z.string().min(1),
    subjectId: z.string().min(1),
    goal: z.string().min(1).describe("the goal in the team's words"),
    measure: z
      .object({
        instrument: z.string().min(1),
        scale: z.string().min(1).default("total"),
        respondent: z.string().min(1).optional(),
        form: z.string().min(1).optional().describe("the form (e.g. ASQ:SE-2 interval); required where the scale's scoring depends on the form"),
      })
      .strict(),
    target: GoalTargetSchema,
    start: IsoDate,
    review: IsoDate,
  })
  .strict();
export type Goal = z.output<typeof GoalSchema>;

export const GoalsFileSchema = z.object({ $schema: z.string().optional(), goals: z.array(GoalSchema) }).strict();

/**
 * Reads a goals file's text: YAML when the name ends in .yaml or .yml, JSON otherwise.
 * @throws {RangeError} naming the file and what is wrong
 */
export function parseGoalsText(text: string, file: string): Goal[] {
  const yaml = /\.ya?ml$/i.test(file);
  let json: unknown;
  try {
    json = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new RangeError(`${file} is not valid ${yaml ? "YAML" : "JSON"}: ${(e as Error).message.split("\n")[0]}`);
  }
  return parseGoals(json, file);
}

/** Validates a parsed goals file; throws a RangeError listing every problem with its path. */
export function parseGoals(json: unknown, file = "goals file"): Goal[] {
  const r = GoalsFileSchema.safeParse(json);
  if (!r.success) throw new RangeError(`${file}:\n${r.error.issues.map((i) => `  ${i.path.join(".") || "(top)"}: ${i.message}`).join("\n")}`);
  return r.data.goals;
}

/** One wrong reference in a goals file: which goal (id and 1-based position), which field, the valid values. */
export interface GoalProblem {
  goal: string;
  position: number;
  field: string;
  received: string;
  expected: string[];
  message: string;
}

export class GoalValidationError extends RangeError {
  override name = "GoalValidationError";
  constructor(
    file: string,
    readonly problems: readonly GoalProblem[],
  ) {
    super(`${file}:\n${problems.map((p) => `  ${p.message}`).join("\n")}`);
  }
}

type InstrumentRegistry = { has(id: string): boolean; get(id: string): Instrument; ids(): string[] };

const list = (xs: readonly string[]) => (xs.length ? xs.join(", ") : "none");

/** The respondents present in the results, per instrument: what validateGoals checks a goal's respondent against. */
export function respondentsByInstrument(results: readonly ScoreResult[]): Map<string, Set<string>> {
  const respondents = new Map<string, Set<string>>();
  for (const r of results) addRespondent(respondents, r);
  return respondents;
}

/** respondentsByInstrument one result at a time. */
export function addRespondent(respondents: Map<string, Set<string>>, r: ScoreResult): void {
  let set = respondents.get(r.instrument);
  if (!set) respondents.set(r.instrument, (set = new Set()));
  set.add(r.respondent ?? "");
}

/**
 * Checks every reference of every goal against the instruments in use (built-ins, user definitions,
 * overlays): instrument, scale, form, band id of a leave_band target, and whether the target makes
 * sense for the scale's direction. `respondents`, when given, are the respondent values present in the
 * data per instrument; a goal's respondent must be one of them.
 * @throws {GoalValidationError} listing every problem
 */
export function validateGoals(goals: readonly Goal[], registry: InstrumentRegistry, file = "goals file", respondents?: ReadonlyMap<string, ReadonlySet<string>>): void {
  const problems: GoalProblem[] = [];
  goals.forEach((g, i) => {
    const add = (field: string, received: string, expected: string[], why: string) =>
      problems.push({ goal: g.id, position: i + 1, field, received, expected, message: `goal ${g.id} (goal ${i + 1}), ${field}: ${why}` });
    const m = g.measure;
    if (!registry.has(m.instrument)) {
      add("measure.instrument", m.instrument, registry.ids(), `unknown instrument ${JSON.stringify(m.instrument)}; expected one of ${list(registry.ids())}`);
      return;
    }
    const inst = registry.get(m.instrument);
    const scale = inst.scales.find((s) => s.id === m.scale);
    const scaleIds = inst.scales.map((s) => s.id);
    if (!scale) {
      add("measure.scale", m.scale, scaleIds, `${m.instrument} has no scale ${JSON.stringify(m.scale)}; expected one of ${list(scaleIds)}`);
      return;
    }
    const formIds = inst.hasForms ? inst.forms.map((f) => f.id) : [];
    let forms = inst.forms;
    if (m.form !== undefined) {
      if (!formIds.includes(m.form)) {
        add("measure.form", m.form, formIds, inst.hasForms ? `${m.instrument} has no form ${JSON.stringify(m.form)}; expected one of ${list(formIds)}` : `${m.instrument} has no forms; leave measure.form out`);
        return;
      }
      forms = inst.forms.filter((f) => f.id === m.form);
    } else if (scaleDependsOnForm(inst, scale)) {
      const perItem = inst.scales.filter((s) => s.def.derive?.from === scale.id).map((s) => s.id);
      add("measure.form", "", formIds, `${m.instrument}.${m.scale} is scored differently on each form, so a change is only defined within one form: give measure.form (one of ${list(formIds)})${perItem.length ? ` or use scale ${perItem.join(", ")} to follow the child across forms` : ""}`);
    }
    if (m.respondent !== undefined && respondents !== undefined) {
      const seen = [...(respondents.get(m.instrument) ?? [])].sort();
      if (!seen.includes(m.respondent)) add("measure.respondent", m.respondent, seen, `no ${m.instrument} administration in the data has respondent ${JSON.stringify(m.respondent)}; the data has ${list(seen)}`);
    }
    const t = g.target;
    const dir = scale.def.direction;
    if (t.kind === "leave_band") {
      const sets = forms.map((f) => bandsFor(scale, f)).filter((b) => b !== undefined);
      if (sets.length === 0) {
        add("target.band", t.band, [], `${m.instrument}.${m.scale} has no bands, so there is no band to leave; use a below/above or reliable_improvement target`);
        return;
      }
      const ids = [...new Set(sets.flatMap((b) => b.bands.map((x) => x.id)))];
      const concern = [...new Set(sets.flatMap((b) => b.bands.filter((x) => x.concern).map((x) => x.id)))];
      if (!ids.includes(t.band)) add("target.band", t.band, ids, `${m.instrument}.${m.scale} has no band ${JSON.stringify(t.band)}; expected one of ${list(ids)}`);
      else if (!concern.includes(t.band)) add("target.band", t.band, concern, `band ${t.band} of ${m.instrument}.${m.scale} is not a concern band, so leaving it is not a goal; expected one of ${list(concern)}`);
    } else if (t.kind === "reliable_improvement" && dir === "none") {
      add("target.kind", t.kind, ["below", "above"], `${m.instrument}.${m.scale} has no better end (${scale.def.directionNote ?? "direction none"}), so no change is an improvement; use a below or above target`);
    } else if ((t.kind === "below" && dir === "higher_is_better") || (t.kind === "above" && dir === "higher_is_worse")) {
      const want = t.kind === "below" ? "above" : "below";
      add("target.kind", t.kind, [want], `on ${m.instrument}.${m.scale} ${dir === "higher_is_better" ? "higher" : "lower"} is better, so a target ${t.kind} ${t.value} asks for a worse score; did you mean ${want}?`);
    }
  });
  if (problems.length) throw new GoalValidationError(file, problems);
}

export const GOAL_STATUSES = ["met", "progressing", "not_progressing", "worsened", "no_data"] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export interface GoalEvaluation {
  goal: Goal;
  at: string;
  status: GoalStatus;
  baseline: Pick<SeriesPoint, "date" | "score" | "band"> | null;
  latest: Pick<SeriesPoint, "date" | "score" | "band"> | null;
  change: number | null;
  reliable: ChangeResult | null;
  basis: string | null;
  norms: NormsSource;
  /** true when --at lies after the goal's review date, so later measurements count */
  afterReview: boolean;
  notes: string[];
}

export interface GoalOptions {
  /** evaluate every goal at this date instead of its review date */
  at?: string;
  norms?: UserNorms;
  /** from goalSampleNorms, for --norms sample */
  samples?: ReadonlyMap<string, SampleNorms>;
}

/** --norms sample for goals: the sample SDs of trend (per instrument × scale × form × respondent), from the same results. */
export function goalSampleNorms(results: readonly ScoreResult[], registry: InstrumentRegistry): Map<string, SampleNorms> {
  const collector = goalSeriesCollector(registry);
  for (const r of results) collector.add(r);
  return sampleNorms(collector.series());
}

/** The series goalSampleNorms takes its baselines from, gathered one result at a time (sampleNorms of its series()). */
export function goalSeriesCollector(registry: InstrumentRegistry): SeriesCollector {
  const perForm = (i: string, sc: string) => {
    if (!registry.has(i)) return false;
    const inst = registry.get(i);
    const scale = inst.scales.find((x) => x.id === sc);
    return scale !== undefined && scaleDependsOnForm(inst, scale);
  };
  return new SeriesCollector({ perForm });
}

/**
 * What evaluating goals needs of a file's results, gathered one result at a time: the results of the goals'
 * subjects (kept whole), the respondents per instrument (validateGoals), and for --norms sample every series'
 * baselines (goalSampleNorms), so the other subjects' results need not be kept.
 */
export class GoalResults {
  readonly results: ScoreResult[] = [];
  readonly respondents = new Map<string, Set<string>>();
  private readonly subjects: Set<string>;
  private readonly series: SeriesCollector | null;
  constructor(goals: readonly Goal[], registry: InstrumentRegistry, opts: { sample?: boolean } = {}) {
    this.subjects = new Set(goals.map((g) => g.subjectId));
    this.series = opts.sample ? goalSeriesCollector(registry) : null;
  }
  add(r: ScoreResult): void {
    addRespondent(this.respondents, r);
    this.series?.add(r);
    if (r.subjectId !== undefined && this.subjects.has(r.subjectId)) this.results.push(r);
  }
  /** goalSampleNorms of every result added; undefined without sample */
  samples(): Map<string, SampleNorms> | undefined {
    return this.series ? sampleNorms(this.series.series()) : undefined;
  }
}

export const describeTarget = (t: GoalTarget): string =>
  t.kind === "below" ? `below ${t.value}` : t.kind === "above" ? `above ${t.value}` : t.kind === "leave_band" ? `leave band ${t.band}` : "reliable improvement";

/**
 * Evaluates one goal on the measurements up to its review date (or opts.at). A goal on a scale whose
 * scoring depends on the form uses only administrations of its measure.form (validateGoals requires one).
 */
export function evaluateGoal(goal: Goal, results: readonly ScoreResult[], def: ScaleDef | undefined, opts: GoalOptions = {}): GoalEvaluation {
  const review = formatDate(parseDate(goal.review)!);
  const at = opts.at !== undefined ? formatDate(parseDate(opts.at)!) : review;
  const start = formatDate(parseDate(goal.start)!);
  const notes: string[] = [];
  const afterReview = at > review;
  if (afterReview) notes.push(`evaluated at ${at} (--at), after the review date ${review}: measurements after the review date count`);
  const out: GoalEvaluation = { goal, at, status: "no_data", baseline: null, latest: null, change: null, reliable: null, basis: null, norms: { kind: "none", provisional: false }, afterReview, notes };
  const form = goal.measure.form;
  const { series } = buildSeries(
    results.filter((r) => r.subjectId === goal.subjectId && (goal.measure.respondent === undefined || (r.respondent ?? "") === goal.measure.respondent)),
    { instrument: goal.measure.instrument, scale: goal.measure.scale, ...(form !== undefined ? { form, perForm: () => true } : {}) },
  );
  if (series.length > 1) {
    notes.push(`measured by several respondents (${series.map((s) => s.respondent || "(none)").join(", ")}): name one in measure.respondent`);
    return out;
  }
  const pts = series[0]?.points.filter((p) => p.date <= at) ?? [];
  const before = pts.filter((p) => p.date <= start);
  const base = before[before.length - 1] ?? pts.find((p) => p.date > start);
  if (!base) {
    notes.push(`no ${goal.measure.instrument}.${goal.measure.scale} measurement by ${at}`);
    return out;
  }
  out.baseline = { date: base.date, score: base.score, band: base.band };
  const after = pts.filter((p) => p.date > base.date);
  const last = after[after.length - 1];
  if (!last) {
    notes.push(`no measurement after the baseline (${base.date}) by ${at}`);
    return out;
  }
  out.latest = { date: last.date, score: last.score, band: last.band };
  out.change = last.score - base.score;
  const direction = series[0]!.direction;
  const sample = opts.samples?.get(sampleKey({ instrument: goal.measure.instrument, scale: goal.measure.scale, form: form ?? null, respondent: series[0]!.respondent }));
  const b = changeBasis(def, { ...opts.norms, ...(sample && sample.sd !== null ? { sample: { sd: sample.sd, n: sample.n } } : {}) });
  if (b.basis) {
    out.basis = b.basis.description;
    out.norms = b.basis.norms;
    out.reliable = assessChange(base.score, last.score, b.basis, direction);
  } else {
    notes.push(b.reason);
    if (sample && sample.sd === null) notes.push(sample.reason);
  }
  const t = goal.target;
  // +1: the goal wants the score to go up; −1: down; 0: no direction to judge movement by
  const want = t.kind === "below" ? -1 : t.kind === "above" ? 1 : direction === "higher_is_better" ? 1 : direction === "higher_is_worse" ? -1 : 0;
  let met: boolean;
  if (t.kind === "below") met = last.score < t.value;
  else if (t.kind === "above") met = last.score > t.value;
  else if (t.kind === "reliable_improvement") met = out.reliable?.verdict === "improved";
  else {
    if (!last.band) notes.push("the latest measurement has no band: cannot tell whether it left the band");
    met = !!last.band && last.band.id !== t.band;
  }
  const reliablyAgainst = out.reliable?.reliable === true && want !== 0 && Math.sign(out.change) === -want;
  if (met) out.status = "met";
  else if (reliablyAgainst) out.status = "worsened";
  else out.status = want !== 0 && Math.sign(out.change) === want ? "progressing" : "not_progressing";
  if (want === 0 && !met) notes.push("the scale has no better end: progress is not judged, only whether the target is met");
  return out;
}

export function evaluateGoals(
  goals: readonly Goal[],
  results: readonly ScoreResult[],
  defOf: (instrument: string, scale: string) => ScaleDef | undefined,
  opts: GoalOptions = {},
): GoalEvaluation[] {
  requireIterable("evaluateGoals", "goals", goals, "an array of goals (parseGoals gives one)");
  requireIterable("evaluateGoals", "results", results, "an array of score results");
  return goals.map((g) => evaluateGoal(g, results, defOf(g.measure.instrument, g.measure.scale), opts));
}
