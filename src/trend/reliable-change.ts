/**
 * Reliable change. Jacobson & Truax (1991): S_diff = SD·√2·√(1 − r), RCI = (after − before) / S_diff,
 * reliable when |RCI| > 1.96 (two-sided 5%), i.e. a raw-point threshold of 1.96·S_diff.
 * Scales whose definition gives a fixed reliable-change size (ORS/SRS 5 points, EPDS 4) use that instead.
 * The formulas are in src/stats (jacobson-truax.ts, rci.ts); this module chooses the basis and the verdict.
 */
import type { Norm, ScaleDef, Source } from "../schema/instrument.js";
import type { ScaleResult } from "../schema/results.js";
import { jacobsonTruax, RCI_CRITICAL } from "../stats/jacobson-truax.js";
import { rci } from "../stats/rci.js";
import { remember } from "../memo.js";

export { jacobsonTruax, RCI_CRITICAL, rci };
export type { JacobsonTruax } from "../stats/jacobson-truax.js";

export type ChangeBasis =
  | { kind: "points"; points: number; source: Source; description: string; norms: NormsSource }
  | { kind: "jacobson_truax"; sd: number; reliability: number; sDiff: number; threshold: number; sdFrom: string; reliabilityFrom: string; description: string; norms: NormsSource };

export interface UserNorms {
  sd?: number;
  reliability?: number;
  /**
   * SD of the baseline values in the analysed file (R clinicalsignificance's convention when no
   * published SD exists), with the number of baselines it came from; used only when neither the
   * user nor the definition gives an SD, and always together with the definition's reliability.
   */
  sample?: { sd: number; n: number };
}

/** Where a verdict's norms came from, shown on every trend, goal and cohort row. */
export interface NormsSource {
  kind: "definition" | "user" | "sample" | "none";
  /** baselines the sample SD came from */
  n?: number;
  /** a provisional number (reliability, point size) went into the basis */
  provisional: boolean;
}

/** The CSV form of a norms source: kind, then n=… for a sample, then "provisional" when it is. */
export const formatNormsSource = (s: NormsSource): string => {
  if (s.n !== undefined) return normsText(s);
  // one per kind without n (a table writes it on every row): made once
  const texts = plainNorms.get(s.kind) ?? remember(plainNorms, s.kind, [normsText({ kind: s.kind, provisional: false }), normsText({ kind: s.kind, provisional: true })], 64);
  return texts[s.provisional ? 1 : 0];
};
const normsText = (s: NormsSource): string => [s.kind, s.n !== undefined ? `n=${s.n}` : "", s.provisional ? "provisional" : ""].filter(Boolean).join(" ");
const plainNorms = new Map<string, [string, string]>();

/** Norm preferred for S_diff: Jacobson & Truax use the pre-treatment (clinical) population's SD. */
const NORM_ORDER: Norm["kind"][] = ["clinical", "general", "functional"];

/**
 * How reliable change is judged for a scale: user-given SD/reliability win (each may complete the
 * definition's norm), then the definition's fixed point size, then SD and reliability from its norms,
 * then (when given) the sample SD of the file's baselines with the definition's reliability.
 * Returns a reason instead of a basis when no honest number exists.
 */
export function changeBasis(def: ScaleDef | undefined, user: UserNorms = {}): { basis: ChangeBasis } | { basis: null; reason: string } {
  const norms = [...(def?.norms ?? [])].sort((a, b) => NORM_ORDER.indexOf(a.kind) - NORM_ORDER.indexOf(b.kind));
  const sdNorm = norms.find((n) => n.sd !== undefined);
  const rNorm = norms.find((n) => n.reliability !== undefined);
  const userGiven = user.sd !== undefined || user.reliability !== undefined;
  if (!userGiven && def?.reliableChange) {
    const { points, source } = def.reliableChange;
    return {
      basis: {
        kind: "points",
        points,
        source,
        description: `a change of ≥ ${points} points (${source.ref}${source.locator ? `, ${source.locator}` : ""}; ${source.provenance})`,
        norms: { kind: "definition", provisional: source.provenance === "provisional" },
      },
    };
  }
  const useSample = user.sd === undefined && sdNorm === undefined && user.sample !== undefined;
  const sd = user.sd ?? sdNorm?.sd ?? (useSample ? user.sample!.sd : undefined);
  const r = user.reliability ?? rNorm?.reliability;
  if (sd === undefined || r === undefined) {
    const have = r !== undefined ? ` (reliability ${r} from ${user.reliability === undefined && rNorm ? `norm ${rNorm.id}, ${rNorm.source.provenance}` : "--reliability"})` : sd !== undefined ? ` (SD ${sd} from ${sdNorm ? `norm ${sdNorm.id}` : user.sd !== undefined ? "--sd" : "the sample"})` : "";
    if (r === undefined && (sd === undefined || useSample)) return { basis: null, reason: `no norms for reliable change${have}: the definition has no published reliability for this scale; give --sd and --reliability` };
    return { basis: null, reason: `no norms for reliable change${have}: no published SD; give --sd, or --norms sample to use the SD of the baselines in the file` };
  }
  const jt = jacobsonTruax(sd, r);
  const sdFrom = user.sd !== undefined ? "user (--sd)" : sdNorm ? `norm ${sdNorm.id}` : `sample: SD of ${user.sample!.n} baselines in the file`;
  const rProv = user.reliability === undefined && rNorm!.source.provenance === "provisional";
  const reliabilityFrom = user.reliability !== undefined ? "user (--reliability)" : `norm ${rNorm!.id}${rNorm!.reliabilityType ? ` (${rNorm!.reliabilityType})` : ""}; ${rNorm!.source.provenance}`;
  const sdProv = user.sd === undefined && sdNorm !== undefined && sdNorm.source.provenance === "provisional";
  // the SD names the source: a sample SD with a user reliability is still a sample basis (with n)
  const kind: NormsSource["kind"] = useSample ? "sample" : userGiven ? "user" : "definition";
  return {
    basis: {
      kind: "jacobson_truax",
      sd,
      reliability: r,
      ...jt,
      sdFrom,
      reliabilityFrom,
      description: `Jacobson–Truax: SD ${round(sd)} (${sdFrom}), r ${r} (${reliabilityFrom}), S_diff ${round(jt.sDiff)}, reliable when |change| > ${round(jt.threshold)}`,
      norms: { kind, ...(useSample ? { n: user.sample!.n } : {}), provisional: rProv || sdProv },
    },
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
