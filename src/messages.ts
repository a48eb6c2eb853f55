/** Every user-facing sentence about an issue, keyed by code (vega-lite's log/message.ts idea). */
import type { IssueCode } from "./schema/results.js";

export interface MessageFields {
  instrument?: string;
  scale?: string;
  item?: string;
  expected?: string;
  received?: string;
  detail?: string;
}

/** "1 warning", "2 warnings": a count with its noun */
export const counted = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const q = (s: string | undefined) => (s === undefined ? "" : JSON.stringify(s));

export const messages: Record<IssueCode, (f: MessageFields) => string> = {
  missing_item: (f) => `${f.item} is not answered`,
  not_a_number: (f) => `${f.item}: ${q(f.received)} is not a number; expected ${f.expected}`,
  not_an_integer: (f) => `${f.item}: ${q(f.received)} is not a whole number; expected ${f.expected}`,
  off_step: (f) => `${f.item}: ${q(f.received)} is finer than the scale allows; expected ${f.expected}`,
  out_of_range: (f) => `${f.item}: ${q(f.received)} is out of range; expected ${f.expected}`,
  unknown_code: (f) => `${f.item}: ${q(f.received)} is not an allowed response; expected ${f.expected}`,
  item_key_missing: (f) =>
    `${f.item}: response ${q(f.received)} needs the item's key (${f.expected}) for this form, and none is loaded; record the printed letter or load a site key overlay`,
  modifier_without_response: (f) => `${f.item}: ${q(f.received)} is marked but the item itself is not answered`,
  too_many_missing: (f) => `${f.scale}: ${f.detail}`,
  missing_not_adjusted: (f) => `${f.scale}: ${f.detail}`,
  missing_adjusted: (f) => `${f.scale}: ${f.detail}`,
  constraint_violated: (f) => `${f.detail}; received ${f.received}, expected ${f.expected}`,
  form_unknown: (f) => `form ${q(f.received)} is not a form of ${f.instrument}; expected one of ${f.expected}`,
  form_not_selected: (f) => `no form of ${f.instrument} could be chosen: ${f.detail}`,
  form_assumed: (f) => `${f.instrument}: ${f.detail}`,
  age_out_of_range: (f) => `age ${f.received} is outside every form's age window of ${f.instrument} (${f.expected})`,
  prematurity_corrected: (f) => `${f.detail}`,
  invalid_date: (f) => `${q(f.received)} is not a valid date; expected ${f.expected}`,
  invalid_value: (f) => `${q(f.received)} is not valid; expected ${f.expected}`,
  column_renamed: (f) => `column ${q(f.received)} is read as ${q(f.item)} (column names are matched ignoring case and spaces)`,
  unknown_column: (f) => `column ${q(f.item)} is not an item of ${f.instrument ?? "any known instrument"}${f.detail ? `; ${f.detail}` : ""}`,
  duplicate_column: (f) => `column ${q(f.item)} appears more than once`,
  missing_column: (f) => `required column ${q(f.item)} is missing${f.detail ? `; ${f.detail}` : ""}`,
  unknown_instrument: (f) => `instrument ${q(f.received)} is not known; expected one of ${f.expected}`,
  provisional_cutoff: (f) => `${f.scale}: ${f.detail}`,
  not_scorable: (f) => `${f.scale} is not scorable: ${f.detail}`,
  coder_missing: (f) => `${f.instrument} is coded by a trained coder, and no coder is named (coder_id is empty); the scores are kept and flagged coder_missing`,
  coder_not_certified: (f) => `${f.instrument}: coder ${q(f.received)} is recorded as not certified (coder_certified); the scores are kept and flagged coder_not_certified`,
  coder_certification_unknown: (f) => `${f.instrument}: whether coder ${q(f.received)} is certified is not recorded (coder_certified is empty); the scores are flagged coder_certification_unknown`,
};
