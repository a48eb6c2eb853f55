import { describe, expect, it } from "vitest";
import { blockOf, blockSize, blockStart, NumberColumn } from "../../src/trend/columns.js";

describe("column blocks (NumberColumn, series points)", () => {
  it("lie end to end: 4,096 entries first, doubling to 262,144, then 262,144 each; every entry is in exactly one", () => {
    expect([0, 1, 2, 6, 7, 8].map(blockSize)).toEqual([4096, 8192, 16384, 262144, 262144, 262144]);
    expect(blockStart(0)).toBe(0);
    for (let b = 0; b < 40; b++) expect(blockStart(b + 1)).toBe(blockStart(b) + blockSize(b));
    // every entry near each block's ends, and a spread in between
    const probes = new Set<number>();
    for (let b = 0; b < 40; b++) for (const d of [-2, -1, 0, 1, 2]) probes.add(blockStart(b) + d);
    for (let i = 0; i < 12_000_000; i += 7919) probes.add(i);
    for (const i of probes) {
      if (i < 0) continue;
      const b = blockOf(i);
      expect(i - blockStart(b)).toBeGreaterThanOrEqual(0);
      expect(i - blockStart(b)).toBeLessThan(blockSize(b));
    }
  });

  it("keep what was set, across block boundaries, in both kinds of array", () => {
    const ints = new NumberColumn((n) => new Int32Array(n));
    const reals = new NumberColumn((n) => new Float64Array(n));
    const n = 800_000;
    for (let i = 0; i < n; i++) {
      ints.set(i, (i * 31) % 1_000_003);
      reals.set(i, i / 7);
    }
    for (let i = 0; i < n; i += 1) {
      if (ints.get(i) !== (i * 31) % 1_000_003 || reals.get(i) !== i / 7) throw new Error(`entry ${i} changed`);
    }
    ints.set(5, -1);
    expect([ints.get(4), ints.get(5), ints.get(6)]).toEqual([124, -1, 186]);
  });
});
