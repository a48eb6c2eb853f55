/**
 * load: JSON → zod parse → cross-reference checks → normalized, frozen Instrument.
 * A definition that fails any step is a configuration error and throws InstrumentDefinitionError.
 */
import { z } from "zod";
import { RULES } from "../rules/index.js";
import {
  InstrumentSchema,
  type Band,
  type BandSet,
  type FormDef,
  type InstrumentDef,
  type ResponseFormat,
  type ScaleDef,
  type Source,
} from "../schema/instrument.js";

export class InstrumentDefinitionError extends Error {
  override name = "InstrumentDefinitionError";
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

export interface Recode {
  name: string;
  apply(points: number): number | undefined;
  source: Source;
}

export interface ScaleItem {
  item: string;
  recode: Recode | null;
}

export interface Scale {
  def: ScaleDef;
  id: string;
  /** null when the scale takes the administered form's items */
  items: readonly ScaleItem[] | null;
}

export interface Item {
  id: string;
  label: string;
  formatId: string;
  format: ResponseFormat;
}

/** A validated, normalized instrument definition: what the scoring engine works on. */
export interface Instrument {
  readonly id: string;
  readonly name: string;
  readonly definitionVersion: string;
  readonly def: InstrumentDef;
  readonly items: ReadonlyMap<string, Item>;
  /** at least one; instruments without forms get one implicit form with every item */
  readonly forms: readonly FormDef[];
  readonly hasForms: boolean;
  readonly scales: readonly Scale[];
  /** every column a wide file may hold for this instrument: items and item modifiers */
  readonly columns: readonly string[];
}

const IMPLICIT_FORM = "all";

export function loadInstrument(json: unknown, options: { file?: string } = {}): Instrument {
  const where = options.file ? `${options.file}: ` : "";
  const parsed = InstrumentSchema.safeParse(json);
  if (!parsed.success) {
    const pretty = z.prettifyError(parsed.error);
    throw new InstrumentDefinitionError(`${where}invalid instrument definition\n${pretty}`, [pretty]);
  }
  const def = parsed.data;
  const problems = checkReferences(def);
  if (problems.length > 0) {
    throw new InstrumentDefinitionError(
      `${where}invalid instrument definition "${def.id}"\n${problems.map((p) => `  ✖ ${p}`).join("\n")}`,
      problems,
    );
  }
  return normalize(def);
}

/**
 * The Instrument of a definition already through loadInstrument's checks with this schema (the built-in
 * definitions' validated form, src/registry/builtin-validated.json): normalised only, not checked again.
 */
export const instrumentFromValidated = (def: InstrumentDef): Instrument => normalize(def);

function reverseRecode(format: ResponseFormat, source: Source): Recode {
  if (format.kind === "codes" || format.kind === "category") throw new Error("unreachable: reverse on codes is rejected by checkReferences");
  const { min, max } = format;
  return { name: "reverse", source, apply: (x) => min + max - x };
}

function normalize(def: InstrumentDef): Instrument {
  const items = new Map<string, Item>();
  for (const it of def.items) items.set(it.id, { id: it.id, label: it.label, formatId: it.response, format: def.responseFormats[it.response]! });
  const recodeFor = (name: string | undefined, itemId: string): Recode | null => {
    if (name === undefined) return null;
    const r = def.recodes[name]!;
    if (r.kind === "reverse") return { ...reverseRecode(items.get(itemId)!.format, r.source), name };
    const map = r.map;
    return { name, source: r.source, apply: (x) => map[String(x)] };
  };
  const scales: Scale[] = def.scales.map((s) => {
    let list: ScaleItem[] | null = null;
    if (s.items === "all") list = def.items.map((it) => ({ item: it.id, recode: null }));
    else if (Array.isArray(s.items))
      list = s.items.map((x) => (typeof x === "string" ? { item: x, recode: null } : { item: x.item, recode: recodeFor(x.recode, x.item) }));
    else if (s.derive) list = [];
    return { def: s, id: s.id, items: list };
  });
  // a form that gives only its item count takes the first n items (items are numbered as printed)
  const forms: FormDef[] =
    def.forms.length > 0
      ? def.forms.map((f) => (f.items || !f.itemCount ? f : { ...f, items: def.items.slice(0, f.itemCount.value).map((it) => it.id) }))
      : [{ id: IMPLICIT_FORM, label: "the only form", bands: {} }];
  const columns = def.items.flatMap((it) => [it.id, ...def.modifiers.map((m) => it.id + m.suffix)]);
  return Object.freeze({
    id: def.id,
    name: def.name,
    definitionVersion: def.definitionVersion,
    def,
    items,
    forms,
    hasForms: def.forms.length > 0,
    scales,
    columns,
  });
}

/** The points an item can take, for range and coverage checks. */
export function formatPoints(format: ResponseFormat): { min: number; max: number; values: number[] | null } {
  if (format.kind === "integer") {
    const values: number[] = [];
    for (let v = format.min; v <= format.max; v++) values.push(v);
    return { min: format.min, max: format.max, values };
  }
  if (format.kind === "decimal") return { min: format.min, max: format.max, values: null };
  // a classification has no points; checkReferences keeps it out of scales, flags and constraints
  if (format.kind === "category") return { min: NaN, max: NaN, values: [] };
  const pts = Object.values(format.codes).flatMap((c) => (typeof c === "number" ? [c] : Object.values(c.byKey)));
  if (format.blank !== undefined) pts.push(format.blank);
  return { min: Math.min(...pts), max: Math.max(...pts), values: [...new Set(pts)].sort((a, b) => a - b) };
}

/** Lowest and highest possible score of a scale on a form (needs a normalized instrument). */
export function scaleRange(inst: Instrument, scale: Scale, form: FormDef): { min: number; max: number } | null {
  if (scale.def.derive) {
    const from = inst.scales.find((s) => s.id === scale.def.derive!.from)!;
    const r = scaleRange(inst, from, form);
    const n = scaleItems(inst, from, form).length;
    return r && n > 0 ? { min: r.min / n, max: r.max / n } : null;
  }
  const list = scaleItems(inst, scale, form);
  let min = 0;
  let max = 0;
  for (const si of list) {
    const item = inst.items.get(si.item)!;
    const p = formatPoints(item.format);
    let lo = p.min;
    let hi = p.max;
    if (si.recode) {
      const vals = (p.values ?? [p.min, p.max]).map((v) => si.recode!.apply(v)).filter((v): v is number => v !== undefined);
      lo = Math.min(...vals);
      hi = Math.max(...vals);
    }
    for (const m of inst.def.modifiers) {
      const mp = formatPoints(inst.def.responseFormats[m.response]!);
      lo += mp.min;
      hi += mp.max;
    }
    min += lo;
    max += hi;
  }
  if (list.length === 0) return null;
  return scale.def.aggregate === "mean" ? { min: min / list.length, max: max / list.length } : { min, max };
}

/** The items a scale takes on a given form. */
export function scaleItems(inst: Instrument, scale: Scale, form: FormDef): readonly ScaleItem[] {
  if (scale.def.derive) return scaleItems(inst, inst.scales.find((s) => s.id === scale.def.derive!.from)!, form);
  if (scale.items) {
    if (!form.items) return scale.items;
    const onForm = new Set(form.items);
    return scale.items.filter((si) => onForm.has(si.item));
  }
  return (form.items ?? [...inst.items.keys()]).map((item) => ({ item, recode: null }));
}

/**
 * true when a scale's scores on different forms are different scales: a sum over the form's own items
 * (ASQ:SE-2 totals), or over item lists that differ between forms. Such series are split per form;
 * a derived per-item score or a mean is comparable across forms.
 */
export function scaleDependsOnForm(inst: Instrument, scale: Scale): boolean {
  if (!inst.hasForms || scale.def.derive || scale.def.aggregate !== "sum") return false;
  if (scale.items === null) return true;
  const lists = inst.forms.map((f) => scaleItems(inst, scale, f).map((si) => si.item).join(","));
  return new Set(lists).size > 1;
}

/** Bands that apply to a scale on a form: the form's own, else the scale's default. */
export function bandsFor(scale: Scale, form: FormDef): BandSet | undefined {
  return form.bands[scale.id] ?? scale.def.bands;
}

function describeBound(b: Band): string {
  const lo = b.lower ? `${b.lower.inclusive ? "≥" : ">"} ${b.lower.value}` : "";
  const hi = b.upper ? `${b.upper.inclusive ? "≤" : "<"} ${b.upper.value}` : "";
  return [lo, hi].filter(Boolean).join(" and ") || "any score";
}
export { describeBound };

function checkBands(set: BandSet, range: { min: number; max: number } | null, where: string, out: string[]): void {
  const ids = new Set<string>();
  set.bands.forEach((b, i) => {
    if (ids.has(b.id)) out.push(`${where}.bands[${i}].id: duplicate band "${b.id}"`);
    ids.add(b.id);
    if (b.lower && b.upper && (b.lower.value > b.upper.value || (b.lower.value === b.upper.value && !(b.lower.inclusive && b.upper.inclusive))))
      out.push(`${where}.bands[${i}]: lower bound ${b.lower.value} is above upper bound ${b.upper.value}`);
    if (i > 0) {
      const prev = set.bands[i - 1]!;
      if (!prev.upper || !b.lower) out.push(`${where}.bands[${i}]: bands must be ordered, each starting where the previous ends`);
      else if (prev.upper.value !== b.lower.value)
        out.push(`${where}.bands[${i}].lower: ${b.lower.value} does not meet the previous band's upper bound ${prev.upper.value} (gap or overlap)`);
      else if (prev.upper.inclusive === b.lower.inclusive)
        out.push(`${where}.bands[${i}].lower: at ${b.lower.value} exactly one of the two adjacent bounds must be inclusive`);
    }
  });
  if (range) {
    const first = set.bands[0]!;
    const last = set.bands[set.bands.length - 1]!;
    if (first.lower && (first.lower.value > range.min || (first.lower.value === range.min && !first.lower.inclusive)))
      out.push(`${where}.bands[0].lower: bands do not cover the lowest possible score ${range.min}`);
    if (last.upper && (last.upper.value < range.max || (last.upper.value === range.max && !last.upper.inclusive)))
      out.push(`${where}.bands[${set.bands.length - 1}].upper: bands do not cover the highest possible score ${range.max}`);
  }
}

/** Every cross-reference a zod schema cannot express; returns problems as "path: what is wrong". */
function checkReferences(def: InstrumentDef): string[] {
  const out: string[] = [];
  const refs = new Set(def.references.map((r) => r.id));
  const itemIds = new Set<string>();
  const checkSource = (s: Source, path: string) => {
    if (!refs.has(s.ref)) out.push(`${path}.ref: "${s.ref}" is not in references (${[...refs].join(", ")})`);
  };
  const visitSources = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((x, i) => visitSources(x, `${path}[${i}]`));
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        const at = path ? `${path}.${k}` : k;
        if ((k === "source" || k === "key") && v && typeof v === "object" && "provenance" in v) checkSource(v as Source, at);
        else visitSources(v, at);
      }
    }
  };
  visitSources(def, "");

  def.items.forEach((it, i) => {
    if (itemIds.has(it.id)) out.push(`items[${i}].id: duplicate item "${it.id}"`);
    itemIds.add(it.id);
    if (!new RegExp(`^${def.itemPrefix}\\d+$`).test(it.id))
      out.push(`items[${i}].id: "${it.id}" must be the item prefix "${def.itemPrefix}" followed by a number`);
    if (!def.responseFormats[it.response]) out.push(`items[${i}].response: "${it.response}" is not in responseFormats`);
  });
  for (const [id, f] of Object.entries(def.responseFormats)) {
    if (f.kind !== "codes" && f.kind !== "category" && f.min >= f.max) out.push(`responseFormats.${id}: min must be below max`);
  }
  def.modifiers.forEach((m, i) => {
    const f = def.responseFormats[m.response];
    if (!f) out.push(`modifiers[${i}].response: "${m.response}" is not in responseFormats`);
    else if (f.kind !== "codes" || f.blank === undefined)
      out.push(`modifiers[${i}].response: a modifier's format must be codes with a blank value (an unmarked box)`);
  });
  const recodeItemsOk = (name: string, item: string, path: string) => {
    const r = def.recodes[name];
    if (!r) return out.push(`${path}.recode: "${name}" is not in recodes`);
    const fmt = def.responseFormats[def.items.find((x) => x.id === item)?.response ?? ""];
    if (!fmt) return;
    if (r.kind === "reverse" && fmt.kind === "codes") out.push(`${path}.recode: reverse needs a numeric response format`);
    if (r.kind === "map") {
      if (fmt.kind !== "integer") out.push(`${path}.recode: a map recode needs an integer response format`);
      else
        for (let v = fmt.min; v <= fmt.max; v++)
          if (r.map[String(v)] === undefined) out.push(`${path}.recode: map "${name}" has no value for response ${v}`);
    }
    return;
  };
  const scaleIds = new Set<string>();
  def.scales.forEach((s, i) => {
    const path = `scales[${i}]`;
    if (scaleIds.has(s.id)) out.push(`${path}.id: duplicate scale "${s.id}"`);
    if (s.derive) {
      if (s.items || s.aggregate || s.missing) out.push(`${path}: a derived scale takes no items, aggregate or missing rule`);
      if (!scaleIds.has(s.derive.from)) out.push(`${path}.derive.from: "${s.derive.from}" is not a scale defined before this one`);
    } else {
      if (!s.items) out.push(`${path}.items: required unless the scale is derived`);
      if (!s.aggregate) out.push(`${path}.aggregate: required unless the scale is derived`);
      if (!s.missing) out.push(`${path}.missing: required unless the scale is derived`);
      if (s.items === "form" && def.forms.length === 0) out.push(`${path}.items: "form" needs forms`);
    }
    scaleIds.add(s.id);
    if (Array.isArray(s.items)) {
      const seen = new Set<string>();
      s.items.forEach((x, j) => {
        const item = typeof x === "string" ? x : x.item;
        if (!itemIds.has(item)) out.push(`${path}.items[${j}]: "${item}" is not an item`);
        if (seen.has(item)) out.push(`${path}.items[${j}]: "${item}" appears twice`);
        seen.add(item);
        if (typeof x !== "string" && x.recode !== undefined) recodeItemsOk(x.recode, item, `${path}.items[${j}]`);
      });
    }
    if (s.missing?.kind === "rule") {
      const rule = RULES[s.missing.rule];
      if (!rule || rule.type !== "missing") out.push(`${path}.missing.rule: "${s.missing.rule}" is not a missing-item rule (${Object.keys(RULES).join(", ")})`);
      else {
        const p = rule.params.safeParse(s.missing.params);
        if (!p.success) out.push(`${path}.missing.params: ${z.prettifyError(p.error)}`);
      }
    }
    const members = Array.isArray(s.items) ? s.items.map((x) => (typeof x === "string" ? x : x.item)) : s.items === "all" ? [...itemIds] : null;
    if (s.missing?.kind === "prorate" && members && s.missing.maxMissing >= members.length)
      out.push(`${path}.missing.maxMissing: must be below the number of items (${members.length})`);
    const bandIds = new Set([...(s.bands?.bands ?? []), ...def.forms.flatMap((f) => f.bands[s.id]?.bands ?? [])].map((b) => b.id));
    s.bandFlags.forEach((f, j) => {
      if (!bandIds.has(f.band)) out.push(`${path}.bandFlags[${j}].band: "${f.band}" is not a band of this scale (${[...bandIds].join(", ") || "none"})`);
    });
    if (s.fit?.itemFlag !== undefined && !s.flags.some((f) => f.id === s.fit!.itemFlag))
      out.push(`${path}.fit.itemFlag: "${s.fit.itemFlag}" is not a flag of this scale (${s.flags.map((f) => f.id).join(", ") || "none"})`);
    if (s.fit?.itemFlag !== undefined && s.fit.role !== "alliance") out.push(`${path}.fit.itemFlag: only an alliance measure has an item flag`);
    s.flags.forEach((f, j) => {
      if (!Array.isArray(f.items)) return;
      for (const it of f.items)
        if (!itemIds.has(it)) out.push(`${path}.flags[${j}].items: "${it}" is not an item`);
        else if (members && !members.includes(it)) out.push(`${path}.flags[${j}].items: "${it}" is not on this scale (a flag tests the scale's scored items)`);
    });
  });
  const formIds = new Set<string>();
  def.forms.forEach((f, i) => {
    const path = `forms[${i}]`;
    if (formIds.has(f.id)) out.push(`${path}.id: duplicate form "${f.id}"`);
    formIds.add(f.id);
    for (const it of f.items ?? []) if (!itemIds.has(it)) out.push(`${path}.items: "${it}" is not an item`);
    if (f.itemCount && f.itemCount.value > def.items.length) out.push(`${path}.itemCount: ${f.itemCount.value} is more than the ${def.items.length} items defined`);
    if (f.itemCount && f.items && f.itemCount.value !== f.items.length)
      out.push(`${path}.itemCount: ${f.itemCount.value} but the form lists ${f.items.length} items`);
    for (const s of Object.keys(f.bands)) if (!scaleIds.has(s)) out.push(`${path}.bands.${s}: not a scale`);
    for (const [it, key] of Object.entries(f.itemKeys ?? {})) {
      if (!(f.items ?? [...itemIds]).includes(it)) out.push(`${path}.itemKeys.${it}: not an item of this form`);
      const fmt = def.responseFormats[def.items.find((x) => x.id === it)?.response ?? ""];
      const keys = fmt?.kind === "codes" ? Object.values(fmt.codes).flatMap((c) => (typeof c === "number" ? [] : Object.keys(c.byKey))) : [];
      if (!keys.includes(key)) out.push(`${path}.itemKeys.${it}: "${key}" is not a key the item's response format knows (${[...new Set(keys)].join(", ")})`);
    }
    if (def.formSelection?.rule === "age-window" && !f.ageWindow) out.push(`${path}.ageWindow: required by form selection "age-window"`);
  });
  if (def.formSelection && def.formSelection.rule === undefined && def.formSelection.default === undefined)
    out.push("formSelection: give a rule, a default form, or both");
  if (def.formSelection?.rule !== undefined) {
    const rule = RULES[def.formSelection.rule];
    if (!rule || rule.type !== "form-selection")
      out.push(`formSelection.rule: "${def.formSelection.rule}" is not a form-selection rule (${Object.keys(RULES).join(", ")})`);
    else {
      const p = rule.params.safeParse(def.formSelection.params);
      if (!p.success) out.push(`formSelection.params: ${z.prettifyError(p.error)}`);
    }
  }
  if (def.formSelection && def.forms.length === 0) out.push("formSelection: needs forms");
  if (def.formSelection?.default !== undefined && !formIds.has(def.formSelection.default))
    out.push(`formSelection.default: "${def.formSelection.default}" is not a form`);
  def.constraints.forEach((c, i) => {
    for (const it of c.items) if (!itemIds.has(it)) out.push(`constraints[${i}].items: "${it}" is not an item`);
  });
  // a classification is a code, not a number: nothing may add, compare or recode it
  const categoryItems = new Set(def.items.filter((it) => def.responseFormats[it.response]?.kind === "category").map((it) => it.id));
  if (categoryItems.size > 0) {
    def.scales.forEach((s, i) => {
      const members = Array.isArray(s.items) ? s.items.map((x) => (typeof x === "string" ? x : x.item)) : s.items === "all" || s.items === "form" ? [...categoryItems] : [];
      for (const it of members) if (categoryItems.has(it)) out.push(`scales[${i}].items: "${it}" is a classification (category format); it is reported as a code and cannot be on a scale`);
      s.flags.forEach((f, j) => {
        if (Array.isArray(f.items)) for (const it of f.items) if (categoryItems.has(it)) out.push(`scales[${i}].flags[${j}].items: "${it}" is a classification; a flag compares numbers`);
      });
    });
    def.constraints.forEach((c, i) => {
      for (const it of c.items) if (categoryItems.has(it)) out.push(`constraints[${i}].items: "${it}" is a classification; a constraint adds numbers`);
    });
    def.modifiers.forEach((m, i) => {
      if (def.responseFormats[m.response]?.kind === "category") out.push(`modifiers[${i}].response: a modifier adds points; a category format has none`);
    });
  }
  if (out.length > 0) return out;

  // Bands need ranges, which need a normalized instrument.
  const inst = normalize(def);
  inst.scales.forEach((s, i) => {
    for (const form of inst.forms) {
      const set = bandsFor(s, form);
      if (!set) continue;
      const where = form.bands[s.id] ? `forms[${def.forms.indexOf(form)}].bands.${s.id}` : `scales[${i}]`;
      checkBands(set, scaleRange(inst, s, form), where, out);
    }
  });
  return [...new Set(out)];
}
