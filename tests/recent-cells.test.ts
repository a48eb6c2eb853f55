import { describe, expect, it } from "vitest";
import { RecentCells } from "../src/io/fast-results.js";

/** a seeded generator, so a failure can be replayed */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("RecentCells (a column's last cells by their bytes)", () => {
  it("gives back a cell's value only for the same bytes, and keeps the last 8 distinct cells", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const cells = new RecentCells();
      // the model: the distinct cells added, oldest first
      let kept: string[] = [];
      // cells that share a prefix, differ in one byte or in length, and an empty one
      const pool = ["F000123", "F000124", "F00012", "F0001234", "Aalborg", "Aarhus", "", "Odense", "Esbjerg", "Vejle", "Skive", "æøå", "F000125"];
      for (let step = 0; step < 400; step++) {
        const text = pool[Math.floor(r() * (seed % 2 === 0 ? 6 : pool.length))]!;
        // the cell at a random place in a larger buffer, with other bytes around it
        const pad = Math.floor(r() * 5);
        const bytes = Buffer.concat([Buffer.from("x".repeat(pad)), Buffer.from(text), Buffer.from(",tail")]);
        const a = pad;
        const b = pad + Buffer.byteLength(text);
        const found = cells.find(bytes, a, b);
        if (kept.includes(text)) expect(found).toBe(`value of ${text}`);
        else {
          expect(found).toBeUndefined();
          cells.add(bytes, a, b, `value of ${text}`);
          kept = [...kept, text].slice(-8);
        }
        // the buffer is reused by the reader: the kept bytes must not change with it
        bytes.fill(0x41);
      }
    }
  });
});
