/**
 * Reliable change. Jacobson & Truax (1991): S_diff = SD·√2·√(1 − r), RCI = (after − before) / S_diff,
 * reliable when |RCI| > 1.96 (two-sided 5%), i.e. a raw-point threshold of 1.96·S_diff.
 * Scales whose definition gives a fixed reliable-change size (ORS/SRS 5 points, EPDS 4) use that instead.
 */
import type { Norm, ScaleDef, Source } from "../schema/instrument.js";
import type { ScaleResult } from "../schema/results.js";

export const RCI_CRITICAL = 1.96;

export interface JacobsonTruax {
  sDiff: number;
  /** raw points a change must exceed to be reliable: 1.96·S_diff */
  threshold: number;
}

export function jacobsonTruax(sd: number, reliability: number): JacobsonTruax {
  if (!(sd > 0)) throw new RangeError(`sd must be positive; received ${sd}`);
  if (!(reliability >= 0 && reliability < 1)) throw new RangeError(`reliability must be in [0, 1); received ${reliability}`);
  const sDiff = sd * Math.SQRT2 * Math.sqrt(1 - reliability);
  return { sDiff, threshold: RCI_CRITICAL * sDiff };
}

/** RCI = (after − before) / S_diff; the sign is raw, not direction-adjusted. */
export const rci = (before: number, after: number, sDiff: number): number => (after - before) / sDiff;

export type ChangeBasis =
  | { kind: "points"; points: number; source: Source; description: string }
  | { kind: "jacobson_truax"; sd: number; reliability: number; sDiff: number; threshold: number; sdFrom: string; reliabilityFrom: string; description: string };

export interface UserNorms {
  sd?: number;
  reliability?: number;
}

/** Norm preferred for S_diff: Jacobson & Truax use the pre-treatment (clinical) population's SD. */
const NORM_ORDER: Norm["kind"][] = ["clinical", "general", "functional"];

/**
 * How reliable change is judged for a scale: user-given SD/reliability win (each may complete the
 * definition's norm), then the definition's fixed point size, then SD and reliability from its norms.
 * Returns a reason instead of a basis when no honest number exists.
 */
export function changeBasis(def: ScaleDef | undefined, user: UserNorms = {}): { basis: ChangeBasis } | { basis: null; reason: string } {
  const norms = [...(def?.norms ?? [])].sort((a, b) => NORM_ORDER.indexOf(a.kind) - NORM_ORDER.indexOf(b.kind));
  const sdNorm = norms.find((n) => n.sd !== undefined);
  const rNorm = norms.find((n) => n.reliability !== undefined);
  const userGiven = user.sd !== undefined || user.reliability !== undefined;
  if (!userGiven && def?.reliableChange) {
    const { points, source } = def.reliableChange;
    return { basis: { kind: "points", points, source, description: `a change of ≥ ${points} points (${source.ref}${source.locator ? `, ${source.locator}` : ""}; ${source.provenance})` } };
  }
  const sd = user.sd ?? sdNorm?.sd;
  const r = user.reliability ?? rNorm?.reliability;
  if (sd === undefined || r === undefined) {
    const have = r !== undefined ? ` (reliability ${r} from ${rNorm ? `norm ${rNorm.id}` : "--reliability"})` : sd !== undefined ? ` (SD ${sd} from ${sdNorm ? `norm ${sdNorm.id}` : "--sd"})` : "";
    const missing = [sd === undefined ? "--sd" : "", r === undefined ? "--reliability" : ""].filter(Boolean).join(" and ");
    return { basis: null, reason: `no norms for reliable change${have}: give ${missing}` };
  }
  const jt = jacobsonTruax(sd, r);
  const sdFrom = user.sd !== undefined ? "user (--sd)" : `norm ${sdNorm!.id}`;
  const reliabilityFrom = user.reliability !== undefined ? "user (--reliability)" : `norm ${rNorm!.id}`;
  return {
    basis: { kind: "jacobson_truax", sd, reliability: r, ...jt, sdFrom, reliabilityFrom, description: `Jacobson–Truax: SD ${sd} (${sdFrom}), r ${r} (${reliabilityFrom}), S_diff ${round(jt.sDiff)}, reliable when |change| > ${round(jt.threshold)}` },
  };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** improved / worsened / none by the scale's direction; "changed" for scales where neither end is better. */
export type ReliableVerdict = "improved" | "worsened" | "none" | "changed";

export interface ChangeResult {
  change: number;
  /** null with a fixed point size: no SD to divide by */
  rci: number | null;
  reliable: boolean;
  verdict: ReliableVerdict;
}

export function assessChange(before: number, after: number, basis: ChangeBasis, direction: ScaleResult["direction"]): ChangeResult {
  const change = after - before;
  let reliable: boolean;
  let index: number | null = null;
  if (basis.kind === "points") reliable = Math.abs(change) >= basis.points;
  else {
    index = rci(before, after, basis.sDiff);
    reliable = Math.abs(index) > RCI_CRITICAL;
  }
  let verdict: ReliableVerdict = "none";
  if (reliable) {
    if (direction === "none") verdict = "changed";
    else verdict = (direction === "higher_is_better") === change > 0 ? "improved" : "worsened";
  }
  return { change, rci: index, reliable, verdict };
}
