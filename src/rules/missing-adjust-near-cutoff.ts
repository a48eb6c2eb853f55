import { z } from "zod";
import { SourceSchema } from "../schema/instrument.js";
import { makeIssue } from "../scoring/issues.js";
import type { MissingRuleImpl } from "./types.js";

const Params = z
  .object({
    scoreAsIsUpTo: z.number().int().min(0).describe("this many missing or fewer: total of the answered items"),
    maxMissing: z.number().int().min(1).describe("more missing than this: not scorable (forms not in maxMissingByForm)"),
    maxMissingByForm: z
      .object({
        forms: z.record(z.string(), z.number().int().min(0)).describe("form id → most missing items still scored on that form"),
        source: SourceSchema,
      })
      .strict()
      .optional()
      .describe("a stricter maximum for some forms (ASQ:SE-2: 2 on the 2–18 month questionnaires), with its source"),
    window: z.number().min(0).describe("between the two: adjust when the total is within this many points of the cutoff"),
    cutoffBand: z.string().describe("band whose lower bound is the cutoff"),
  })
  .strict();
type Params = z.output<typeof Params>;

const fmt = (x: number) => String(Math.round(x * 1e6) / 1e6);

/**
 * The ASQ:SE-2 procedure: a few missing items are scored as is; a few more are filled in with the
 * average item score, but only when the total is close enough to the cutoff for it to matter.
 */
export const adjustNearCutoff: MissingRuleImpl<Params> = {
  type: "missing",
  name: "adjust-near-cutoff",
  description:
    "Up to scoreAsIsUpTo missing: total of answered items. Up to maxMissing (or the form's maxMissingByForm): if the total " +
    "is within `window` points of the cutoff (either side), adjusted total = total + (total / answered) × missing; " +
    "otherwise total as is. More: not scorable.",
  params: Params,
  apply({ instrumentId, scaleId, formId, answered, nItems, bands, params }) {
    const missing = nItems - answered.length;
    const total = answered.reduce((s, x) => s + x, 0);
    const base = { instrument: instrumentId, scale: scaleId };
    if (missing === 0) return { score: total, status: "scored", rule: "sum of items", issues: [], provisional: false };
    const byForm = formId !== null ? params.maxMissingByForm?.forms[formId] : undefined;
    const max = byForm ?? params.maxMissing;
    if (missing > max) {
      const src = params.maxMissingByForm?.source;
      const why = byForm !== undefined && src ? ` on form ${formId} (${src.ref}${src.locator ? `: ${src.locator}` : ""}; ${src.provenance})` : "";
      const detail = `${missing} of ${nItems} items missing; at most ${max} allowed${why}`;
      return {
        score: null,
        status: "not_scorable",
        rule: `not scored: more than ${max} missing${byForm !== undefined ? ` on form ${formId}` : ""}`,
        issues: [makeIssue("too_many_missing", "error", { ...base, detail })],
        provisional: false,
        reason: detail,
      };
    }
    // scored despite missing items: the rule names what was done and why, and a warning says the same
    const warned = (score: number, adjusted: boolean, detail: string, provisional: boolean) => ({
      score,
      status: adjusted ? ("prorated" as const) : ("scored" as const),
      rule: `${adjusted ? "adjusted for missing items" : "sum of answered items"} (${detail})`,
      issues: [makeIssue(adjusted ? "missing_adjusted" : "missing_not_adjusted", "warning", { ...base, detail })],
      provisional,
    });
    if (missing <= params.scoreAsIsUpTo) return warned(total, false, `${missing} missing; scored as is (no adjustment for ${params.scoreAsIsUpTo} or fewer)`, false);
    const band = bands?.bands.find((b) => b.id === params.cutoffBand);
    const cutoff = band?.lower?.value;
    if (cutoff === undefined) {
      const detail = `${missing} missing and no cutoff (band '${params.cutoffBand}') for this form to decide on adjustment`;
      return {
        score: null,
        status: "not_scorable",
        rule: "not scored: no cutoff",
        issues: [makeIssue("not_scorable", "error", { ...base, detail })],
        provisional: false,
        reason: detail,
      };
    }
    const provisional = bands!.source.provenance === "provisional";
    if (Math.abs(total - cutoff) <= params.window) {
      const adjusted = total + (total / answered.length) * missing;
      const detail = `${missing} missing and total ${fmt(total)} within ${params.window} of cutoff ${cutoff}${provisional ? " (provisional)" : ""}: adjusted to ${fmt(adjusted)} = ${fmt(total)} + ${fmt(total / answered.length)} × ${missing}`;
      return warned(adjusted, true, detail, provisional);
    }
    return warned(total, false, `${missing} missing; total ${fmt(total)} is more than ${params.window} from cutoff ${cutoff}${provisional ? " (provisional)" : ""}, so scored as is`, provisional);
  },
};
