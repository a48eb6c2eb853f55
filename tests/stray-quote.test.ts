/**
 * A quote inside a cell that does not start with one (`mot"her`, `5"`) is read as written, as papaparse reads it,
 * but never silently: the reader names the row, the column and the value, so that a typing slip does not quietly
 * become, say, another rater in `trend`. The scan (strayQuotes) must split records and cells exactly as papaparse
 * does, quoted line breaks, doubled quotes and CRLF included.
 */
import fc from "fast-check";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { readFitCsv } from "../src/app/csv.js";
import { exportCohort } from "../src/export/cohort.js";
import { parseText, strayQuotes, type StreamHandlers } from "../src/io/csv.js";
import { scoreFile } from "../src/io/score-file.js";
import { defaultRegistry } from "../src/registry/registry.js";
import type { Issue, ScoreResult } from "../src/schema/results.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const registry = defaultRegistry();
const pairs = (m: Map<number, number[]>) => [...m].flatMap(([r, cs]) => cs.map((c) => [r, c]));

describe("strayQuotes", () => {
  it("finds cells that hold a quote without starting with one, by record and column", () => {
    expect(pairs(strayQuotes('a,mot"her,c\n', ",", "\n"))).toEqual([[0, 1]]);
    expect(pairs(strayQuotes('x,5"\ny,"ok"\n', ",", "\n"))).toEqual([[0, 1]]);
    expect(pairs(strayQuotes('a,"say ""hi""",c\nb,mo"th"er,d\n', ",", "\n"))).toEqual([[1, 1]]);
    // a quoted line break does not end the record; the stray quote after it is in record 1
    expect(pairs(strayQuotes('"two\nlines",a\nb,c"d\n', ",", "\n"))).toEqual([[1, 1]]);
    expect(pairs(strayQuotes('a;b"c;d\r\n\r\n"e;f";g"\r\n', ";", "\r\n"))).toEqual([
      [0, 1],
      [2, 1],
    ]);
    // a delimiter inside a quoted cell is not a column
    expect(pairs(strayQuotes('"a,b",c"\n', ",", "\n"))).toEqual([[0, 1]]);
    expect(strayQuotes('"a",b\n"c"\n', ",", "\n").size).toBe(0);
  });

  it("matches papaparse on random texts: exactly the cells made with a stray quote are found", () => {
    // a cell: plain, quoted (with doubled quotes, delimiters, line breaks), or plain with a quote after its start
    const cell = fc.oneof(
      fc.constantFrom("", "ok", "F12", "3"),
      fc.constantFrom('"a,b"', '"a ""q"" b"', '"two\nlines"', '"x\r\ny"', '""', '"a;b"').map((t) => ({ quoted: t })),
      fc.tuple(fc.constantFrom("mother", "5", "ab"), fc.nat({ max: 6 })).map(([w, at]) => ({ stray: `${w.slice(0, 1 + (at % w.length))}"${w.slice(1 + (at % w.length))}` })),
    );
    const text = fc.tuple(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), fc.constantFrom(",", ";"), fc.constantFrom("\n", "\r\n"));
    fc.assert(
      fc.property(text, ([rows, delimiter, newline]) => {
        const expected: [number, number][] = [];
        const lines = rows.map((cells, r) =>
          cells
            .map((c, k) => {
              if (typeof c === "string") return c;
              if ("stray" in c) {
                expected.push([r, k]);
                return c.stray;
              }
              return c.quoted.replace(/,|;/g, delimiter);
            })
            .join(delimiter),
        );
        const t = lines.join(newline) + newline;
        const res = Papa.parse<string[]>(t, { delimiter, newline });
        fc.pre(res.errors.length === 0);
        // papaparse reads the records and cells as made, each stray cell literally
        // (after a last quoted cell papaparse may add an empty record for the final line break)
        expect(res.data.slice(rows.length)).toEqual(res.data.length > rows.length ? [[""]] : []);
        for (const [r, k] of expected) expect(res.data[r]![k]).toContain('"');
        expect(pairs(strayQuotes(t, delimiter, newline))).toEqual(expected);
      }),
      { numRuns: 500, seed: 20_261_126 },
    );
  });
});

describe("a stray quote in a file", () => {
  const text = 'subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4\nF1,2024-01-01,mot"her,3,4,5,6\nF1,2024-01-08,mother,3,4,5,7\nF2,2024-01-01,"mo""ther",3,4,5,6\n';

  it("the reader calls onStrayQuote with the spreadsheet row, the column and the value, before the record", () => {
    const seen: string[] = [];
    const h: StreamHandlers = {
      onHeader() {},
      onRecord: (fields, row) => void seen.push(`record ${row}`),
      onQuoteError: () => void seen.push("quote error"),
      onStrayQuote: (row, column, value) => void seen.push(`stray ${row} ${column} ${value}`),
    };
    parseText(text, "in.csv", h);
    expect(seen).toEqual(["stray 2 2 mot\"her", "record 2", "record 3", "record 4"]);
  });

  it("score keeps the value as written and warns, naming file, row, column and value; a doubled quote in a quoted cell is not warned about", async () => {
    const results: ScoreResult[] = [];
    const issues: Issue[] = [];
    await scoreFile({ text, name: "in.csv" }, { registry }, { result: ({ result }) => void results.push(result), issue: (i) => void issues.push(i) });
    expect(results.map((r) => r.respondent)).toEqual(['mot"her', "mother", 'mo"ther']);
    const stray = issues.filter((i) => i.expected === "a quote only inside a quoted cell, doubled");
    expect(stray).toHaveLength(1);
    expect(stray[0]).toMatchObject({ code: "invalid_value", severity: "warning", file: "in.csv", row: 2, item: "respondent", received: 'mot"her' });
    expect(stray[0]!.message).toContain('("mot""her")');
  });

  it("a pseudonymised export does not repeat the value", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trivsel-stray-"));
    try {
      const issues: Issue[] = [];
      await exportCohort({ text: text.replace("mot\"her", 'F"9'), name: "in.csv" }, { registry, out: join(dir, "c.csv"), pseudonymKey: "0123456789abcdef0123", onIssue: (i) => void issues.push(i) });
      const stray = issues.filter((i) => i.row === 2 && i.severity === "warning");
      expect(stray).toHaveLength(1);
      expect(JSON.stringify(stray[0])).not.toContain('F\\"9');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the FIT app refuses an import with one, naming row, column and value", () => {
    const r = readFitCsv(text, "in.csv", registry);
    expect(r.sessions).toEqual([]);
    expect(r.errors).toContain('in.csv, row 2, column respondent: "mot\\"her" holds a quote, but the cell does not start with one; in CSV a quote belongs only in a quoted cell, doubled ("mot""her")');
  });
});
