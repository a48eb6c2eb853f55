/**
 * A scale's compiled kernel: what scoring one scale of one form needs, worked out once when the form's plan is
 * built (./plan.ts), and the functions that score it. Both paths call these: the general path (./scale.ts) over
 * the plan's status/points arrays, the compiled fast path (./fast.ts) over arrays it fills from bytes. So the
 * sums, recodes, flags, the missing-item rule and its issue texts, bands and provisional flags exist once.
 */
import { remember } from "../memo.js";
import type { BandSet, FormDef, ScaleDef } from "../schema/instrument.js";
import type { AppliedBand, Issue, ScaleResult } from "../schema/results.js";
import { bandsFor, describeBound, scaleItems, type Instrument, type Recode, type Scale, type ScaleItem } from "../registry/load.js";
import { makeIssue } from "./issues.js";
import type { ItemPlan } from "./plan.js";

/** Removes binary floating-point noise (0.1 + 0.2) without touching real precision. */
// Integers below 1e12 come back unchanged from toPrecision(12), except -0, which becomes 0 (x + 0 does the same).
export const clean = (x: number): number => (Number.isInteger(x) && Math.abs(x) < 1e12 ? x + 0 : cleanFraction(x));

// sums of decimal items take few distinct values (a 0–40 scale in tenths, with their float noise), and toPrecision
// costs about ten map lookups
const cleaned = new Map<number, number>();
function cleanFraction(x: number): number {
  return cleaned.get(x) ?? remember(cleaned, x, Number(x.toPrecision(12)), 4096);
}

/** An item's state in a status array: answered with valid points, blank, or an invalid response. */
export const OK = 0;
export const MISSING = 1;
export const INVALID = 2;

export const PROV_CUTOFF = "provisional_cutoff";
export const PROV_DEFINITION = "provisional_definition";

export interface FlagKernel {
  id: string;
  onResponse: boolean;
  op: (a: number, b: number) => boolean;
  value: number;
  /** idx -1: the item is not on the form; respNum: its response is a number (integer and decimal formats) */
  targets: { idx: number; recode: Recode | null; respNum: boolean }[];
}

export interface ScaleKernel {
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
  /** index in the form plan's items of each list item */
  idx: number[];
  what: string;
  flags: FlagKernel[];
  missingText: string;
  allowed: number;
  /** per list item, its recode (null: points as they are) and whether that recode is provisional */
  recodes: (Recode | null)[];
  provRecode: Uint8Array;
  /** provisional when every item is answered (and so every recode applies) */
  provisionalAll: boolean;
  /**
   * When every item is an integer item read without modifiers (its points whole and within min…max): per list
   * item, its points through its recode (or as they are) by points − min, NaN where the recode gives none; so
   * the sum takes no call per item. null otherwise.
   */
  tables: Float64Array[] | null;
  tableMin: Float64Array;
  /** why the compiled fast path does not take this scale (./eligible.ts); null: it may */
  notFast: string | null;
  /** applyMissing's too_many_missing message and reason per set of missing items (a bit per list item), made once */
  tooMany: Map<number, { instrument: string; message: string; reason: string }>;
}

/** What tally leaves (one object per caller, reused). */
export interface Tally {
  sum: number;
  nScored: number;
  nAnswered: number;
  provisional: boolean;
  /** an item is invalid, in a broken constraint, or its recode gives no value: badItems names them */
  bad: boolean;
}

export const newTally = (): Tally => ({ sum: 0, nScored: 0, nAnswered: 0, provisional: false, bad: false });
export const newOutcome = (): MissingOutcome => ({ score: 0, scorable: false, status: "scored", reason: undefined });

/**
 * Sums the scale's answered items in list order, each through its recode, over a status/points pair (by form
 * item index); `broken` marks items of a violated constraint (null: none can be); `answered` gets each value summed.
 * `allOk`: the caller knows every status is OK and nothing is broken (the fast path's complete rows).
 */
export function tally(k: ScaleKernel, status: Uint8Array, points: Float64Array, broken: Uint8Array | null, answered: number[] | null, t: Tally, allOk = false): void {
  const { idx, tables, tableMin, recodes, provRecode } = k;
  const n = idx.length;
  let sum = 0;
  if (allOk && tables !== null && answered === null) {
    // no status to read and no call per item: a recode that gives no value is NaN in its table, and so is the sum
    for (let j = 0; j < n; j++) sum += tables[j]![points[idx[j]!]! - tableMin[j]!]!;
    t.sum = sum;
    t.nScored = t.nAnswered = n;
    t.provisional = k.provisionalAll;
    t.bad = sum !== sum;
    return;
  }
  let nScored = 0;
  let nAnswered = 0;
  let provisional = k.provisional;
  let bad = false;
  for (let j = 0; j < n; j++) {
    const i = idx[j]!;
    const st = status[i];
    if (st !== OK) {
      if (st === INVALID) bad = true;
      continue;
    }
    if (broken !== null && broken[i] === 1) {
      bad = true;
      continue;
    }
    nAnswered++;
    let v = points[i]!;
    if (tables !== null) {
      v = tables[j]![v - tableMin[j]!]!;
      if (v !== v) {
        bad = true;
        continue;
      }
    } else {
      const recode = recodes[j]!;
      if (recode !== null) {
        const r = recode.apply(v);
        if (r === undefined) {
          bad = true;
          continue;
        }
        v = r;
      }
    }
    if (provRecode[j] === 1) provisional = true;
    if (answered !== null) answered.push(v);
    sum += v;
    nScored++;
  }
  t.sum = sum;
  t.nScored = nScored;
  t.nAnswered = nAnswered;
  t.provisional = provisional;
  t.bad = bad;
}

/** The items that made tally set `bad`, in list order. */
export function badItems(k: ScaleKernel, status: Uint8Array, points: Float64Array, broken: Uint8Array | null): string[] {
  const bad: string[] = [];
  k.idx.forEach((i, j) => {
    const recode = k.recodes[j]!;
    if (status[i] === INVALID || (status[i] === OK && ((broken !== null && broken[i] === 1) || (recode !== null && recode.apply(points[i]!) === undefined)))) bad.push(k.list[j]!.item);
  });
  return bad;
}

/** Whether a flag is set by the answered items; `resp` holds numeric responses (the points, without modifiers). */
export function flagSet(f: FlagKernel, status: Uint8Array, points: Float64Array, resp: Float64Array): boolean {
  for (const t of f.targets) {
    if (t.idx < 0 || status[t.idx] !== OK) continue;
    let v: number;
    if (f.onResponse) {
      if (!t.respNum) continue;
      v = resp[t.idx]!;
    } else {
      const r = t.recode ? t.recode.apply(points[t.idx]!) : points[t.idx]!;
      if (r === undefined) continue;
      v = r;
    }
    if (f.op(v, f.value)) return true;
  }
  return false;
}

/** A derived (per_item) scale's score from its source's. */
export const derivedScore = (score: number | null, nItems: number): number | null => (score === null || nItems === 0 ? null : clean(score / nItems));

export interface MissingOutcome {
  /** the score when `scorable` (a number field: no allocation per row on the fast path) */
  score: number;
  scorable: boolean;
  status: ScaleResult["status"];
  reason: string | undefined;
}

/**
 * The missing-item rules "none" and "prorate" (at most k.allowed missing) for a tallied scale with nothing bad:
 * the score or, with too many missing, none and the reason; the rule's issue goes to `issues`.
 */
export function applyMissing(k: ScaleKernel, t: Tally, status: Uint8Array, instrument: string, issues: Issue[], out: MissingOutcome): void {
  const def = k.def;
  const nItems = k.list.length;
  const nMissing = nItems - t.nScored;
  if (nMissing > k.allowed) {
    // the texts depend only on which items are missing (and the instrument, fixed per kernel), so a set seen
    // before reuses them: a file's incomplete rows repeat a few patterns
    let made: { instrument: string; message: string; reason: string } | undefined;
    let mask = -1;
    if (nItems <= 30) {
      mask = 0;
      for (let j = 0; j < nItems; j++) if (status[k.idx[j]!] === MISSING) mask |= 1 << j;
      made = k.tooMany.get(mask);
      if (made !== undefined && made.instrument !== instrument) made = undefined;
    }
    if (made === undefined) {
      const unanswered: string[] = [];
      for (let j = 0; j < nItems; j++) if (status[k.idx[j]!] === MISSING) unanswered.push(k.list[j]!.item);
      const reason = `${nMissing} of ${nItems} items missing (${unanswered.join(", ")}); ${def.missing!.kind === "none" ? "every item is required" : `at most ${k.allowed} may be missing`}`;
      made = { instrument, message: makeIssue("too_many_missing", "error", { instrument, scale: def.id, detail: reason }).message, reason };
      if (mask >= 0) remember(k.tooMany, mask, made, 4096);
    }
    // built as makeIssue builds it, so the issue objects keep one shape
    const issue: Issue = { code: "too_many_missing", severity: "error", message: made.message };
    issue.instrument = instrument;
    issue.scale = def.id;
    issues.push(issue);
    out.scorable = false;
    out.status = "not_scorable";
    out.reason = made.reason;
    return;
  }
  // the mean of the answered items, their sum, or prorated (mean × number of items)
  const mean = t.sum / t.nScored;
  out.score = clean(def.aggregate === "mean" ? mean : nMissing === 0 ? t.sum : mean * nItems);
  out.scorable = true;
  out.status = nMissing > 0 ? "prorated" : "scored";
  out.reason = undefined;
  if (nMissing > 0) {
    const detail = `${nMissing} of ${nItems} items missing; ${def.aggregate === "mean" ? "mean of the answered items" : "prorated: mean of answered × number of items"}`;
    issues.push(makeIssue("missing_adjusted", "warning", { instrument, scale: def.id, detail }));
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
export function finish(
  k: ScaleKernel,
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
  const band = findBand(k.bands, k.bandRules, score);
  // independent flags: a provisional cutoff placed the score, a provisional key, item count, window or recode made it
  if (band?.source.provenance === "provisional" || (cutoffDecided && score !== null)) flags.push(PROV_CUTOFF);
  if (provisional && score !== null) flags.push(PROV_DEFINITION);
  provisional ||= flags.includes(PROV_CUTOFF);
  const def = k.def;
  return reason === undefined
    ? { scale: def.id, label: def.label, direction: def.direction, flags, score, status, nAnswered, nItems, rule, band, provisional }
    : { scale: def.id, label: def.label, direction: def.direction, flags, score, status, nAnswered, nItems, rule, reason, band, provisional };
}

/** The rule a scale scored by its missing rule (none or prorate) reports, on either path. */
export const missingRuleText = (k: ScaleKernel): string => `${k.what}; missing: ${k.missingText}`;

/** The rule a derived scale (its source's score over its items) reports, on either path. */
export const derivedRuleText = (source: string, nItems: number): string => `${source} score divided by its ${nItems} items`;

/**
 * What the administration adds to a finished scale: band flags (by its sex), the coder's flag, and a provisional
 * form selection.
 */
export function completeScale(r: ScaleResult, k: ScaleKernel, sex: string | undefined, coderFlag: string | null, selProvisional: boolean): void {
  for (const bf of k.def.bandFlags) if (r.band?.id === bf.band && sex === bf.when.sex) r.flags.push(bf.id);
  if (coderFlag !== null && r.score !== null) r.flags.push(coderFlag);
  if (selProvisional && r.score !== null) {
    r.provisional = true;
    if (!r.flags.includes(PROV_DEFINITION)) r.flags.push(PROV_DEFINITION);
  }
}

const cmpOp = { "<": (a: number, b: number) => a < b, "<=": (a: number, b: number) => a <= b, ">": (a: number, b: number) => a > b, ">=": (a: number, b: number) => a >= b };

/** The largest integer range a recode table is built for (wider ranges call the recode). */
const MAX_TABLE = 1000;

/**
 * The kernel of `scale` on `form`; `items`: the form's item plans, `idxOf`: an item's index among them (-1: not on
 * the form); `plainPoints`: no modifiers add to an item's points, so an integer item's points are its response.
 */
export function compileKernel(inst: Instrument, scale: Scale, form: FormDef, items: readonly ItemPlan[], idxOf: (id: string) => number, plainPoints: boolean): ScaleKernel {
  const def = scale.def;
  const bands = bandsFor(scale, form);
  const k: ScaleKernel = {
    def,
    bands,
    bandRules: bands ? bands.bands.map(describeBound) : [],
    tooMany: new Map(),
    provisional: def.key.provenance === "provisional" || form.itemCount?.source.provenance === "provisional",
    deriveFrom: def.derive ? inst.scales.findIndex((s) => s.id === def.derive!.from) : -1,
    noItemsReason: null,
    list: [],
    idx: [],
    what: "",
    flags: [],
    missingText: "",
    allowed: 0,
    recodes: [],
    provRecode: new Uint8Array(0),
    provisionalAll: false,
    tables: null,
    tableMin: new Float64Array(0),
    notFast: null,
  };
  if (def.derive) return k;
  if (scale.items === null && !form.items) {
    k.noItemsReason = `the items of form "${form.id}" are not in this definition (${inst.def.forms.find((f) => f.id === form.id)?.itemCount ? "" : "the item count is not publicly confirmed; "}load a site overlay that lists them)`;
    return k;
  }
  const list = scaleItems(inst, scale, form);
  k.list = list;
  k.idx = list.map((si) => idxOf(si.item));
  const recoded = list.filter((si) => si.recode).map((si) => `${si.item} ${si.recode!.name}`);
  // one item taken as it is: a coder's rating (RF, CARE-Index scale scores)
  k.what = list.length === 1 && !list[0]!.recode ? `${list[0]!.item} as recorded` : `${def.aggregate} of ${list.length} items${recoded.length ? ` (${recoded.join(", ")})` : ""}`;
  k.flags = def.flags.map((f) => ({
    id: f.id,
    onResponse: f.on === "response",
    op: cmpOp[f.op],
    value: f.value,
    targets: (f.items === "scale" ? list.map((si) => si.item) : f.items).map((id) => {
      const idx = idxOf(id);
      const kind = idx < 0 ? "codes" : items[idx]!.format.kind;
      return { idx, recode: list.find((x) => x.item === id)?.recode ?? null, respNum: kind === "integer" || kind === "decimal" };
    }),
  }));
  const missing = def.missing;
  if (missing && missing.kind !== "rule") {
    k.allowed = missing.kind === "prorate" ? missing.maxMissing : 0;
    k.missingText = missing.kind === "none" ? "none allowed" : `prorated up to ${k.allowed} missing`;
  }
  k.recodes = list.map((si) => si.recode);
  k.provRecode = Uint8Array.from(list, (si) => (si.recode?.source.provenance === "provisional" ? 1 : 0));
  k.provisionalAll = k.provisional || k.provRecode.includes(1);
  const tabled = (i: number) => {
    const it = items[i];
    return it !== undefined && it.intFormat && Number.isInteger(it.min) && Number.isInteger(it.max) && it.max - it.min <= MAX_TABLE;
  };
  if (plainPoints && k.idx.every(tabled)) {
    k.tableMin = Float64Array.from(k.idx, (i) => items[i]!.min);
    k.tables = list.map((si, j) => {
      const lo = k.tableMin[j]!;
      return Float64Array.from({ length: items[k.idx[j]!]!.max - lo + 1 }, (_, v) => (si.recode ? (si.recode.apply(lo + v) ?? NaN) : lo + v));
    });
  }
  return k;
}
