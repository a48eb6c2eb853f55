/**
 * Clinical significance (Jacobson & Truax 1991): has the score moved into the functional range?
 * With clinical and functional norms (mean and SD): cutoff a = clinical mean 2 SD toward health,
 * b = functional mean 2 SD toward dysfunction, c = (SD_c·M_f + SD_f·M_c)/(SD_c + SD_f), the point
 * equally likely to belong to either population (used by default). Without both norms, the
 * instrument's own bands decide: a score is in the clinical range when its band has concern = true.
 * The cutoff formulas are in src/stats/jacobson-truax-cutoffs.ts.
 */
import type { Norm, ScaleDef } from "../schema/instrument.js";
import type { ScaleResult } from "../schema/results.js";
import type { SeriesPoint } from "./series.js";
import { jacobsonTruaxCutoffs, type Cutoffs } from "../stats/jacobson-truax-cutoffs.js";

export { jacobsonTruaxCutoffs };
export type { Cutoffs };

export type Criterion =
  | { kind: "cutoff"; which: keyof Cutoffs; value: number; cutoffs: Cutoffs; clinicalNorm: string; functionalNorm: string; description: string }
  | { kind: "band"; description: string };

const complete = (n: Norm | undefined): n is Norm & { mean: number; sd: number } => n?.mean !== undefined && n.sd !== undefined;

/** The criterion for "in the clinical range"; null (with a reason) when neither norms nor bands exist or the scale has no direction. */
export function clinicalCriterion(def: ScaleDef | undefined, direction: ScaleResult["direction"], which: keyof Cutoffs = "c"): { criterion: Criterion } | { criterion: null; reason: string } {
  if (direction === "none") return { criterion: null, reason: "the scale has no better end, so there is no clinical range" };
  const clin = def?.norms.find((n) => n.kind === "clinical" && complete(n));
  const func = def?.norms.find((n) => n.kind === "functional" && complete(n));
  if (complete(clin) && complete(func)) {
    const cutoffs = jacobsonTruaxCutoffs(clin, func, direction);
    return { criterion: { kind: "cutoff", which, value: cutoffs[which], cutoffs, clinicalNorm: clin.id, functionalNorm: func.id, description: `Jacobson–Truax cutoff ${which} = ${Math.round(cutoffs[which] * 1e4) / 1e4} (norms ${clin.id}, ${func.id})` } };
  }
  // Bands may come from the form (ORS adult/adolescent) or an overlay, so the scored band of each point is used.
  return { criterion: { kind: "band", description: "the instrument's own cutoff: a band marked concern is the clinical range" } };
}

/** true/false when known; null when the point carries no band and there is no numeric cutoff. */
export function inClinicalRange(point: Pick<SeriesPoint, "score" | "band">, criterion: Criterion, direction: ScaleResult["direction"]): boolean | null {
  if (criterion.kind === "band") return point.band ? point.band.concern : null;
  // at exactly the cutoff the score is counted as still clinical: recovery means crossing it
  return direction === "higher_is_better" ? point.score <= criterion.value : point.score >= criterion.value;
}
