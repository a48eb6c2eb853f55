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
import type { ScoreResult } from "../schema/results.js";
import { assessChange, changeBasis, type ChangeResult, type UserNorms } from "./reliable-change.js";
import { buildSeries, type SeriesPoint } from "./series.js";

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
    measure: z.object({ instrument: z.string().min(1), scale: z.string().min(1).default("total"), respondent: z.string().min(1).optional() }).strict(),
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
  notes: string[];
}

export const describeTarget = (t: GoalTarget): string =>
  t.kind === "below" ? `below ${t.value}` : t.kind === "above" ? `above ${t.value}` : t.kind === "leave_band" ? `leave band ${t.band}` : "reliable improvement";

export function evaluateGoal(goal: Goal, results: readonly ScoreResult[], def: ScaleDef | undefined, opts: { at?: string; norms?: UserNorms } = {}): GoalEvaluation {
  const at = opts.at !== undefined ? formatDate(parseDate(opts.at)!) : formatDate(parseDate(goal.review)!);
  const start = formatDate(parseDate(goal.start)!);
  const notes: string[] = [];
  const out: GoalEvaluation = { goal, at, status: "no_data", baseline: null, latest: null, change: null, reliable: null, basis: null, notes };
  const { series } = buildSeries(
    results.filter((r) => r.subjectId === goal.subjectId && (goal.measure.respondent === undefined || (r.respondent ?? "") === goal.measure.respondent)),
    { instrument: goal.measure.instrument, scale: goal.measure.scale },
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
  const b = changeBasis(def, opts.norms);
  if (b.basis) {
    out.basis = b.basis.description;
    out.reliable = assessChange(base.score, last.score, b.basis, direction);
  } else notes.push(b.reason);
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
  opts: { at?: string; norms?: UserNorms } = {},
): GoalEvaluation[] {
  return goals.map((g) => evaluateGoal(g, results, defOf(g.measure.instrument, g.measure.scale), opts));
}
