import { describe, expect, it } from "vitest";
import { jacobsonTruax, RCI_CRITICAL } from "./jacobson-truax.js";

describe("jacobsonTruax", () => {
  it("matches the formula worked by hand", () => {
    // SD 5, r 0.8: S_diff = 5·√2·√0.2 = 5·√0.4 = 3.16227766…; threshold 1.96·S_diff = 6.19806421… (R: sqrt(10), 1.96*sqrt(10))
    const { sDiff, threshold } = jacobsonTruax(5, 0.8);
    expect(sDiff).toBeCloseTo(3.16227766016838, 12);
    expect(threshold).toBeCloseTo(6.19806421393002, 12);
    expect(threshold).toBe(RCI_CRITICAL * sDiff);
  });

  it("gives S_diff = SD·√2 for reliability 0", () => {
    expect(jacobsonTruax(2, 0).sDiff).toBeCloseTo(2 * Math.SQRT2, 14);
  });

  it.each([
    [0, 0.8],
    [-1, 0.8],
    [5, 1],
    [5, -0.1],
    [Number.NaN, 0.5],
  ])("refuses sd %d, reliability %d", (sd, r) => {
    expect(() => jacobsonTruax(sd, r)).toThrow(RangeError);
  });
});
