import { describe, expect, it } from "vitest";
import { meanConfidenceInterval } from "./mean-confidence-interval.js";

describe("meanConfidenceInterval", () => {
  it("matches R's t.test", () => {
    // Rscript -e 'print(t.test(c(1,2,3,4,5))$conf.int, digits=15)': 1.03675683852244 4.96324316147756
    // by hand: mean 3, SD √2.5, qt(0.975, 4) = 2.77644510519779, half = 2.77644510519779·√2.5/√5 = 1.963243161…
    const [lo, hi] = meanConfidenceInterval(3, Math.sqrt(2.5), 5);
    expect(lo).toBeCloseTo(1.03675683852244, 10);
    expect(hi).toBeCloseTo(4.96324316147756, 10);
  });

  it("takes another level", () => {
    // R: qt(0.95, 9) = 1.83311293265624; half = 1.833…·2/√10
    const [lo, hi] = meanConfidenceInterval(0, 2, 10, 0.9);
    expect(hi).toBeCloseTo((1.83311293265624 * 2) / Math.sqrt(10), 10);
    expect(lo).toBe(-hi);
  });
});
