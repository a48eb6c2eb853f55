/**
 * Scoring one administration. Pure: no I/O, and no knowledge of any particular instrument.
 *
 *   administration ─► select form ─► parse responses ─► check constraints ─► per scale:
 *                     (explicit,     (declared format,   (e.g. CARE-Index     recode → missing rule →
 *                      age rule)      key, modifiers)     scales sum to 14)    aggregate → band → flags
 */
import { RULES } from "../rules/index.js";
import type { FormSelectionRule, MissingRuleImpl } from "../rules/types.js";
import type { BandSet, FormDef } from "../schema/instrument.js";
import type { Administration, AppliedBand, Issue, ScaleResult, ScoreResult } from "../schema/results.js";
import { bandsFor, describeBound, scaleItems, type Instrument, type Scale } from "../registry/load.js";
import { makeIssue } from "./issues.js";
import { isBlank, parseResponse } from "./responses.js";

interface ItemState {
  status: "ok" | "missing" | "invalid";
  points?: number;
  response?: number | string;
}

/** Removes binary floating-point noise (0.1 + 0.2) without touching real precision. */
const clean = (x: number) => Number(x.toPrecision(12));

function selectForm(inst: Instrument, a: Administration): { form: FormDef | null; rule: string | null; issues: Issue[]; provisional: boolean } {
  if (!inst.hasForms) return { form: inst.forms[0]!, rule: null, issues: [], provisional: false };
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
  const out = rule.select({ instrumentId: inst.id, forms: inst.forms, administration: a, params: rule.params.parse(sel.params) });
  const form = out.form === null ? null : inst.forms.find((f) => f.id === out.form)!;
  return { form, rule: out.explanation, issues: out.issues, provisional: out.provisional };
}

function parseItems(inst: Instrument, form: FormDef, a: Administration, issues: Issue[]): Map<string, ItemState> {
  const states = new Map<string, ItemState>();
  const onForm = form.items ?? [...inst.items.keys()];
  for (const id of onForm) {
    const item = inst.items.get(id)!;
    const p = parseResponse(a.responses[id], item.format, id, form.itemKeys?.[id]);
    if (p.kind === "invalid") {
      issues.push({ ...p.issue, instrument: inst.id });
      states.set(id, { status: "invalid" });
      continue;
    }
    if (p.kind === "missing") {
      states.set(id, { status: "missing" });
      for (const m of inst.def.modifiers) {
        const raw = a.responses[id + m.suffix];
        const mp = parseResponse(raw, inst.def.responseFormats[m.response]!, id + m.suffix, undefined);
        if (mp.kind === "invalid") issues.push({ ...mp.issue, instrument: inst.id });
        else if (mp.kind === "ok" && mp.points !== 0)
          issues.push(makeIssue("modifier_without_response", "warning", { instrument: inst.id, item: id + m.suffix, received: String(raw) }));
      }
      continue;
    }
    let points = p.points;
    let invalid = false;
    for (const m of inst.def.modifiers) {
      const mp = parseResponse(a.responses[id + m.suffix], inst.def.responseFormats[m.response]!, id + m.suffix, undefined);
      if (mp.kind === "invalid") {
        issues.push({ ...mp.issue, instrument: inst.id });
        invalid = true;
      } else if (mp.kind === "ok") points += mp.points;
    }
    states.set(id, invalid ? { status: "invalid" } : { status: "ok", points, response: p.response });
  }
  const known = new Set(onForm.flatMap((id) => [id, ...inst.def.modifiers.map((m) => id + m.suffix)]));
  for (const [col, raw] of Object.entries(a.responses)) {
    if (known.has(col) || isBlank(raw)) continue;
    const detail = inst.columns.includes(col) ? `it is not on form "${form.id}", so its response is not scored` : "its response is not scored";
    issues.push(makeIssue("unknown_column", "warning", { instrument: inst.id, item: col, received: String(raw), detail }));
  }
  return states;
}

function checkConstraints(inst: Instrument, states: Map<string, ItemState>, issues: Issue[]): Set<string> {
  const broken = new Set<string>();
  for (const c of inst.def.constraints) {
    const vals = c.items.map((id) => states.get(id));
    if (vals.some((v) => !v || v.status !== "ok")) continue;
    const sum = clean(vals.reduce((s, v) => s + v!.points!, 0));
    if (sum !== c.value) {
      issues.push(
        makeIssue("constraint_violated", "error", {
          instrument: inst.id,
          detail: `${c.items.join(" + ")} must sum to ${c.value}`,
          received: String(sum),
          expected: String(c.value),
        }),
      );
      for (const id of c.items) broken.add(id);
    }
  }
  return broken;
}

function findBand(set: BandSet | undefined, score: number | null): AppliedBand | null {
  if (!set || score === null) return null;
  for (const b of set.bands) {
    const okLo = !b.lower || (b.lower.inclusive ? score >= b.lower.value : score > b.lower.value);
    const okHi = !b.upper || (b.upper.inclusive ? score <= b.upper.value : score < b.upper.value);
    if (okLo && okHi) {
      const { ref, locator, provenance } = set.source;
      return { id: b.id, label: b.label, concern: b.concern, rule: describeBound(b), source: locator ? { ref, locator, provenance } : { ref, provenance } };
    }
  }
  return null;
}

const cmpOp = { "<": (a: number, b: number) => a < b, "<=": (a: number, b: number) => a <= b, ">": (a: number, b: number) => a > b, ">=": (a: number, b: number) => a >= b };

function scoreScale(
  inst: Instrument,
  scale: Scale,
  form: FormDef,
  states: Map<string, ItemState>,
  broken: Set<string>,
  done: Map<string, ScaleResult>,
  issues: Issue[],
): ScaleResult {
  const def = scale.def;
  const bands = bandsFor(scale, form);
  const base = { scale: def.id, label: def.label, direction: def.direction, flags: [] as string[] };
  let provisional = def.key.provenance === "provisional" || form.itemCount?.source.provenance === "provisional";

  const finish = (r: Omit<ScaleResult, "band" | "provisional" | "flags" | "scale" | "label" | "direction">, flags: string[] = []): ScaleResult => {
    const band = findBand(bands, r.score);
    if (band?.source.provenance === "provisional") {
      provisional = true;
      flags.push("provisional_cutoff");
    }
    if (provisional && !flags.includes("provisional_cutoff") && r.score !== null) flags.push("provisional_definition");
    return { ...base, ...r, band, flags, provisional };
  };

  if (def.derive) {
    const from = done.get(def.derive.from)!;
    const n = from.nItems;
    provisional ||= from.provisional;
    const score = from.score === null || n === 0 ? null : clean(from.score / n);
    const r: Omit<ScaleResult, "band" | "provisional" | "flags" | "scale" | "label" | "direction"> = {
      score,
      status: from.status,
      nAnswered: from.nAnswered,
      nItems: n,
      rule: `${from.scale} score divided by its ${n} items`,
    };
    if (from.reason !== undefined) r.reason = from.reason;
    return finish(r);
  }

  if (scale.items === null && !form.items) {
    const reason = `the items of form "${form.id}" are not in this definition (${inst.def.forms.find((f) => f.id === form.id)?.itemCount ? "" : "the item count is not publicly confirmed; "}load a site overlay that lists them)`;
    issues.push(makeIssue("not_scorable", "error", { instrument: inst.id, scale: def.id, detail: reason }));
    return finish({ score: null, status: "not_scorable", nAnswered: 0, nItems: 0, rule: `${def.aggregate} of the form's items`, reason });
  }
  const list = scaleItems(inst, scale, form);
  const nItems = list.length;
  const answered: number[] = [];
  const bad: string[] = [];
  let nAnswered = 0;
  for (const si of list) {
    const st = states.get(si.item)!;
    if (st.status === "invalid" || broken.has(si.item)) {
      bad.push(si.item);
      continue;
    }
    if (st.status === "missing") continue;
    nAnswered++;
    let v = st.points!;
    if (si.recode) {
      const r = si.recode.apply(v);
      if (r === undefined) {
        bad.push(si.item);
        continue;
      }
      v = r;
      if (si.recode.source.provenance === "provisional") provisional = true;
    }
    answered.push(v);
  }

  const recoded = list.filter((si) => si.recode).map((si) => `${si.item} ${si.recode!.name}`);
  const what = `${def.aggregate} of ${nItems} items${recoded.length ? ` (${recoded.join(", ")})` : ""}`;

  // flags look at every answered item, even when the scale itself cannot be scored
  const flags: string[] = [];
  for (const f of def.flags) {
    const ids = f.items === "scale" ? list.map((si) => si.item) : f.items;
    const hit = ids.some((id) => {
      const st = states.get(id);
      if (!st || st.status !== "ok") return false;
      let v: number;
      if (f.on === "response") {
        if (typeof st.response !== "number") return false;
        v = st.response;
      } else {
        const si = list.find((x) => x.item === id);
        const r = si?.recode ? si.recode.apply(st.points!) : st.points!;
        if (r === undefined) return false;
        v = r;
      }
      return cmpOp[f.op](v, f.value);
    });
    if (hit) flags.push(f.id);
  }

  if (bad.length > 0) {
    const reason = `invalid response to ${bad.join(", ")}`;
    issues.push(makeIssue("not_scorable", "error", { instrument: inst.id, scale: def.id, detail: reason }));
    return finish({ score: null, status: "not_scorable", nAnswered, nItems, rule: what, reason }, flags);
  }

  const missing = def.missing!;
  const nMissing = nItems - answered.length;
  const sum = answered.reduce((s, x) => s + x, 0);
  if (missing.kind === "rule") {
    const rule = RULES[missing.rule] as MissingRuleImpl;
    const out = rule.apply({ instrumentId: inst.id, scaleId: def.id, answered, nItems, bands, params: rule.params.parse(missing.params) });
    issues.push(...out.issues);
    provisional ||= out.provisional;
    const r: Omit<ScaleResult, "band" | "provisional" | "flags" | "scale" | "label" | "direction"> = {
      score: out.score === null ? null : clean(out.score),
      status: out.status,
      nAnswered,
      nItems,
      rule: `${what}; missing: ${missing.rule}: ${out.rule}`,
    };
    if (out.reason !== undefined) r.reason = out.reason;
    return finish(r, flags);
  }
  const allowed = missing.kind === "prorate" ? missing.maxMissing : 0;
  const missingText = missing.kind === "none" ? "none allowed" : `prorated up to ${allowed} missing`;
  if (nMissing > allowed) {
    const unanswered = list.filter((si) => states.get(si.item)!.status === "missing").map((si) => si.item);
    const reason = `${nMissing} of ${nItems} items missing (${unanswered.join(", ")}); ${missing.kind === "none" ? "every item is required" : `at most ${allowed} may be missing`}`;
    issues.push(makeIssue("too_many_missing", "error", { instrument: inst.id, scale: def.id, detail: reason }));
    return finish({ score: null, status: "not_scorable", nAnswered, nItems, rule: `${what}; missing: ${missingText}`, reason }, flags);
  }
  const mean = sum / answered.length;
  const score = clean(def.aggregate === "mean" ? mean : nMissing === 0 ? sum : mean * nItems);
  if (nMissing > 0) {
    issues.push(
      makeIssue("missing_adjusted", "warning", {
        instrument: inst.id,
        scale: def.id,
        detail: `${nMissing} of ${nItems} items missing; ${def.aggregate === "mean" ? "mean of the answered items" : "prorated: mean of answered × number of items"}`,
      }),
    );
  }
  return finish({ score, status: nMissing > 0 ? "prorated" : "scored", nAnswered, nItems, rule: `${what}; missing: ${missingText}` }, flags);
}

/**
 * Score one administration by its instrument's definition. Never throws on bad responses: every
 * problem is an issue, and a scale its rules cannot score is `not_scorable` with the reason.
 */
export function scoreAdministration(inst: Instrument, a: Administration): ScoreResult {
  const issues: Issue[] = [];
  const sel = selectForm(inst, a);
  issues.push(...sel.issues);
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
  if (a.source !== undefined) result.source = a.source;

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
    const states = parseItems(inst, sel.form, a, issues);
    const broken = checkConstraints(inst, states, issues);
    const done = new Map<string, ScaleResult>();
    for (const s of inst.scales) {
      const r = scoreScale(inst, s, sel.form, states, broken, done, issues);
      if (sel.provisional && r.score !== null) {
        r.provisional = true;
        if (!r.flags.includes("provisional_cutoff") && !r.flags.includes("provisional_definition")) r.flags.push("provisional_definition");
      }
      done.set(s.id, r);
      result.scales.push(r);
    }
  }
  result.provisional ||= result.scales.some((s) => s.provisional);
  for (const i of issues) {
    if (i.instrument === undefined) i.instrument = inst.id;
    if (a.source?.file !== undefined) i.file = a.source.file;
    if (a.source?.row !== undefined) i.row = a.source.row;
  }
  return result;
}
