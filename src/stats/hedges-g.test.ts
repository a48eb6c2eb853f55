import { describe, expect, it } from "vitest";
import { hedgesG } from "./hedges-g.js";

describe("hedgesG", () => {
  it.each([
    // d, df, J = 1 − 3/(4·df − 1) worked by hand
    [1.89736659610103, 4, 0.8], // 1 − 3/15
    [1, 9, 1 - 3 / 35], // 0.914285…
    [0.5, 2, 4 / 7], // 1 − 3/7
  ])("g(%d, df %d) = d·J", (d, df, j) => {
    expect(hedgesG(d, df)).toBeCloseTo(d * j, 12);
  });
});
