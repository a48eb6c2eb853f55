/**
 * Scoring one administration. Pure: no I/O, and no knowledge of any particular instrument.
 *
 *   administration ─► select form ─► parse responses ─► check constraints ─► per scale:
 *                     (explicit,     (declared format,   (e.g. CARE-Index     recode → missing rule →
 *                      age rule)      key, modifiers)     scales sum to 14)    aggregate → band → flags
 *
 * This file orchestrates the phases: plan.ts (per form, once: item plans and each scale's compiled kernel),
 * parse.ts (responses → status/points), scale.ts with kernel.ts (per scale), and then form-level results here.
 */
import { RULES } from "../rules/index.js";
import type { FormSelectionRule } from "../rules/types.js";
import type { FormDef } from "../schema/instrument.js";
import type { Administration, ClassificationResult, Issue, ItemValue, ScoreResult } from "../schema/results.js";
import type { Instrument } from "../registry/load.js";
import { makeIssue } from "./issues.js";
import { completeScale, OK } from "./kernel.js";
import { checkConstraints, parseItems } from "./parse.js";
import { formPlan, ruleParams, type FormPlan, type ResponseColumns } from "./plan.js";
import { scoreScale } from "./scale.js";

// the phases' modules (plan, parse, kernel, scale) are internal; these names stay importable from here
export { clean, findBand } from "./kernel.js";
export { columnMap, formPlan, type ResponseColumns } from "./plan.js";

function toRecord(cols: ResponseColumns): Record<string, ItemValue> {
  const r: Record<string, ItemValue> = {};
  for (let j = 0; j < cols.names.length; j++) r[cols.names[j]!] = cols.values[j];
  return r;
}

// ---------------------------------------------------------------- scoring

type Selection = { form: FormDef | null; rule: string | null; issues: Issue[]; provisional: boolean };
/** what an instrument without forms always gets (its issues are only read) */
const onlyForm = new WeakMap<Instrument, Selection>();

function selectForm(inst: Instrument, a: Omit<Administration, "responses">, responses: Administration["responses"] | null, cols: ResponseColumns | null): Selection {
  if (!inst.hasForms) {
    let sel = onlyForm.get(inst);
    if (!sel) onlyForm.set(inst, (sel = { form: inst.forms[0]!, rule: null, issues: [], provisional: false }));
    return sel;
  }
  const ids = inst.forms.map((f) => f.id);
  if (a.form !== undefined && a.form !== "") {
    const form = inst.forms.find((f) => f.id === a.form);
    if (form) return { form, rule: "form given", issues: [], provisional: false };
    return {
      form: null,
      rule: null,
      issues: [makeIssue("form_unknown", "error", { instrument: inst.id, received: a.form, expected: ids.join(", ") })],
      provisional: false,
    };
  }
  const sel = inst.def.formSelection;
  if (!sel) {
    return {
      form: null,
      rule: null,
      issues: [makeIssue("form_not_selected", "error", { instrument: inst.id, detail: `give a form (${ids.join(", ")})` })],
      provisional: false,
    };
  }
  if (sel.rule === undefined) {
    const form = inst.forms.find((f) => f.id === sel.default)!;
    return { form, rule: `default form "${form.id}" (no form given)`, issues: [], provisional: sel.source.provenance === "provisional" };
  }
  const rule = RULES[sel.rule] as FormSelectionRule;
  const administration: Administration = responses !== null ? (a as Administration) : { ...a, responses: toRecord(cols!) };
  const out = rule.select({ instrumentId: inst.id, forms: inst.forms, administration, params: ruleParams(sel, rule) });
  const form = out.form === null ? null : inst.forms.find((f) => f.id === out.form)!;
  return { form, rule: out.explanation, issues: out.issues, provisional: out.provisional };
}

/**
 * Coded ratings: the administration must name its coder and say whether the coder is certified. Neither
 * changes a rating (trivsel cannot check a coder's judgement); each is an issue and a flag on every score.
 * @returns the flag for the scores, or null when the coder is named and certified
 */
function checkCoder(inst: Instrument, a: Omit<Administration, "responses">, result: ScoreResult, issues: Issue[]): string | null {
  if (a.coderId !== undefined && a.coderId !== "") result.coderId = a.coderId;
  if (a.coderCertified !== undefined) result.coderCertified = a.coderCertified;
  if (result.coderId === undefined) {
    issues.push(makeIssue("coder_missing", "warning", { instrument: inst.id, item: "coder_id" }));
    return "coder_missing";
  }
  if (a.coderCertified === false) {
    issues.push(makeIssue("coder_not_certified", "warning", { instrument: inst.id, item: "coder_certified", received: result.coderId }));
    return "coder_not_certified";
  }
  if (a.coderCertified === undefined) {
    issues.push(makeIssue("coder_certification_unknown", "info", { instrument: inst.id, item: "coder_certified", received: result.coderId }));
    return "coder_certification_unknown";
  }
  return null;
}

/** The codes of the form's classification items, as parsed (an unknown code is already an issue). */
function classify(plan: FormPlan, coderFlag: string | null): ClassificationResult[] {
  return plan.categories.map((c) => {
    const code = plan.status[c.idx] === OK ? String(plan.response[c.idx]) : null;
    const flags = code !== null && coderFlag !== null ? [coderFlag] : [];
    return { item: c.id, label: c.label, code, meaning: code === null ? null : c.codes[code]!, flags, source: c.source };
  });
}

/**
 * Score one administration by its instrument's definition. Never throws on bad responses: every
 * problem is an issue, and a scale its rules cannot score is `not_scorable` with the reason.
 */
export function scoreAdministration(inst: Instrument, a: Administration): ScoreResult {
  if (inst === null || typeof inst !== "object" || !Array.isArray((inst as Partial<Instrument>).scales))
    return inputIssueResult(describeType(inst), "an instrument: getInstrument(id) or loadInstrument(json)");
  if (a === null || typeof a !== "object" || a.responses === null || typeof a.responses !== "object") {
    // input of the wrong type (from JavaScript, or JSON) is an issue on a result, as bad values are
    const r = scoreWith(inst, { instrument: inst.id }, {}, null);
    const received = a === null || typeof a !== "object" ? describeType(a) : `responses: ${describeType(a.responses)}`;
    r.issues.unshift(makeIssue("invalid_value", "error", { received, expected: "an administration: an object with instrument and responses (an object of item → value)" }));
    return r;
  }
  return scoreWith(inst, a, a.responses, null);
}

/** a result that holds only an issue: input of the wrong type */
export function inputIssueResult(received: string, expected: string): ScoreResult {
  return { instrument: "", instrumentName: "", definitionVersion: "", form: null, formRule: "", scales: [], issues: [makeIssue("invalid_value", "error", { received, expected })], provisional: false };
}

/** what a value of the wrong type is, for an issue: its type, never its content */
export const describeType = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);

/**
 * scoreAdministration for file readers: the responses as columns (see ResponseColumns), so no record
 * is built per row. The result is what scoreAdministration gives for `a` with that record.
 */
export function scoreColumns(inst: Instrument, a: Omit<Administration, "responses">, cols: ResponseColumns): ScoreResult {
  return scoreWith(inst, a, null, cols);
}

function scoreWith(inst: Instrument, a: Omit<Administration, "responses">, responses: Administration["responses"] | null, cols: ResponseColumns | null): ScoreResult {
  const issues: Issue[] = [];
  const sel = selectForm(inst, a, responses, cols);
  if (sel.issues.length > 0) issues.push(...sel.issues);
  const result: ScoreResult = {
    instrument: inst.id,
    instrumentName: inst.name,
    definitionVersion: inst.definitionVersion,
    form: sel.form && inst.hasForms ? sel.form.id : null,
    formRule: sel.rule,
    scales: [],
    issues,
    provisional: sel.provisional,
  };
  if (a.subjectId !== undefined) result.subjectId = a.subjectId;
  if (a.administeredOn !== undefined) result.administeredOn = a.administeredOn;
  if (a.respondent !== undefined) result.respondent = a.respondent;
  if (a.phase !== undefined) result.phase = a.phase;
  if (a.source !== undefined) {
    // the result names the administration's first row; item rows serve only its issues
    const { itemRows: _itemRows, ...source } = a.source;
    result.source = source;
  }

  if (!sel.form) {
    const reason = "no form";
    result.scales = inst.scales.map((s) => ({
      scale: s.id,
      label: s.def.label,
      score: null,
      status: "not_scorable",
      band: null,
      nAnswered: 0,
      nItems: 0,
      flags: [],
      direction: s.def.direction,
      rule: "not scored: no form",
      provisional: false,
      reason,
    }));
  } else {
    const plan = formPlan(inst, sel.form);
    parseItems(inst, plan, sel.form, responses, cols, issues);
    checkConstraints(inst, plan, issues);
    const coderFlag = inst.def.coding ? checkCoder(inst, a, result, issues) : null;
    for (const sp of plan.scales) {
      const r = scoreScale(inst, sp, plan, result.scales, issues);
      completeScale(r, sp, a.sex, coderFlag, sel.provisional);
      result.scales.push(r);
    }
    if (plan.categories.length > 0) result.classifications = classify(plan, coderFlag);
  }
  if (!result.provisional) for (const s of result.scales) if (s.provisional) result.provisional = true;
  for (const i of issues) {
    if (i.instrument === undefined) i.instrument = inst.id;
    if (a.source?.file !== undefined) i.file = a.source.file;
    const itemRow = i.item !== undefined ? a.source?.itemRows?.[i.item] : undefined;
    if (itemRow !== undefined) i.row = itemRow;
    else if (a.source?.row !== undefined) i.row = a.source.row;
  }
  return result;
}
