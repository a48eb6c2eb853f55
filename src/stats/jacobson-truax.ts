/**
 * Jacobson–Truax standard error of the difference: S_diff = SD·√2·√(1 − r), with the reliable-change
 * threshold 1.96·S_diff in raw points (|RCI| > 1.96 is unlikely, p < .05 two-sided, to be measurement
 * error alone).
 *
 * @param sd - SD of the reference population, > 0
 * @param reliability - the scale's reliability r, in [0, 1)
 * @returns S_diff and the raw-point threshold 1.96·S_diff
 * @throws {RangeError} when sd is not positive or reliability is outside [0, 1)
 * @example
 * jacobsonTruax(5, 0.8); // => { sDiff: 3.1622776…, threshold: 6.1980642… }
 * @see Jacobson, N. S., & Truax, P. (1991). https://doi.org/10.1037//0022-006X.59.1.12
 */

/** the two-sided 5% critical value of the standard normal, as Jacobson & Truax use it */
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
