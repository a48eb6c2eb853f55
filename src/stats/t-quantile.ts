/**
 * Student t quantile: the value t with P(T ≤ t) = p for a t distribution with `df` degrees of freedom; with
 * p = 0.975 it is the multiplier of a two-sided 95% confidence interval (R's qt(p, df)). Taken from stdlib's
 * maintained implementation (@stdlib/stats-base-dists-t-quantile) rather than integrated by hand.
 *
 * @param p - probability, 0 < p < 1
 * @param df - degrees of freedom, > 0
 * @returns the quantile; negative for p < 0.5
 * @throws {RangeError} when p is not in (0, 1) or df is not positive
 * @example
 * tQuantile(0.975, 4); // => 2.7764451051977…
 * @see https://stdlib.io/docs/api/latest/@stdlib/stats/base/dists/t/quantile
 */
import quantile from "@stdlib/stats-base-dists-t-quantile";

export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`tQuantile needs 0 < p < 1 and df > 0; received ${p}, ${df}`);
  return quantile(p, df);
}
