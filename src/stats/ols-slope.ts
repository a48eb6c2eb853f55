/**
 * Ordinary least squares slope of y on x with its standard error: slope and intercept as
 * simple-statistics' linearRegression computes them, SE(slope) = √(RSS / (n − 2) / Sxx) with RSS the residual sum of
 * squares and Sxx = Σ(x − x̄)² (as R's summary(lm(y ~ x)) reports it).
 *
 * @param points - [x, y] pairs
 * @returns slope, intercept, SE (null with fewer than 3 points: no residual degrees of freedom) and n;
 *   null when fewer than 2 points or all on the same x (e.g. the same date): no slope exists
 * @example
 * olsSlope([[0, 1], [1, 3], [2, 2], [3, 5]]); // => { slope: 1.1, intercept: 1.1, se: 0.5196152…, n: 4 }
 * @see https://en.wikipedia.org/wiki/Simple_linear_regression#Normality_assumption
 */
export interface OlsSlope {
  slope: number;
  intercept: number;
  /** standard error of the slope; null with fewer than 3 points (no residual degrees of freedom) */
  se: number | null;
  n: number;
}

export type XY = readonly [number, number];

export function olsSlope(points: readonly XY[]): OlsSlope | null {
  return olsSlopeOf(
    Float64Array.from(points, (p) => p[0]),
    Float64Array.from(points, (p) => p[1]),
  );
}

/**
 * olsSlope of the points (xs[i], ys[i]), without arrays of pairs: the sums are simple-statistics' (sumNthPowerDeviations
 * over its compensated mean, linearRegression centred on the means) in the same order, so every result is the same
 * to the bit.
 */
export function olsSlopeOf(xs: Float64Array, ys: Float64Array): OlsSlope | null {
  const n = xs.length;
  if (n < 2) return null;
  const meanX0 = compensatedSum(xs) / n;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - meanX0;
    sxx += d * d;
  }
  if (!(sxx > 0)) return null;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < n; i++) {
    sumX += xs[i]!;
    sumY += ys[i]!;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let sumXY = 0;
  let sumXX = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    sumXY += dx * (ys[i]! - meanY);
    sumXX += dx * dx;
  }
  const m = sumXY / sumXX;
  const b = meanY - m * meanX;
  let se: number | null = null;
  if (n > 2) {
    let rss = 0;
    for (let i = 0; i < n; i++) rss += (ys[i]! - (m * xs[i]! + b)) ** 2;
    se = Math.sqrt(rss / (n - 2) / sxx);
  }
  return { slope: m, intercept: b, se, n };
}

/** simple-statistics' sum: Kahan–Babuška compensated, as its mean uses it */
function compensatedSum(x: Float64Array): number {
  let sum = x[0]!;
  let correction = 0;
  for (let i = 1; i < x.length; i++) {
    const t = sum + x[i]!;
    if (Math.abs(sum) >= Math.abs(x[i]!)) correction += sum - t + x[i]!;
    else correction += x[i]! - t + sum;
    sum = t;
  }
  return sum + correction;
}
