/**
 * Jacobson–Truax clinical-significance cutoffs from a clinical and a functional population (mean, SD):
 * a = clinical mean 2 SD toward health, b = functional mean 2 SD toward dysfunction,
 * c = (SD_c·M_f + SD_f·M_c)/(SD_c + SD_f), the point equally likely to belong to either population.
 *
 * @param clinical - mean and SD of the clinical population
 * @param functional - mean and SD of the functional population
 * @param direction - which end of the scale is healthier
 * @returns the cutoffs a, b and c
 * @throws {RangeError} for direction "none", where no end is healthier
 * @example
 * jacobsonTruaxCutoffs({ mean: 20, sd: 5 }, { mean: 10, sd: 4 }, "higher_is_worse"); // => { a: 10, b: 18, c: 14.444… }
 * @see Jacobson, N. S., & Truax, P. (1991). https://doi.org/10.1037//0022-006X.59.1.12
 */
import type { ScaleResult } from "../schema/results.js";

export interface Cutoffs {
  a: number;
  b: number;
  c: number;
}

type Pop = { mean: number; sd: number };

export function jacobsonTruaxCutoffs(clinical: Pop, functional: Pop, direction: ScaleResult["direction"]): Cutoffs {
  if (direction === "none") throw new RangeError("cutoffs need a scale direction");
  const toHealth = direction === "higher_is_better" ? 1 : -1;
  return {
    a: clinical.mean + toHealth * 2 * clinical.sd,
    b: functional.mean - toHealth * 2 * functional.sd,
    c: (clinical.sd * functional.mean + functional.sd * clinical.mean) / (clinical.sd + functional.sd),
  };
}
