/**
 * Confidence interval of a mean from the t distribution: mean ± t(1 − α/2, n − 1) · SD/√n, where SD is
 * the sample SD (n − 1); for paired differences it is R's t.test(post, pre, paired = TRUE)$conf.int.
 *
 * @param mean - the sample mean
 * @param sd - the sample SD, ≥ 0
 * @param n - the number of values, ≥ 2
 * @param level - confidence level, default 0.95
 * @returns [lower, upper]
 * @example
 * meanConfidenceInterval(3, Math.sqrt(2.5), 5); // => [1.0367568385…, 4.9632431614…]
 * @see https://en.wikipedia.org/wiki/Student%27s_t-distribution#Confidence_intervals
 */
import { tQuantile } from "./t-quantile.js";

export function meanConfidenceInterval(mean: number, sd: number, n: number, level = 0.95): [number, number] {
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return [mean - half, mean + half];
}
