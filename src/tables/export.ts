/**
 * The cohort export (`trivsel export`) and its data dictionary: one row per subject × instrument × scale ×
 * administration, plus one row per coder's classification item. The columns depend on the export: ids are
 * pseudonyms or as in the input, dates absolute or days, and the carried grouping columns (`extras`) sit after
 * phase. The writer decides what a row may hold (declared columns only, CPR guard, pseudonyms); this table only
 * says where each value goes and what it means.
 */
import type { ClassificationResult, ScaleResult, ScoreResult } from "../schema/results.js";
import { PSEUDONYM_ALPHABET } from "../export/pseudonym.js";
import type { Column, Table } from "./table.js";

/** The cells every row of one administration shares, as the writer has made them fit to go out. */
export interface ExportHead {
  /** a pseudonym in a pseudonymised export */
  subject: string | undefined;
  /** the date, or days since the subject's first administration with relative dates */
  date: string | number | undefined;
  result: { respondent: string | undefined; phase: string | undefined } & Pick<ScoreResult, "instrument" | "definitionVersion" | "form">;
  /** the carried grouping columns' values, in the order of `extras` */
  kept: readonly (string | number | undefined)[];
}

/** A scale's row, or a classification item's row (the code in band, its meaning in band_rule). */
export type ExportRow = { head: ExportHead; scale: ScaleResult } | { head: ExportHead; classification: ClassificationResult };

/** A dictionary column: its type and allowed values besides the meaning. */
export type ExportColumn = Column<ExportRow> & { type: string; allowed: string };

/** The export's table: a Table whose columns also carry the dictionary's type and allowed values. */
export interface ExportTable extends Table<ExportRow> {
  columns: readonly ExportColumn[];
}

const ref = (s: { ref: string; locator?: string }) => [s.ref, s.locator].filter(Boolean).join(": ");

export function exportTable(extras: readonly string[], opts: { pseudonymized: boolean; relativeDates: boolean }): ExportTable {
  const carried = opts.pseudonymized
    ? `column kept from the input with --keep${opts.relativeDates ? "; dates in it are given as days since the subject's first administration" : ""}`
    : `grouping column carried over from the input${opts.relativeDates ? "; dates in it are given as days since the subject's first administration" : ""}`;
  const per = <T>(scale: (s: ScaleResult) => T, classification: (c: ClassificationResult) => T) => (r: ExportRow) => ("scale" in r ? scale(r.scale) : classification(r.classification));
  return {
    row: "subject × instrument × scale × administration (and × classification item)",
    columns: [
      {
        name: "subject_id",
        meaning: opts.pseudonymized ? "keyed pseudonym of the subject id (HMAC-SHA-256 with the site's key; same key gives the same pseudonym)" : "subject id as in the input",
        type: "text",
        allowed: opts.pseudonymized ? `p_ followed by 16 of the letters ${PSEUDONYM_ALPHABET} (never a digit)` : "any",
        get: (r) => r.head.subject,
      },
      opts.relativeDates
        ? { name: "day", meaning: "days since the subject's first administration in this file", type: "integer", allowed: "0 or more", get: (r) => r.head.date }
        : { name: "administered_on", meaning: "date of the administration", type: "date", allowed: "yyyy-mm-dd", get: (r) => r.head.date },
      { name: "respondent", meaning: "who answered or rated", type: "text", allowed: "as in the input, e.g. mother, father, health_visitor, family_consultant", get: (r) => r.head.result.respondent },
      { name: "phase", meaning: "programme phase at the administration", type: "text", allowed: "as in the input, e.g. pregnancy, birth, intensive, support, phase_out", get: (r) => r.head.result.phase },
      ...extras.map((e, k): ExportColumn => ({ name: e, meaning: carried, type: "text", allowed: "as in the input", get: (r) => r.head.kept[k] })),
      { name: "instrument", meaning: "instrument id", type: "text", allowed: "see `trivsel instruments`", get: (r) => r.head.result.instrument },
      { name: "definition_version", meaning: "version of the instrument definition used (+ overlay name when a site overlay was applied)", type: "text", allowed: "semantic version", get: (r) => r.head.result.definitionVersion },
      { name: "form", meaning: "form of the instrument (e.g. ASQ:SE-2 interval in months)", type: "text", allowed: "empty when the instrument has one form", get: (r) => r.head.result.form },
      { name: "scale", meaning: "scale id within the instrument; on a classification row, the classification item (e.g. aairf_2)", type: "text", allowed: "see `trivsel instruments show <id>`", get: per((s) => s.scale, (c) => c.item) },
      { name: "direction", meaning: "whether a higher score is better", type: "text", allowed: "higher_is_better, higher_is_worse, none", get: per((s) => s.direction, () => "none") },
      { name: "score", meaning: "scale score (up to 6 decimals); empty when not scorable", type: "number", allowed: "the scale's range", get: per((s) => s.score, () => undefined) },
      { name: "status", meaning: "how the score was obtained", type: "text", allowed: "scored, prorated, not_scorable; on a classification row classified or not_classified (empty or unknown code)", get: per((s) => s.status, (c) => (c.code === null ? "not_classified" : "classified")) },
      { name: "band", meaning: "band (cutoff range) the score falls in", type: "text", allowed: "band ids of the instrument; empty when the scale has no bands or no score; on a classification row, the coder's code (e.g. F, Ds, E, U, CC)", get: per((s) => s.band?.id, (c) => c.code) },
      { name: "band_concern", meaning: "whether the band calls for action or follow-up", type: "boolean", allowed: "true, false, empty", get: per((s) => (s.band ? String(s.band.concern) : undefined), () => undefined) },
      { name: "band_rule", meaning: "the bounds of the band, e.g. ≥ 13; on a classification row, the code's meaning", type: "text", allowed: "any", get: per((s) => s.band?.rule, (c) => c.meaning) },
      { name: "cutoff_provenance", meaning: "how sure the cutoff is (on a classification row: the code set)", type: "text", allowed: "published, secondary, provisional, policy", get: per((s) => s.band?.source.provenance, (c) => c.source.provenance) },
      { name: "cutoff_source", meaning: "reference id and locator of the cutoff", type: "text", allowed: "see instruments/README.md", get: per((s) => (s.band ? ref(s.band.source) : undefined), (c) => ref(c.source)) },
      { name: "n_answered", meaning: "items answered", type: "integer", allowed: "0 or more", get: per((s) => s.nAnswered, (c) => (c.code === null ? 0 : 1)) },
      { name: "n_items", meaning: "items on the scale", type: "integer", allowed: "1 or more", get: per((s) => s.nItems, () => 1) },
      { name: "flags", meaning: "item-level flags and provisional markers, separated by ;", type: "text", allowed: "e.g. self_harm, srs_item_below_9, provisional_cutoff, provisional_definition, coder_missing, coder_not_certified, coder_certification_unknown", get: per((s) => s.flags.join(";"), (c) => c.flags.join(";")) },
      { name: "provisional", meaning: "a provisional number (cutoff, item count, age window) went into this row", type: "boolean", allowed: "true, false", get: per((s) => String(s.provisional), (c) => String(c.source.provenance === "provisional")) },
    ],
  };
}

/** The data dictionary's columns. */
export const DICTIONARY_COLUMNS = ["column", "meaning", "type", "allowed_values"] as const;

/** The dictionary's rows: one per column of the export, in order. */
export const dictionaryRows = (t: ExportTable): string[][] => t.columns.map((c) => [c.name, c.meaning, c.type, c.allowed]);
