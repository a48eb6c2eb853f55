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
import type { XY } from "./ols-slope.js";

export function theilSenSlope(points: readonly XY[]): { slope: number; pairs: number } | null {
  return theilSenSlopeOf(
    Float64Array.from(points, (p) => p[0]),
    Float64Array.from(points, (p) => p[1]),
  );
}

/** the pair slopes of one call: kept between calls, so a series costs no allocation */
let slopes = new Float64Array(256);

/** theilSenSlope of the points (xs[i], ys[i]) (typed arrays: one shape of access, as the loop is hot). */
export function theilSenSlopeOf(xs: Float64Array, ys: Float64Array): { slope: number; pairs: number } | null {
  const n = xs.length;
  const most = (n * (n - 1)) / 2;
  if (slopes.length < most) slopes = new Float64Array(most);
  let pairs = 0;
  // a NaN slope (from a y that is not a number) is not ordered, so only the library's own steps give its answer
  let nan = false;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const x1 = xs[i]!;
      const x2 = xs[j]!;
      if (x1 !== x2) {
        const s = (ys[j]! - ys[i]!) / (x2 - x1);
        if (s !== s) nan = true;
        slopes[pairs++] = s;
      }
    }
  return pairs ? { slope: medianInPlace(slopes, pairs, nan), pairs } : null;
}

/**
 * The median of a[0, n), reordering it: simple-statistics' median (R's type 7 quantile at 0.5, found by the same
 * Floyd–Rivest selection), so the value is the same to the bit. For an even n the upper middle value is the least
 * of those after the lower one, which the library selects again: the same value (of −0 and 0 either may come, and
 * lower + (upper − lower)/2 is the same with both), unless there is a NaN (then its steps are followed).
 */
function medianInPlace(a: Float64Array, n: number, nan: boolean): number {
  const idx = (n - 1) * 0.5;
  if (idx % 1 === 0) {
    quickselect(a, n, idx, 0, n - 1);
    return a[idx]!;
  }
  const k = Math.floor(idx);
  quickselect(a, n, k, 0, n - 1);
  let upper: number;
  if (nan) {
    quickselect(a, n, k + 1, k + 1, n - 1);
    upper = a[k + 1]!;
  } else {
    upper = a[k + 1]!;
    for (let i = k + 2; i < n; i++) if (a[i]! < upper) upper = a[i]!;
  }
  return a[k]! + (idx - k) * (upper - a[k]!);
}

/** simple-statistics 7.12 quickselect (Floyd–Rivest) on arr[0, len), step for step: arr[k] ends as in sorted order. */
function quickselect(arr: Float64Array, len: number, k: number, left: number, right: number): void {
  right = right || len - 1;
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      let sd = 0.5 * Math.sqrt((z * s * (n - s)) / n);
      if (m - n / 2 < 0) sd *= -1;
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      quickselect(arr, len, k, newLeft, newRight);
    }
    const t = arr[k]!;
    let i = left;
    let j = right;
    swap(arr, left, k);
    if (arr[right]! > t) swap(arr, left, right);
    while (i < j) {
      swap(arr, i, j);
      i++;
      j--;
      while (arr[i]! < t) i++;
      while (arr[j]! > t) j--;
    }
    if (arr[left] === t) swap(arr, left, j);
    else {
      j++;
      swap(arr, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(arr: Float64Array, i: number, j: number): void {
  const tmp = arr[i]!;
  arr[i] = arr[j]!;
  arr[j] = tmp;
}
