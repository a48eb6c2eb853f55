/**
 * Ordinary least squares slope of y on x with its standard error: slope and intercept from
 * simple-statistics' linearRegression, SE(slope) = √(RSS / (n − 2) / Sxx) with RSS the residual sum of
 * squares and Sxx = Σ(x − x̄)² (as R's summary(lm(y ~ x)) reports it).
 *
 * @param points - [x, y] pairs
 * @returns slope, intercept, SE (null with fewer than 3 points: no residual degrees of freedom) and n;
 *   null when fewer than 2 points or all on the same x (e.g. the same date): no slope exists
 * @example
 * olsSlope([[0, 1], [1, 3], [2, 2], [3, 5]]); // => { slope: 1.1, intercept: 1.1, se: 0.5196152…, n: 4 }
 * @see https://en.wikipedia.org/wiki/Simple_linear_regression#Normality_assumption
 */
import { linearRegression, sumNthPowerDeviations } from "simple-statistics";

export interface OlsSlope {
  slope: number;
  intercept: number;
  /** standard error of the slope; null with fewer than 3 points (no residual degrees of freedom) */
  se: number | null;
  n: number;
}

export type XY = readonly [number, number];

export function olsSlope(points: readonly XY[]): OlsSlope | null {
  const n = points.length;
  if (n < 2) return null;
  const xs = points.map((p) => p[0]);
  const sxx = sumNthPowerDeviations(xs, 2);
  if (!(sxx > 0)) return null;
  const { m, b } = linearRegression(points.map((p) => [p[0], p[1]]));
  let se: number | null = null;
  if (n > 2) {
    const rss = points.reduce((acc, [x, y]) => acc + (y - (m * x + b)) ** 2, 0);
    se = Math.sqrt(rss / (n - 2) / sxx);
  }
  return { slope: m, intercept: b, se, n };
}
