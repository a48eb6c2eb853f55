/**
 * Reading CSV files (issue #3): wide and long layouts, delimiter/BOM/CRLF/decimal-comma sniffing, Danish dates,
 * quoted fields, spreadsheet row numbers in issues, unknown columns; and the CSV cell writer.
 * Fixtures in tests/fixtures/csv/ are hand-made; the same four administration occasions are saved five ways
 * (comma/ISO, Danish Excel, tab, long comma, long Danish Excel) and must all score to expected-long.csv.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { csvCell, csvLine, formatNumber, sniff } from "../src/io/csv.js";
import { LONG_SCORE_COLUMNS, longScoreLines } from "../src/io/formats.js";
import { cellValue, FileError, LONG_OPEN_ADMINISTRATIONS } from "../src/io/rows.js";
import { scoreFile, type Input, type ScoreSummary } from "../src/io/score-file.js";
import { defaultRegistry } from "../src/registry/registry.js";
import type { Issue, ScoreResult } from "../src/schema/results.js";

const FIX = fileURLToPath(new URL("./fixtures/csv/", import.meta.url));
const LONG_HEADER = "subject_id,administered_on,respondent,instrument,form,scale,score,status,band,n_answered,n_items,flags";

async function score(input: Input, instrument?: string): Promise<{ out: string; issues: Issue[]; results: ScoreResult[]; summary: ScoreSummary }> {
  const issues: Issue[] = [];
  const results: ScoreResult[] = [];
  let out = csvLine([...LONG_SCORE_COLUMNS]);
  const summary = await scoreFile(input, { registry: defaultRegistry(), ...(instrument ? { instrument } : {}) }, {
    result: ({ result }) => {
      results.push(result);
      out += longScoreLines(result);
    },
    issue: (i) => issues.push(i),
  });
  return { out, issues, results, summary };
}
const text = (t: string, name = "mem.csv"): Input => ({ text: t, name });
const errors = (issues: Issue[]) => issues.filter((i) => i.severity === "error");

// Hand-worked from the published scoring rules (see each instrument's references); not produced by trivsel.
const EXPECTED_LINES = [
  LONG_HEADER,
  // PSS: all 18 items 3; reversed items (1,2,5–8,17,18) score 6−3 = 3 → 18 × 3 = 54 (Berry & Jones 1995)
  "S01,2025-01-15,mother,pss,,total,54,scored,,18,18,",
  // EPDS box positions 1,0,1,2,2,1,3,2,3,2; items 3,5–10 reversed (3−x): 1+0+2+2+1+2+0+1+0+1 = 10 → ≥ 10 possible
  // depression (Cox 1987); item 10 scores 1 > 0 → self_harm. EPDS-3A = items 3,4,5 = 2+2+1 = 5 → ≥ 5 (Smith-Nielsen 2021)
  "S01,2025-01-15,mother,epds,postnatal,total,10,scored,possible_depression,10,10,self_harm",
  "S01,2025-01-15,mother,epds,postnatal,anxiety_3a,5,scored,possible_anxiety,3,3,",
  // ORS 4.5+5+6+7 = 22.5 < 25 → clinical (adult form, the default)
  "S01,2025-01-15,mother,ors,adult,total,22.5,scored,clinical,4,4,",
  // EPDS 0,0,3,0,3,3,3,3,3,3: every item scores 0 → 0; 3A 0
  "S01,2025-03-01,mother,epds,postnatal,total,0,scored,below_threshold,10,10,",
  "S01,2025-03-01,mother,epds,postnatal,anxiety_3a,0,scored,below_threshold,3,3,",
  // ORS 8.3+9+7.7+8.5 = 33.5 > 25; SRS 9.5+9+8.5+10 = 37 ≥ 36 → alliance_ok, and 8.5 < 9 → srs_item_below_9
  "S02,2025-02-10,father,ors,adult,total,33.5,scored,non_clinical,4,4,",
  "S02,2025-02-10,father,srs,,total,37,scored,alliance_ok,4,4,srs_item_below_9",
  // PSS raw 1,2,3,4,5,1,2,3,4,5,1,2,3,4,5,1,2,3: items 1–8 → 5,4,3,4,1,5,4,3 = 29; 9–16 → 25; 17,18 → 4+3 = 7; 61
  "S03,2025-03-10,mother,pss,,total,61,scored,,18,18,",
  // ASQ:SE-2: born 2024-12-01 at 35+4 weeks (→ 36, 3 weeks before 39: corrected), seen 2025-03-10: chronological
  // 3 m 9 d, corrected (from 2024-12-22) 2 m 16 d → form 2. 11×Z(0) + V+V+X+X+V (40−5) + concern on 16 (+5) = 40
  // > 35 → refer (provisional cutoff); average 40/16 = 2.5
  // the 2-month form was chosen by its age window, which is provisional: provisional_definition beside the cutoff flag
  "S03,2025-03-10,mother,asq-se-2,2,total,40,scored,refer,16,16,\"provisional_cutoff;provisional_definition\"",
  "S03,2025-03-10,mother,asq-se-2,2,average_item,2.5,scored,,16,16,provisional_definition",
];
const EXPECTED = EXPECTED_LINES.join("\n") + "\n";

const TWINS = [
  { file: "wide-comma-iso.csv", delimiter: ",", records: 4 },
  { file: "wide-danish-excel.csv", delimiter: ";", records: 4 },
  { file: "wide-tab.tsv", delimiter: "\t", records: 4 },
  { file: "long-comma-iso.csv", delimiter: ",", records: 85 },
  { file: "long-danish-excel.csv", delimiter: ";", records: 85 },
];

describe("the hand-made twins all score to the hand-worked long output", () => {
  it("expected-long.csv (used by the CLI and export tests) is the hand-worked table", () => {
    expect(readFileSync(`${FIX}expected-long.csv`, "utf8")).toBe(EXPECTED);
  });

  it("the Danish Excel twin really is semicolon + BOM + CRLF + dd-mm-yyyy/dd.mm.yyyy + decimal commas + quotes", () => {
    const raw = readFileSync(`${FIX}wide-danish-excel.csv`);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const s = raw.toString("utf8");
    expect(s.split("\r\n")).toHaveLength(6); // header + 4 rows + final empty
    expect(s).not.toMatch(/[^\r]\n/);
    expect(s).toContain(";15-01-2025;");
    expect(s).toContain(";01.03.2025;");
    expect(s).toContain(";4,5;5;6;7;");
    expect(s).toContain('"ringede; to gange"');
    expect(s).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  for (const t of TWINS) {
    it(`${t.file} read from disk (streaming)`, async () => {
      const r = await score({ path: FIX + t.file });
      expect(r.out).toBe(EXPECTED);
      expect(r.summary).toMatchObject({ delimiter: t.delimiter, records: t.records, administrations: 8, errors: 0 });
    });
    it(`${t.file} read from memory (stdin path)`, async () => {
      const r = await score(text(readFileSync(FIX + t.file, "utf8"), t.file));
      expect(r.out).toBe(EXPECTED);
      expect(r.summary.delimiter).toBe(t.delimiter);
    });
  }

  it("the Danish Excel twin saved with CR line endings (old Mac Excel) scores the same", async () => {
    const cr = readFileSync(`${FIX}wide-danish-excel.csv`, "utf8").replace(/\r\n/g, "\r");
    expect(cr).not.toContain("\n");
    const r = await score(text(cr, "mac.csv"));
    expect(r.out).toBe(EXPECTED);
    expect(r.summary).toMatchObject({ records: 4, errors: 0 });
  });

  it("a wide row with several instruments' items gives one administration per instrument with answers", async () => {
    const r = await score({ path: `${FIX}wide-comma-iso.csv` });
    // row 2 holds PSS, EPDS and ORS; row 3 only EPDS; row 4 ORS and SRS; row 5 PSS and ASQ:SE-2
    expect(r.results.map((x) => `${x.source?.row}:${x.instrument}`)).toEqual(["2:pss", "2:epds", "2:ors", "3:epds", "4:ors", "4:srs", "5:pss", "5:asq-se-2"]);
    expect(r.results[0]!.phase).toBe("intensive");
  });

  it("birth_date + gestational_weeks choose the ASQ:SE-2 form with prematurity correction (info issue on row 5)", async () => {
    const r = await score({ path: `${FIX}wide-danish-excel.csv` });
    const asq = r.results.find((x) => x.instrument === "asq-se-2")!;
    expect(asq.form).toBe("2");
    const info = r.issues.find((i) => i.code === "prematurity_corrected")!;
    expect(info).toMatchObject({ severity: "info", row: 5 });
    expect(info.message).toContain("corrected age 2 m 16 d (chronological 3 m 9 d");
  });

  it("--instrument reads only that instrument's columns", async () => {
    const r = await score({ path: `${FIX}wide-danish-excel.csv` }, "ors");
    expect(r.out).toBe([LONG_HEADER, EXPECTED_LINES[4], EXPECTED_LINES[7]].join("\n") + "\n");
  });
});

describe("sniffing delimiter, BOM and header", () => {
  const b = (s: string) => Buffer.from(s, "utf8");
  it.each([
    ["subject_id,administered_on,pss_1\n", ",", "\n"],
    ["subject_id;administered_on;pss_1\r\n", ";", "\r\n"],
    ["subject_id\tadministered_on\tpss_1\n", "\t", "\n"],
    // Excel for Mac's old "CSV (Macintosh)": CR alone
    ["subject_id;administered_on;pss_1\rA;2025-01-01;3\r", ";", "\r"],
    // the comma inside a quoted name does not count, nor the line break inside quotes
    ['"a,b,\nc";subject_id;administered_on;pss_1\r\n', ";", "\r\n"],
    // no line break: a one-line file
    ["subject_id,administered_on", ",", "\n"],
  ])("%j → %j, %j", (head, delimiter, newline) => {
    expect(sniff(b(head), head.length)).toEqual({ delimiter, bom: false, newline });
  });
  it("sees the UTF-8 BOM", () => {
    expect(sniff(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b("a;b\r\n")]), 8)).toEqual({ delimiter: ";", bom: true, newline: "\r\n" });
  });
  it("a BOM-only file is empty", () => {
    expect(() => sniff(Buffer.from([0xef, 0xbb, 0xbf]), 3, "f.csv")).toThrow(/f\.csv: the file is empty/);
  });
});

describe("cells, decimal commas and dates", () => {
  it("decimal commas become points only when the delimiter is not a comma", () => {
    expect(cellValue("4,5", ";")).toBe("4.5");
    expect(cellValue(" -0,25 ", "\t")).toBe("-0.25");
    expect(cellValue("4,5", ",")).toBe("4,5");
    expect(cellValue("1.234,5", ";")).toBe("1.234,5"); // thousands separators are not guessed
  });

  it("a quoted 4,5 in a comma file is not a number (the point is the decimal separator there)", async () => {
    const r = await score(text('subject_id,administered_on,ors_1,ors_2,ors_3,ors_4\nA,2025-01-01,"4,5",5,6,7\n'));
    expect(errors(r.issues)[0]).toMatchObject({ code: "not_a_number", row: 2, item: "ors_1", received: "4,5" });
  });

  it("ISO, dd-mm-yyyy and dd.mm.yyyy dates are read; impossible ones are errors with row, column and value", async () => {
    const rows = ["15-01-2025", "15.01.2025", "2025-01-15", "29.02.2024", "2025-02-30", "29-02-2025", "01-13-2025", "15-01-25"];
    const csv = "subject_id,administered_on,ors_1,ors_2,ors_3,ors_4\n" + rows.map((d, k) => `S${k},${d},1,2,3,4\n`).join("");
    const r = await score(text(csv, "dates.csv"));
    expect(r.results.map((x) => x.administeredOn ?? "")).toEqual(["2025-01-15", "2025-01-15", "2025-01-15", "2024-02-29", "", "", "", ""]);
    expect(errors(r.issues).map((i) => [i.file, i.row, i.item, i.received, i.code])).toEqual([
      ["dates.csv", 6, "administered_on", "2025-02-30", "invalid_date"],
      ["dates.csv", 7, "administered_on", "29-02-2025", "invalid_date"],
      ["dates.csv", 8, "administered_on", "01-13-2025", "invalid_date"],
      ["dates.csv", 9, "administered_on", "15-01-25", "invalid_date"],
    ]);
  });

  it("form and age_months columns are used", async () => {
    // ORS 6+7+7+7 = 27: below 28 is clinical on the adolescent form (provisional cutoff), ≥ 25 non-clinical on the adult form
    const ors = await score(text("subject_id,administered_on,form,ors_1,ors_2,ors_3,ors_4\nA,2025-01-01,adolescent,6,7,7,7\nB,2025-01-01,,6,7,7,7\n"));
    expect(ors.out.split("\n").slice(1, 3)).toEqual(["A,2025-01-01,,ors,adolescent,total,27,scored,clinical,4,4,provisional_cutoff", "B,2025-01-01,,ors,adult,total,27,scored,non_clinical,4,4,"]);
    // ASQ:SE-2 age 1.5 months = 1 m 15 d → form 2 (by the provisional age window: provisional_definition); 14×Z + V + V = 10
    const asqItems = Array.from({ length: 16 }, (_, k) => `asqse2_${k + 1}`).join(",");
    const asq = await score(text(`subject_id,administered_on,age_months,${asqItems}\nA,2025-01-01,1.5,${"Z,".repeat(14)}V,V\n`));
    expect(asq.out.split("\n")[1]).toBe("A,2025-01-01,,asq-se-2,2,total,10,scored,no_concern,16,16,\"provisional_cutoff;provisional_definition\"");
  });

  it("an unreadable age_months is an error naming row, column and value", async () => {
    const r = await score(text("subject_id,administered_on,age_months,asqse2_1\nA,2025-01-01,five,Z\n"));
    expect(errors(r.issues)[0]).toMatchObject({ code: "invalid_value", row: 2, item: "age_months", received: "five" });
  });

  // A scale's `decimals` are for reports and charts; CSV keeps up to 6 decimals so evaluators lose no precision.
  it("scores in the long CSV keep up to 6 decimals, whatever the scale's display decimals (ASQ:SE-2 average_item)", async () => {
    // form 2, 15×Z + one V = 5; 5/16 = 0.3125 (display decimals 2 would show 0.31)
    const asqItems = Array.from({ length: 16 }, (_, k) => `asqse2_${k + 1}`).join(",");
    const r = await score(text(`subject_id,administered_on,form,${asqItems}\nA,2025-01-01,2,${"Z,".repeat(15)}V\n`));
    expect(r.out.split("\n")[2]).toBe("A,2025-01-01,,asq-se-2,2,average_item,0.3125,scored,,16,16,provisional_definition");
  });
});

describe("columns and rows", () => {
  it("unknown columns are reported: a stray item column is an error, any other column a warning kept for grouping", async () => {
    const r = await score(text("subject_id,administered_on,municipality,ors_1,ors_2,ors_3,ors_4,ors_5\nA,2025-01-01,Aarhus,1,2,3,4,5\n", "u.csv"));
    expect(r.issues.filter((i) => i.code === "unknown_column").map((i) => [i.row, i.item, i.severity])).toEqual([
      [1, "municipality", "warning"],
      [1, "ors_5", "error"],
    ]);
    expect(r.out.split("\n")[1]).toBe("A,2025-01-01,,ors,adult,total,10,scored,clinical,4,4,");
  });

  it("a duplicated column stops the file with row 1 and the column name", async () => {
    const e = await score(text("subject_id,administered_on,ors_1,ors_2,ors_1\nA,2025-01-01,1,2,3\n", "d.csv")).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FileError);
    expect((e as FileError).message).toBe('d.csv: row 1: column "ors_1" appears twice (columns 3 and 5); which one holds the data cannot be decided');
    expect((e as FileError).issue).toMatchObject({ code: "duplicate_column", row: 1, item: "ors_1", file: "d.csv" });
  });

  it("row numbers are the spreadsheet's: a multi-line quoted cell and a blank line do not shift them", async () => {
    const csv = 'subject_id,administered_on,note,ors_1,ors_2,ors_3,ors_4\nA,2025-01-01,"two\nlines",1,2,3,4\n\nB,2025-01-02,x,1,2,three,4\n';
    const r = await score(text(csv));
    // rows: 1 header, 2 A (one row in a spreadsheet despite the line break), 3 blank, 4 B
    expect(errors(r.issues)[0]).toMatchObject({ code: "not_a_number", row: 4, item: "ors_3", received: "three" });
    expect(r.results[0]!.subjectId).toBe("A");
  });

  it("quoted fields keep their delimiters and doubled quotes", async () => {
    const r = await score(text('subject_id;administered_on;note;ors_1;ors_2;ors_3;ors_4\r\n"A;1";01-02-2025;"say ""hi""; bye";1;2;3;4\r\n'));
    expect(r.results[0]!.subjectId).toBe("A;1");
    expect(r.out.split("\n")[1]).toBe('"A;1",2025-02-01,,ors,adult,total,10,scored,clinical,4,4,');
  });

  it("a long file is grouped per subject, date, respondent and instrument; values use decimal commas in ; files", async () => {
    const csv =
      "subject_id;administered_on;respondent;instrument;item;value\r\n" +
      ["ors_1;4,5", "ors_2;5", "ors_3;6", "ors_4;7"].map((x) => `A;15.01.2025;mother;ors;${x}\r\n`).join("") +
      ["ors_1;8", "ors_2;8", "ors_3;8", "ors_4;8"].map((x) => `A;15.01.2025;father;ors;${x}\r\n`).join("");
    const r = await score(text(csv));
    expect(r.out).toBe(`${LONG_HEADER}\nA,2025-01-15,mother,ors,adult,total,22.5,scored,clinical,4,4,\nA,2025-01-15,father,ors,adult,total,32,scored,non_clinical,4,4,\n`);
    expect(r.results.map((x) => x.source?.row)).toEqual([2, 6]);
  });

  const LONG_BAD =
    "subject_id,administered_on,respondent,instrument,item,value\n" +
    "A,2025-01-15,mother,ors,ors_1,4.5\nA,2025-01-15,mother,ors,ors_2,5\nA,2025-01-15,mother,ors,ors_3,6\nA,2025-01-15,mother,ors,ors_4,7\n" +
    "A,2025-01-15,mother,ors,ors_4,8\nA,2025-01-15,mother,xyz,x_1,1\nA,2025-01-15,mother,ors,ors_9,1\n";

  it("long-file errors carry row, column and value", async () => {
    const r = await score(text(LONG_BAD, "long.csv"));
    expect(errors(r.issues).map((i) => [i.row, i.item, i.received, i.code])).toEqual([
      [6, "item", "ors_4", "duplicate_column"],
      [7, "instrument", "xyz", "unknown_instrument"],
      [8, "item", "ors_9", "unknown_column"],
    ]);
    expect(errors(r.issues)[0]!.expected).toContain("already on row 5");
    expect(r.out.split("\n")[1]).toBe("A,2025-01-15,mother,ors,adult,total,22.5,scored,clinical,4,4,");
  });

  it("long-file messages name the offending item and, for a repeat, the earlier row", async () => {
    const r = await score(text(LONG_BAD, "long.csv"));
    const [dup, , unknown] = errors(r.issues);
    expect(dup!.message).toContain("ors_4");
    expect(dup!.message).toContain("row 5");
    expect(unknown!.message).toContain("ors_9");
  });
});

describe("writing CSV cells", () => {
  it.each([
    ["=1+2", "'=1+2"],
    ["+45 1234", "'+45 1234"],
    ["-A", "'-A"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "\"'\tx\""],
    ["\rx", "\"'\rx\""],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ["-3", "-3"],
    ["-3.5", "-3.5"],
    ["a,b", '"a,b"'],
    ["a;b", '"a;b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["plain", "plain"],
  ])("csvCell(%j) = %j", (input, out) => {
    expect(csvCell(input)).toBe(out);
  });

  it("numbers stay numbers: no exponent, at most 6 decimals, no -0", () => {
    expect([csvCell(-3), csvCell(22.5), csvCell(0.1 + 0.2), csvCell(-0), csvCell(1 / 3), csvCell(NaN), csvCell(null)]).toEqual([
      "-3",
      "22.5",
      "0.3",
      "0",
      "0.333333",
      "",
      "",
    ]);
    expect(formatNumber(-1e-9)).toBe("0");
  });

  it("formatNumber cuts toFixed(6)'s trailing zeros as /\\.?0+$/ does, on seeded numbers of every kind", () => {
    const byRegex = (x: number): string => {
      if (!Number.isFinite(x)) return "";
      if (Number.isSafeInteger(x)) return String(x);
      const s = x.toFixed(6).replace(/\.?0+$/, "");
      return s === "-0" ? "0" : s;
    };
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const xs = [100.0000001, -100.0000001, 1e-7, -1e-7, 0.5, -0.5, 10.1, 1e21 + 0.5, 2 ** 53 + 0.5, 123456.0000004, 0.0000005, -0.0000005];
    for (let i = 0; i < 20000; i++) {
      const k = i % 4;
      xs.push(k === 0 ? Math.round(rnd() * 4000) / 100 - 20 : k === 1 ? (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6) : k === 2 ? Math.round(rnd() * 1e6) / 1e6 + Math.floor(rnd() * 1000) : (rnd() - 0.5) * 1e-5);
      // tenths of every size, either sign (the short way), and sums of tenths that are not tenths
      const tenth = Math.round((rnd() - 0.5) * 10 ** Math.floor(rnd() * 13)) / 10;
      xs.push(tenth, tenth + 0.1 + 0.2, tenth * 3 - 0.1);
    }
    xs.push(-0.1, 0.1, -999999999.9, 999999999.9, 1e9 + 0.5, -1e9 - 0.5, 12345678.9, -0.05, 0.05);
    for (const x of xs) expect(formatNumber(x), String(x)).toBe(byRegex(x));
  });

  it("csvLine joins with commas and ends in \\n", () => {
    expect(csvLine(["a", 1, null, true, "=x"])).toBe("a,1,,true,'=x\n");
  });
});

describe("spreadsheet leftovers", () => {
  it("empty trailing header cells (Excel's `;;`) are accepted while their cells are empty; a value there is an error", async () => {
    const r = await score({ text: "subject_id;administered_on;ors_1;ors_2;ors_3;ors_4;;\r\nA;2025-01-01;1;2;3;4;;\r\nB;2025-01-01;1;2;3;4;x;\r\n", name: "t.csv" });
    expect(r.out.trim().split("\n").slice(1)).toEqual(["A,2025-01-01,,ors,adult,total,10,scored,clinical,4,4,"]);
    expect(errors(r.issues).map((i) => [i.row, i.item, i.received])).toEqual([[3, "7 (no header)", "x"]]);
  });

  it("text that is not UTF-8 (a Windows-1252 'ø') is an error naming row and column, not a silent replacement", async () => {
    const bytes = Buffer.concat([
      Buffer.from("subject_id;administered_on;respondent;ors_1;ors_2;ors_3;ors_4\r\nA;2025-01-01;m", "latin1"),
      Buffer.from([0xf8]), // ø in Windows-1252 / Latin-1, invalid as UTF-8
      Buffer.from("r;1;2;3;4\r\n", "latin1"),
    ]);
    const r = await score({ text: bytes.toString("utf8"), name: "latin.csv" });
    expect(errors(r.issues).map((i) => [i.row, i.item])).toEqual([[2, "respondent"]]);
    expect(errors(r.issues)[0]!.message).toContain("save the file as CSV UTF-8");
    expect(r.results).toEqual([]);
  });
});

describe("issue order", () => {
  it("a malformed quote's error comes in row order, among the other rows' issues", async () => {
    // row 3: papaparse finds the quote after 1 followed by x (malformed), then closes the field at x",
    const r = await score(text('subject_id,administered_on,ors_1,ors_2,ors_3,ors_4\nA,2025-01-01,1,2,3,99\nB,2025-01-01,"1"x",2,3,4\nC,2025-01-01,1,2,3,4\nD,2025-01-01,1,2,3,x\n'));
    expect(r.issues.map((i) => [i.row, i.code])).toEqual([
      [2, "out_of_range"],
      [2, "not_scorable"],
      [3, "invalid_value"],
      [5, "not_a_number"],
      [5, "not_scorable"],
    ]);
    expect(r.issues[2]!.message).toContain("Trailing quote on quoted field is malformed");
    expect(r.results.map((x) => x.subjectId)).toEqual(["A", "C", "D"]);
  });
});

describe("long files of any size: administrations open at most LONG_OPEN_ADMINISTRATIONS at once", () => {
  // 12,000 ORS administrations, 4 rows each; values from the row number, so each total is known
  const N = LONG_OPEN_ADMINISTRATIONS + 2000;
  const admin = (k: number) => ({ id: `F${k}`, date: `2024-0${1 + (k % 9)}-1${k % 10}` });
  const value = (k: number, i: number) => ((k + i) % 10) + 0.5;
  const rowsOf = (k: number) => [1, 2, 3, 4].map((i) => `${admin(k).id},${admin(k).date},mother,ors,ors_${i},${value(k, i)}`);
  const HEADER = "subject_id,administered_on,respondent,instrument,item,value";
  const sorted = Array.from({ length: N }, (_, k) => rowsOf(k)).flat();
  /** administration 0's ors_4 row moved to just after administration `after` */
  const moved = (after: number) => {
    const rows = sorted.slice();
    const [late] = rows.splice(3, 1);
    rows.splice(4 * after + 3, 0, late!);
    return rows;
  };
  const total = (k: number) => [1, 2, 3, 4].reduce((a, i) => a + value(k, i), 0);

  it("a sorted file scores every administration, as its wide twin does", async () => {
    const long = await score(text([HEADER, ...sorted].join("\n") + "\n"));
    const wide = await score(text(["subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4", ...Array.from({ length: N }, (_, k) => `${admin(k).id},${admin(k).date},mother,${[1, 2, 3, 4].map((i) => value(k, i)).join(",")}`)].join("\n") + "\n"));
    expect(long.issues).toEqual([]);
    expect(long.results).toHaveLength(N);
    expect(long.results[N - 1]!.scales[0]!.score).toBe(total(N - 1));
    expect(long.out).toBe(wide.out);
  });

  it("an administration's rows may be apart by fewer administrations than the window", async () => {
    const r = await score(text([HEADER, ...moved(LONG_OPEN_ADMINISTRATIONS - 10)].join("\n") + "\n"));
    expect(r.issues).toEqual([]);
    expect(r.results[0]!.scales[0]!.score).toBe(total(0));
    expect(r.out).toBe((await score(text([HEADER, ...sorted].join("\n") + "\n"))).out);
  });

  it("a row coming after the window is an error naming its row and the rows scored", async () => {
    const after = LONG_OPEN_ADMINISTRATIONS + 500;
    const r = await score(text([HEADER, ...moved(after)].join("\n") + "\n", "late.csv"));
    // administration 0 was scored from its rows 2–4 (ORS allows no missing item), and row 4·after+5 is refused
    const late = 4 * after + 3 + 2;
    const errs = errors(r.issues);
    expect(errs.map((i) => [i.row, i.code])).toEqual([
      [2, "too_many_missing"],
      [late, "invalid_value"],
    ]);
    expect(errs[1]!.message).toContain("that was scored from its rows up to row 4");
    expect(errs[1]!.message).toContain("sort the file by subject_id, administered_on, respondent, instrument");
    expect(errs[1]).toMatchObject({ file: "late.csv", item: "(row)", received: `F0, ${admin(0).date}, mother, ors` });
    expect(r.results).toHaveLength(N);
    expect(r.results[0]!.scales[0]!.status).not.toBe("scored");
  });
});
