/**
 * The chart specs `trivsel chart` draws, from scored results in memory (no file access here): one family's
 * progression on one measure, one family's FIT sessions, or the cohort's verdict counts or mean change.
 *
 *   results ──► progression: analyseTrends (one subject, instrument, scale, form) + goals ──► progressionChart
 *           ──► fit: fitSessions (one subject, one FIT family)                              ──► fitChart
 *           ──► cohort, cohort-change: analyseTrends + cohortSummary (every subject)         ──► cohort charts
 */
import type { TopLevelSpec } from "vega-lite";
import { ChoiceError } from "../choice.js";
import type { Instrument } from "../registry/load.js";
import type { Registry } from "../registry/registry.js";
import { chartForm } from "../report/report.js";
import type { ScoreResult } from "../schema/results.js";
import { analyseTrends } from "../trend/classify.js";
import { cohortSummary } from "../trend/cohort.js";
import { fitMeasures, fitSessions, type EtrTable } from "../trend/fit.js";
import { evaluateGoals, type Goal } from "../trend/goals.js";
import { cohortCategoryChart, cohortChangeChart } from "./cohort.js";
import { fitChart } from "./fit.js";
import { scaleLabel, type Lang } from "./labels.js";
import { progressionChart } from "./progression.js";

export const CHART_KINDS = ["progression", "fit", "cohort", "cohort-change"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** There is nothing to draw (no scored results for the choice); the message says what is missing. */
export class NoChartDataError extends Error {
  override name = "NoChartDataError";
}

export interface ChartData {
  results: readonly ScoreResult[];
  /** birth_date per subject, for weeks since birth */
  birthDates: ReadonlyMap<string, string>;
}

export interface ProgressionRequest {
  subject: string;
  instrument: Instrument;
  scale: string;
  /** the form to chart, required when the family's results span forms charted one at a time */
  form?: string | undefined;
  goals?: readonly Goal[];
  lang: Lang;
  x: "date" | "weeks";
}

/**
 * A family's progression on one measure: every respondent, bands, phases, reliable change and the goals on it.
 * @throws {ChoiceError} when the results span forms charted one at a time and no form was chosen
 * @throws {NoChartDataError} when the family has no scored result on the measure
 */
export function progressionFor(data: ChartData, registry: Registry, q: ProgressionRequest): TopLevelSpec {
  const { subject, instrument, scale, form } = q;
  let mine = data.results.filter((r) => r.subjectId === subject);
  const choice = chartForm(instrument, scale, mine);
  const forms = [...new Set(mine.map((r) => r.form).filter(Boolean))].join(", ");
  if (choice.split && form === undefined) throw new ChoiceError(`${subject}'s ${instrument.id} results span forms charted one at a time (${forms}): choose one with --form`);
  if (form !== undefined) mine = mine.filter((r) => r.form === form);
  const since = data.birthDates.has(subject) ? "birth" : "intake";
  const { analyses } = analyseTrends(mine, registry, { instrument: instrument.id, scale, since, birthDates: data.birthDates });
  const scored = analyses.filter((a) => a.n > 0);
  if (!scored.length) throw new NoChartDataError(`no scored ${instrument.id} ${scale} for subject ${JSON.stringify(subject)}${form !== undefined ? ` on form ${form}` : ""}`);
  const phases = data.results.filter((r) => r.subjectId === subject && r.phase && r.administeredOn).map((r) => ({ date: r.administeredOn!, phase: r.phase! }));
  const scaleDef = (i: string, s: string) => (registry.has(i) ? registry.get(i).scales.find((d) => d.id === s)?.def : undefined);
  const goals = evaluateGoals((q.goals ?? []).filter((g) => g.subjectId === subject), data.results, scaleDef);
  const drawn = form ?? choice.form;
  return progressionChart({ instrument, scale, ...(drawn !== undefined ? { form: drawn } : {}), analyses: scored, phases, goals }, { lang: q.lang, x: q.x });
}

export interface FitRequest {
  subject: string;
  /** an outcome or alliance instrument, to choose among FIT families (ORS+SRS, CORS+CSRS) */
  instrument?: string | undefined;
  etr?: EtrTable | undefined;
  lang: Lang;
}

/**
 * A family's FIT sessions: the outcome measure per rater by session, the alliance measure beneath, alerts ringed.
 * @throws {ChoiceError} when the family has sessions of several FIT families and no instrument chose one
 * @throws {NoChartDataError} when the family has no FIT session
 */
export function fitFor(data: ChartData, registry: Registry, q: FitRequest): TopLevelSpec {
  const measures = fitMeasures(registry);
  const fitIds = new Set(measures.map((m) => m.instrument));
  const results = data.results.filter((r) => r.subjectId === q.subject && fitIds.has(r.instrument));
  const all = results.length ? fitSessions(results, { ...(q.etr ? { etr: q.etr } : {}), measures }) : [];
  const present = [...new Set(all.map((f) => f.family))].sort();
  const idOf = (family: string, role: "outcome" | "alliance") => measures.find((m) => m.family === family && m.role === role)?.instrument;
  const wanted = q.instrument === undefined ? present : present.filter((f) => idOf(f, "outcome") === q.instrument || idOf(f, "alliance") === q.instrument);
  if (!wanted.length) throw new NoChartDataError(`no FIT sessions${q.instrument !== undefined ? ` of ${q.instrument}` : ""} for subject ${JSON.stringify(q.subject)}`);
  const pairs = wanted.map((f) => `${idOf(f, "outcome")} and ${idOf(f, "alliance")}`).join("; ");
  if (wanted.length > 1) throw new ChoiceError(`${q.subject}'s FIT sessions span several measure pairs (${pairs}): choose one with --instrument`);
  const [oId, aId] = [idOf(wanted[0]!, "outcome"), idOf(wanted[0]!, "alliance")];
  if (oId === undefined || aId === undefined || !registry.has(oId) || !registry.has(aId)) throw new NoChartDataError(`no outcome and alliance definitions for the FIT sessions of subject ${JSON.stringify(q.subject)}`);
  const outcome = registry.get(oId);
  const oForm = chartForm(outcome, "total", results.filter((r) => r.instrument === oId));
  return fitChart({ families: all.filter((f) => f.family === wanted[0]), outcome: { instrument: outcome, ...(oForm.form !== undefined ? { form: oForm.form } : {}) }, alliance: { instrument: registry.get(aId) } }, { lang: q.lang });
}

/**
 * The cohort of every subject in the results, as `trivsel cohort` summarises it: verdict counts per scale and
 * respondent ("cohort"), or the mean change from the first to the latest measurement with its 95% CI ("cohort-change").
 * @throws {NoChartDataError} when no series was scored
 */
export function cohortFor(data: ChartData, registry: Registry, q: { kind: "cohort" | "cohort-change"; lang: Lang }): TopLevelSpec {
  const { analyses } = analyseTrends(data.results, registry, { birthDates: data.birthDates });
  const rows = cohortSummary(analyses);
  if (!rows.length) throw new NoChartDataError("no scored series for a cohort chart");
  const label = (i: string, s: string) => scaleLabel(i, s, (registry.has(i) ? registry.get(i).scales.find((x) => x.id === s)?.def.label : undefined) ?? `${i} ${s}`, q.lang);
  const scaleNames = new Map(rows.map((r) => [`${r.instrument}.${r.scale}`, label(r.instrument, r.scale)]));
  return (q.kind === "cohort" ? cohortCategoryChart : cohortChangeChart)({ rows, scaleNames }, { lang: q.lang });
}
