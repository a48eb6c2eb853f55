import { describe, expect, it } from "vitest";
import { olsSlope } from "./ols-slope.js";

describe("olsSlope", () => {
  it("matches lm worked by hand", () => {
    // x̄ 1.5, ȳ 2.75, Sxx 5, Sxy 5.5: slope 1.1, intercept 2.75 − 1.1·1.5 = 1.1;
    // residuals −0.1, 0.8, −1.3, 0.6: RSS 2.7, SE = √(2.7/2/5) = √0.27 = 0.519615242…
    // (R 4.2: summary(lm(c(1,3,2,5) ~ c(0,1,2,3))) gives slope 1.1, SE 0.519615242270663)
    const fit = olsSlope(Object.freeze([[0, 1], [1, 3], [2, 2], [3, 5]] as const));
    expect(fit!.slope).toBeCloseTo(1.1, 12);
    expect(fit!.intercept).toBeCloseTo(1.1, 12);
    expect(fit!.se).toBeCloseTo(0.519615242270663, 12);
    expect(fit!.n).toBe(4);
  });

  it("has no SE with two points", () => {
    expect(olsSlope([[0, 1], [2, 5]])).toEqual({ slope: 2, intercept: 1, se: null, n: 2 });
  });

  it("has no slope with one point or a single x", () => {
    expect(olsSlope([[0, 1]])).toBeNull();
    expect(olsSlope([[3, 1], [3, 2], [3, 4]])).toBeNull();
  });
});
