import { describe, expect, it } from "vitest";
import { ManyStrings } from "../../src/trend/columns.js";

/** the hash ManyStrings takes first, written again here to find strings that share one */
const hash = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h & 0x3fffffff;
};

describe("ManyStrings (subjects numbered by a hash first)", () => {
  it("numbers each distinct string once, in order of first appearance, also strings whose hashes collide", () => {
    const texts = Array.from({ length: 120_000 }, (_, i) => `F${String(i).padStart(6, "0")}-${(i * 7919) % 1000}`);
    const byHash = new Map<number, number>();
    let collisions = 0;
    for (const t of texts) byHash.set(hash(t), (byHash.get(hash(t)) ?? 0) + 1);
    for (const n of byHash.values()) if (n > 1) collisions++;
    // 120,000 strings in 2^30 hashes: a few pairs share one, and must still get numbers of their own
    expect(collisions).toBeGreaterThan(0);
    const m = new ManyStrings();
    texts.forEach((t, i) => expect(m.id(t)).toBe(i));
    // again, as new string objects, in another order
    for (let i = texts.length - 1; i >= 0; i -= 7) expect(m.id(`${texts[i]!}`.slice(0))).toBe(i);
    expect(m.values).toEqual(texts);
    // find() gives the same numbers and adds nothing; a string never added has none (-1)
    for (let i = 0; i < texts.length; i += 11) expect(m.find(`${texts[i]!}`.slice(0))).toBe(i);
    expect([m.find("new"), m.find(""), m.find(`${texts[0]!}x`)]).toEqual([-1, -1, -1]);
    expect(m.values.length).toBe(texts.length);
    expect(m.id("new")).toBe(texts.length);
    expect(m.find("new")).toBe(texts.length);
  });
});
