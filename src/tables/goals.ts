/** The goals table: one row per goal (`trivsel goals`, evaluateGoals). */
import { describeTarget, type GoalEvaluation } from "../trend/goals.js";
import { formatNormsSource } from "../trend/reliable-change.js";
import { subjectColumn, type Table } from "./table.js";
import { NORMS_MEANING } from "./trend.js";

export const GOAL_TABLE: Table<GoalEvaluation> = {
  row: "goal",
  columns: [
    subjectColumn((e) => e.goal.subjectId),
    { name: "goal_id", meaning: "the goal's id", get: (e) => e.goal.id },
    { name: "instrument", meaning: "the measure's instrument", get: (e) => e.goal.measure.instrument },
    { name: "scale", meaning: "the measure's scale", get: (e) => e.goal.measure.scale },
    { name: "form", meaning: "the measure's form, where the scale depends on it", get: (e) => e.goal.measure.form },
    { name: "respondent", meaning: "the measure's respondent", get: (e) => e.goal.measure.respondent },
    { name: "target", meaning: "the target in words", get: (e) => describeTarget(e.goal.target) },
    { name: "start", meaning: "the goal's start date", get: (e) => e.goal.start },
    { name: "review", meaning: "the goal's review date", get: (e) => e.goal.review },
    { name: "at", meaning: "the date the goal was evaluated at (its review date, or --at)", get: (e) => e.at },
    { name: "status", meaning: "met, progressing, not_progressing, worsened or no_data", get: (e) => e.status },
    { name: "baseline_date", meaning: "the last measurement on or before start (else the first after it)", get: (e) => e.baseline?.date },
    { name: "baseline", meaning: "its score", unit: "points", get: (e) => e.baseline?.score },
    { name: "latest_date", meaning: "the last measurement by the evaluation date", get: (e) => e.latest?.date },
    { name: "latest", meaning: "its score", unit: "points", get: (e) => e.latest?.score },
    { name: "change", meaning: "latest − baseline", unit: "points", get: (e) => e.change },
    { name: "rci", meaning: "reliable change index, where the scale has norms", get: (e) => e.reliable?.rci },
    { name: "reliable_change", meaning: "improved, worsened or none", get: (e) => e.reliable?.verdict },
    { name: "norms", meaning: NORMS_MEANING, get: (e) => formatNormsSource(e.norms) },
    { name: "notes", meaning: "notes, separated by |", get: (e) => e.notes.join(" | ") },
  ],
};
