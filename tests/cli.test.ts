/**
 * The CLI (issue #3): every command in-process through run(argv, memoryIo()) and as a spawned `node dist/cli.js`
 * (build first: `npm run build`, run by `npm test` through the pretest script). Data goes to stdout or --out,
 * messages to stderr; exit codes 0 ok, 1 usage, 2 bad input. Expected scores are the hand-worked table in
 * tests/fixtures/csv/expected-long.csv (worked in tests/csv.test.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, inProc, ROOT, sha, spawned } from "./helpers/cli.js";

const FIX = join(ROOT, "tests/fixtures/csv/");
const COMMA = `${FIX}wide-comma-iso.csv`;
const DANISH = `${FIX}wide-danish-excel.csv`;
const EXPECTED = readFileSync(`${FIX}expected-long.csv`, "utf8");
const EXPECTED_LINES = EXPECTED.trimEnd().split("\n");
const IDS = ["asq-se-2", "adbb", "m-adbb", "pss", "prfq", "rfq-8", "epds", "ors", "srs", "cors", "csrs", "care-index", "pdi-rf", "aai-rf", "ems", "nbo"];

const both = async (argv: string[], opts: { cwd?: string; stdin?: string } = {}) => ({ inProc: await inProc(argv, opts), spawned: spawned(argv, opts) });
const NO_STACK = /\n\s{4}at /;

let tmp: string;
let n = 0;
const freshDir = () => {
  const d = join(tmp, `d${n++}`);
  mkdirSync(d);
  return d;
};
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it through pretest)`);
  tmp = mkdtempSync(join(tmpdir(), "trivsel-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a thin CLI", () => {
  it("every command file maps flags onto the library in at most 60 lines (issue 10)", () => {
    const dir = join(ROOT, "src", "cli", "commands");
    const long = readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8").trimEnd().split("\n").length] as const).filter(([, n]) => n > 60);
    expect(long).toEqual([]);
  });
});

describe("help and version", () => {
  it.each([["instruments"], ["validate"], ["score"], ["export"]])("%s --help: usage on stdout, exit 0", async (cmd) => {
    const x = await inProc([cmd, "--help"]);
    expect(x.code).toBe(0);
    expect(x.out).toContain(`Usage: trivsel ${cmd}`);
    expect(x.out).toContain("--help");
    expect(x.err).toBe("");
  });

  it("score --help states the long format contract", async () => {
    const r = await inProc(["score", "--help"]);
    expect(r.out).toContain("subject_id,administered_on,respondent,instrument,form,scale,score,status,band,n_answered,n_items,flags");
  });

  it("trivsel --help lists every command (exit 0); no command at all is a usage error (exit 1)", async () => {
    const x = await inProc(["--help"]);
    expect(x.code).toBe(0);
    for (const c of ["instruments", "validate", "score", "export"]) expect(x.out).toMatch(new RegExp(`^  ${c} `, "m"));
    expect((await inProc([])).code).toBe(1);
  });

  it("every command's listed name and summary are the command module's own (the list loads no command)", async () => {
    const { COMMANDS } = await import("../src/cli/run.js");
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      expect({ name: cmd.name, summary: cmd.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  });

  it("--version prints the package version", async () => {
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
    expect(await inProc(["--version"])).toEqual({ code: 0, out: `${version}\n`, err: "" });
  });
});

describe("trivsel instruments", () => {
  it("lists the 16 built-in instruments as a table", async () => {
    const x = await inProc(["instruments"]);
    expect(x.code).toBe(0);
    expect(x.err).toBe("");
    const lines = x.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id\s+prefix\s+items\s+scales\s+name$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(IDS);
    expect(lines.find((l) => l.startsWith("pss "))).toMatch(/^pss\s+pss_\s+18\s+total\s+Parental Stress Scale$/);
  });

  it("--json gives id, prefix, item count and scales", async () => {
    const r = await both(["instruments", "--json"]);
    expect(r.spawned.out).toBe(r.inProc.out);
    const list = JSON.parse(r.inProc.out) as { id: string; itemPrefix: string; items: number; scales: string[] }[];
    expect(list.map((i) => i.id)).toEqual(IDS);
    expect(list.find((i) => i.id === "epds")).toMatchObject({ itemPrefix: "epds_", items: 10, scales: ["total", "anxiety_3a"] });
    expect(list.find((i) => i.id === "ors")).toMatchObject({ itemPrefix: "ors_", items: 4, scales: ["total"] });
  });

  it("show <id> prints items, bands, flags and references", async () => {
    const r = await both(["instruments", "show", "epds"]);
    expect(r.spawned.out).toBe(r.inProc.out);
    const out = r.inProc.out;
    expect(r.inProc.code).toBe(0);
    expect(out).toContain("items: 10 (epds_1 … epds_10)");
    expect(out).toContain("scale anxiety_3a");
    expect(out).toContain("flag self_harm");
    expect(out).toMatch(/bands \(form postnatal\) \[published, cox1987\]: below_threshold < 10; possible_depression ≥ 10 and < 13; probable_depression ≥ 13/);
    expect(out).toMatch(/bands \(form antenatal\) \[provisional, nsw-perinatal\]: below_threshold < 10; possible_depression ≥ 10 and < 15; probable_depression ≥ 15/);
  });

  it("show <id> --json prints the validated definition", async () => {
    const r = await inProc(["instruments", "show", "ors", "--json"]);
    expect(r.code).toBe(0);
    const def = JSON.parse(r.out) as { id: string; forms: { id: string }[] };
    expect(def.id).toBe("ors");
    expect(def.forms.map((f) => f.id)).toEqual(["adult", "adolescent"]);
  });

  it.each([
    [["instruments", "show"], /instruments show needs an instrument id/],
    [["instruments", "show", "nope"], /unknown instrument "nope"; expected one of asq-se-2, adbb/],
    [["instruments", "pss"], /did you mean `instruments show pss`/],
    [["instruments", "--bogus"], /Unknown option '--bogus'/],
  ])("%j is a usage error (exit 1)", async (argv, msg) => {
    const x = await inProc(argv);
    expect(x.code).toBe(1);
    expect(x.out).toBe("");
    expect(x.err).toMatch(msg);
    expect(x.err).toContain("Run `trivsel instruments --help` for usage.");
  });
});

describe("trivsel validate", () => {
  it("a clean file: exit 0, nothing on stdout, the summary and warnings on stderr", async () => {
    const r = await both(["validate", DANISH]);
    for (const x of [r.inProc, r.spawned]) {
      expect(x.code).toBe(0);
      expect(x.out).toBe("");
      expect(x.err).toContain(`${DANISH}, row 1, column note: warning [unknown_column]`);
      expect(x.err.endsWith("4 rows, 8 administrations: no errors, 3 warnings\n")).toBe(true);
    }
    expect(r.spawned.err).toBe(r.inProc.err);
  });

  it("--instrument validates one instrument", async () => {
    const r = await inProc(["validate", COMMA, "--instrument", "ors"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\n4 rows, 2 administrations: no errors, 1 warning\n$/);
  });

  it("--instrument does not claim that rows answering other instruments have no answers", async () => {
    const r = await inProc(["validate", COMMA, "--instrument", "ors"]);
    expect(r.err).not.toContain("no answered item of any instrument");
  });

  it("reads standard input with -", async () => {
    const text = readFileSync(DANISH, "utf8");
    const x = await inProc(["validate", "-"], { stdin: text });
    expect(x.code).toBe(0);
    expect(x.err).toContain("stdin, row 1, column note: warning [unknown_column]");
    expect(x.err.endsWith("4 rows, 8 administrations: no errors, 3 warnings\n")).toBe(true);
  });

  it("a file with errors: exit 2, each issue with file, row, column and value", async () => {
    const f = `${FIX}bad/text-in-number.csv`;
    const x = await inProc(["validate", f]);
    expect(x.code).toBe(2);
    expect(x.out).toBe("");
    expect(x.err).toContain(`${f}, row 3, column ors_2: error [not_a_number] ors_2: "five" is not a number; expected a number from 0 to 10 in steps of 0.1`);
    expect(x.err).not.toMatch(NO_STACK);
  });
});

describe("trivsel score", () => {
  it("long format (default) to stdout: exactly the hand-worked table, for the comma and the Danish Excel twin", async () => {
    for (const [f, sep] of [
      [COMMA, "comma"],
      [DANISH, "semicolon"],
    ]) {
      const x = await inProc(["score", f!]);
      expect(x.code).toBe(0);
      expect(x.out).toBe(EXPECTED);
      expect(x.err.endsWith(`scored 8 administrations from 4 rows (${sep}-separated): 0 errors, 3 warnings\n`)).toBe(true);
    }
  });

  it("reads standard input with - (the Danish twin's bytes, BOM included)", async () => {
    expect((await inProc(["score", "-"], { stdin: readFileSync(DANISH, "utf8") })).out).toBe(EXPECTED);
    expect(spawned(["score", "-"], { stdin: readFileSync(DANISH) }).out).toBe(EXPECTED);
  });

  it("--out writes the file atomically and nothing to stdout; twice gives the same bytes; the input is untouched", async () => {
    const before = sha(DANISH);
    const d1 = freshDir();
    const d2 = freshDir();
    const a = await inProc(["score", DANISH, "--out", "scores.csv"], { cwd: d1 });
    const b = spawned(["score", DANISH, "--out", "scores.csv"], { cwd: d2 });
    for (const x of [a, b]) {
      expect(x.code).toBe(0);
      expect(x.out).toBe("");
    }
    expect(readFileSync(join(d1, "scores.csv"), "utf8")).toBe(EXPECTED);
    expect(readFileSync(join(d1, "scores.csv"))).toEqual(readFileSync(join(d2, "scores.csv")));
    expect(readdirSync(d1)).toEqual(["scores.csv"]);
    expect(readdirSync(d2)).toEqual(["scores.csv"]);
    // run again over the existing file: byte-identical
    expect((await inProc(["score", DANISH, "--out", "scores.csv"], { cwd: d2 })).code).toBe(0);
    expect(readFileSync(join(d2, "scores.csv"))).toEqual(readFileSync(join(d1, "scores.csv")));
    expect(sha(DANISH)).toBe(before);
  });

  it("a failed run leaves an existing --out file as it was and no temp file", async () => {
    const d = freshDir();
    writeFileSync(join(d, "scores.csv"), "yesterday's scores\n");
    const r = await inProc(["score", `${FIX}bad/duplicate-column.csv`, "--out", "scores.csv"], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.err).toContain("Nothing was written.");
    expect(readdirSync(d)).toEqual(["scores.csv"]);
    expect(readFileSync(join(d, "scores.csv"), "utf8")).toBe("yesterday's scores\n");
  });

  it("--instrument scores one instrument", async () => {
    const r = await inProc(["score", COMMA, "--instrument", "epds"]);
    const want = [EXPECTED_LINES[0], ...EXPECTED_LINES.filter((l) => l.includes(",epds,"))].join("\n") + "\n";
    expect(r.out).toBe(want);
  });

  it("--format wide: one row per administration, score/status/band/flags per instrument scale", async () => {
    const r = await inProc(["score", DANISH, "--format", "wide"]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    const scales = ["pss.total", "epds.total", "epds.anxiety_3a", "ors.total", "srs.total", "asq-se-2.total", "asq-se-2.average_item"];
    expect(lines[0]).toBe(["subject_id,administered_on,respondent,phase,instrument,form,source_row", ...scales.flatMap((s) => [`${s}.score`, `${s}.status`, `${s}.band`, `${s}.flags`])].join(","));
    expect(lines).toHaveLength(9);
    const e = (k: number) => Array<string>(k).fill("");
    expect(lines[2]).toBe(["S01", "2025-01-15", "mother", "intensive", "epds", "postnatal", "2", ...e(4), "10", "scored", "possible_depression", "self_harm", "5", "scored", "possible_anxiety", "", ...e(16)].join(","));
    expect(lines[8]).toBe(["S03", "2025-03-10", "mother", "birth", "asq-se-2", "2", "5", ...e(20), "40", "scored", "refer", "\"provisional_cutoff;provisional_definition\"", "2.5", "scored", "", "provisional_definition"].join(","));
  });

  it("--format json: an array of results", async () => {
    const x = await inProc(["score", COMMA, "--format", "json"]);
    expect(x.code).toBe(0);
    const results = JSON.parse(x.out) as { instrument: string; subjectId: string; scales: { scale: string; score: number; band: { id: string } | null }[] }[];
    expect(results.map((res) => `${res.subjectId} ${res.instrument}`)).toEqual(["S01 pss", "S01 epds", "S01 ors", "S01 epds", "S02 ors", "S02 srs", "S03 pss", "S03 asq-se-2"]);
    expect(results[2]!.scales[0]).toMatchObject({ scale: "total", score: 22.5, band: { id: "clinical" } });
  });

  it("--issues writes every issue with the administration it is about (subject, date, instrument, scale)", async () => {
    const d = freshDir();
    const f = `${FIX}bad/out-of-range.csv`;
    const r = await inProc(["score", f, "--issues", "issues.csv"], { cwd: d });
    expect(r.code).toBe(2);
    const rows = Papa.parse<string[]>(readFileSync(join(d, "issues.csv"), "utf8").trimEnd()).data;
    expect(rows[0]).toEqual(["file", "row", "column", "subject_id", "administered_on", "instrument", "scale", "code", "severity", "value", "expected", "message"]);
    expect(rows.slice(1).map((x) => [x[0], x[1], x[2], x[5], x[6], x[7], x[8], x[9]])).toEqual([
      [f, "3", "ors_3", "ors", "", "out_of_range", "error", "12"],
      [f, "3", "", "ors", "total", "not_scorable", "error", ""],
    ]);
    expect(rows[1]![3]).not.toBe("");
    expect(rows[1]![4]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(rows[1]![11]).toBe('ors_3: "12" is out of range; expected a number from 0 to 10 in steps of 0.1');
  });

  it.each([
    [["score"], /give a CSV file, or - to read standard input/, false],
    [["score", COMMA, DANISH], /one input file at a time; received 2/, false],
    [["score", COMMA, "--format", "xml"], /--format must be one of long, wide, json; received "xml"/, true],
    [["score", COMMA, "--instrument", "nope"], /--instrument must be one of asq-se-2, .*; received "nope"/, false],
    [["score", COMMA, "--bogus"], /Unknown option '--bogus'/, false],
    [["score", COMMA, "--out"], /Option '--out <value>' argument missing/, false],
    [["frobnicate"], /unknown command "frobnicate"; expected one of instruments, validate, score, export/, false],
  ])("%j is a usage error: exit 1, nothing on stdout", async (argv, msg, spawn) => {
    for (const x of [await inProc(argv), ...(spawn ? [spawned(argv)] : [])]) {
      expect(x.code).toBe(1);
      expect(x.out).toBe("");
      expect(x.err).toMatch(msg);
    }
  });

  it("a missing input file is a usage error: exit 1 naming the file, no stack trace", async () => {
    const d = freshDir();
    const x = await inProc(["score", "nope.csv"], { cwd: d });
    expect(x.code).toBe(1);
    expect(x.out).toBe("");
    expect(x.err).toMatch(/^trivsel score: nope\.csv: no such file\n/);
    expect(x.err).not.toMatch(NO_STACK);
  });

  it("a missing input file leaves no temp file beside --out / --issues", async () => {
    const d = freshDir();
    const r = await inProc(["score", "nope.csv", "--out", "s.csv", "--issues", "i.csv"], { cwd: d });
    expect(r.code).toBe(1);
    expect(readdirSync(d)).toEqual([]);
  });

  it("--out naming the input file is refused and the input stays as it was", async () => {
    const d = freshDir();
    writeFileSync(join(d, "data.csv"), readFileSync(COMMA));
    const before = sha(join(d, "data.csv"));
    const r = await inProc(["score", "data.csv", "--out", "data.csv"], { cwd: d });
    expect(sha(join(d, "data.csv"))).toBe(before);
    expect(r.code).toBe(1);
  });

  it("--out and --issues naming the same file is a usage error", async () => {
    const d = freshDir();
    const r = await inProc(["score", COMMA, "--out", "x.csv", "--issues", "x.csv"], { cwd: d });
    expect(r.code).toBe(1);
    expect(readdirSync(d)).toEqual([]);
  });

  it("a directory as input is a usage error (exit 1), not an internal error", async () => {
    const d = freshDir();
    const r = await inProc(["score", d]);
    expect(r.err).not.toContain("internal error");
    expect(r.code).toBe(1);
  });

  it("--strict to standard output writes nothing at all when a row has an error", async () => {
    const f = `${FIX}bad/text-in-number.csv`;
    const strict = await inProc(["score", f, "--strict"]);
    expect(strict.code).toBe(2);
    expect(strict.out).toBe("");
    expect(strict.err).toContain("--strict: nothing written");
    const clean = await inProc(["score", COMMA, "--strict"]);
    expect(clean.code).toBe(0);
    expect(clean.out).toBe(EXPECTED);
  });
});

describe("did you mean", () => {
  it.each([
    [["scroe", COMMA], /unknown command "scroe".*; did you mean "score"\?/],
    [["score", COMMA, "--instrumnet", "ors"], /Unknown option '--instrumnet'; did you mean --instrument\?/],
    [["score", COMMA, "--instrument", "orss"], /--instrument must be one of .*; received "orss"; did you mean "ors"\?/],
    [["trend", COMMA, "--instrument", "epds", "--scale", "totl"], /--scale: epds has scales .*; received "totl"; did you mean "total"\?/],
    [["cohort", "datasets/demo-cohort.csv", "--by", "municipalty", "--instrument", "ors"], /--by: the file has no column "municipalty".*; did you mean "municipality"\?/],
  ])("%j: exit 1 with a suggestion", async (argv, msg) => {
    const x = await inProc(argv);
    expect(x.code).toBe(1);
    expect(x.err).toMatch(msg);
  });
});

describe("cohort --by", () => {
  it("takes several columns and names them as given", async () => {
    const x = await inProc(["cohort", "datasets/demo-cohort.csv", "--overlay", "datasets/demo-asq-se-2-overlay.json", "--by", "municipality", "--by", "phase", "--instrument", "ors", "--quiet"]);
    const [header, first] = x.out.split("\n");
    expect(header).toMatch(/^municipality,phase,instrument,scale,/);
    expect(first!.split(",").slice(0, 3)).toEqual([expect.any(String), expect.any(String), "ors"]);
  });
});

describe("coded interviews and observations (issue 15)", () => {
  const WIDE = [
    "subject_id,administered_on,respondent,phase,coder_id,coder_certified,pdirf_1,pdirf_2,aairf_1,aairf_2,aairf_3",
    "F01,2025-01-10,mother,pregnancy,rf-coder-1,ja,4,5,,,",
    "F01,2025-01-12,mother,pregnancy,rf-coder-2,no,,,3,U,Ds",
    "F01,2025-09-10,mother,phase_out,,,6,,,,",
    "F02,2025-02-01,father,pregnancy,rf-coder-1,yes,,,7,X,",
  ].join("\n");

  it("score --format wide: RF scores with coder flags, the coder and the classification codes", async () => {
    const d = freshDir();
    writeFileSync(join(d, "coded.csv"), WIDE + "\n");
    const r = await inProc(["score", "coded.csv", "--format", "wide"], { cwd: d });
    expect(r.code).toBe(2); // the unknown code X is an error
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "subject_id,administered_on,respondent,phase,instrument,form,source_row," +
        "pdi-rf.overall_rf.score,pdi-rf.overall_rf.status,pdi-rf.overall_rf.band,pdi-rf.overall_rf.flags," +
        "aai-rf.overall_rf.score,aai-rf.overall_rf.status,aai-rf.overall_rf.band,aai-rf.overall_rf.flags," +
        "pdi-rf.coder_id,pdi-rf.coder_certified,aai-rf.coder_id,aai-rf.coder_certified,aai-rf.aairf_2.code,aai-rf.aairf_3.code",
    );
    expect(lines.slice(1)).toEqual([
      "F01,2025-01-10,mother,pregnancy,pdi-rf,,2,4,scored,,,,,,,rf-coder-1,yes,,,,",
      "F01,2025-01-12,mother,pregnancy,aai-rf,,3,,,,,3,scored,,coder_not_certified,,,rf-coder-2,no,U,Ds",
      "F01,2025-09-10,mother,phase_out,pdi-rf,,4,6,scored,,coder_missing,,,,,,,,,,",
      "F02,2025-02-01,father,pregnancy,aai-rf,,5,,,,,7,scored,,,,,rf-coder-1,yes,,",
    ]);
    expect(r.err).toContain('aairf_2: "X" is not an allowed response; expected one of F, Ds, E, U, CC');
    expect(r.err).toContain("coder_missing");
  });

  it("a long file gives the same scores as the wide file", async () => {
    const d = freshDir();
    const long = [
      "subject_id,administered_on,respondent,instrument,item,value,coder_id,coder_certified",
      "F01,2025-01-10,mother,pdi-rf,pdirf_1,4,rf-coder-1,ja",
      "F01,2025-01-10,mother,pdi-rf,pdirf_2,5,rf-coder-1,ja",
      "F01,2025-01-12,mother,aai-rf,aairf_1,3,rf-coder-2,no",
      "F01,2025-01-12,mother,aai-rf,aairf_2,U,rf-coder-2,no",
      "F01,2025-09-10,mother,pdi-rf,pdirf_1,6,,",
    ].join("\n");
    writeFileSync(join(d, "long.csv"), long + "\n");
    const r = await inProc(["score", "long.csv"], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split("\n").slice(1)).toEqual([
      "F01,2025-01-10,mother,pdi-rf,,overall_rf,4,scored,,1,1,",
      "F01,2025-01-12,mother,aai-rf,,overall_rf,3,scored,,1,1,coder_not_certified",
      "F01,2025-09-10,mother,pdi-rf,,overall_rf,6,scored,,1,1,coder_missing",
    ]);
  });

  it("an unreadable coder_certified cell is an error naming the column", async () => {
    const d = freshDir();
    writeFileSync(join(d, "bad.csv"), "subject_id,administered_on,coder_id,coder_certified,pdirf_1\nF01,2025-01-10,c1,maybe,5\n");
    const r = await inProc(["validate", "bad.csv"], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.err).toContain('"maybe" is not valid; expected whether the coder is certified');
  });
});

describe("header names", () => {
  it("are matched ignoring case and spaces, with an info note per renamed column", async () => {
    const csv = "Subject ID,Administered_On,EPDS_1,epds_2,epds_3,epds_4,epds_5,epds_6,epds_7,epds_8,epds_9,epds_10\nF1,2025-01-01,1,1,1,1,1,1,1,1,1,1\n";
    const x = await inProc(["score", "-"], { stdin: csv });
    expect(x.code).toBe(0);
    expect(x.out).toMatch(/\nF1,2025-01-01,,epds,postnatal,total,17,/);
    expect(x.err).toContain('info [column_renamed] column "Subject ID" is read as "subject_id"');
    expect(x.err).toContain('column "EPDS_1" is read as "epds_1"');
  });
});
