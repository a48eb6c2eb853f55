/**
 * What the compiled fast path (./fast.ts) supports, as a closed allow-list beside the kernels: every field of an
 * instrument definition, its formats, items, forms and scales must be listed here with what it may hold. Anything
 * else (a modifier, a constraint, coded ratings, category items, a missing rule, band flags, and any field the
 * schema gains later) fails closed: the form takes the general path. Fields that only describe (labels, sources,
 * norms) or that the kernels handle whichever path scores (bands, recodes, form bands) are listed as allowed.
 */
import type { Instrument } from "../registry/load.js";
import { PROV_CUTOFF, PROV_DEFINITION, type ScaleKernel } from "./kernel.js";
import type { FormPlan } from "./plan.js";

/** A field's check: true when the fast path handles what it holds. */
type Check = (v: unknown) => boolean;
type Fields = Readonly<Record<string, Check>>;

const any: Check = () => true;
const empty: Check = (v) => Array.isArray(v) && v.length === 0;
const oneOf =
  (...xs: unknown[]): Check =>
  (v) =>
    xs.includes(v);
const each =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) ? v.every(check) : v !== null && typeof v === "object" && Object.values(v).every(check);
const fields =
  (allowed: Fields): Check =>
  (v) =>
    blocker(v, allowed) === null;

/** The first field of `o` not on the list or holding what its check refuses, as "field"; null when none. */
function blocker(o: unknown, allowed: Fields): string | null {
  if (o === null || typeof o !== "object") return "(not an object)";
  for (const [key, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const check = Object.prototype.hasOwnProperty.call(allowed, key) ? allowed[key]! : null;
    if (check === null || !check(v)) return key;
  }
  return null;
}

const BAND_SET = fields({ source: any, bands: each(fields({ id: any, label: any, lower: any, upper: any, concern: any })) });

const FORMAT = (v: unknown) => {
  const kind = (v as { kind?: unknown }).kind;
  if (kind === "integer") return fields({ kind: any, min: any, max: any, anchors: any, source: any })(v);
  if (kind === "decimal") return fields({ kind: any, min: any, max: any, step: any, source: any })(v);
  if (kind === "codes") return fields({ kind: any, codes: any, blank: any, source: any })(v);
  return false;
};

// a flag named as a provisional flag would be read as one in a memoised line
const FLAG = fields({ id: (v) => v !== PROV_CUTOFF && v !== PROV_DEFINITION, label: any, items: any, on: oneOf("score", "response"), op: oneOf("<", "<=", ">", ">="), value: any, source: any });

/** at most this many flags per scale: a line is memoised by a bit mask of them */
export const MAX_FLAGS = 20;

const SCALE: Fields = {
  id: any,
  label: any,
  items: (v) => typeof v === "string" || each((x) => typeof x === "string" || fields({ item: any, recode: any })(x))(v),
  aggregate: oneOf("sum", "mean"),
  derive: fields({ from: any, op: oneOf("per_item") }),
  key: any,
  direction: any,
  directionNote: any,
  missing: (v) => (v as { kind?: unknown }).kind === "none" ? fields({ kind: any, source: any })(v) : fields({ kind: oneOf("prorate"), maxMissing: any, source: any })(v),
  bands: BAND_SET,
  flags: (v) => each(FLAG)(v) && (v as unknown[]).length <= MAX_FLAGS,
  bandFlags: empty,
  norms: any,
  reliableChange: any,
  fit: any,
  decimals: any,
};

const INSTRUMENT: Fields = {
  $schema: any,
  id: any,
  name: any,
  edition: any,
  definitionVersion: any,
  respondent: any,
  ages: any,
  itemPrefix: any,
  responseFormats: each(FORMAT),
  items: each(fields({ id: any, label: any, response: any, domain: any })),
  modifiers: empty,
  recodes: each((v) => ["reverse", "map"].includes((v as { kind?: unknown }).kind as string)),
  constraints: empty,
  forms: each(fields({ id: any, label: any, items: any, itemCount: any, ageWindow: any, bands: each(BAND_SET), itemKeys: any })),
  // which rule may choose the form per row is the caller's (fastFormRule); a default form is read once per file
  formSelection: fields({ rule: any, params: any, default: any, source: any }),
  // each kernel checks its own scale too (scaleFastBlocker)
  scales: each(fields(SCALE)),
  references: any,
  licence: any,
  notes: any,
  coding: () => false,
};

/** Why the fast path does not take scale `s` of a form (null: it may): its definition, then its kernel's shape. */
export function scaleFastBlocker(k: ScaleKernel, s: number): string | null {
  const field = blocker(k.def, SCALE);
  if (field !== null) return `scale ${k.def.id}: ${field}`;
  if (k.def.derive) return k.deriveFrom >= 0 && k.deriveFrom < s ? null : `scale ${k.def.id}: derived from a later scale`;
  if (k.def.missing === undefined) return `scale ${k.def.id}: no missing rule`;
  // lines of partly answered scales are memoised by how many items were answered (< 1024)
  if (k.noItemsReason !== null || k.list.length === 0 || k.list.length >= 1024 || k.idx.some((i) => i < 0)) return `scale ${k.def.id}: its items on the form`;
  return null;
}

/** Why the fast path does not take a form (null: it may): the instrument's definition, its items, then every scale. */
export function planFastBlocker(inst: Instrument, plan: FormPlan): string | null {
  const field = blocker(inst.def, INSTRUMENT);
  if (field !== null) return field;
  const n = plan.items.length;
  if (n === 0 || new Set(plan.items.map((it) => it.id)).size !== n) return "items on the form";
  for (let s = 0; s < plan.scales.length; s++) {
    const why = scaleFastBlocker(plan.scales[s]!, s);
    if (why !== null) return why;
  }
  return null;
}
