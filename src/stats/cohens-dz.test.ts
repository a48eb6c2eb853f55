import { describe, expect, it } from "vitest";
import { cohensDz } from "./cohens-dz.js";

describe("cohensDz", () => {
  it("is mean over SD of the differences", () => {
    // differences 1..5: mean 3, SD √2.5 = 1.58113883…; d_z = 3/1.58113883 = 1.89736659… (R: 3/sd(1:5) = 1.89736659610103)
    expect(cohensDz(3, Math.sqrt(2.5))).toBeCloseTo(1.89736659610103, 12);
    expect(cohensDz(-2, 4)).toBe(-0.5);
  });
});
