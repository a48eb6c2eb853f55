/**
 * The compiled fast path for batch long-CSV output (see the section comment below). Internal: the
 * reference is scoreAdministration in ./score.ts, and tests/fast-path.test.ts holds the two together.
 */
import type { FormDef } from "../schema/instrument.js";
import type { Issue } from "../schema/results.js";
import type { Instrument } from "../registry/load.js";
import { makeIssue } from "./issues.js";
import { isBlank, parseResponse } from "./responses.js";
import { clean, columnMap, findBand, formPlan, type ScalePlan } from "./score.js";

// ---------------------------------------------------------------- compiled fast path
// For batch output of the long format: an instrument whose form does not depend on the row, scored from
// a row where every item is either blank or answered with a value its format accepts, has long CSV lines that
// follow from the item points and which items are blank, and its only issues are the missing-item ones
// (too_many_missing, missing_adjusted) of a scale whose missing rule is "none" or "prorate". The compiled scorer
// computes exactly what scoreScale and longScoreLines give for such a row (same plans, recodes, order of
// additions, clean, bands, flags, statuses and issues) and declines (false) anything else, which then takes the
// full path. tests/fast-path.test.ts compares the two.

/** A scale's long CSV line after the administration's cells (subject_id, administered_on, respondent). */
export interface FastTail {
  /** from the instrument cell to the line break */
  readonly text: string;
  /** `text` as UTF-8 */
  readonly bytes: Uint8Array;
  /** the scale result's `provisional` (a derived scale reads it) */
  readonly prov: boolean;
}

export interface FastScorer {
  /** the form's items, in plan order: the column each is read from */
  readonly items: readonly string[];
  /** per item: 1 for an integer format read from plain digits within min…max */
  readonly intItem: Uint8Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** points of the row being scored, by item (set by the caller for integer items, by `parse` otherwise) */
  readonly points: Float64Array;
  /** per item, set by the caller when score(true) is called: 1 when the item's cell is empty (its points unread) */
  readonly missing: Uint8Array;
  /** a non-integer item's cell text (as cellValue gives it) → points into `points[i]`; false: not on the fast path */
  parse(i: number, text: string): boolean;
  /**
   * Scores the points in `points`: true, with each scale's line in `tails` and the administration's issues in
   * `issues`; false: not on the fast path. `anyMissing`: some item is blank (see `missing`); without it every
   * item is taken as answered and `missing` is not read.
   */
  score(anyMissing?: boolean): boolean;
  readonly tails: FastTail[];
  /**
   * The issues of the last score(), as scoreScale makes them (code, severity, message, instrument, scale), before
   * scoreWith adds the file and row: fresh objects each time, in scale order
   */
  readonly issues: Issue[];
}

const PROV_CUTOFF = "provisional_cutoff";
const PROV_DEFINITION = "provisional_definition";
const MAX_FLAGS = 20;
const MEMO_SIZE = 10_000;

/**
 * The per-row form rules the fast path may take over (a closed list): birth-relative, when its
 * forms have the same items, so a row's form follows from administered_on against a valid birth_date.
 * null for any other rule.
 */
export function fastFormRule(inst: Instrument): { beforeBirth: string; fromBirth: string } | null {
  const sel = inst.def.formSelection;
  if (!sel || sel.rule !== "birth-relative") return null;
  const p = sel.params as { beforeBirth?: unknown; fromBirth?: unknown };
  if (typeof p.beforeBirth !== "string" || typeof p.fromBirth !== "string") return null;
  const items = (id: string) => inst.forms.find((f) => f.id === id)?.items?.join(",") ?? (inst.forms.some((f) => f.id === id) ? "*" : null);
  const a = items(p.beforeBirth);
  if (a === null || a !== items(p.fromBirth)) return null;
  return { beforeBirth: p.beforeBirth, fromBirth: p.fromBirth };
}

/**
 * A FastScorer for `inst` when its columns in a wide file are `names`, or null when the instrument is not
 * of the kind the fast path handles: form chosen per row, item modifiers, constraints, a missing rule,
 * scales without items, columns not on the form, band flags (they read the sex column), flag ids that are
 * the provisional flags themselves, or coded ratings (a coder to check, classifications to report).
 * `cell` is csvCell (longScoreLines' cell writer).
 */
export function compileFastScorer(
  inst: Instrument,
  names: readonly string[],
  cell: (value: string | number | null | undefined) => string,
  /** a form the caller chose per row by a rule in fastFormRule (no issues, not provisional) */
  formId?: string,
): FastScorer | null {
  if (inst.def.modifiers.length > 0 || inst.def.constraints.length > 0) return null;
  // coded ratings: the coder checks and the classifications are the full path's
  if (inst.def.coding !== undefined || [...inst.items.values()].some((it) => it.format.kind === "category")) return null;
  let form: FormDef;
  let selProvisional = false;
  if (!inst.hasForms) form = inst.forms[0]!;
  else if (formId !== undefined) {
    const f = inst.forms.find((x) => x.id === formId);
    if (!f) return null;
    form = f;
  } else {
    const sel = inst.def.formSelection;
    if (!sel || sel.rule !== undefined || sel.default === undefined) return null;
    const f = inst.forms.find((x) => x.id === sel.default);
    if (!f) return null;
    form = f;
    selProvisional = sel.source.provenance === "provisional";
  }
  const plan = formPlan(inst, form);
  const map = columnMap(plan, names);
  if (map.unknown.length > 0) return null;
  const n = plan.items.length;
  if (n === 0 || new Set(plan.items.map((it) => it.id)).size !== n) return null;
  for (let i = 0; i < n; i++) if (map.itemPos[i]! < 0) return null;
  const scales = plan.scales;
  for (let s = 0; s < scales.length; s++) {
    const sp = scales[s]!;
    if (sp.flags.length > MAX_FLAGS || sp.def.bandFlags.length > 0) return null;
    for (const f of sp.flags) if (f.id === PROV_CUTOFF || f.id === PROV_DEFINITION) return null;
    if (sp.def.derive) {
      if (sp.deriveFrom < 0 || sp.deriveFrom >= s) return null;
      continue;
    }
    if (sp.noItemsReason !== null || sp.list.length === 0 || sp.list.length >= 1024 || sp.idx.some((i) => i < 0)) return null;
    // a closed list of the missing-item rules done here: anything else (rules, and kinds added later) declines
    const missing = sp.def.missing;
    if (!missing || (missing.kind !== "none" && missing.kind !== "prorate")) return null;
    if (sp.allowed !== (missing.kind === "none" ? 0 : missing.maxMissing)) return null;
  }

  const intItem = Uint8Array.from(plan.items, (it) => (it.intFormat ? 1 : 0));
  const min = Float64Array.from(plan.items, (it) => it.min);
  const max = Float64Array.from(plan.items, (it) => it.max);
  // a response is a number for integer and decimal formats (parseResponse), and then equals its points
  const respNum = Uint8Array.from(plan.items, (it) => (it.format.kind === "codes" ? 0 : 1));
  const points = new Float64Array(n);
  const missingItem = new Uint8Array(n);
  // non-integer items: parseResponse per distinct cell text, kept (it is pure); NaN: not plain points
  const parsed = plan.items.map(() => new Map<string, number>());
  const parse = (i: number, text: string): boolean => {
    const m = parsed[i]!;
    let v = m.get(text);
    if (v === undefined) {
      const it = plan.items[i]!;
      const p = isBlank(text) ? null : parseResponse(text, it.format, it.id, it.key);
      v = p !== null && p.kind === "ok" ? p.points : NaN;
      if (m.size >= MEMO_SIZE) m.clear();
      m.set(text, v);
    }
    if (v !== v) return false;
    points[i] = v;
    return true;
  };

  // the instrument and form cells, as longScoreLines writes them
  const head2 = `${cell(inst.id)},${cell(inst.hasForms ? form.id : null)},`;
  const nS = scales.length;
  const scaleCell = scales.map((sp) => cell(sp.def.id));
  // provisional before the band: the scale's own, or a recode's (every recode applies on this path)
  const baseProv = scales.map((sp) => sp.provisional || sp.list.some((si) => si.recode?.source.provenance === "provisional"));
  // integer items: each scale item's recoded points by response (NaN: the recode gives none), so no call per item
  const recodeTables = scales.map((sp) =>
    sp.list.map((si, k) => {
      const it = plan.items[sp.idx[k]!];
      if (!si.recode || !it || !it.intFormat || !Number.isInteger(it.min) || !Number.isInteger(it.max) || it.max - it.min > 1000) return null;
      return Float64Array.from({ length: it.max - it.min + 1 }, (_, j) => si.recode!.apply(it.min + j) ?? NaN);
    }),
  );
  // a scale of integer items only: each item's points through its table (the recode's, or identity), offset by min
  const intTables = scales.map((sp, s) => {
    if (sp.def.derive || sp.idx.some((i) => !plan.items[i]!.intFormat)) return null;
    return sp.list.map((si, k) => {
      const it = plan.items[sp.idx[k]!]!;
      if (!Number.isInteger(it.min) || !Number.isInteger(it.max) || it.max - it.min > 1000) return null;
      return recodeTables[s]![k] ?? (si.recode ? null : Float64Array.from({ length: it.max - it.min + 1 }, (_, j) => it.min + j));
    });
  });
  const intIdx = scales.map((sp, s) => (intTables[s]?.every((t) => t !== null) ? Int32Array.from(sp.idx) : null));
  const intMin = scales.map((sp) => Float64Array.from(sp.idx, (i) => plan.items[i]!.min));
  /**
   * The line after the administration's cells is a function of the scale, its score, the flags of its own
   * that are set (a bit mask in sp.flags order) and whether it was provisional before the band (a derived
   * scale's source may be): memo per scale, by mask * 2 + provisional, then by score.
   */
  const memo = scales.map(() => new Map<number, Map<number, FastTail>>());
  const lastKey = new Int32Array(scales.length).fill(-1);
  const lastMemo: Map<number, FastTail>[] = scales.map(() => new Map());
  const encoder = new TextEncoder();
  const tailFor = (s: number, sp: ScalePlan, score: number | null, nItems: number, provisional: boolean, mask: number, status = "scored", nAnswered = nItems): FastTail => {
    const flags: string[] = [];
    sp.flags.forEach((f, j) => mask & (1 << j) && flags.push(f.id));
    const band = findBand(sp.bands, sp.bandRules, score);
    // finish(), then scoreWith's form-selection provisional
    if (band?.source.provenance === "provisional") flags.push(PROV_CUTOFF);
    if (provisional && score !== null) flags.push(PROV_DEFINITION);
    provisional ||= flags.includes(PROV_CUTOFF);
    if (selProvisional && score !== null) {
      provisional = true;
      if (!flags.includes(PROV_DEFINITION)) flags.push(PROV_DEFINITION);
    }
    const text = `${head2}${scaleCell[s]},${cell(score)},${status},${cell(band?.id)},${cell(nAnswered)},${cell(nItems)},${cell(flags.join(";"))}\n`;
    return { text, bytes: encoder.encode(text), prov: provisional };
  };
  /**
   * lines of scales not wholly answered (prorated, not scorable, or derived from one): memo per scale by all they
   * depend on, as a number (flag mask, items answered (< 1024, checked above), status, provisional), then by
   * score (NaN for none)
   */
  const partialMemo = scales.map(() => new Map<number, Map<number, FastTail>>());
  const partialTail = (s: number, sp: ScalePlan, score: number | null, nItems: number, provisional: boolean, mask: number, status: string, nAnswered: number): FastTail => {
    const key = ((mask * 1024 + nAnswered) * 4 + (status === "scored" ? 0 : status === "prorated" ? 1 : 2)) * 2 + (provisional ? 1 : 0);
    const memoS = partialMemo[s]!;
    let m = memoS.get(key);
    if (m === undefined) {
      if (memoS.size >= MEMO_SIZE) memoS.clear();
      memoS.set(key, (m = new Map()));
    }
    const scoreKey = score === null ? NaN : score;
    let t = m.get(scoreKey);
    if (t === undefined) {
      t = tailFor(s, sp, score, nItems, provisional, mask, status, nAnswered);
      if (m.size >= MEMO_SIZE) m.clear();
      m.set(scoreKey, t);
    }
    return t;
  };
  const instId = inst.id;
  const issues: Issue[] = [];

  const scoreArr = new Float64Array(nS);
  const nItemsArr = new Int32Array(nS);
  const tails = new Array<FastTail>(nS);
  /** per scale of the row: 1 when it is not wholly answered (its line came from partialTail) */
  const partial = new Uint8Array(nS);
  const statusArr: string[] = new Array<string>(nS);
  const nAnsweredArr = new Int32Array(nS);
  /** score null (not scorable) */
  const nullArr = new Uint8Array(nS);

  /**
   * Scale s of a row with blank items, as scoreScale scores it: answered items in list order, the missing rule
   * ("none" or "prorate": at most sp.allowed missing), flags from the answered items, and the rule's issue.
   */
  const scorePartial = (s: number): boolean => {
    const sp = scales[s]!;
    if (sp.def.derive) {
      const from = sp.deriveFrom;
      if (partial[from] === 0) return false;
      const n = nItemsArr[from]!;
      const provisional = sp.provisional || tails[from]!.prov;
      const score = nullArr[from] === 1 || n === 0 ? null : clean(scoreArr[from]! / n);
      tails[s] = partialTail(s, sp, score, n, provisional, 0, statusArr[from]!, nAnsweredArr[from]!);
      partial[s] = 1;
      scoreArr[s] = score ?? 0;
      nullArr[s] = score === null ? 1 : 0;
      statusArr[s] = statusArr[from]!;
      nItemsArr[s] = n;
      nAnsweredArr[s] = nAnsweredArr[from]!;
      return true;
    }
    const { list, idx } = sp;
    const tables = recodeTables[s]!;
    const nItems = list.length;
    let provisional = sp.provisional;
    let sum = 0;
    let nScored = 0;
    for (let k = 0; k < nItems; k++) {
      const i = idx[k]!;
      if (missingItem[i] === 1) continue;
      let v = points[i]!;
      const recode = list[k]!.recode;
      if (recode) {
        const table = tables[k];
        if (table) {
          v = table[v - min[i]!]!;
          if (v !== v) return false;
        } else {
          const r = recode.apply(v);
          if (r === undefined) return false;
          v = r;
        }
        if (recode.source.provenance === "provisional") provisional = true;
      }
      sum += v;
      nScored++;
    }
    const mask = flagMask(sp, true);
    const nMissing = nItems - nScored;
    const def = sp.def;
    let score: number | null;
    let status: string;
    if (nMissing > sp.allowed) {
      const unanswered: string[] = [];
      for (let k = 0; k < nItems; k++) if (missingItem[idx[k]!] === 1) unanswered.push(list[k]!.item);
      const reason = `${nMissing} of ${nItems} items missing (${unanswered.join(", ")}); ${def.missing!.kind === "none" ? "every item is required" : `at most ${sp.allowed} may be missing`}`;
      issues.push(makeIssue("too_many_missing", "error", { instrument: instId, scale: def.id, detail: reason }));
      score = null;
      status = "not_scorable";
    } else {
      // nothing answered within what may be missing: left to the full path
      if (nScored === 0) return false;
      const mean = sum / nScored;
      score = clean(def.aggregate === "mean" ? mean : nMissing === 0 ? sum : mean * nItems);
      if (nMissing > 0) {
        issues.push(
          makeIssue("missing_adjusted", "warning", {
            instrument: instId,
            scale: def.id,
            detail: `${nMissing} of ${nItems} items missing; ${def.aggregate === "mean" ? "mean of the answered items" : "prorated: mean of answered × number of items"}`,
          }),
        );
      }
      status = nMissing > 0 ? "prorated" : "scored";
    }
    tails[s] = partialTail(s, sp, score, nItems, provisional, mask, status, nScored);
    partial[s] = 1;
    scoreArr[s] = score ?? 0;
    nullArr[s] = score === null ? 1 : 0;
    statusArr[s] = status;
    nItemsArr[s] = nItems;
    nAnsweredArr[s] = nScored;
    return true;
  };

  /** the scale's own flags set by the row's answered items (every item when `withMissing` is false), as a mask */
  const flagMask = (sp: ScalePlan, withMissing: boolean): number => {
    let mask = 0;
    const flags = sp.flags;
    for (let j = 0; j < flags.length; j++) {
      const f = flags[j]!;
      for (const t of f.targets) {
        if (t.idx < 0) continue;
        if (withMissing && missingItem[t.idx] === 1) continue;
        let v: number;
        if (f.onResponse) {
          if (respNum[t.idx] === 0) continue;
          v = points[t.idx]!;
        } else {
          const r = t.recode ? t.recode.apply(points[t.idx]!) : points[t.idx]!;
          if (r === undefined) continue;
          v = r;
        }
        if (f.op(v, f.value)) {
          mask |= 1 << j;
          break;
        }
      }
    }
    return mask;
  };

  const scoreRow = (anyMissing = false): boolean => {
    if (issues.length > 0) issues.length = 0;
    if (anyMissing) {
      for (let s = 0; s < nS; s++) if (!scorePartial(s)) return false;
      return true;
    }
    for (let s = 0; s < nS; s++) {
      partial[s] = 0;
      const sp = scales[s]!;
      let provisional = baseProv[s]!;
      let score: number;
      let nItems: number;
      let mask = 0;
      if (sp.def.derive) {
        // as scoreScale: the source's score over its item count; flags none of its own
        const from = sp.deriveFrom;
        nItems = nItemsArr[from]!;
        provisional ||= tails[from]!.prov;
        score = clean(scoreArr[from]! / nItems);
      } else {
        const { list, idx } = sp;
        const tables = recodeTables[s]!;
        nItems = list.length;
        let sum = 0;
        const ii = intIdx[s]!;
        if (ii !== null) {
          // integer items (whole and within min…max, the caller checked): the same additions in the same order
          const tabs = intTables[s]! as Float64Array[];
          const mins = intMin[s]!;
          for (let k = 0; k < nItems; k++) {
            const v = tabs[k]![points[ii[k]!]! - mins[k]!]!;
            if (v !== v) return false;
            sum += v;
          }
        } else for (let k = 0; k < nItems; k++) {
          const i = idx[k]!;
          let v = points[i]!;
          const recode = list[k]!.recode;
          if (recode) {
            const table = tables[k];
            if (table) {
              // an integer item's points are whole and within min…max here (the caller checked)
              v = table[v - min[i]!]!;
              if (v !== v) return false;
            } else {
              const r = recode.apply(v);
              if (r === undefined) return false;
              v = r;
            }
          }
          sum += v;
        }
        mask = flagMask(sp, false);
        // nothing missing: the mean of nItems answered items, or their sum
        score = clean(sp.def.aggregate === "mean" ? sum / nItems : sum);
      }
      const key = mask * 2 + (provisional ? 1 : 0);
      let byScore = lastMemo[s]!;
      if (key !== lastKey[s]) {
        // rows mostly repeat the previous key (no flag set, same provisional)
        let m = memo[s]!.get(key);
        if (m === undefined) memo[s]!.set(key, (m = new Map()));
        lastKey[s] = key;
        lastMemo[s] = byScore = m;
      }
      let t = byScore.get(score);
      if (t === undefined) {
        t = tailFor(s, sp, score, nItems, provisional, mask);
        if (byScore.size >= MEMO_SIZE) byScore.clear();
        byScore.set(score, t);
      }
      scoreArr[s] = score;
      nItemsArr[s] = nItems;
      tails[s] = t;
    }
    return true;
  };
  return { items: plan.items.map((it) => it.id), intItem, min, max, points, missing: missingItem, parse, score: scoreRow, tails, issues };
}
