import type { Provenance } from "./instrument.js";

/** Closed list of issue codes; wording lives in messages.ts. */
export const ISSUE_CODES = [
  "missing_item",
  "not_a_number",
  "not_an_integer",
  "off_step",
  "out_of_range",
  "unknown_code",
  "item_key_missing",
  "modifier_without_response",
  "too_many_missing",
  "missing_not_adjusted",
  "missing_adjusted",
  "constraint_violated",
  "form_unknown",
  "form_not_selected",
  "form_assumed",
  "age_out_of_range",
  "prematurity_corrected",
  "invalid_date",
  "invalid_value",
  "unknown_column",
  "duplicate_column",
  "missing_column",
  "column_renamed",
  "unknown_instrument",
  "provisional_cutoff",
  "not_scorable",
  // coded ratings (issue 15)
  "coder_missing",
  "coder_not_certified",
  "coder_certification_unknown",
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

export type Severity = "error" | "warning" | "info";

export interface Issue {
  code: IssueCode;
  severity: Severity;
  message: string;
  instrument?: string;
  scale?: string;
  /** item id or column name the issue is about */
  item?: string;
  expected?: string;
  received?: string;
  /** the administration the issue is about, filled in by readers for the issues file (never in a pseudonymised export) */
  subjectId?: string;
  administeredOn?: string;
  /** where the administration came from, filled in by readers (file, spreadsheet row) */
  file?: string;
  row?: number;
  /** lines of the file the row took, when more than one (a quoted cell with line breaks, or a quote that swallowed rows) */
  lines?: number;
}

export type ItemValue = string | number | null | undefined;

/** One completed questionnaire or coding, as recorded. */
export interface Administration {
  instrument: string;
  subjectId?: string;
  administeredOn?: string;
  respondent?: string;
  phase?: string;
  /** explicit form id (e.g. ASQ:SE-2 interval "6"); wins over age-based selection */
  form?: string;
  ageMonths?: number;
  birthDate?: string;
  /** whole weeks ("36") or weeks+days ("35+4") */
  gestationalWeeks?: string | number;
  /** the child's sex, for rules that depend on it (ASQ:SE-2: a girl in the monitoring zone) */
  sex?: "female" | "male";
  /** who coded the interview or observation (coder_id column), for instruments with `coding` */
  coderId?: string;
  /** whether that coder is certified/reliable (coder_certified column); absent when the cell is empty */
  coderCertified?: boolean;
  /** raw responses keyed by column name (item id, or item id + modifier suffix) */
  responses: Readonly<Record<string, ItemValue>>;
  /** origin, for issues; itemRows: in a long file each response's own row, so an item's issue names it */
  source?: { file?: string; row?: number; itemRows?: Readonly<Record<string, number>> };
}

export type ScaleStatus = "scored" | "prorated" | "not_scorable";

export interface AppliedBand {
  id: string;
  label: string;
  concern: boolean;
  /** the bounds that placed the score here, e.g. ">= 13" */
  rule: string;
  source: { ref: string; locator?: string; provenance: Provenance };
}

export interface ScaleResult {
  scale: string;
  label: string;
  score: number | null;
  status: ScaleStatus;
  band: AppliedBand | null;
  nAnswered: number;
  nItems: number;
  flags: string[];
  direction: "higher_is_better" | "higher_is_worse" | "none";
  /** how the score was computed, e.g. "sum of 18 items; missing: none allowed" */
  rule: string;
  /** true when a provisional number (cutoff, key, count) went into this result */
  provisional: boolean;
  /** why a scale is not scorable, when it is not */
  reason?: string;
}

/** A coder's classification (e.g. an AAI attachment classification): a code, never a score. */
export interface ClassificationResult {
  item: string;
  label: string;
  /** null when the item is empty or its code is not allowed (then an unknown_code issue says so) */
  code: string | null;
  /** the code's meaning from the definition */
  meaning: string | null;
  /** coder flags (coder_missing …) when there is a code */
  flags: string[];
  source: { ref: string; locator?: string; provenance: Provenance };
}

export interface ScoreResult {
  instrument: string;
  instrumentName: string;
  definitionVersion: string;
  form: string | null;
  /** how the form was chosen */
  formRule: string | null;
  subjectId?: string;
  administeredOn?: string;
  respondent?: string;
  phase?: string;
  scales: ScaleResult[];
  /** codes of the instrument's classification items (category formats); only for instruments that have them */
  classifications?: ClassificationResult[];
  /** the coder, for instruments with `coding` */
  coderId?: string;
  coderCertified?: boolean;
  issues: Issue[];
  provisional: boolean;
  source?: { file?: string; row?: number };
}
