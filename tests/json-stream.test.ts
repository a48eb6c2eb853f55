import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StreamedArray, writeJson, writeJsonLines, writeRecords } from "../src/io/json-stream.js";
import { inProc, ROOT } from "./helpers/cli.js";

const decode = (b: Uint8Array) => Buffer.from(b).toString("utf8");

const streamed = (value: unknown, depth?: number) => {
  const pieces: string[] = [];
  writeJson((s) => pieces.push(s), value, depth);
  return pieces.join("");
};

describe("writeJson", () => {
  it("writes JSON.stringify(value, null, 2) + newline, at every depth", () => {
    const anything = fc.anything({ withDate: true, withBoxedValues: true, withNullPrototype: true, withSparseArray: true, withObjectString: true });
    const value = fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.oneof(anything, fc.constant(undefined), fc.constant(() => 1))), fc.array(anything));
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 5 }), (v, depth) => {
        const expected = JSON.stringify(v, null, 2);
        fc.pre(expected !== undefined);
        expect(streamed(v, depth)).toBe(expected + "\n");
      }),
      { numRuns: 2000 },
    );
  });

  it("edge cases: empty containers, members without a JSON form, Dates, line breaks in strings", () => {
    const v = { a: [], b: {}, c: undefined, d: [undefined, () => 1, new Date(0)], e: "x\ny", f: { g: [{ h: [1, [2, { i: null }]] }] } };
    for (const depth of [0, 1, 2, 3, 9]) expect(streamed(v, depth)).toBe(JSON.stringify(v, null, 2) + "\n");
  });

  it("a StreamedArray is written as the array of its items, taken one by one while it is written, at every depth", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.array(fc.jsonValue()), fc.integer({ min: 0, max: 5 }), (items, inner, depth) => {
        let taken = 0;
        const lazy = function* () {
          for (const x of items) {
            taken++;
            yield x;
          }
        };
        const out = streamed({ a: 1, list: new StreamedArray(lazy()), rest: [new StreamedArray(inner)] }, depth);
        expect(out).toBe(JSON.stringify({ a: 1, list: items, rest: [inner] }, null, 2) + "\n");
        expect(taken).toBe(items.length);
      }),
      { numRuns: 500 },
    );
    // items are taken as the text is written, not gathered first
    const seen: number[] = [];
    const pieces: string[] = [];
    const rows = (function* () {
      for (let i = 0; i < 20_000; i++) {
        seen.push(pieces.length);
        yield { id: `f${i}`, weeks: [1, 2, 3] };
      }
    })();
    writeJson((s) => pieces.push(s), { analyses: new StreamedArray(rows) });
    expect(seen[seen.length - 1]).toBeGreaterThan(5);
  });

  it("writes in chunks, never the whole text at once", () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: `f${i}`, weeks: [1, 2, 3], verdict: "improved" }));
    const pieces: string[] = [];
    writeJson((s) => pieces.push(s), { analyses: rows });
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(70_000);
    expect(pieces.join("")).toBe(JSON.stringify({ analyses: rows }, null, 2) + "\n");
  });
});

describe("writeJsonLines", () => {
  it("one JSON.stringify per item and line, each parsed back to the item, taken while written", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), (items) => {
        let text = "";
        writeJsonLines((b) => (text += decode(b)), items);
        expect(text).toBe(items.map((x) => JSON.stringify(x) + "\n").join(""));
        const lines = text === "" ? [] : text.slice(0, -1).split("\n");
        expect(lines.map((l) => JSON.parse(l))).toEqual(items.map((x) => JSON.parse(JSON.stringify(x))));
      }),
    );
    const taken: number[] = [];
    const pieces: string[] = [];
    function* gen() {
      for (let i = 0; i < 3000; i++) {
        taken.push(i);
        yield { i, pad: "x".repeat(50) };
      }
    }
    writeJsonLines((b) => pieces.push(decode(b)), gen());
    expect(taken.length).toBe(3000);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.every((p) => p.length <= 65536)).toBe(true);
    expect(pieces.join("").split("\n").length).toBe(3001);
  });

  it("an item without a JSON form is an error naming it, not an empty line", () => {
    expect(() => writeJsonLines(() => {}, [1, undefined])).toThrow("item 2 has no JSON form");
  });
});

describe("streamed JSON of the commands (the demo cohort)", () => {
  const demo = ["datasets/demo-cohort.csv", "--overlay", "datasets/demo-asq-se-2-overlay.json", "--format", "json"];
  it.each([
    ["trend", []],
    ["fit", []],
    ["goals", ["--goals", "datasets/demo-goals.yaml"]],
  ])("%s --format json is JSON.stringify(data, null, 2) of the same data", async (cmd, extra) => {
    const r = await inProc([cmd, ...demo, ...extra], { cwd: ROOT });
    expect(r.out.length).toBeGreaterThan(1000);
    expect(r.out).toBe(JSON.stringify(JSON.parse(r.out), null, 2) + "\n");
  });
});

describe("writeRecords", () => {
  const records = [{ a: 1, b: [1.5, "x"] }, { a: 2, b: [] }];
  const text = (format: "json" | "jsonl", items: Iterable<unknown>, doc?: (list: StreamedArray<unknown>) => unknown) => {
    let out = "";
    writeRecords({ write: (s) => (out += s), writeBytes: (b) => (out += decode(b)) }, format, items, doc);
    return out;
  };

  it("json: the document around the list, as JSON.stringify(…, null, 2) writes it; jsonl: the records alone", () => {
    expect(text("json", records)).toBe(JSON.stringify(records, null, 2) + "\n");
    expect(text("json", records, (list) => ({ since: "intake", analyses: list, skipped: [] }))).toBe(JSON.stringify({ since: "intake", analyses: records, skipped: [] }, null, 2) + "\n");
    expect(text("jsonl", records, (list) => ({ since: "intake", analyses: list }))).toBe('{"a":1,"b":[1.5,"x"]}\n{"a":2,"b":[]}\n');
  });

  it("no records: an empty list in json, no bytes at all in jsonl", () => {
    expect(text("json", [], (list) => ({ analyses: list }))).toBe('{\n  "analyses": []\n}\n');
    expect(text("jsonl", [])).toBe("");
  });

  it("writeJsonLines passes a replacer on (cohort's rounding)", () => {
    let out = "";
    writeJsonLines((b) => (out += decode(b)), [{ x: 1.23456789, n: 3 }], (_k, v) => (typeof v === "number" ? Math.round(v * 100) / 100 : v));
    expect(out).toBe('{"x":1.23,"n":3}\n');
  });
});
