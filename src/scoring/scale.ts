/**
 * Scoring one scale of a parsed administration (the general path): its kernel's tally, flags, missing-item rule
 * (or a named rule from src/rules) and result. The compiled fast path (./fast.ts) calls the same kernel functions.
 */
import { RULES } from "../rules/index.js";
import type { MissingRuleImpl } from "../rules/types.js";
import type { Issue, ScaleResult } from "../schema/results.js";
import type { Instrument } from "../registry/load.js";
import { makeIssue } from "./issues.js";
import { applyMissing, badItems, clean, derivedRuleText, derivedScore, finish, flagSet, missingRuleText, newTally, tally, newOutcome, type ScaleKernel } from "./kernel.js";
import { ruleParams, type FormPlan } from "./plan.js";

const t = newTally();
const outcome = newOutcome();

export function scoreScale(inst: Instrument, k: ScaleKernel, plan: FormPlan, done: readonly ScaleResult[], issues: Issue[]): ScaleResult {
  const def = k.def;
  if (def.derive) {
    const from = done[k.deriveFrom]!;
    const n = from.nItems;
    return finish(k, k.provisional || from.provisional, derivedScore(from.score, n), from.status, from.nAnswered, n, derivedRuleText(from.scale, n), from.reason, []);
  }
  if (k.noItemsReason !== null) {
    const reason = k.noItemsReason;
    issues.push(makeIssue("not_scorable", "error", { instrument: inst.id, scale: def.id, detail: reason }));
    return finish(k, k.provisional, null, "not_scorable", 0, 0, `${def.aggregate} of the form's items`, reason, []);
  }
  const { status, points, respPoints, broken } = plan;
  const nItems = k.list.length;
  // the points themselves are kept only for a missing rule
  const answered: number[] | null = def.missing?.kind === "rule" ? [] : null;
  tally(k, status, points, broken, answered, t);
  const provisional = t.provisional;
  // flags look at every answered item, even when the scale itself cannot be scored
  const flags: string[] = [];
  for (const f of k.flags) if (flagSet(f, status, points, respPoints)) flags.push(f.id);

  if (t.bad) {
    const reason = `invalid response to ${badItems(k, status, points, broken).join(", ")}`;
    issues.push(makeIssue("not_scorable", "error", { instrument: inst.id, scale: def.id, detail: reason }));
    return finish(k, provisional, null, "not_scorable", t.nAnswered, nItems, k.what, reason, flags);
  }
  const missing = def.missing!;
  if (missing.kind === "rule") {
    const rule = RULES[missing.rule] as MissingRuleImpl;
    const out = rule.apply({ instrumentId: inst.id, scaleId: def.id, formId: plan.formId, answered: answered!, nItems, bands: k.bands, params: ruleParams(missing, rule) });
    issues.push(...out.issues);
    return finish(k, provisional, out.score === null ? null : clean(out.score), out.status, t.nAnswered, nItems, `${k.what}; missing: ${missing.rule}: ${out.rule}`, out.reason, flags, out.provisional);
  }
  applyMissing(k, t, status, inst.id, issues, outcome);
  return finish(k, provisional, outcome.scorable ? outcome.score : null, outcome.status, t.nAnswered, nItems, missingRuleText(k), outcome.reason, flags);
}
