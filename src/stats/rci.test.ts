import { describe, expect, it } from "vitest";
import { jacobsonTruax } from "./jacobson-truax.js";
import { rci } from "./rci.js";

describe("rci", () => {
  it("matches the Jacobson–Truax formula", () => {
    // SD 5, r 0.8: S_diff = √10 = 3.16227766…; (20 − 30)/√10 = −√10 = −3.16227766…
    const { sDiff } = jacobsonTruax(5, 0.8);
    expect(rci(30, 20, sDiff)).toBeCloseTo(-3.16227766016838, 12);
  });

  it("is antisymmetric in before and after", () => {
    expect(rci(12, 7, 2.5)).toBe(-rci(7, 12, 2.5));
    expect(rci(7, 12, 2.5)).toBe(2);
  });
});
