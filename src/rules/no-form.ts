import { makeIssue } from "../scoring/issues.js";
import type { Issue } from "../schema/results.js";
import type { FormSelection } from "./types.js";

/** A form-selection rule that cannot choose: a form_not_selected error saying why, and no form. */
export function noForm(instrumentId: string, issues: Issue[], detail: string): FormSelection {
  issues.push(makeIssue("form_not_selected", "error", { instrument: instrumentId, detail }));
  return { form: null, explanation: detail, issues, provisional: false };
}
