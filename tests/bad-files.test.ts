/**
 * A corpus of bad input files (issue #3). Each must give a clear error naming the row (header = row 1) and column where
 * there is one, never a stack trace, exit code 2, and never a partial output file: with --out --strict the target must
 * not exist afterwards and no temp file may be left; without --strict a file with row errors still gives a complete
 * output (bad scales not_scorable). Checked through the API (the issue's fields), in-process through
 * run(argv, memoryIo()) for validate, score and export, and as a spawned `node dist/cli.js score` for one file per
 * distinct code path (sniffing, size limit, header, row reader, scoring, CSV parser).
 * Fixtures: tests/fixtures/csv/bad/; the binary and 5 MB files are generated here (UTF-16 is read now: tests/data-safety.test.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, inProc, ROOT, sha, spawned, type Ran } from "./helpers/cli.js";
import { FileError } from "../src/io/rows.js";
import { scoreFile } from "../src/io/score-file.js";
import { defaultRegistry } from "../src/registry/registry.js";
import type { Issue, ScoreResult } from "../src/schema/results.js";

const BAD = join(ROOT, "tests/fixtures/csv/bad/");
const STACK = /\n\s{4}at /;

/** deterministic bytes (a linear congruential generator) with NULs sprinkled in, like a zip/xlsx or a binary dump */
function garbage(size: number): Buffer {
  const b = Buffer.alloc(size);
  let x = 20250215;
  for (let k = 0; k < size; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[k] = k % 97 === 5 ? 0 : x >>> 24;
  }
  return b;
}

// Runs use --strict: then any error means no output at all. Without --strict, row-level errors still give a complete
// output in which the bad rows' scales are not_scorable (checked for `rowLevel` cases at the end of this file).
interface BadCase {
  name: string;
  file: string;
  make?: () => Buffer | string;
  /** what stderr must say */
  message: RegExp;
  /** the first error issue through the API */
  issue: Partial<Issue> | Record<string, unknown>;
  /** the whole file is refused (FileError) rather than rows reported */
  fileLevel: boolean;
  /** rows are reported and the rest is scored (without --strict an output file is written) */
  rowLevel?: true;
  /** also run as a spawned process */
  spawn?: true;
}

const CASES: BadCase[] = [
  {
    name: "truncated file (last row cut mid-way)",
    file: "truncated.csv",
    spawn: true,
    message: /truncated\.csv, row 3: error \[invalid_value\] "5 fields" is not valid; expected 7 fields as in the header \(row not scored: a short row may be truncated/,
    issue: { code: "invalid_value", row: 3, received: "5 fields" },
    fileLevel: false,
    rowLevel: true,
  },
  {
    name: "wrong delimiter (| separated)",
    file: "pipe-delimited.csv",
    message: /pipe-delimited\.csv: found no comma, semicolon or tab in the header row; expected columns such as subject_id,administered_on/,
    issue: { code: "invalid_value", row: 1, received: expect.stringMatching(/^subject_id\|administered_on\|/) },
    fileLevel: true,
  },
  {
    name: "unknown item column",
    file: "unknown-column.csv",
    message: /unknown-column\.csv, row 1, column pss_19: error \[unknown_column\] column "pss_19" is not an item of pss; pss has columns pss_1 … pss_18/,
    issue: { code: "unknown_column", row: 1, item: "pss_19" },
    fileLevel: false,
    rowLevel: true,
  },
  {
    name: "duplicated column",
    file: "duplicate-column.csv",
    spawn: true,
    message: /duplicate-column\.csv: row 1: column "ors_2" appears twice \(columns 5 and 8\); which one holds the data cannot be decided/,
    issue: { code: "duplicate_column", row: 1, item: "ors_2" },
    fileLevel: true,
  },
  {
    name: "text in a numeric cell",
    file: "text-in-number.csv",
    spawn: true,
    message: /text-in-number\.csv, row 3, column ors_2: error \[not_a_number\] ors_2: "five" is not a number; expected a number from 0 to 10 in steps of 0\.1/,
    issue: { code: "not_a_number", row: 3, item: "ors_2", received: "five" },
    fileLevel: false,
    rowLevel: true,
  },
  {
    name: "out-of-range value",
    file: "out-of-range.csv",
    message: /out-of-range\.csv, row 3, column ors_3: error \[out_of_range\] ors_3: "12" is out of range; expected a number from 0 to 10/,
    issue: { code: "out_of_range", row: 3, item: "ors_3", received: "12" },
    fileLevel: false,
    rowLevel: true,
  },
  {
    name: "impossible date (2025-02-30)",
    file: "impossible-date.csv",
    message: /impossible-date\.csv, row 3, column administered_on: error \[invalid_date\] "2025-02-30" is not a valid date; expected a real date/,
    issue: { code: "invalid_date", row: 3, item: "administered_on", received: "2025-02-30" },
    fileLevel: false,
    rowLevel: true,
  },
  {
    name: "empty file",
    file: "empty.csv",
    message: /empty\.csv: the file is empty; expected a header row and one row per administration/,
    issue: { code: "invalid_value", row: 1, received: "an empty file" },
    fileLevel: true,
  },
  {
    name: "binary garbage (random bytes with NULs)",
    file: "garbage.csv",
    spawn: true,
    make: () => garbage(4096),
    message: /garbage\.csv: this is not a text file \(it holds NUL bytes\); expected a CSV file saved as text \(UTF-8\)/,
    issue: { code: "invalid_value", row: 1, received: "binary data" },
    fileLevel: true,
  },
  {
    name: "a 5 MB single line",
    file: "one-line.csv",
    spawn: true,
    make: () => "subject_id,administered_on," + "ors_1,".repeat(Math.ceil((5 * 1024 * 1024) / 6)),
    message: /one-line\.csv: the first row is longer than 64 KB; expected a header row of column names/,
    issue: { code: "invalid_value", row: 1, received: "a very long first line" },
    fileLevel: true,
  },
  {
    name: "header-only file",
    file: "header-only.csv",
    message: /header-only\.csv, row 2: error \[missing_item\] the file has a header but no data rows/,
    issue: { code: "missing_item", row: 2 },
    fileLevel: false,
    rowLevel: true,
  },
  {
    name: "unclosed quote",
    file: "unclosed-quote.csv",
    spawn: true,
    // issue 9, finding 1: the quote opened in row 3 takes rows 3 and 4; the file is refused, naming row, column and lines
    message: /unclosed-quote\.csv: row 3, column respondent: a quote opened here is never closed: it takes the rest of the file, 2 lines\. .*--skip-broken-quotes/,
    issue: { code: "invalid_value", row: 3, item: "respondent", lines: 2 },
    fileLevel: true,
  },
];


let tmp: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it through pretest)`);
  tmp = mkdtempSync(join(tmpdir(), "trivsel-bad-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(CASES)("$name", (c) => {
  const dirs = { input: "", score: "", export: "", spawned: "", trend: "" };
  let input: string;
  let hash: string;
  const ran = {} as Record<"validate" | "score" | "export" | "spawned" | "trend", Ran>;
  let firstError: Issue | undefined;
  let thrown: unknown;

  beforeAll(async () => {
    const base = join(tmp, c.file.replace(/\W/g, "_"));
    for (const k of Object.keys(dirs) as (keyof typeof dirs)[]) {
      dirs[k] = join(base, k);
      mkdirSync(dirs[k], { recursive: true });
    }
    input = join(dirs.input, c.file);
    writeFileSync(input, c.make ? c.make() : readFileSync(BAD + c.file));
    hash = sha(input);
    const issues: Issue[] = [];
    try {
      await scoreFile({ path: input }, { registry: defaultRegistry() }, { result() {}, issue: (i) => issues.push(i) });
    } catch (e) {
      thrown = e;
    }
    firstError = thrown instanceof FileError ? thrown.issue : issues.find((i) => i.severity === "error");
    ran.validate = await inProc(["validate", input], dirs.input);
    ran.score = await inProc(["score", input, "--out", "scores.csv", "--strict"], dirs.score);
    ran.export = await inProc(["export", input, "--out", "cohort.csv", "--strict"], dirs.export);
    if (c.spawn) ran.spawned = spawned(["score", input, "--out", "scores.csv", "--strict"], dirs.spawned);
    ran.trend = await inProc(["trend", input, "--out", "trend.csv", "--strict"], dirs.trend);
  });

  it("the API reports the issue with its row, column and value", () => {
    expect(thrown === undefined ? "rows reported" : thrown instanceof FileError ? "file refused" : thrown).toBe(c.fileLevel ? "file refused" : "rows reported");
    expect(firstError).toMatchObject({ severity: "error", ...c.issue });
  });

  it.each(c.spawn ? (["validate", "score", "export", "spawned"] as const) : (["validate", "score", "export"] as const))("%s: exit 2, the clear message on stderr, no stack trace, nothing on stdout", (k) => {
    const r = ran[k];
    expect(r.code).toBe(2);
    expect(r.err).toMatch(c.message);
    expect(r.err).not.toMatch(STACK);
    expect(r.err).not.toContain("internal error");
    expect(r.out).toBe("");
    if (c.fileLevel) expect(r.err).toContain("Nothing was written.");
  });

  it("score --out (in-process): no output, no temp file", () => {
    expect(readdirSync(dirs.score)).toEqual([]);
  });
  it("trend --out (in-process): exit 2, the same clear message naming the file, no output, no temp file", () => {
    expect(ran.trend.code).toBe(2);
    expect(ran.trend.err).toMatch(c.message);
    expect(ran.trend.err).not.toMatch(STACK);
    expect(readdirSync(dirs.trend)).toEqual([]);
  });
  it("export --out (in-process): no cohort, no dictionary, no temp file", () => {
    expect(readdirSync(dirs.export)).toEqual([]);
  });
  if (c.spawn)
    it("score --out (spawned): no output, no temp file", () => {
      expect(readdirSync(dirs.spawned)).toEqual([]);
    });

  it("the input is not modified", () => {
    expect(readdirSync(dirs.input)).toEqual([c.file]);
    expect(sha(input)).toBe(hash);
  });
});

describe("without --strict, row-level errors still give a complete output", () => {
  it("out-of-range value: exit 2, every administration in the output, the bad one not_scorable", async () => {
    const d = mkdtempSync(join(tmpdir(), "trivsel-rowlevel-"));
    try {
      const r = await inProc(["score", join(BAD, "out-of-range.csv"), "--out", "scores.csv"], d);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/row 3, column ors_3: error \[out_of_range\]/);
      expect(readdirSync(d)).toEqual(["scores.csv"]);
      const lines = readFileSync(join(d, "scores.csv"), "utf8").trim().split("\n");
      // header + one ORS total per data row of the fixture
      const dataRows = readFileSync(join(BAD, "out-of-range.csv"), "utf8").trim().split("\n").length - 1;
      expect(lines.length).toBe(1 + dataRows);
      expect(lines.filter((l) => l.includes(",not_scorable,")).length).toBe(1);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("a long file names each response's own row", () => {
  it("an out-of-range srs_2 on row 3 is reported on row 3, not on its administration's first row", async () => {
    const text = "subject_id,administered_on,respondent,instrument,item,value\nF1,2025-01-01,mother,srs,srs_1,9\nF1,2025-01-01,mother,srs,srs_2,99\nF1,2025-01-01,mother,srs,srs_3,9\nF1,2025-01-01,mother,srs,srs_4,9\n";
    const issues: Issue[] = [];
    const results: ScoreResult[] = [];
    await scoreFile({ text, name: "long.csv" }, { registry: defaultRegistry() }, { result: (r) => results.push(r.result), issue: (i) => issues.push(i) });
    expect(issues.map((i) => [i.code, i.row, i.item])).toEqual([
      ["out_of_range", 3, "srs_2"],
      ["not_scorable", 2, undefined],
    ]);
    // the result keeps naming the administration's first row
    expect(results[0]!.source).toEqual({ file: "long.csv", row: 2 });
  });
});
