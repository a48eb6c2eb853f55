import { describe, expect, it } from "vitest";
import { jacobsonTruaxCutoffs } from "./jacobson-truax-cutoffs.js";

describe("jacobsonTruaxCutoffs", () => {
  // worked by hand: clinical 20 ± 5, functional 10 ± 4; c = (5·10 + 4·20)/(5 + 4) = 130/9 = 14.444…
  const clinical = { mean: 20, sd: 5 };
  const functional = { mean: 10, sd: 4 };

  it("higher is worse: health lies below", () => {
    const cut = jacobsonTruaxCutoffs(clinical, functional, "higher_is_worse");
    expect(cut.a).toBe(10); // 20 − 2·5
    expect(cut.b).toBe(18); // 10 + 2·4
    expect(cut.c).toBeCloseTo(130 / 9, 12);
  });

  it("higher is better: health lies above", () => {
    const cut = jacobsonTruaxCutoffs({ mean: 10, sd: 5 }, { mean: 20, sd: 4 }, "higher_is_better");
    expect(cut.a).toBe(20); // 10 + 2·5
    expect(cut.b).toBe(12); // 20 − 2·4
    expect(cut.c).toBeCloseTo((5 * 20 + 4 * 10) / 9, 12); // 15.555…
  });

  it("refuses a scale without direction", () => {
    expect(() => jacobsonTruaxCutoffs(clinical, functional, "none")).toThrow(RangeError);
  });
});
