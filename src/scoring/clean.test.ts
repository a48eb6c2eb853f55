import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../scripts/prng.js";
import { clean } from "./kernel.js";

const direct = (x: number) => (Number.isInteger(x) && Math.abs(x) < 1e12 ? x + 0 : Number(x.toPrecision(12)));

describe("clean: float noise cut to 12 significant digits, the same whether remembered or not", () => {
  it("sums of tenths come back as the decimal they are", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(clean(0.1 + 0.2)).toBe(0.3);
    expect(clean(7.3 + 8.1 + 9.9 + 2.2)).toBe(27.5);
    expect(Object.is(clean(-0), 0)).toBe(true);
    expect(clean(NaN)).toBeNaN();
    expect(clean(Infinity)).toBe(Infinity);
    expect(clean(1e13 + 0.5)).toBe(direct(1e13 + 0.5));
  });

  it("equals the direct computation on seeded sums, asked twice each and past the memo's size", () => {
    const rnd = mulberry32(5);
    const xs = Array.from({ length: 20_000 }, (_, i) => {
      let s = 0;
      for (let k = 0; k < 1 + (i % 12); k++) s += Math.round(rnd() * 100) / 10;
      return i % 7 === 0 ? s / 3 : i % 11 === 0 ? -s : s;
    });
    for (const x of [...xs, ...xs.reverse()]) expect(Object.is(clean(x), direct(x))).toBe(true);
  });
});
