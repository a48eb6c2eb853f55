/**
 * The compiled fast path for batch long-CSV output (see the section comment below). Internal: the
 * reference is scoreAdministration in ./score.ts, and tests/fast-path.test.ts holds the two together.
 */
import { remember } from "../memo.js";
import type { FormDef } from "../schema/instrument.js";
import type { Issue, ScaleResult } from "../schema/results.js";
import type { Instrument } from "../registry/load.js";
import { longScaleTail } from "../tables/scores.js";
import { applyMissing, completeScale, derivedRuleText, derivedScore, finish, flagSet, missingRuleText, newOutcome, newTally, OK, tally } from "./kernel.js";
import { columnMap, formPlan } from "./plan.js";
import { isBlank, parseResponse } from "./responses.js";

// ---------------------------------------------------------------- compiled fast path
// For batch output of the long format: an instrument whose form does not depend on the row, scored from
// a row where every item is either blank or answered with a value its format accepts, has long CSV lines that
// follow from the item points and which items are blank, and its only issues are the missing-item ones
// (too_many_missing, missing_adjusted) of a scale whose missing rule is "none" or "prorate". Which definitions
// qualify is the closed allow-list in ./eligible.ts. The compiled scorer scores with the kernels the general path
// uses (./kernel.ts: tally, flags, missing rule and its issues, finish) over arrays filled from the row's cells, and
// writes each scale's line with the long table's line writer, memoised; it differs from the general path only in
// how it reads cells and writes lines. It declines (false) a row it cannot take, which then takes the full path.
// tests/fast-path.test.ts compares the two.

/** A scale's long CSV line after the administration's cells (subject_id, administered_on, respondent). */
export interface FastTail {
  /** from the instrument cell to the line break */
  readonly text: string;
  /** `text` as UTF-8 */
  readonly bytes: Uint8Array;
  /** the scale result's `provisional` (a derived scale reads it) */
  readonly prov: boolean;
  /**
   * The scale result the general path gives for this line (scoreScale, then what the administration adds), shared by
   * every row with the line; null when it would carry a `reason` (not scorable: it names the row's missing items).
   * src/io/fast-results.ts checks it against the general path's whenever it scores a row of this scorer.
   */
  readonly result: ScaleResult | null;
  /**
   * What the reader of results built from this scorer's lines (src/io/fast-results.ts) keeps for the line: it lives
   * as long as the line is remembered here, and the reader checks that it is its own
   */
  kept: unknown;
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
 * A FastScorer for `inst` when its columns in a wide file are `names`, or null when the fast path does not take
 * it: the form's plan is not fast-eligible (./eligible.ts), the form is chosen per row by a rule it does not
 * handle, or the file has columns that are not on the form or lacks some of its items.
 * `cell` is csvCell (longScoreLines' cell writer).
 */
export function compileFastScorer(
  inst: Instrument,
  names: readonly string[],
  cell: (value: string | number | null | undefined) => string,
  /** a form the caller chose per row by a rule in fastFormRule (no issues, not provisional) */
  formId?: string,
): FastScorer | null {
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
  if (plan.notFast !== null) return null;
  const map = columnMap(plan, names);
  if (map.unknown.length > 0) return null;
  const n = plan.items.length;
  for (let i = 0; i < n; i++) if (map.itemPos[i]! < 0) return null;
  const scales = plan.scales;
  const nS = scales.length;

  const intItem = Uint8Array.from(plan.items, (it) => (it.intFormat ? 1 : 0));
  const min = Float64Array.from(plan.items, (it) => it.min);
  const max = Float64Array.from(plan.items, (it) => it.max);
  const points = new Float64Array(n);
  // the status arrays the kernels read: `missing` as the caller sets it (1 is MISSING), or every item answered
  const missingItem = new Uint8Array(n);
  const allAnswered = new Uint8Array(n).fill(OK);
  // non-integer items: parseResponse per distinct cell text, kept (it is pure); NaN: not plain points
  const parsed = plan.items.map(() => new Map<string, number>());
  const parse = (i: number, text: string): boolean => {
    const m = parsed[i]!;
    let v = m.get(text);
    if (v === undefined) {
      const it = plan.items[i]!;
      const p = isBlank(text) ? null : parseResponse(text, it.format, it.id, it.key);
      v = remember(m, text, p !== null && p.kind === "ok" ? p.points : NaN, MEMO_SIZE);
    }
    if (v !== v) return false;
    points[i] = v;
    return true;
  };

  // the instrument and form cells, as longScoreLines writes them
  const instrumentForm = `${cell(inst.id)},${cell(inst.hasForms ? form.id : null)},`;
  const encoder = new TextEncoder();
  /**
   * A scale's line after the administration's cells follows from what finish() reads: its score, its own flags
   * that are set (a bit mask in kernel order), items answered, status, and whether it was provisional before the
   * band. Memo per scale by those as one number (answered < 1024, see eligible.ts), then by score (NaN: none).
   */
  const memo = scales.map(() => new Map<number, Map<number, FastTail>>());
  // the last key looked up, per scale and per kind of row (all answered, some blank), so the two kinds do not evict each other
  const lastKey = new Float64Array(2 * nS).fill(-1);
  const lastMemo: Map<number, FastTail>[] = Array.from({ length: 2 * nS }, () => new Map());
  /** the line of scale s, made once per memo entry (the score is `scoreKey`, NaN for none) */
  const makeTail = (s: number, scoreKey: number, status: ScaleResult["status"], nAnswered: number, nItems: number, provisional: boolean, mask: number): FastTail => {
    const k = scales[s]!;
    const flags: string[] = [];
    k.flags.forEach((f, j) => mask & (1 << j) && flags.push(f.id));
    // as the general path: the scale's result, then what the administration adds (eligible forms have no band
    // flags and no coder), written by the long table's line writer
    // the rule as scoreScale reports it (not on the line, but in the result)
    const rule = k.def.derive ? derivedRuleText(scales[k.deriveFrom]!.def.id, nItems) : missingRuleText(k);
    const r = finish(k, provisional, scoreKey === scoreKey ? scoreKey : null, status, nAnswered, nItems, rule, undefined, flags);
    completeScale(r, k, undefined, null, selProvisional);
    const text = longScaleTail(instrumentForm, r, cell);
    return { text, bytes: encoder.encode(text), prov: r.provisional, result: status === "not_scorable" ? null : r, kept: undefined };
  };

  const instId = inst.id;
  const issues: Issue[] = [];
  const tallied = newTally();
  const outcome = newOutcome();
  // per scale of the row: what a derived scale reads of its source (scoreArr is NaN for no score)
  const scoreArr = new Float64Array(nS);
  const statusArr: ScaleResult["status"][] = new Array<ScaleResult["status"]>(nS).fill("scored");
  const nAnsweredArr = new Int32Array(nS);
  const nItemsArr = new Int32Array(nS);
  const tails = new Array<FastTail>(nS);

  /** Scores the row's scales as scoreScale does, over `status`; false when a scale is not the fast path's. */
  const scoreRow = (anyMissing = false): boolean => {
    if (issues.length > 0) issues.length = 0;
    const status = anyMissing ? missingItem : allAnswered;
    for (let s = 0; s < nS; s++) {
      const k = scales[s]!;
      let mask = 0;
      let provisional: boolean;
      if (k.def.derive) {
        const from = k.deriveFrom;
        const n = nItemsArr[from]!;
        const source = scoreArr[from]!;
        scoreArr[s] = derivedScore(source === source ? source : null, n) ?? NaN;
        statusArr[s] = statusArr[from]!;
        nAnsweredArr[s] = nAnsweredArr[from]!;
        nItemsArr[s] = n;
        provisional = k.provisional || tails[from]!.prov;
      } else {
        tally(k, status, points, null, null, tallied, !anyMissing);
        if (tallied.bad) return false;
        const nItems = k.list.length;
        // nothing answered within what may be missing: left to the full path
        if (tallied.nScored === 0 && nItems <= k.allowed) return false;
        const flags = k.flags;
        for (let j = 0; j < flags.length; j++) if (flagSet(flags[j]!, status, points, points)) mask |= 1 << j;
        applyMissing(k, tallied, status, instId, issues, outcome);
        scoreArr[s] = outcome.scorable ? outcome.score : NaN;
        statusArr[s] = outcome.status;
        nAnsweredArr[s] = tallied.nAnswered;
        nItemsArr[s] = nItems;
        provisional = tallied.provisional;
      }
      const st = statusArr[s]!;
      const nAnswered = nAnsweredArr[s]!;
      const key = ((mask * 1024 + nAnswered) * 4 + (st === "scored" ? 0 : st === "prorated" ? 1 : 2)) * 2 + (provisional ? 1 : 0);
      const last = anyMissing ? nS + s : s;
      let byScore = lastMemo[last]!;
      if (key !== lastKey[last]) {
        // rows mostly repeat the previous key (all answered, no flag set)
        const m = memo[s]!;
        const b = m.get(key) ?? remember(m, key, new Map<number, FastTail>(), MEMO_SIZE);
        lastKey[last] = key;
        lastMemo[last] = byScore = b;
      }
      const score = scoreArr[s]!;
      tails[s] = byScore.get(score) ?? remember(byScore, score, makeTail(s, score, st, nAnswered, nItemsArr[s]!, provisional, mask), MEMO_SIZE);
    }
    return true;
  };
  return { items: plan.items.map((it) => it.id), intItem, min, max, points, missing: missingItem, parse, score: scoreRow, tails, issues };
}
