/**
 * olsSlope and theilSenSlope compute without arrays of pairs and with their own selection, but must give
 * simple-statistics' results to the bit (trend outputs stay byte-identical): checked here against the library's
 * own functions, on seeded series like trend's (weeks in sevenths, scores in tenths, ties, −0, many points).
 */
import { describe, expect, it } from "vitest";
import { linearRegression, median, sumNthPowerDeviations } from "simple-statistics";
import { mulberry32 } from "../../scripts/prng.js";
import { olsSlope, theilSenSlope, type XY } from "../../src/trend/slope.js";

/** the functions as they were written on simple-statistics */
function olsReference(points: readonly XY[]) {
  const n = points.length;
  if (n < 2) return null;
  const xs = points.map((p) => p[0]);
  const sxx = sumNthPowerDeviations(xs, 2);
  if (!(sxx > 0)) return null;
  const { m, b } = linearRegression(points.map((p) => [p[0], p[1]]));
  let se: number | null = null;
  if (n > 2) se = Math.sqrt(points.reduce((acc, [x, y]) => acc + (y - (m * x + b)) ** 2, 0) / (n - 2) / sxx);
  return { slope: m, intercept: b, se, n };
}
function theilSenReference(points: readonly XY[]) {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) if (points[i]![0] !== points[j]![0]) slopes.push((points[j]![1] - points[i]![1]) / (points[j]![0] - points[i]![0]));
  return slopes.length ? { slope: median(slopes), pairs: slopes.length } : null;
}

/** equal with −0 told from 0 and NaN equal to NaN */
const same = (a: unknown, b: unknown): boolean =>
  a === null || b === null || typeof a !== "object" ? Object.is(a, b) : Object.keys(a as object).every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) && Object.keys(a as object).length === Object.keys(b as object).length;

describe("slopes are simple-statistics' to the bit", () => {
  it("on 3,000 seeded series of 0–60 points", () => {
    const rnd = mulberry32(14);
    let checked = 0;
    for (let t = 0; t < 3000; t++) {
      const n = t < 2900 ? Math.floor(rnd() * 25) : 30 + Math.floor(rnd() * 31);
      const pts: XY[] = [];
      let day = Math.floor(rnd() * 1000) - 500;
      for (let i = 0; i < n; i++) {
        day += rnd() < 0.15 ? 0 : 1 + Math.floor(rnd() * 20);
        const y = rnd() < 0.05 ? -0 : rnd() < 0.3 ? Math.round(rnd() * 40) : Math.round(rnd() * 400) / 10 - (rnd() < 0.2 ? 20 : 0);
        pts.push([day / 7, y]);
      }
      if (rnd() < 0.1) pts.reverse();
      const ols = olsSlope(pts);
      const ts = theilSenSlope(pts);
      expect(same(ols, olsReference(pts)), JSON.stringify(pts)).toBe(true);
      expect(same(ts, theilSenReference(pts)), JSON.stringify(pts)).toBe(true);
      if (ts !== null) checked++;
    }
    expect(checked).toBeGreaterThan(2500);
  });

  it("with more than 600 pairs' slopes equal or of either sign of zero", () => {
    const pts: XY[] = Array.from({ length: 45 }, (_, i) => [i, i % 3 === 0 ? 0 : i % 3 === 1 ? -0 : 5] as XY);
    expect(same(theilSenSlope(pts), theilSenReference(pts))).toBe(true);
    const flat: XY[] = Array.from({ length: 40 }, (_, i) => [i / 7, -0] as XY);
    expect(same(theilSenSlope(flat), theilSenReference(flat))).toBe(true);
    expect(same(olsSlope(flat), olsReference(flat))).toBe(true);
  });

  it("with a y that is not a number (NaN slopes have no order: the library's selection is followed)", () => {
    const rnd = mulberry32(15);
    for (let t = 0; t < 300; t++) {
      const pts: XY[] = Array.from({ length: 4 + Math.floor(rnd() * 12) }, (_, i) => [i, rnd() < 0.2 ? NaN : Math.round(rnd() * 40)] as XY);
      expect(same(theilSenSlope(pts), theilSenReference(pts)), JSON.stringify(pts)).toBe(true);
    }
  });
});
