import { z } from "zod";
import { toDayNumber } from "../dates.js";
import { makeIssue } from "../scoring/issues.js";
import type { Issue } from "../schema/results.js";
import type { FormSelectionRule } from "./types.js";
import { administrationDates } from "./administration-dates.js";
import { noForm } from "./no-form.js";

const Params = z
  .object({
    beforeBirth: z.string().describe("form for an administration before birth_date (pregnancy)"),
    fromBirth: z.string().describe("form for an administration on or after birth_date"),
    withoutBirthDate: z.string().optional().describe("form used, with a warning, when there is no birth_date; without it the administration is not scored"),
  })
  .strict();
type Params = z.output<typeof Params>;

/**
 * Form chosen by whether the administration lies before the child's birth (EPDS: antenatal or
 * postnatal bands), from administered_on and birth_date.
 */
export const birthRelative: FormSelectionRule<Params> = {
  type: "form-selection",
  name: "birth-relative",
  description:
    "Chooses beforeBirth when administered_on is before birth_date and fromBirth otherwise; without a birth_date, " +
    "withoutBirthDate with a warning (or no form).",
  params: Params,
  select({ instrumentId, forms, administration: a, params }) {
    const issues: Issue[] = [];
    const fail = (detail: string) => noForm(instrumentId, issues, detail);
    for (const id of [params.beforeBirth, params.fromBirth, params.withoutBirthDate])
      if (id !== undefined && !forms.some((f) => f.id === id)) return fail(`the rule names form "${id}", which the definition does not have`);
    const { on, birth, refused } = administrationDates(a);
    if (refused) return fail(refused);
    if (birth && !on) return fail(`give administered_on (with birth_date) or form (${params.beforeBirth} or ${params.fromBirth})`);
    if (!birth || !on) {
      if (params.withoutBirthDate === undefined) return fail(`give birth_date with administered_on, or form (${params.beforeBirth} or ${params.fromBirth})`);
      const detail = `no birth_date: form "${params.withoutBirthDate}" is used; give birth_date or form (${params.beforeBirth} or ${params.fromBirth}) for an administration in pregnancy`;
      issues.push(makeIssue("form_assumed", "warning", { instrument: instrumentId, detail }));
      return { form: params.withoutBirthDate, explanation: detail, issues, provisional: false };
    }
    const before = toDayNumber(on) < toDayNumber(birth);
    return {
      form: before ? params.beforeBirth : params.fromBirth,
      explanation: `administered_on ${a.administeredOn} is ${before ? "before" : "on or after"} birth_date ${a.birthDate}`,
      issues,
      provisional: false,
    };
  },
};
