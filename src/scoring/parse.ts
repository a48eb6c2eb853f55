/**
 * Parsing one administration's responses into its form plan's status/points arrays (./plan.ts), by each item's
 * declared format, key and modifiers; then the definition's constraints over them. Every problem is an issue.
 */
import type { FormDef } from "../schema/instrument.js";
import type { Administration, Issue, ItemValue } from "../schema/results.js";
import type { Instrument } from "../registry/load.js";
import { makeIssue } from "./issues.js";
import { clean, INVALID, MISSING, OK } from "./kernel.js";
import { columnMap, type ColumnMap, type FormPlan, type ResponseColumns } from "./plan.js";
import { isBlank, parseResponse } from "./responses.js";

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
export function parseItems(inst: Instrument, plan: FormPlan, form: FormDef, responses: Administration["responses"] | null, cols: ResponseColumns | null, issues: Issue[]): void {
  const { items, status, points, response, respPoints } = plan;
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
      if (nMods > 0) respPoints[i] = typeof p.response === "number" ? p.response : NaN;
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

export function checkConstraints(inst: Instrument, plan: FormPlan, issues: Issue[]): void {
  const { status, points, broken } = plan;
  if (broken === null) return;
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
