/** The trend table: one row per subject × respondent × instrument × scale × form (`trivsel trend`, analyseTrends). */
import type { TrendSummary } from "../trend/classify.js";
import { formatNormsSource } from "../trend/reliable-change.js";
import { measureColumns, respondentColumn, subjectColumn, type Table } from "./table.js";

export const NORMS_MEANING = `where the reliable-change basis came from: definition (the instrument's point size or norms, with their
    sources), user (--sd/--reliability), sample n=<baselines> (--norms sample: SD of the baselines of the series with
    a follow-up in the file, per instrument × scale × form × respondent, as R's clinicalsignificance does, with the
    reliability stored in the definition), or none; "provisional" is added when an unverified number (e.g. a
    recalled reliability) went into it`;

export const TREND_TABLE: Table<TrendSummary> = {
  row: "subject × respondent × instrument × scale × form",
  columns: [
    subjectColumn((a) => a.subjectId),
    respondentColumn((a) => a.respondent),
    ...measureColumns(),
    { name: "form", meaning: "set only where the scale's scoring depends on the form (each form is its own series); else empty", get: (a) => a.form },
    { name: "n", meaning: "administrations in the series", get: (a) => a.n },
    { name: "first_date", meaning: "date of the baseline (the first administration)", get: (a) => a.firstDate },
    { name: "last_date", meaning: "date of the latest administration", get: (a) => a.lastDate },
    { name: "baseline", meaning: "score at the first administration", unit: "points", get: (a) => a.baseline },
    { name: "latest", meaning: "score at the last administration (same-day administrations stay in file order)", unit: "points", get: (a) => a.latest },
    { name: "change", meaning: "latest − baseline", unit: "points", get: (a) => a.change },
    { name: "rci", meaning: "Jacobson–Truax reliable change index; empty for a fixed reliable-change size or without norms", get: (a) => a.rci },
    { name: "reliable_change", meaning: "improved, worsened or none (changed where neither end is better); empty when it cannot be judged", get: (a) => a.reliableChange },
    {
      name: "category",
      meaning: "recovered, improved, unchanged, deteriorated, changed, no_norms (a follow-up but no norms: give --sd and --reliability, or --norms sample) or insufficient_data (no follow-up)",
      get: (a) => a.category,
    },
    { name: "slope_per_week", meaning: "least-squares slope of score on weeks", unit: "points per week", get: (a) => a.slopePerWeek?.slope },
    { name: "norms", meaning: NORMS_MEANING, get: (a) => formatNormsSource(a.norms) },
  ],
};
