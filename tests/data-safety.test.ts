/**
 * Issue 9: no row lost, no identifier leaked, no file clobbered. One block per numbered finding of the issue;
 * each test failed before its fix.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../scripts/prng.js";
import { CLI, inProc, ROOT } from "./helpers/cli.js";
import { memoryIo } from "../src/cli/io.js";
import { run } from "../src/cli/run.js";
import { exportCohort, looksLikeCpr, pseudonym } from "../src/export/cohort.js";
import { AtomicFile, commitTogether, outputError } from "../src/io/atomic.js";
import { getInstrument } from "../src/registry/registry.js";
import { scoreAdministration } from "../src/scoring/score.js";
import { scoreMany } from "../src/scoring/many.js";
import { scoreFile } from "../src/io/score-file.js";
import { FileError } from "../src/io/rows.js";
import { readResults } from "../src/io/read-results.js";
import { buildSeries } from "../src/trend/series.js";
import { analyseTrends } from "../src/trend/classify.js";
import { fitSessions } from "../src/trend/fit.js";
import { evaluateGoals } from "../src/trend/goals.js";
import { cohortSummary } from "../src/trend/cohort.js";
import { AnalysisInputError } from "../src/trend/input.js";
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

  it("to standard output, rows before the quote may have gone out already: the message says not to use them", async () => {
    const d = dir();
    writeFileSync(join(d, "in.csv"), strayQuoteFile());
    const r = await inProc(["score", "in.csv"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("No file was written; standard output holds only what came before the error: do not use it.");
    expect(r.err).not.toContain("Nothing was written.");
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

  it.each(["trend", "fit", "goals", "cohort"])("%s --skip-broken-quotes goes on and names the lines it did not read", async (cmd) => {
    const d = dir();
    let t = "subject_id,administered_on,respondent,instrument,form,scale,score,status,band,n_answered,n_items,flags\n";
    for (let i = 0; i < 6; i++) t += `S1,2025-01-0${1 + i},mother,ors,adult,total,${i === 4 ? '"' : ""}2${i},scored,clinical,4,4,\n`;
    writeFileSync(join(d, "scored.csv"), t);
    writeFileSync(join(d, "goals.yaml"), "goals:\n  - id: g1\n    subjectId: S1\n    goal: ORS over the cutoff\n    measure: { instrument: ors, scale: total, respondent: mother }\n    target: { kind: above, value: 25 }\n    start: 2025-01-01\n    review: 2025-03-01\n");
    const extra = cmd === "goals" ? ["--goals", "goals.yaml"] : [];
    const refused = await inProc([cmd, "scored.csv", ...extra], d);
    expect(refused.code).toBe(2);
    expect(refused.out).toBe("");
    const r = await inProc([cmd, "scored.csv", ...extra, "--skip-broken-quotes"], d);
    expect(r.err).toContain("scored.csv, row 6, column score: error [invalid_value] row not read: a quote opened here is never closed: it takes the rest of the file, 2 lines");
    expect(r.out).not.toBe("");
    if (cmd === "trend") expect(r.out.split("\n")[1]).toMatch(/^S1,mother,ors,total,,4,2025-01-01,2025-01-04,20,23,3,/);
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

// ---------------------------------------------------------------- exports

const ORS_HEAD = "subject_id,administered_on,ors_1,ors_2,ors_3,ors_4";
const KEY = "a-very-secret-key-123456";
/** a directory with site.key (mode 600) and in.csv */
function exportDir(csv: string): string {
  const d = dir();
  writeFileSync(join(d, "site.key"), `${KEY}\n`, { mode: 0o600 });
  chmodSync(join(d, "site.key"), 0o600);
  writeFileSync(join(d, "in.csv"), csv);
  return d;
}
const PSEUDO = ["--pseudonymize", "--key-file", "site.key"];
const rowsOf = (p: string) => readFileSync(p, "utf8").trimEnd().split("\n");

describe("2. a pseudonymised export no longer fails by chance", () => {
  it("100,000 random ordinary ids: the export succeeds and every pseudonym is p_ and 16 letters, never a digit", async () => {
    const rnd = mulberry32(9);
    let csv = `${ORS_HEAD}\n`;
    for (let i = 0; i < 100_000; i++) csv += `${String(Math.floor(rnd() * 1e10)).padStart(10, "0")},2025-01-01,5,5,5,5\n`;
    const d = dir();
    const r = await exportCohort({ text: csv, name: "in.csv" }, { registry: defaultRegistry(), out: join(d, "c.csv"), pseudonymKey: KEY });
    expect(r.rows).toBe(100_000);
    const lines = rowsOf(join(d, "c.csv"));
    expect(lines).toHaveLength(100_001);
    expect(lines.slice(1).every((l) => /^p_[bcdfghjkmnpqrstv]{16},/.test(l))).toBe(true);
  });

  it("--allow-cpr names one column: a CPR number in another column still stops the export", async () => {
    const d = exportDir(`subject_id,administered_on,case_no,ors_1,ors_2,ors_3,ors_4\n0101901234,2025-01-01,0202901234,5,5,5,5\n`);
    const ok = await inProc(["export", "in.csv", "--out", "a.csv", "--allow-cpr", "subject_id", "--allow-cpr", "case_no"], d);
    expect(ok.code).toBe(0);
    const stopped = await inProc(["export", "in.csv", "--out", "b.csv", "--allow-cpr", "subject_id"], d);
    expect(stopped.code).toBe(2);
    expect(stopped.err).toContain("row 2, column case_no: a value looks like a Danish CPR number");
    expect(stopped.err).not.toContain("0202901234");
  });
});

describe("4. CPR numbers in other spellings, extra columns and column names", () => {
  const SPELLINGS = ["\u0660\u0661\u0660\u0661\u0669\u0660-\u0661\u0662\u0663\u0664", "010190 1234", "010190\u20131234", "010190\u20141234", "01.01.90-1234", "010190/1234", "０１０１９０－１２３４", "01 01 90 1234", "cpr: 0101901234"];
  it.each(SPELLINGS)("looksLikeCpr(%j)", (v) => expect(looksLikeCpr(v)).toBe(true));
  it.each(["320190 1234", "01.13.90-1234", "2025-01-01", "01.01.2025", "p_bcdfghjkmnpqrstv", "45 12 34 56", "12345"])("not a CPR number: %j", (v) => expect(looksLikeCpr(v)).toBe(false));

  it.each(SPELLINGS)("a plain export with %j in a notes column stops, without repeating it", async (v) => {
    const d = exportDir(`subject_id,administered_on,notes,ors_1,ors_2,ors_3,ors_4\nA1,2025-01-01,"${v}",5,5,5,5\n`);
    const r = await inProc(["export", "in.csv", "--out", "c.csv"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("row 2, column notes: a value looks like a Danish CPR number");
    expect(r.err).not.toContain(v);
    expect(readdirSync(d).sort()).toEqual(["in.csv", "site.key"]);
  });

  it("a pseudonymised export drops every undeclared column (notes, name, address, visit_date) unless --keep", async () => {
    const csv =
      "subject_id,administered_on,notes,mother_name,address,visit_date,municipality,ors_1,ors_2,ors_3,ors_4\n" +
      "A1,2025-01-01,010190 1234,Mette Hansen,Vestergade 1,2025-01-03,Aarhus,5,5,5,5\n" +
      "A1,2025-02-01,fine,Mette Hansen,Vestergade 1,05-02-2025,Aarhus,6,6,6,6\n";
    const d = exportDir(csv);
    const r = await inProc(["export", "in.csv", "--out", "c.csv", ...PSEUDO, "--relative-dates"], d);
    expect(r.code).toBe(0);
    const text = readFileSync(join(d, "c.csv"), "utf8");
    expect(text.split("\n")[0]).toBe(
      "subject_id,day,respondent,phase,instrument,definition_version,form,scale,direction,score,status,band,band_concern,band_rule,cutoff_provenance,cutoff_source,n_answered,n_items,flags,provisional",
    );
    for (const raw of ["A1", "0101", "Mette", "Vestergade", "Aarhus", "2025"]) expect(text).not.toContain(raw);
    expect(readFileSync(join(d, "c.dictionary.csv"), "utf8")).not.toMatch(/notes|mother_name|address|visit_date|municipality/);
    // kept: municipality as it is; visit_date's absolute dates shifted like administered_on (2 and 35 days)
    const k = await inProc(["export", "in.csv", "--out", "k.csv", ...PSEUDO, "--relative-dates", "--keep", "municipality", "--keep", "visit_date"], d);
    expect(k.code).toBe(0);
    const kept = rowsOf(join(d, "k.csv")).map((l) => l.split(","));
    expect(kept[0]!.slice(0, 6)).toEqual(["subject_id", "day", "respondent", "phase", "visit_date", "municipality"]);
    expect(kept.slice(1).map((c) => c.slice(1, 2).concat(c.slice(4, 6)))).toEqual([
      ["0", "2", "Aarhus"],
      ["31", "35", "Aarhus"],
    ]);
    // --keep notes would carry the CPR number: stopped
    const n = await inProc(["export", "in.csv", "--out", "n.csv", ...PSEUDO, "--keep", "notes"], d);
    expect(n.code).toBe(2);
    expect(n.err).toContain("row 2, column notes: a value looks like a Danish CPR number");
    const bad = await inProc(["export", "in.csv", "--out", "n.csv", ...PSEUDO, "--keep", "nope"], d);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--keep nope: no such grouping column in the input");
    const meta = await inProc(["export", "in.csv", "--out", "n.csv", ...PSEUDO, "--keep", "administered_on"], d);
    expect(meta.code).toBe(2);
    expect(meta.err).toContain("--keep administered_on: not a grouping column");
    expect(readdirSync(d).filter((f) => f.startsWith("n."))).toEqual([]);
  });

  it("a CPR number as a column name stops a plain export and is not repeated; a pseudonymised one drops the column", async () => {
    const d = exportDir(`subject_id,administered_on,010190-1234,ors_1,ors_2,ors_3,ors_4\nA1,2025-01-01,x,5,5,5,5\n`);
    const r = await inProc(["export", "in.csv", "--out", "c.csv"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("the name of grouping column 1 of the export looks like a Danish CPR number");
    expect(r.err).not.toContain("010190-1234");
    const p = await inProc(["export", "in.csv", "--out", "p.csv", ...PSEUDO], d);
    expect(p.code).toBe(0);
    expect(p.err).not.toContain("010190");
    expect(readFileSync(join(d, "p.csv"), "utf8") + readFileSync(join(d, "p.dictionary.csv"), "utf8")).not.toContain("010190");
  });
});

describe("5. nothing raw on standard error or in the issues file of a pseudonymised export", () => {
  it("invalid values, dates and ids are not echoed: messages name the row and column", async () => {
    const csv = `${ORS_HEAD}\nMette-Hansen-77,2025-02-30,5,5,5,5\nMette-Hansen-77,2025-03-01,5,99x,5,5\n`;
    const d = exportDir(csv);
    const r = await inProc(["export", "in.csv", "--out", "c.csv", ...PSEUDO, "--issues", "issues.csv"], d);
    expect(r.code).toBe(2);
    const issues = readFileSync(join(d, "issues.csv"), "utf8");
    for (const text of [r.err, issues]) expect(text).not.toMatch(/Mette|2025-02-30|99x/);
    expect(r.err).toMatch(/row 2, column administered_on/);
    // subject_id, administered_on and value stay empty: nothing raw from the input
    expect(issues).toMatch(/^in\.csv,2,administered_on,,,,,invalid_date,error,,/m);
    expect(r.err).toMatch(/row 3, column ors_2: error \[not_a_number\]/);
  });

  it("a file-level error that would list a CPR-like column name does not repeat it", async () => {
    const d = exportDir("subject_id,administered,010190-1234,ors_1\nA,2025-01-01,x,5\n");
    const r = await inProc(["export", "in.csv", "--out", "c.csv", ...PSEUDO], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("in.csv: row 1: the file cannot be read (missing_column)");
    expect(r.err).not.toContain("010190");
  });

  it("the long-file late-row message names rows, not the subject id", async () => {
    let csv = "subject_id,administered_on,respondent,instrument,item,value\nSECRET-ID-1,2025-01-01,mother,ors,ors_1,5\n";
    for (let i = 0; i < 10_001; i++) csv += `S${i},2025-01-01,mother,ors,ors_1,5\n`;
    csv += "SECRET-ID-1,2025-01-01,mother,ors,ors_2,5\n";
    const d = exportDir(csv);
    const issues: Issue[] = [];
    await exportCohort({ path: join(d, "in.csv"), name: "in.csv" }, { registry: defaultRegistry(), out: join(d, "c.csv"), pseudonymKey: KEY, onIssue: (i) => void issues.push(i) });
    const late = issues.find((i) => i.row === 10_004)!;
    expect(late).toMatchObject({ severity: "error", item: "(row)" });
    expect(JSON.stringify(issues)).not.toContain("SECRET");
    // without pseudonyms the message says whose administration it was
    const plain: Issue[] = [];
    await exportCohort({ path: join(d, "in.csv"), name: "in.csv" }, { registry: defaultRegistry(), out: join(d, "p.csv"), onIssue: (i) => void plain.push(i) });
    expect(plain.find((i) => i.row === 10_004)!.message).toContain("SECRET-ID-1");
  });
});

describe("6. keys", () => {
  it("binary keys are read as bytes: two different keys that are not UTF-8 give different pseudonyms", async () => {
    const d = exportDir(`${ORS_HEAD}\nA1,2025-01-01,5,5,5,5\n`);
    // lone UTF-8 continuation bytes: decoded as text, both keys were 32 × U+FFFD
    writeFileSync(join(d, "k1.key"), Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + ((i * 7) % 32))), { mode: 0o600 });
    writeFileSync(join(d, "k2.key"), Buffer.from(Array.from({ length: 32 }, (_, i) => 0xa0 + ((i * 11) % 32))), { mode: 0o600 });
    chmodSync(join(d, "k1.key"), 0o600);
    chmodSync(join(d, "k2.key"), 0o600);
    expect((await inProc(["export", "in.csv", "--out", "a.csv", "--pseudonymize", "--key-file", "k1.key"], d)).code).toBe(0);
    expect((await inProc(["export", "in.csv", "--out", "b.csv", "--pseudonymize", "--key-file", "k2.key"], d)).code).toBe(0);
    const a = rowsOf(join(d, "a.csv"))[1]!.split(",")[0];
    const b = rowsOf(join(d, "b.csv"))[1]!.split(",")[0];
    expect(a).not.toBe(b);
    expect(a).toBe(pseudonym("A1", readFileSync(join(d, "k1.key"))));
  });

  it.each([
    ["aaaaaaaaaaaaaaaaaaaaaaaa", "a key must not be a few characters repeated; this one has 1 different bytes"],
    ["abababababababababababab", "this one has 2 different bytes"],
    ["0123456", "a key must be at least 16 bytes; this one has 7"],
    ["abcdefghijklmnopqrstuvwxyz", "a key must not be a run such as abcdef…"],
    ["Key-S1te!Key-S1te!Key-S1te!", "a key must not be a short text repeated (this one repeats its first 9 bytes)"],
  ])("a weak key %j is refused", async (k, msg) => {
    const d = exportDir(`${ORS_HEAD}\nA1,2025-01-01,5,5,5,5\n`);
    writeFileSync(join(d, "weak.key"), k, { mode: 0o600 });
    const r = await inProc(["export", "in.csv", "--out", "a.csv", "--pseudonymize", "--key-file", "weak.key"], d);
    expect(r.code).toBe(1);
    expect(r.err).toContain(msg);
    expect(r.err).not.toContain(k);
    expect(readdirSync(d).sort()).toEqual(["in.csv", "site.key", "weak.key"]);
  });

  it("a key file others can read gets a warning (the export still runs)", async () => {
    const d = exportDir(`${ORS_HEAD}\nA1,2025-01-01,5,5,5,5\n`);
    chmodSync(join(d, "site.key"), 0o644);
    const r = await inProc(["export", "in.csv", "--out", "a.csv", ...PSEUDO], d);
    expect(r.code).toBe(0);
    expect(r.err).toContain("warning: site.key can be read by other users (mode 644)");
    chmodSync(join(d, "site.key"), 0o600);
    expect((await inProc(["export", "in.csv", "--out", "b.csv", ...PSEUDO], d)).err).not.toContain("can be read by other users");
  });

  it("trivsel key new writes 32 random bytes with mode 600 and never replaces a file", async () => {
    const d = dir();
    const r = await inProc(["key", "new", "site.key"], d);
    expect(r.code).toBe(0);
    const k1 = readFileSync(join(d, "site.key"));
    expect(k1).toHaveLength(32);
    expect(statSync(join(d, "site.key")).mode & 0o777).toBe(0o600);
    const again = await inProc(["key", "new", "site.key"], d);
    expect(again.code).toBe(1);
    expect(again.err).toContain("site.key exists already; a key is never replaced");
    expect(readFileSync(join(d, "site.key"))).toEqual(k1);
    await inProc(["key", "new", "other.key"], d);
    expect(readFileSync(join(d, "other.key"))).not.toEqual(k1);
  });
});

// ---------------------------------------------------------------- outputs

describe("3. --out writes only a new file or over a regular file", () => {
  const IN = `${ORS_HEAD}\nA1,2025-01-01,5,5,5,5\n`;
  it("a symlink is refused and neither it nor its target is touched", async () => {
    const d = exportDir(IN);
    writeFileSync(join(d, "target.txt"), "precious\n");
    symlinkSync(join(d, "target.txt"), join(d, "link.csv"));
    const r = await inProc(["score", "in.csv", "--out", "link.csv"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("link.csv: it is a symbolic link; trivsel writes only a new file or over a regular file");
    expect(lstatSync(join(d, "link.csv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, "target.txt"), "utf8")).toBe("precious\n");
  });

  it("a FIFO is refused (it stays a FIFO)", async () => {
    const d = exportDir(IN);
    execFileSync("mkfifo", [join(d, "fifo.csv")]);
    for (const argv of [
      ["score", "in.csv", "--out", "fifo.csv"],
      ["export", "in.csv", "--out", "fifo.csv"],
      ["validate", "in.csv", "--issues", "fifo.csv"],
    ]) {
      const r = await inProc(argv, d);
      expect(r.code).toBe(2);
      expect(r.err).toContain("it is a named pipe (FIFO)");
    }
    expect(lstatSync(join(d, "fifo.csv")).isFIFO()).toBe(true);
  });

  it("export: a symlink where the dictionary would go is refused before anything is written", async () => {
    const d = exportDir(IN);
    writeFileSync(join(d, "target.txt"), "precious\n");
    symlinkSync(join(d, "target.txt"), join(d, "c.dictionary.csv"));
    const r = await inProc(["export", "in.csv", "--out", "c.csv"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("c.dictionary.csv: it is a symbolic link");
    expect(readdirSync(d).sort()).toEqual(["c.dictionary.csv", "in.csv", "site.key", "target.txt"]);
    expect(readFileSync(join(d, "target.txt"), "utf8")).toBe("precious\n");
  });

  it("a device such as /dev/null is refused; it stays a device", async () => {
    const d = exportDir(IN);
    const r = await inProc(["score", "in.csv", "--out", "/dev/null"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("will not write /dev/null: it is a device");
    expect(lstatSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("a regular file is replaced; - is standard output", async () => {
    const d = exportDir(IN);
    writeFileSync(join(d, "old.csv"), "old\n");
    expect((await inProc(["score", "in.csv", "--out", "old.csv", "--quiet"], d)).code).toBe(0);
    expect(readFileSync(join(d, "old.csv"), "utf8")).toMatch(/^subject_id,administered_on,respondent,instrument/);
    const s = await inProc(["score", "in.csv", "--out", "-", "--quiet"], d);
    expect(s.out).toBe(readFileSync(join(d, "old.csv"), "utf8"));
  });
});

describe("7. errors on standard output", () => {
  it("EPIPE (| head -1) ends quietly with exit 0", () => {
    const d = exportDir(`${ORS_HEAD}\n` + Array.from({ length: 50_000 }, (_, i) => `S${i},2025-01-01,5,5,5,5\n`).join(""));
    const r = spawnSync("bash", ["-c", `node ${CLI} score in.csv --quiet | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`], { cwd: d, encoding: "utf8" });
    expect(r.stdout).toBe("subject_id,administered_on,respondent,instrument,form,scale,score,status,band,n_answered,n_items,flags\n");
    expect(r.stderr).toBe("rc=0\n");
  });

  it("a slow reader gets every byte: standard output waits for the pipe instead of queueing in memory", () => {
    const d = exportDir(`${ORS_HEAD}\n` + Array.from({ length: 60_000 }, (_, i) => `S${i},2025-01-01,5,${i % 11},5,5\n`).join(""));
    const r = spawnSync("bash", ["-c", `node ${CLI} score in.csv --quiet --out out.csv; node ${CLI} score in.csv --quiet | (sleep 1; cat > piped.csv); echo "rc=\${PIPESTATUS[0]}" >&2`], { cwd: d, encoding: "utf8" });
    expect(r.stderr).toBe("rc=0\n");
    const piped = readFileSync(join(d, "piped.csv"));
    expect(piped.length).toBeGreaterThan(3_000_000);
    expect(piped.equals(readFileSync(join(d, "out.csv")))).toBe(true);
  });

  it("ENOSPC (> /dev/full) says what happened, without a stack trace or 'please report it', exit 2", () => {
    const d = exportDir(`${ORS_HEAD}\nA1,2025-01-01,5,5,5,5\n`);
    const r = spawnSync("bash", ["-c", `node ${CLI} score in.csv --quiet > /dev/full`], { cwd: d, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("trivsel: cannot write standard output: the disk is full; free some space or write to another disk (ENOSPC)\nThe output is incomplete.\n");
  });

  it("a write error on --out names the file and what to do, and removes the temporary file", () => {
    const d = dir();
    const f = new AtomicFile(join(d, "x.csv"));
    f.write("a,b\n");
    const err = outputError(join(d, "x.csv"), Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));
    expect(err.message).toBe(`cannot write ${join(d, "x.csv")}: the disk is full; free some space or write to another disk (ENOSPC)`);
    expect(outputError("out.csv", Object.assign(new Error("x"), { code: "EACCES" })).message).toBe(
      "cannot write out.csv: permission denied; choose a folder you may write to, or ask for write access (EACCES)",
    );
    f.abort();
    expect(readdirSync(d)).toEqual([]);
  });
});

describe("8. interrupted runs and files written together", () => {
  it("SIGINT removes the temporary file and exits 130; SIGTERM 143", async () => {
    for (const [signal, code] of [
      ["SIGINT", 130],
      ["SIGTERM", 143],
    ] as const) {
      const d = exportDir(`${ORS_HEAD}\n` + Array.from({ length: 400_000 }, (_, i) => `S${i},2025-01-01,5,5,5,5\n`).join(""));
      const child = spawn(process.execPath, [CLI, "score", "in.csv", "--out", "x.csv", "--quiet"], { cwd: d });
      // wait until the temporary file exists, then interrupt
      for (let k = 0; k < 200 && !readdirSync(d).some((f) => f.endsWith(".tmp")); k++) await new Promise((r) => setTimeout(r, 10));
      expect(readdirSync(d).some((f) => f.endsWith(".tmp"))).toBe(true);
      child.kill(signal);
      const status = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
      expect(status).toBe(code);
      expect(readdirSync(d).sort()).toEqual(["in.csv", "site.key"]);
    }
  });

  it("a disk full while the dictionary is written leaves neither the cohort file nor the dictionary", () => {
    const d = dir();
    const cohort = new AtomicFile(join(d, "c.csv"));
    cohort.write("subject_id\n");
    class Full extends AtomicFile {
      override prepare(): void {
        this.abort();
        throw outputError(this.path, Object.assign(new Error("no space"), { code: "ENOSPC" }));
      }
    }
    const dict = new Full(join(d, "c.dictionary.csv"));
    expect(() => commitTogether([cohort, dict])).toThrow(/c\.dictionary\.csv: the disk is full/);
    expect(readdirSync(d)).toEqual([]);
  });

  it("disk full is not reported as an internal error", async () => {
    const io = memoryIo();
    const code = await run(["instruments"], { ...io, stdout: () => { throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write" }); } });
    expect(code).toBe(2);
    expect(io.err).not.toMatch(/internal error|please report/);
    expect(io.err).toContain("the disk is full");
  });
});

// ---------------------------------------------------------------- inputs and the smaller ones

describe("10. smaller ones", () => {
  const WIDE = `${ORS_HEAD}\nA1,2025-01-01,5,5,5,5\nA1,2025-02-01,6,6,6,6\n`;

  it("a FIFO input is scored (score reads it as it arrives; trend reads it whole)", async () => {
    const d = exportDir(WIDE);
    execFileSync("mkfifo", [join(d, "in.fifo")]);
    for (const cmd of ["score", "trend"]) {
      const r = spawnSync("bash", ["-c", `cat in.csv > in.fifo & node ${CLI} ${cmd} in.fifo --quiet; wait`], { cwd: d, encoding: "utf8" });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout.split("\n")[1]).toMatch(cmd === "score" ? /^A1,2025-01-01,,ors,adult,total,20,scored/ : /^A1,,ors,total,,2,2025-01-01,2025-02-01,20,24,4,/);
    }
    const ps = spawnSync("bash", ["-c", `node ${CLI} validate <(cat in.csv)`], { cwd: d, encoding: "utf8" });
    expect(ps.stderr).toBe("2 rows, 2 administrations: no errors, 0 warnings\n");
  });

  it.each([
    ["utf-16le", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(WIDE.replace(/,/g, "\t").replace(/\n/g, "\r\n"), "utf16le")])],
    ["utf-16be", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(WIDE, "utf16le").swap16()])],
  ])("%s with a BOM (Excel's 'Unicode text') is read", async (_enc, bytes) => {
    const d = dir();
    writeFileSync(join(d, "in.txt"), bytes);
    const r = await inProc(["score", "in.txt", "--quiet"], d);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split("\n").map((l) => l.split(",").slice(0, 7).join(","))).toEqual([
      "subject_id,administered_on,respondent,instrument,form,scale,score",
      "A1,2025-01-01,,ors,adult,total,20",
      "A1,2025-02-01,,ors,adult,total,24",
    ]);
    const t = await inProc(["trend", "in.txt", "--quiet"], d);
    expect(t.out.split("\n")[1]).toMatch(/^A1,,ors,total,,2,/);
  });

  it("a NUL byte after the first 64 KB is an error naming its row and column, and nothing is written", async () => {
    let csv = `subject_id,administered_on,note,ors_1,ors_2,ors_3,ors_4\n`;
    for (let i = 0; i < 3000; i++) csv += `S${i},2025-01-01,a note of some length,5,5,5,5\n`;
    csv += `S3000,2025-01-01,bad\u0000byte,5,5,5,5\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(65536);
    const d = exportDir(csv);
    const r = await inProc(["score", "in.csv", "--out", "o.csv"], d);
    expect(r.code).toBe(2);
    expect(r.err).toContain("in.csv: row 3002, column note: the cell holds a NUL byte");
    expect(readdirSync(d).sort()).toEqual(["in.csv", "site.key"]);
  });

  it("a NUL in a quoted cell within the first 64 KB names its row and column too", async () => {
    const { thrown } = await scoreAll(`${HEADER}S1,2025-01-01,"5\u0000",5,5,5\n`);
    expect((thrown as FileError).issue).toMatchObject({ row: 2, item: "ors_1" });
  });

  it("cohort --by constructor is a column that does not exist, not Object's constructor", async () => {
    const d = exportDir(WIDE);
    const r = await inProc(["cohort", "in.csv", "--by", "constructor"], d);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--by: the file has no column "constructor"');
    const named = exportDir(`subject_id,administered_on,constructor,ors_1,ors_2,ors_3,ors_4\nA1,2025-01-01,north,5,5,5,5\nA1,2025-02-01,north,6,6,6,6\n`);
    const g = await inProc(["cohort", "in.csv", "--by", "constructor", "--quiet"], named);
    expect(g.out.split("\n")[1]).toMatch(/^north,ors,total,/);
  });

  it("a --definition with a built-in's id is refused unless --replace-builtin", async () => {
    const d = exportDir(WIDE);
    const def = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/user-definitions/demo-4.json"), "utf8"));
    writeFileSync(join(d, "ors.json"), JSON.stringify({ ...def, id: "ors" }));
    const r = await inProc(["score", "in.csv", "--definition", "ors.json"], d);
    expect(r.code).toBe(1);
    expect(r.err).toContain('ors.json: instrument id "ors" is a built-in instrument\'s');
    const ok = await inProc(["instruments", "--definition", "ors.json", "--replace-builtin"], d);
    expect(ok.code).toBe(0);
  });

  it("the library gives structured issues, not a TypeError, for input of the wrong type", async () => {
    const epds = getInstrument("epds");
    for (const bad of [null, "x", 5, { instrument: "epds", responses: null }]) {
      const r = scoreAdministration(epds, bad as never);
      expect(r.issues[0]).toMatchObject({ code: "invalid_value", severity: "error" });
      expect(r.scales.every((s) => s.status === "not_scorable")).toBe(true);
    }
    expect(scoreAdministration(null as never, { instrument: "epds", responses: {} }).issues[0]).toMatchObject({ code: "invalid_value", received: "null" });
    expect(scoreMany(null as never)[0]!.issues[0]).toMatchObject({ code: "invalid_value", received: "null" });
    expect(scoreMany([null] as never)[0]!.issues[0]).toMatchObject({ code: "invalid_value", received: "null" });
    for (const f of [
      () => scoreFile(null as never, { registry: defaultRegistry() }, { result() {}, issue() {} }),
      () => readResults(null as never, defaultRegistry(), {}, () => {}),
      () => exportCohort(undefined as never, { registry: defaultRegistry(), out: join(tmp, "never.csv") }),
    ]) {
      const e = await f().then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(FileError);
      expect((e as FileError).issue).toMatchObject({ code: "invalid_value" });
    }
  });
  it("the analysis functions name the function, the argument and its type for input of the wrong type, never a bare TypeError", () => {
    const reg = defaultRegistry();
    const cases: [() => unknown, string][] = [
      [() => buildSeries(null as never), "buildSeries: results is null; expected an array of score results"],
      [() => analyseTrends(undefined as never, reg), "analyseTrends: results is undefined; expected an array of score results"],
      [() => fitSessions(5 as never), "fitSessions: results is number; expected an array of score results"],
      [() => evaluateGoals(null as never, [], () => undefined), "evaluateGoals: goals is null; expected an array of goals (parseGoals gives one)"],
      [() => cohortSummary("S1" as never), "cohortSummary: analyses is string; expected an array of trend analyses (analyseTrends gives one)"],
    ];
    for (const [f, message] of cases) {
      expect(f).toThrow(AnalysisInputError);
      expect(f).toThrow(message);
    }
    expect(buildSeries([]).series).toEqual([]);
  });
});
