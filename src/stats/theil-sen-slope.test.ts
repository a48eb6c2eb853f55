import { describe, expect, it } from "vitest";
import { theilSenSlope } from "./theil-sen-slope.js";

describe("theilSenSlope", () => {
  it("is the median pairwise slope, worked by hand", () => {
    // pair slopes: 2, 1/2, 4/3, −1, 1, 3 → sorted −1, 1/2, 1, 4/3, 2, 3 → median (1 + 4/3)/2 = 7/6
    const fit = theilSenSlope(Object.freeze([[0, 1], [1, 3], [2, 2], [3, 5]] as const));
    expect(fit!.slope).toBeCloseTo(7 / 6, 12);
    expect(fit!.pairs).toBe(6);
  });

  it("is not moved by one outlier", () => {
    expect(theilSenSlope([[0, 0], [1, 1], [2, 2], [3, 3], [4, 100]])!.slope).toBe(1);
  });

  it("skips pairs on the same x; null when none is left", () => {
    // (0,0)–(2,4): 2; (0,5)–(2,4): −0.5; median 0.75
    expect(theilSenSlope([[0, 0], [0, 5], [2, 4]])).toEqual({ slope: 0.75, pairs: 2 });
    expect(theilSenSlope([[1, 0], [1, 5]])).toBeNull();
  });
});
