/**
 * Theil–Sen slope: the median of the slopes (y₂ − y₁)/(x₂ − x₁) of all pairs of points with different
 * x; robust to outliers (breakdown point about 29%). O(n²) pairs.
 *
 * @param points - [x, y] pairs
 * @returns the median slope and how many pairs it came from; null when no pair has different x
 * @example
 * theilSenSlope([[0, 1], [1, 3], [2, 2], [3, 5]]); // => { slope: 1.1666…, pairs: 6 }
 * @see https://en.wikipedia.org/wiki/Theil%E2%80%93Sen_estimator
 */
import { median } from "simple-statistics";
import type { XY } from "./ols-slope.js";

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
