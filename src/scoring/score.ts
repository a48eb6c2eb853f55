/**
 * Scoring one administration. Pure: no I/O, and no knowledge of any particular instrument.
 *
 *   administration ─► select form ─► parse responses ─► check constraints ─► per scale:
 *                     (explicit,     (declared format,   (e.g. CARE-Index     recode → missing rule →
 *                      age rule)      key, modifiers)     scales sum to 14)    aggregate → band → flags
 */
import { RULES } from "../rules/index.js";
import type { FormSelectionRule, MissingRuleImpl } from "../rules/types.js";
import type { BandSet, FormDef, ResponseFormat, ScaleDef } from "../schema/instrument.js";
import type { Administration, AppliedBand, ClassificationResult, Issue, ItemValue, ScaleResult, ScoreResult } from "../schema/results.js";
import { bandsFor, describeBound, scaleItems, type Instrument, type Recode, type ScaleItem } from "../registry/load.js";
import { makeIssue } from "./issues.js";
import { isBlank, parseResponse } from "./responses.js";

/** Removes binary floating-point noise (0.1 + 0.2) without touching real precision. */
// Integers below 1e12 come back unchanged from toPrecision(12), except -0, which becomes 0 (x + 0 does the same).
export const clean = (x: number) => (Number.isInteger(x) && Math.abs(x) < 1e12 ? x + 0 : Number(x.toPrecision(12)));

// ---------------------------------------------------------------- plans
// What depends only on the instrument and the form is worked out once per form and kept beside
// the (frozen) instrument; scoring an administration then only reads its plan.

const OK = 0;
const MISSING = 1;
const INVALID = 2;

interface ItemPlan {
  id: string;
  format: ResponseFormat;
  key: string | undefined;
  /** integer format: a response of plain digits is read without the general parser */
  intFormat: boolean;
  min: number;
  max: number;
  /** codes worth plain points, by exact code (non-blank, nothing to trim) */
  codePoints: Map<string, number> | null;
  mods: { col: string; format: ResponseFormat }[];
}

interface FlagPlan {
  id: string;
  onResponse: boolean;
  op: (a: number, b: number) => boolean;
  value: number;
  /** idx -1: the item is not on the form */
  targets: { idx: number; recode: Recode | null }[];
}

export interface ScalePlan {
  def: ScaleDef;
  bands: BandSet | undefined;
  /** describeBound of each band in `bands` */
  bandRules: string[];
  provisional: boolean;
  /** derived scale: index in inst.scales of the scale it divides */
  deriveFrom: number;
  /** set when the form's items are not in the definition */
  noItemsReason: string | null;
  list: readonly ScaleItem[];
  /** index in FormPlan.items of each list item */
  idx: number[];
  what: string;
  flags: FlagPlan[];
  missingText: string;
  allowed: number;
}

interface FormPlan {
  /** null for the implicit form of an instrument without forms */
  formId: string | null;
  items: ItemPlan[];
  known: Set<string>;
  /** column maps for response columns (ResponseColumns.names), per names array */
  columnMaps: WeakMap<readonly string[], ColumnMap>;
  constraints: { items: readonly string[]; value: number; idx: number[] }[];
  scales: ScalePlan[];
  /** the form's classification items (category formats), reported as codes */
  categories: { idx: number; id: string; label: string; codes: Readonly<Record<string, string>>; source: ClassificationResult["source"] }[];
  // state of the administration being scored, by item index (scoring is synchronous and not re-entrant)
  status: Uint8Array;
  points: Float64Array;
  response: (number | string)[];
  broken: Uint8Array;
}

const plans = new WeakMap<Instrument, Map<FormDef, FormPlan>>();

export function formPlan(inst: Instrument, form: FormDef): FormPlan {
  let byForm = plans.get(inst);
  if (!byForm) plans.set(inst, (byForm = new Map()));
  let plan = byForm.get(form);
  if (!plan) byForm.set(form, (plan = buildPlan(inst, form)));
  return plan;
}

const cmpOp = { "<": (a: number, b: number) => a < b, "<=": (a: number, b: number) => a <= b, ">": (a: number, b: number) => a > b, ">=": (a: number, b: number) => a >= b };

function buildPlan(inst: Instrument, form: FormDef): FormPlan {
  const onForm = form.items ?? [...inst.items.keys()];
  const items: ItemPlan[] = onForm.map((id) => {
    const format = inst.items.get(id)!.format;
    let codePoints: Map<string, number> | null = null;
    if (format.kind === "codes") {
      codePoints = new Map();
      for (const [code, v] of Object.entries(format.codes)) if (typeof v === "number" && code !== "" && code.trim() === code) codePoints.set(code, v);
    }
    return {
      id,
      format,
      key: form.itemKeys?.[id],
      intFormat: format.kind === "integer",
      min: format.kind === "codes" || format.kind === "category" ? NaN : format.min,
      max: format.kind === "codes" || format.kind === "category" ? NaN : format.max,
      codePoints,
      mods: inst.def.modifiers.map((m) => ({ col: id + m.suffix, format: inst.def.responseFormats[m.response]! })),
    };
  });
  // an item listed twice on a form: the later entry's state is the one the scales read
  const index = new Map<string, number>();
  onForm.forEach((id, i) => index.set(id, i));
  const idxOf = (id: string) => index.get(id) ?? -1;
  const known = new Set(onForm.flatMap((id) => [id, ...inst.def.modifiers.map((m) => id + m.suffix)]));
  const constraints = inst.def.constraints.map((c) => ({ items: c.items, value: c.value, idx: c.items.map(idxOf) }));
  const scales = inst.scales.map((scale): ScalePlan => {
    const def = scale.def;
    const bands = bandsFor(scale, form);
    const plan: ScalePlan = {
      def,
      bands,
      bandRules: bands ? bands.bands.map(describeBound) : [],
      provisional: def.key.provenance === "provisional" || form.itemCount?.source.provenance === "provisional",
      deriveFrom: def.derive ? inst.scales.findIndex((s) => s.id === def.derive!.from) : -1,
      noItemsReason: null,
      list: [],
      idx: [],
      what: "",
      flags: [],
      missingText: "",
      allowed: 0,
    };
    if (def.derive) return plan;
    if (scale.items === null && !form.items) {
      plan.noItemsReason = `the items of form "${form.id}" are not in this definition (${inst.def.forms.find((f) => f.id === form.id)?.itemCount ? "" : "the item count is not publicly confirmed; "}load a site overlay that lists them)`;
      return plan;
    }
    const list = scaleItems(inst, scale, form);
    plan.list = list;
    plan.idx = list.map((si) => idxOf(si.item));
    const recoded = list.filter((si) => si.recode).map((si) => `${si.item} ${si.recode!.name}`);
    // one item taken as it is: a coder's rating (RF, CARE-Index scale scores)
    plan.what = list.length === 1 && !list[0]!.recode ? `${list[0]!.item} as recorded` : `${def.aggregate} of ${list.length} items${recoded.length ? ` (${recoded.join(", ")})` : ""}`;
    plan.flags = def.flags.map((f) => ({
      id: f.id,
      onResponse: f.on === "response",
      op: cmpOp[f.op],
      value: f.value,
      targets: (f.items === "scale" ? list.map((si) => si.item) : f.items).map((id) => ({ idx: idxOf(id), recode: list.find((x) => x.item === id)?.recode ?? null })),
    }));
    const missing = def.missing;
    if (missing && missing.kind !== "rule") {
      plan.allowed = missing.kind === "prorate" ? missing.maxMissing : 0;
      plan.missingText = missing.kind === "none" ? "none allowed" : `prorated up to ${plan.allowed} missing`;
    }
    return plan;
  });
  const categories: FormPlan["categories"] = [];
  items.forEach((it, i) => {
    if (it.format.kind !== "category" || index.get(it.id) !== i) return;
    const { ref, locator, provenance } = it.format.source;
    categories.push({ idx: i, id: it.id, label: inst.items.get(it.id)!.label, codes: it.format.codes, source: locator ? { ref, locator, provenance } : { ref, provenance } });
  });
  const n = items.length;
  return { formId: inst.hasForms ? form.id : null, items, known, columnMaps: new WeakMap(), constraints, scales, categories, status: new Uint8Array(n), points: new Float64Array(n), response: new Array<number | string>(n), broken: new Uint8Array(n) };
}

/**
 * Responses given as columns: names (one array for every row of a file) and this row's values, in the
 * same order. Scored exactly as the record { [names[j]]: values[j] } would be, without building it.
 */
export interface ResponseColumns {
  names: readonly string[];
  values: readonly ItemValue[];
}

interface ColumnMap {
  /** position in names of each plan item, -1 when absent */
  itemPos: Int32Array;
  /** position in names of each item's modifiers, item-major; -1 when absent */
  modPos: Int32Array;
  /** positions of names that are neither items on the form nor their modifiers, in Object.keys order */
  unknown: number[];
}

export function columnMap(plan: FormPlan, names: readonly string[]): ColumnMap {
  let map = plan.columnMaps.get(names);
  if (map) return map;
  const pos = new Map<string, number>();
  names.forEach((n, j) => pos.set(n, j));
  const at = (col: string) => pos.get(col) ?? -1;
  const nMods = plan.items[0]?.mods.length ?? 0;
  const modPos = new Int32Array(plan.items.length * nMods);
  plan.items.forEach((it, i) => it.mods.forEach((m, k) => (modPos[i * nMods + k] = at(m.col))));
  // the order a record's keys would come in (integer-like names first), as the record path reads them
  const record: Record<string, number> = {};
  names.forEach((n, j) => (record[n] = j));
  const unknown = Object.keys(record)
    .filter((n) => !plan.known.has(n))
    .map((n) => record[n]!);
  map = { itemPos: Int32Array.from(plan.items, (it) => at(it.id)), modPos, unknown };
  plan.columnMaps.set(names, map);
  return map;
}

function toRecord(cols: ResponseColumns): Record<string, ItemValue> {
  const r: Record<string, ItemValue> = {};
  for (let j = 0; j < cols.names.length; j++) r[cols.names[j]!] = cols.values[j];
  return r;
}

/** A rule's parameters, parsed on first use and kept (rules only read them). */
const parsedParams = new WeakMap<object, unknown>();
function ruleParams(holder: { params?: unknown }, rule: { params: { parse(x: unknown): unknown } }): unknown {
  if (parsedParams.has(holder)) return parsedParams.get(holder);
  const p = rule.params.parse(holder.params);
  parsedParams.set(holder, p);
  return p;
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

/** Plain digits (at most 9) → their value; NaN for anything else, which the general parser reads. */
function digits(s: string): number {
  const n = s.length;
  if (n === 0 || n > 9) return NaN;
  let x = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    x = x * 10 + c;
  }
  return x;
}

/** `responses`, or else `cols`, holds the responses */
function parseItems(inst: Instrument, plan: FormPlan, form: FormDef, responses: Administration["responses"] | null, cols: ResponseColumns | null, issues: Issue[]): void {
  const { items, status, points, response } = plan;
  const map = cols !== null ? columnMap(plan, cols.names) : null;
  const values = cols !== null ? cols.values : [];
  const nMods = items[0]?.mods.length ?? 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    let raw: ItemValue;
    if (map !== null) {
      const p = map.itemPos[i]!;
      raw = p < 0 ? undefined : values[p];
    } else raw = responses![it.id];
    // fast paths: exactly what parseResponse returns for these inputs
    if (typeof raw === "string" && nMods === 0) {
      if (it.intFormat) {
        const x = digits(raw);
        if (x >= it.min && x <= it.max) {
          status[i] = OK;
          points[i] = x;
          response[i] = x;
          continue;
        }
      } else if (it.codePoints !== null) {
        const v = it.codePoints.get(raw);
        if (v !== undefined) {
          status[i] = OK;
          points[i] = v;
          response[i] = raw;
          continue;
        }
      }
    }
    const p = parseResponse(raw, it.format, it.id, it.key);
    if (p.kind === "invalid") {
      issues.push({ ...p.issue, instrument: inst.id });
      status[i] = INVALID;
      continue;
    }
    if (p.kind === "missing") {
      status[i] = MISSING;
      for (let k = 0; k < nMods; k++) {
        const m = it.mods[k]!;
        const mraw = modRaw(responses, values, map, m.col, i * nMods + k);
        const mp = parseResponse(mraw, m.format, m.col, undefined);
        if (mp.kind === "invalid") issues.push({ ...mp.issue, instrument: inst.id });
        else if (mp.kind === "ok" && mp.points !== 0)
          issues.push(makeIssue("modifier_without_response", "warning", { instrument: inst.id, item: m.col, received: String(mraw) }));
      }
      continue;
    }
    let pts = p.points;
    let invalid = false;
    for (let k = 0; k < nMods; k++) {
      const m = it.mods[k]!;
      const mp = parseResponse(modRaw(responses, values, map, m.col, i * nMods + k), m.format, m.col, undefined);
      if (mp.kind === "invalid") {
        issues.push({ ...mp.issue, instrument: inst.id });
        invalid = true;
      } else if (mp.kind === "ok") pts += mp.points;
    }
    if (invalid) status[i] = INVALID;
    else {
      status[i] = OK;
      points[i] = pts;
      response[i] = p.response;
    }
  }
  if (map !== null) {
    for (const j of map.unknown) unknownColumn(inst, form, cols!.names[j]!, values[j], issues);
  } else {
    for (const col of Object.keys(responses!)) if (!plan.known.has(col)) unknownColumn(inst, form, col, responses![col], issues);
  }
}

function modRaw(responses: Administration["responses"] | null, values: readonly ItemValue[], map: ColumnMap | null, col: string, k: number): ItemValue {
  if (responses !== null) return responses[col];
  const p = map!.modPos[k]!;
  return p < 0 ? undefined : values[p];
}

function unknownColumn(inst: Instrument, form: FormDef, col: string, raw: ItemValue, issues: Issue[]): void {
  if (isBlank(raw)) return;
  const detail = inst.columns.includes(col) ? `it is not on form "${form.id}", so its response is not scored` : "its response is not scored";
  issues.push(makeIssue("unknown_column", "warning", { instrument: inst.id, item: col, received: String(raw), detail }));
}

function checkConstraints(inst: Instrument, plan: FormPlan, issues: Issue[]): void {
  const { status, points, broken } = plan;
  broken.fill(0);
  next: for (const c of plan.constraints) {
    for (const i of c.idx) if (i < 0 || status[i] !== OK) continue next;
    let total = 0;
    for (const i of c.idx) total += points[i]!;
    const sum = clean(total);
    if (sum !== c.value) {
      issues.push(
        makeIssue("constraint_violated", "error", {
          instrument: inst.id,
          detail: `${c.items.join(" + ")} must sum to ${c.value}`,
          received: String(sum),
          expected: String(c.value),
        }),
      );
      for (const i of c.idx) broken[i] = 1;
    }
  }
}

export function findBand(set: BandSet | undefined, rules: readonly string[], score: number | null): AppliedBand | null {
  if (!set || score === null) return null;
  const bands = set.bands;
  for (let i = 0; i < bands.length; i++) {
    const b = bands[i]!;
    const okLo = !b.lower || (b.lower.inclusive ? score >= b.lower.value : score > b.lower.value);
    const okHi = !b.upper || (b.upper.inclusive ? score <= b.upper.value : score < b.upper.value);
    if (okLo && okHi) {
      const { ref, locator, provenance } = set.source;
      return { id: b.id, label: b.label, concern: b.concern, rule: rules[i]!, source: locator ? { ref, locator, provenance } : { ref, provenance } };
    }
  }
  return null;
}

/**
 * Band, provisional flags and the result; its key order shows in JSON output, so it stays as it was.
 * `provisional`: a provisional number other than a cutoff went into the score; `cutoffDecided`: a missing
 * rule's decision rested on a provisional cutoff.
 */
function finish(
  sp: ScalePlan,
  provisional: boolean,
  score: number | null,
  status: ScaleResult["status"],
  nAnswered: number,
  nItems: number,
  rule: string,
  reason: string | undefined,
  flags: string[],
  cutoffDecided = false,
): ScaleResult {
  const band = findBand(sp.bands, sp.bandRules, score);
  // independent flags: a provisional cutoff placed the score, a provisional key, item count, window or recode made it
  if (band?.source.provenance === "provisional" || (cutoffDecided && score !== null)) flags.push("provisional_cutoff");
  if (provisional && score !== null) flags.push("provisional_definition");
  provisional ||= flags.includes("provisional_cutoff");
  const def = sp.def;
  return reason === undefined
    ? { scale: def.id, label: def.label, direction: def.direction, flags, score, status, nAnswered, nItems, rule, band, provisional }
    : { scale: def.id, label: def.label, direction: def.direction, flags, score, status, nAnswered, nItems, rule, reason, band, provisional };
}

function scoreScale(inst: Instrument, sp: ScalePlan, plan: FormPlan, done: readonly ScaleResult[], issues: Issue[]): ScaleResult {
  const def = sp.def;
  let provisional = sp.provisional;

  if (def.derive) {
    const from = done[sp.deriveFrom]!;
    const n = from.nItems;
    provisional ||= from.provisional;
    const score = from.score === null || n === 0 ? null : clean(from.score / n);
    return finish(sp, provisional, score, from.status, from.nAnswered, n, `${from.scale} score divided by its ${n} items`, from.reason, []);
  }

  if (sp.noItemsReason !== null) {
    const reason = sp.noItemsReason;
    issues.push(makeIssue("not_scorable", "error", { instrument: inst.id, scale: def.id, detail: reason }));
    return finish(sp, provisional, null, "not_scorable", 0, 0, `${def.aggregate} of the form's items`, reason, []);
  }
  const { list, idx, what } = sp;
  const { status, points, response, broken } = plan;
  const nItems = list.length;
  // the points themselves are kept only for a missing rule; sum and count in list order otherwise
  const answered: number[] | null = def.missing?.kind === "rule" ? [] : null;
  let nScored = 0;
  let sum = 0;
  let bad: string[] | null = null;
  let nAnswered = 0;
  for (let k = 0; k < nItems; k++) {
    const i = idx[k]!;
    const st = status[i];
    if (st === INVALID || broken[i] === 1) {
      (bad ??= []).push(list[k]!.item);
      continue;
    }
    if (st === MISSING) continue;
    nAnswered++;
    let v = points[i]!;
    const recode = list[k]!.recode;
    if (recode) {
      const r = recode.apply(v);
      if (r === undefined) {
        (bad ??= []).push(list[k]!.item);
        continue;
      }
      v = r;
      if (recode.source.provenance === "provisional") provisional = true;
    }
    answered?.push(v);
    sum += v;
    nScored++;
  }

  // flags look at every answered item, even when the scale itself cannot be scored
  const flags: string[] = [];
  for (const f of sp.flags) {
    let hit = false;
    for (const t of f.targets) {
      if (t.idx < 0 || status[t.idx] !== OK) continue;
      let v: number;
      if (f.onResponse) {
        const resp = response[t.idx];
        if (typeof resp !== "number") continue;
        v = resp;
      } else {
        const r = t.recode ? t.recode.apply(points[t.idx]!) : points[t.idx]!;
        if (r === undefined) continue;
        v = r;
      }
      if (f.op(v, f.value)) {
        hit = true;
        break;
      }
    }
    if (hit) flags.push(f.id);
  }

  if (bad !== null) {
    const reason = `invalid response to ${bad.join(", ")}`;
    issues.push(makeIssue("not_scorable", "error", { instrument: inst.id, scale: def.id, detail: reason }));
    return finish(sp, provisional, null, "not_scorable", nAnswered, nItems, what, reason, flags);
  }

  const missing = def.missing!;
  const nMissing = nItems - nScored;
  if (missing.kind === "rule") {
    const rule = RULES[missing.rule] as MissingRuleImpl;
    const out = rule.apply({ instrumentId: inst.id, scaleId: def.id, formId: plan.formId, answered: answered!, nItems, bands: sp.bands, params: ruleParams(missing, rule) });
    issues.push(...out.issues);
    return finish(sp, provisional, out.score === null ? null : clean(out.score), out.status, nAnswered, nItems, `${what}; missing: ${missing.rule}: ${out.rule}`, out.reason, flags, out.provisional);
  }
  const allowed = sp.allowed;
  if (nMissing > allowed) {
    const unanswered: string[] = [];
    for (let k = 0; k < nItems; k++) if (status[idx[k]!] === MISSING) unanswered.push(list[k]!.item);
    const reason = `${nMissing} of ${nItems} items missing (${unanswered.join(", ")}); ${missing.kind === "none" ? "every item is required" : `at most ${allowed} may be missing`}`;
    issues.push(makeIssue("too_many_missing", "error", { instrument: inst.id, scale: def.id, detail: reason }));
    return finish(sp, provisional, null, "not_scorable", nAnswered, nItems, `${what}; missing: ${sp.missingText}`, reason, flags);
  }
  const mean = sum / nScored;
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
  return finish(sp, provisional, score, nMissing > 0 ? "prorated" : "scored", nAnswered, nItems, `${what}; missing: ${sp.missingText}`, undefined, flags);
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
      for (const bf of sp.def.bandFlags) if (r.band?.id === bf.band && a.sex === bf.when.sex) r.flags.push(bf.id);
      if (coderFlag !== null && r.score !== null) r.flags.push(coderFlag);
      if (sel.provisional && r.score !== null) {
        r.provisional = true;
        if (!r.flags.includes("provisional_definition")) r.flags.push("provisional_definition");
      }
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
