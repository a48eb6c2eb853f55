/** The long score table (`trivsel score`, the default format): one row per administration × scale. A public contract. */
import type { ScaleResult, ScoreResult } from "../schema/results.js";
import { instrumentColumn, respondentColumn, scaleColumn, subjectColumn, type Table } from "./table.js";

export interface LongScoreRow {
  result: ScoreResult;
  scale: ScaleResult;
}

export const LONG_SCORE_TABLE: Table<LongScoreRow> = {
  row: "administration × scale",
  columns: [
    subjectColumn((r) => r.result.subjectId),
    { name: "administered_on", meaning: "date of the administration (ISO)", get: (r) => r.result.administeredOn },
    respondentColumn((r) => r.result.respondent),
    instrumentColumn((r) => r.result.instrument),
    { name: "form", meaning: "the form scored", get: (r) => r.result.form },
    scaleColumn((r) => r.scale.scale),
    { name: "score", meaning: "the score; empty when not scorable", unit: "points", get: (r) => r.scale.score },
    { name: "status", meaning: "scored, prorated or not_scorable", get: (r) => r.scale.status },
    { name: "band", meaning: "the band the score falls in", get: (r) => r.scale.band?.id },
    { name: "n_answered", meaning: "items answered", get: (r) => r.scale.nAnswered },
    { name: "n_items", meaning: "items of the scale", get: (r) => r.scale.nItems },
    { name: "flags", meaning: "flags raised, separated by ;", get: (r) => r.scale.flags.join(";") },
  ],
};

/** The long table's rows of results. */
export const longScoreRows = (results: readonly ScoreResult[]): LongScoreRow[] => results.flatMap((result) => result.scales.map((scale) => ({ result, scale })));

/**
 * One scale's long-table line after its administration's first three cells, written by hand for speed:
 * `instrumentForm` is the instrument and form cells with their commas; `cell` writes a cell (csvCell).
 * longScoreLines and the compiled fast path (memoised lines) both write with it.
 */
export const longScaleTail = (instrumentForm: string, s: ScaleResult, cell: (v: string | number | null | undefined) => string): string =>
  `${instrumentForm}${cell(s.scale)},${cell(s.score)},${cell(s.status)},${cell(s.band?.id)},${cell(s.nAnswered)},${cell(s.nItems)},${cell(s.flags.join(";"))}\n`;
