import { describe, expect, it } from "vitest";
import { tQuantile } from "./t-quantile.js";

describe("tQuantile", () => {
  // Rscript -e 'print(qt(0.975, c(1,2,3,4,9,29,100)), digits=15)' (the values tests/trend/cohort.test.ts has used
  // since the cohort summary was written) and qt(0.025, 4); qt(0.5, df) is 0 by symmetry
  it.each([
    [0.975, 1, 12.70620473617469],
    [0.975, 2, 4.30265272974946],
    [0.975, 3, 3.18244630528371],
    [0.975, 4, 2.77644510519779],
    [0.975, 9, 2.2621571627982],
    [0.975, 29, 2.04522964213270],
    [0.975, 100, 1.98397151852355],
    [0.025, 4, -2.77644510519779],
    [0.5, 4, 0],
  ])("qt(%d, %d) = %d", (p, df, r) => {
    expect(tQuantile(p, df)).toBeCloseTo(r, 10);
  });

  it.each([
    [0, 4],
    [1, 4],
    [0.5, 0],
    [Number.NaN, 3],
  ])("refuses p = %d, df = %d", (p, df) => {
    expect(() => tQuantile(p, df)).toThrow(RangeError);
  });
});
