/** Trend per week: ordinary least squares with its standard error, and the robust Theil–Sen slope. */
import { linearRegression, median, sumNthPowerDeviations } from "simple-statistics";

export interface OlsSlope {
  slope: number;
  intercept: number;
  /** standard error of the slope; null with fewer than 3 points (no residual degrees of freedom) */
  se: number | null;
  n: number;
}

export type XY = readonly [number, number];

/** null when fewer than 2 points or all on the same x (e.g. same date): no slope exists. */
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

/** Theil–Sen: median of the slopes of all pairs with different x; null when no such pair exists. */
export function theilSenSlope(points: readonly XY[]): { slope: number; pairs: number } | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const [x1, y1] = points[i]!;
      const [x2, y2] = points[j]!;
      if (x1 !== x2) slopes.push((y2 - y1) / (x2 - x1));
    }
  return slopes.length ? { slope: median(slopes), pairs: slopes.length } : null;
}
