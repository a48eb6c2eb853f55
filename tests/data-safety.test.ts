/**
 * Issue 9: no row lost, no identifier leaked, no file clobbered. One block per numbered finding of the issue;
 * each test failed before its fix.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProc } from "./helpers/cli.js";
import { scoreFile } from "../src/io/score-file.js";
import { FileError } from "../src/io/rows.js";
import { readResults } from "../src/trend/read.js";
import { defaultRegistry } from "../src/registry/registry.js";
import type { Issue, ScoreResult } from "../src/schema/results.js";

let tmp: string;
let n = 0;
const dir = () => {
  const d = join(tmp, `d${n++}`);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d);
  return d;
};
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "trivsel-safety-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER = "subject_id,administered_on,ors_1,ors_2,ors_3,ors_4\n";
/** 10,000 rows (9,999 data lines); row 4 has a quote that is never closed */
function strayQuoteFile(): string {
  let t = HEADER;
  for (let i = 2; i <= 10_000; i++) t += `S${i},2025-01-01,${i === 4 ? '"5' : "5"},5,5,5\n`;
  return t;
}

async function scoreAll(text: string, skip = false) {
  const results: ScoreResult[] = [];
  const issues: Issue[] = [];
  let thrown: unknown;
  try {
    await scoreFile({ text, name: "in.csv" }, { registry: defaultRegistry(), ...(skip ? { skipBrokenQuotes: true } : {}) }, { result: ({ result }) => void results.push(result), issue: (i) => void issues.push(i) });
  } catch (e) {
    thrown = e;
  }
  return { results, issues, thrown };
}

describe("1. one stray quote no longer drops every row after it", () => {
  it("score refuses the file, naming row 4, column ors_1 and the 9,997 lines the quote took; nothing is written", async () => {
    const d = dir();
    writeFileSync(join(d, "in.csv"), strayQuoteFile());
    const r = await inProc(["score", "in.csv", "--out", "scores.csv"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("in.csv: row 4, column ors_1: a quote opened here is never closed: it takes the rest of the file, 9997 lines");
    expect(r.err).toContain("Nothing was written.");
    expect(readdirSync(d)).toEqual(["in.csv"]);
  });

  it("with --skip-broken-quotes: rows 2–3 are scored and the issue names row 4 with its 9,997 lines (2 + 9,997 = 9,999)", async () => {
    const { results, issues, thrown } = await scoreAll(strayQuoteFile(), true);
    expect(thrown).toBeUndefined();
    expect(results.map((r) => r.source?.row)).toEqual([2, 3]);
    const errors = issues.filter((i) => i.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 4, item: "ors_1", lines: 9997 });
    expect(results.length + errors[0]!.lines!).toBe(9999);
  });

  it("a quote closed rows later, swallowing whole rows into one cell, is refused too", async () => {
    const text = `${HEADER}S1,2025-01-01,"5,5,5,5\nS2,2025-01-01,5",5,5,5\nS3,2025-01-01,5,5,5,5\n`;
    const { thrown } = await scoreAll(text);
    expect(thrown).toBeInstanceOf(FileError);
    expect((thrown as FileError).issue).toMatchObject({ row: 2, item: "ors_1", lines: 2 });
    expect((thrown as FileError).message).toContain("row 2, column ors_1: a quoted cell runs over 2 lines");
  });

  it("a quoted note with a line break stays one row", async () => {
    const text = `subject_id,administered_on,note,ors_1,ors_2,ors_3,ors_4\nS1,2025-01-01,"called, twice\nthen again",5,5,5,5\nS2,2025-01-01,,5,5,5,5\n`;
    const { results, issues, thrown } = await scoreAll(text);
    expect(thrown).toBeUndefined();
    expect(results.map((r) => r.source?.row)).toEqual([2, 3]);
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
  });

  it("the scored-file reader (trend, fit, goals, cohort) refuses the same stray quote instead of exit 0", async () => {
    const d = dir();
    let t = "subject_id,administered_on,respondent,instrument,form,scale,score,status,band,n_answered,n_items,flags\n";
    for (let i = 0; i < 50; i++) t += `S${i},2025-01-0${1 + (i % 2)},mother,ors,adult,total,${i === 3 ? '"' : ""}20,scored,clinical,4,4,\n`;
    writeFileSync(join(d, "scored.csv"), t);
    const r = await inProc(["trend", "scored.csv"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("scored.csv: row 5, column score: a quote opened here is never closed: it takes the rest of the file, 47 lines");
    expect(r.out).toBe("");
  });
});

describe("10. line endings that switch inside the file", () => {
  it("a CRLF file whose later rows end in LF: the row names the lines it took and the cause", async () => {
    const text = `subject_id,administered_on,ors_1,ors_2,ors_3,ors_4\r\nS1,2025-01-01,5,5,5,5\r\nS2,2025-01-01,5,5,5,5\nS3,2025-01-01,5,5,5,5\n`;
    const { results, issues } = await scoreAll(text);
    expect(results.map((r) => r.source?.row)).toEqual([2]);
    const e = issues.find((i) => i.severity === "error")!;
    expect(e).toMatchObject({ row: 3, lines: 2 });
    expect(e.message).toContain("the line endings change inside this row");
    expect(results.length + e.lines!).toBe(3);
  });
});

describe("9. the scored-file reader checks every cell as the raw reader does", () => {
  const head = "subject_id,administered_on,respondent,instrument,form,scale,score,status,band,n_answered,n_items,flags\n";
  const ok = (date: string, score: string) => `S1,${date},mother,epds,,total,${score},scored,,10,10,\n`;
  async function read(text: string) {
    const issues: Issue[] = [];
    const r = await readResults({ text, name: "scored.csv" }, defaultRegistry(), {}, (i) => void issues.push(i));
    return { r, issues };
  }

  it.each([
    ["0x10", "not_a_number"],
    ["1e3", "not_a_number"],
    ["-40", "out_of_range"],
    ["31", "out_of_range"],
  ])("an EPDS total of %s is an error naming row and column, not a number read", async (score, code) => {
    const { r, issues } = await read(head + ok("2025-01-01", "10") + ok("2025-02-01", score));
    expect(r.results.flatMap((x) => x.scales.map((s) => s.score))).toEqual([10]);
    expect(issues).toEqual([expect.objectContaining({ severity: "error", code, row: 3, item: "score", received: score })]);
  });

  it("dates, statuses, bands and counts are checked too", async () => {
    const rows = [
      "S1,2025-02-30,mother,epds,,total,10,scored,,10,10,\n",
      "S1,2025-03-01,mother,epds,,total,10,great,,10,10,\n",
      "S1,2025-03-02,mother,epds,,total,10,scored,no_such_band,10,10,\n",
      "S1,2025-03-03,mother,epds,,total,10,scored,,11,10,\n",
      "S1,2025-03-04,mother,epds,,total,,scored,,10,10,\n",
    ];
    const { r, issues } = await read(head + rows.join(""));
    expect(r.results).toEqual([]);
    expect(issues.map((i) => [i.row, i.item, i.received])).toEqual([
      [2, "administered_on", "2025-02-30"],
      [3, "status", "great"],
      [4, "band", "no_such_band"],
      [5, "n_answered", "11"],
      [6, "status", "scored"],
    ]);
  });
});
