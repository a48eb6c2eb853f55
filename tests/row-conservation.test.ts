/**
 * Row conservation (issue 9), as a property over random CSV texts: every data line of the input is in the output
 * or in an issue that names its row (an issue's `lines` counts the lines a row took). Rows are ordinary ones,
 * with random stray quotes, short and long rows, quoted cells with delimiters and quotes, bad values and line
 * breaks inside quotes. For score and validate (scoreFile), export, and the scored-file reader of trend & co.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import Papa from "papaparse";
import { afterAll, describe, expect, it } from "vitest";
import { exportCohort } from "../src/export/cohort.js";
import { LONG_SCORE_COLUMNS, longScoreLines } from "../src/io/formats.js";
import { csvLine } from "../src/io/csv.js";
import { scoreFile } from "../src/io/score-file.js";
import { defaultRegistry } from "../src/registry/registry.js";
import type { Issue, ScoreResult } from "../src/schema/results.js";
import { readResults } from "../src/io/read-results.js";

const tmp = mkdtempSync(join(tmpdir(), "trivsel-conservation-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const registry = defaultRegistry();
const HEADER = ["subject_id", "administered_on", "note", "ors_1", "ors_2", "ors_3", "ors_4"];

/** one cell of a column: mostly valid, sometimes not */
const cell = (column: string): fc.Arbitrary<string> => {
  if (column === "subject_id") return fc.oneof(fc.stringMatching(/^[A-Z][0-9]{1,3}$/), fc.constant(""));
  if (column === "administered_on") return fc.oneof(fc.constantFrom("2025-01-01", "2025-02-01", "01.03.2025"), fc.constantFrom("2025-02-30", "", "soon"));
  if (column === "note") return fc.oneof(fc.constantFrom("", "ok", "called twice"), fc.constantFrom('"called, twice"', '"a ""quoted"" word"', '"two\nlines"', '"a;b"'));
  return fc.oneof(fc.integer({ min: 0, max: 10 }).map(String), fc.constantFrom("", "x", "11", "4.5"));
};

/** a line: cells joined by commas, then perhaps a stray quote put in, a cell dropped or one added */
const line: fc.Arbitrary<string> = fc
  .tuple(fc.tuple(...HEADER.map(cell)), fc.nat({ max: 9 }), fc.nat({ max: 200 }))
  .map(([cells, what, where]) => {
    const text = cells.join(",");
    if (what === 0) return text.slice(0, where % (text.length + 1)) + '"' + text.slice(where % (text.length + 1));
    if (what === 1) return cells.slice(1).join(",");
    if (what === 2) return `${text},extra`;
    return text;
  });

const csvText = fc.array(line, { minLength: 1, maxLength: 30 }).map((lines) => `${HEADER.join(",")}\n${lines.join("\n")}\n`);

/** data lines: the lines after the header (a line break inside quotes counts, as an editor shows it) */
const dataLines = (text: string) => text.replace(/\n$/, "").split("\n").length - 1;

/** lines accounted for: rows of results and rows named in issues, each row counted with the lines it took */
function accounted(results: readonly ScoreResult[], issues: readonly Issue[]): number {
  const span = new Map<number, number>();
  for (const i of issues) if (i.row !== undefined && i.row > 1) span.set(i.row, Math.max(span.get(i.row) ?? 1, i.lines ?? 1));
  for (const r of results) if (!span.has(r.source!.row!)) span.set(r.source!.row!, 1);
  return [...span.values()].reduce((a, b) => a + b, 0);
}

async function scoreAll(text: string) {
  const results: ScoreResult[] = [];
  const issues: Issue[] = [];
  await scoreFile({ text, name: "in.csv" }, { registry, skipBrokenQuotes: true }, { result: ({ result }) => void results.push(result), issue: (i) => void issues.push(i) });
  return { results, issues };
}

const RUNS = { numRuns: 300, seed: 20_251_125 };

describe("row conservation over random CSV texts", () => {
  it("score and validate (scoreFile): data lines = lines of rows scored + lines named in issues", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const { results, issues } = await scoreAll(text);
        expect(accounted(results, issues)).toBe(dataLines(text));
      }),
      RUNS,
    );
  });

  it("a text with a stray quote is refused as a whole unless --skip-broken-quotes, never read in part silently", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const seen: Issue[] = [];
        const refused = await scoreFile({ text, name: "in.csv" }, { registry }, { result() {}, issue: (i) => void seen.push(i) }).then(
          () => false,
          () => true,
        );
        // with --skip-broken-quotes, such a quote's lines are "not read"; without, the file is refused
        const notRead = (await scoreAll(text)).issues.filter((i) => /(its line was|lines were) not read$/.test(i.message));
        expect(refused).toBe(notRead.length > 0);
      }),
      { ...RUNS, numRuns: 150 },
    );
  });

  it("export: as many rows as score's long output, and the same issues, so the same lines are accounted for", async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const { results, issues } = await scoreAll(text);
        const out = join(tmp, `e${k++}.csv`);
        const exported: Issue[] = [];
        const r = await exportCohort({ text, name: "in.csv" }, { registry, out, skipBrokenQuotes: true, onIssue: (i) => void exported.push(i) });
        const long = results.map(longScoreLines).join("");
        expect(r.rows).toBe(long === "" ? 0 : long.trimEnd().split("\n").length);
        expect(Papa.parse(readFileSync(out, "utf8").trimEnd()).data.length - 1).toBe(r.rows);
        expect(exported).toEqual(issues);
      }),
      { ...RUNS, numRuns: 150 },
    );
  });

  it("the scored-file reader: data lines = scales read + lines named in issues", async () => {
    const scored = fc
      .array(
        fc.tuple(fc.stringMatching(/^[A-Z][0-9]$/), fc.constantFrom("2025-01-01", "2025-02-01"), fc.integer({ min: 0, max: 40 }), fc.nat({ max: 9 }), fc.nat({ max: 100 })),
        { minLength: 1, maxLength: 30 },
      )
      .map((rows) => {
        let text = csvLine([...LONG_SCORE_COLUMNS]);
        for (const [id, date, score, what, where] of rows) {
          let l = csvLine([id, date, "mother", "ors", "adult", "total", score, "scored", score <= 25 ? "clinical" : "non_clinical", 4, 4, ""]).replace(/\n$/, "");
          if (what === 0) l = l.slice(0, where % (l.length + 1)) + '"' + l.slice(where % (l.length + 1));
          if (what === 1) l = l.replace(",4,4,", ",5,4,");
          if (what === 2) l = l.replace(",adult,", ',"adult\nform",');
          text += `${l}\n`;
        }
        return text;
      });
    await fc.assert(
      fc.asyncProperty(scored, async (text) => {
        const issues: Issue[] = [];
        const read = await readResults({ text, name: "scored.csv" }, registry, { skipBrokenQuotes: true }, (i) => void issues.push(i));
        const scales = read.results.reduce((n, r) => n + r.scales.length, 0);
        // a warning (a stray quote read as written) leaves its row read: only errors name lines not read
        const named = issues.filter((i) => i.severity === "error").reduce((n, i) => n + (i.lines ?? 1), 0);
        const extra = issues.filter((i) => i.severity === "info").reduce((n, i) => n + (i.lines ?? 1) - 1, 0);
        expect(scales + named + extra).toBe(dataLines(text));
      }),
      RUNS,
    );
  });
});
