/**
 * Plans: what depends only on the instrument and the form is worked out once per form and kept beside the
 * (frozen) instrument, with each scale's compiled kernel (./kernel.ts); scoring an administration only reads it.
 */
import type { FormDef, ResponseFormat } from "../schema/instrument.js";
import type { ClassificationResult, ItemValue } from "../schema/results.js";
import type { Instrument } from "../registry/load.js";
import { compileKernel, type ScaleKernel } from "./kernel.js";
import { planFastBlocker } from "./eligible.js";

export interface ItemPlan {
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

export interface FormPlan {
  /** null for the implicit form of an instrument without forms */
  formId: string | null;
  items: ItemPlan[];
  known: Set<string>;
  /** column maps for response columns (ResponseColumns.names), per names array */
  columnMaps: WeakMap<readonly string[], ColumnMap>;
  constraints: { items: readonly string[]; value: number; idx: number[] }[];
  scales: ScaleKernel[];
  /** the form's classification items (category formats), reported as codes */
  categories: { idx: number; id: string; label: string; codes: Readonly<Record<string, string>>; source: ClassificationResult["source"] }[];
  /** why the compiled fast path does not take this form (./eligible.ts); null: it may */
  notFast: string | null;
  // state of the administration being scored, by item index (scoring is synchronous and not re-entrant)
  status: Uint8Array;
  points: Float64Array;
  /** numeric responses: `points` itself when no modifiers add to them */
  respPoints: Float64Array;
  response: (number | string)[];
  /** items of a violated constraint; null when the instrument has no constraints */
  broken: Uint8Array | null;
}

const plans = new WeakMap<Instrument, Map<FormDef, FormPlan>>();

export function formPlan(inst: Instrument, form: FormDef): FormPlan {
  let byForm = plans.get(inst);
  if (!byForm) plans.set(inst, (byForm = new Map()));
  let plan = byForm.get(form);
  if (!plan) byForm.set(form, (plan = buildPlan(inst, form)));
  return plan;
}

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
  const plainPoints = inst.def.modifiers.length === 0;
  const scales = inst.scales.map((scale) => compileKernel(inst, scale, form, items, idxOf, plainPoints));
  const categories: FormPlan["categories"] = [];
  items.forEach((it, i) => {
    if (it.format.kind !== "category" || index.get(it.id) !== i) return;
    const { ref, locator, provenance } = it.format.source;
    categories.push({ idx: i, id: it.id, label: inst.items.get(it.id)!.label, codes: it.format.codes, source: locator ? { ref, locator, provenance } : { ref, provenance } });
  });
  const n = items.length;
  const points = new Float64Array(n);
  const plan: FormPlan = {
    formId: inst.hasForms ? form.id : null,
    items,
    known,
    columnMaps: new WeakMap(),
    constraints,
    scales,
    categories,
    notFast: null,
    status: new Uint8Array(n),
    points,
    respPoints: plainPoints ? points : new Float64Array(n),
    response: new Array<number | string>(n),
    broken: constraints.length > 0 ? new Uint8Array(n) : null,
  };
  plan.notFast = planFastBlocker(inst, plan);
  return plan;
}

/**
 * Responses given as columns: names (one array for every row of a file) and this row's values, in the
 * same order. Scored exactly as the record { [names[j]]: values[j] } would be, without building it.
 */
export interface ResponseColumns {
  names: readonly string[];
  values: readonly ItemValue[];
}

export interface ColumnMap {
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

/** A rule's parameters, parsed on first use and kept (rules only read them). */
const parsedParams = new WeakMap<object, unknown>();
export function ruleParams(holder: { params?: unknown }, rule: { params: { parse(x: unknown): unknown } }): unknown {
  if (parsedParams.has(holder)) return parsedParams.get(holder);
  const p = rule.params.parse(holder.params);
  parsedParams.set(holder, p);
  return p;
}
