/**
 * `trivsel export` (issue #3), in-process through run(argv, memoryIo()) and as a spawned `node dist/cli.js`:
 * keyed pseudonyms, relative dates, the data dictionary beside the cohort file, the CPR guard, formula
 * neutralisation, atomic writes, untouched inputs and byte-identical reruns.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, inProc, ROOT, sha, spawned, type Ran } from "./helpers/cli.js";
import { looksLikeCpr } from "../src/export/cohort.js";

const FIX = join(ROOT, "tests/fixtures/csv/");
const COMMA = `${FIX}wide-comma-iso.csv`;
const DANISH = `${FIX}wide-danish-excel.csv`;
const KEY = "a-very-secret-key-123456";
const OTHER_KEY = "another-secret-key-7890";
// printf S01 | openssl dgst -sha256 -hmac 'a-very-secret-key-123456'  (first 16 hex digits), likewise S02, S03
const P = { S01: "p_0363956be8f20110", S02: "p_f6713cf80a5e6065", S03: "p_135c2957d6c24306" };
// printf S01 | openssl dgst -sha256 -hmac 'another-secret-key-7890'
const P_OTHER_S01 = "p_a41bea3a0058e5df";

const HEADER_PSEUDO =
  "subject_id,day,respondent,phase,note,instrument,definition_version,form,scale,direction,score,status,band,band_concern,band_rule,cutoff_provenance,cutoff_source,n_answered,n_items,flags,provisional";

const parse = (p: string) => Papa.parse<Record<string, string>>(readFileSync(p, "utf8").trimEnd(), { header: true }).data;

let tmp: string;
let n = 0;
/** a fresh directory holding the key files */
const freshDir = () => {
  const d = join(tmp, `d${n++}`);
  mkdirSync(d);
  writeFileSync(join(d, "site.key"), `${KEY}\n`);
  writeFileSync(join(d, "other.key"), OTHER_KEY);
  return d;
};
const outputs = (d: string) => readdirSync(d).filter((f) => !f.endsWith(".key") && !f.startsWith("in"));
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it through pretest)`);
  tmp = mkdtempSync(join(tmpdir(), "trivsel-export-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("pseudonymised cohort with relative dates", () => {
  let d: string;
  let r: Ran;
  beforeAll(async () => {
    d = freshDir();
    r = await inProc(["export", COMMA, "--out", "cohort.csv", "--pseudonymize", "--key-file", "site.key", "--relative-dates"], d);
  });

  it("exit 0; nothing on stdout; a summary on stderr; cohort and dictionary only", () => {
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/wrote 11 rows to cohort\.csv and the data dictionary to .*cohort\.dictionary\.csv: 0 errors, 3 warnings in the input\n$/);
    expect(outputs(d).sort()).toEqual(["cohort.csv", "cohort.dictionary.csv"]);
  });

  it("rows: HMAC-SHA-256 pseudonyms, days since the subject's first administration, scores and cutoff provenance", () => {
    const text = readFileSync(join(d, "cohort.csv"), "utf8");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe(HEADER_PSEUDO);
    // S01 first seen 2025-01-15; 2025-03-01 is 16 + 28 + 1 = 45 days later
    expect(lines[4]).toBe(`${P.S01},0,mother,intensive,"called, twice",ors,1.1.0,adult,total,higher_is_better,22.5,scored,clinical,true,< 25,secondary,"openfit-kb: Reliable change (ORS): clinical cutoff 25 for adults; the openFIT dashboard counts a score at the cutoff as above it (clinical = below 25)",4,4,,false`);
    expect(parse(join(d, "cohort.csv")).map((x) => [x.subject_id, x.day, x.instrument, x.scale, x.score, x.band])).toEqual([
      [P.S01, "0", "pss", "total", "54", ""],
      [P.S01, "0", "epds", "total", "10", "possible_depression"],
      [P.S01, "0", "epds", "anxiety_3a", "5", "possible_anxiety"],
      [P.S01, "0", "ors", "total", "22.5", "clinical"],
      [P.S01, "45", "epds", "total", "0", "below_threshold"],
      [P.S01, "45", "epds", "anxiety_3a", "0", "below_threshold"],
      [P.S02, "0", "ors", "total", "33.5", "non_clinical"],
      [P.S02, "0", "srs", "total", "37", "alliance_ok"],
      [P.S03, "0", "pss", "total", "61", ""],
      [P.S03, "0", "asq-se-2", "total", "40", "refer"],
      [P.S03, "0", "asq-se-2", "average_item", "2.5", ""],
    ]);
    expect(text).not.toMatch(/\bS0[123]\b/);
    expect(text).not.toMatch(/2025-\d\d-\d\d/);
  });

  it("the data dictionary sits beside it and describes every column, in order", () => {
    const dict = parse(join(d, "cohort.dictionary.csv"));
    expect(readFileSync(join(d, "cohort.dictionary.csv"), "utf8").split("\n")[0]).toBe("column,meaning,type,allowed_values");
    expect(dict.map((x) => x.column)).toEqual(HEADER_PSEUDO.split(","));
    expect(dict.find((x) => x.column === "day")).toMatchObject({ type: "integer", meaning: "days since the subject's first administration in this file" });
    expect(dict.find((x) => x.column === "note")).toMatchObject({ meaning: "grouping column carried over from the input" });
  });

  it("the key appears in no output, message or file", () => {
    const all = [r.out, r.err, ...outputs(d).map((f) => readFileSync(join(d, f), "utf8"))].join("\n");
    expect(all).not.toContain(KEY);
  });

  it("the same key gives the same pseudonyms in another export (the Danish twin); another key other ones", async () => {
    const d2 = freshDir();
    const s = await inProc(["export", DANISH, "--out", "c.csv", "--pseudonymize", "--key-file", "site.key", "--relative-dates"], d2);
    expect(s.code).toBe(0);
    expect(s.out).toBe("");
    const a = parse(join(d, "cohort.csv"));
    const b = parse(join(d2, "c.csv"));
    // identical but for the free-text note column
    const strip = (rows: Record<string, string>[]) => rows.map(({ note: _note, ...rest }) => rest);
    expect(strip(b)).toEqual(strip(a));
    const o = await inProc(["export", COMMA, "--out", "o.csv", "--pseudonymize", "--key-file", "other.key"], d2);
    expect(o.code).toBe(0);
    const other = parse(join(d2, "o.csv"));
    expect(other[0]!.subject_id).toBe(P_OTHER_S01);
    expect(new Set(other.map((x) => x.subject_id)).has(P.S01)).toBe(false);
    expect([s.err, o.err, readFileSync(join(d2, "o.csv"), "utf8")].join("")).not.toContain(OTHER_KEY);
  });

  it("in-process and spawned exports are byte-identical, and so are two runs; the input is not modified", async () => {
    const before = sha(COMMA);
    const d2 = freshDir();
    const argv = ["export", COMMA, "--out", "cohort.csv", "--pseudonymize", "--key-file", "site.key", "--relative-dates"];
    expect(spawned(argv, d2).code).toBe(0);
    expect(readFileSync(join(d2, "cohort.csv"))).toEqual(readFileSync(join(d, "cohort.csv")));
    expect(readFileSync(join(d2, "cohort.dictionary.csv"))).toEqual(readFileSync(join(d, "cohort.dictionary.csv")));
    expect((await inProc(argv, d2)).code).toBe(0);
    expect(readFileSync(join(d2, "cohort.csv"))).toEqual(readFileSync(join(d, "cohort.csv")));
    expect(outputs(d2).sort()).toEqual(["cohort.csv", "cohort.dictionary.csv"]);
    expect(sha(COMMA)).toBe(before);
  });
});

describe("without pseudonyms and with relative dates on unsorted rows", () => {
  it("plain export keeps ids and ISO dates", async () => {
    const d = freshDir();
    const r = await inProc(["export", DANISH, "--out", "plain.csv"], d);
    expect(r.code).toBe(0);
    const rows = parse(join(d, "plain.csv"));
    expect(Object.keys(rows[0]!).slice(0, 2)).toEqual(["subject_id", "administered_on"]);
    expect(rows.map((x) => `${x.subject_id} ${x.administered_on}`)).toEqual([
      ...Array<string>(4).fill("S01 2025-01-15"),
      "S01 2025-03-01",
      "S01 2025-03-01",
      "S02 2025-02-10",
      "S02 2025-02-10",
      ...Array<string>(3).fill("S03 2025-03-10"),
    ]);
    expect(existsSync(join(d, "plain.dictionary.csv"))).toBe(true);
  });

  it("days count from each subject's earliest date wherever it is in the file (leap day and new year included)", async () => {
    const d = freshDir();
    const csv = [
      "subject_id,administered_on,ors_1,ors_2,ors_3,ors_4",
      "A,01.03.2024,5,5,5,5", // A's first date is 2024-02-28 (row 4): 2024 is a leap year, so 2 days
      "B,01-01-2025,5,5,5,5", // B's first is 2024-12-31: 1 day
      "A,2024-02-28,5,5,5,5",
      "B,2024-12-31,5,5,5,5",
      "A,2025-02-28,5,5,5,5", // 2024-02-28 → 2025-02-28 spans 29 Feb 2024: 366 days
    ].join("\n");
    writeFileSync(join(d, "in.csv"), csv + "\n");
    const r = await inProc(["export", "in.csv", "--out", "rel.csv", "--relative-dates"], d);
    expect(r.code).toBe(0);
    expect(parse(join(d, "rel.csv")).map((x) => `${x.subject_id} ${x.day}`)).toEqual(["A 2", "B 1", "A 0", "B 0", "A 366"]);
  });
});

describe("CPR numbers stop the export", () => {
  const write = (d: string, csv: string) => writeFileSync(join(d, "in.csv"), csv);
  const ORS = "subject_id,administered_on,note,ors_1,ors_2,ors_3,ors_4\nA1,2025-01-01,ok,1,2,3,4\n";

  it("looksLikeCpr: ddmmyy-xxxx and ddmmyyxxxx with a real day and month", () => {
    expect(["010190-1234", "0101901234", "cpr 311290-1234 here", "290200-1234"].map(looksLikeCpr)).toEqual([true, true, true, true]);
    // 32nd day, 13th month, 31 November, 11 digits, a date-like id of other shape
    expect(["320190-1234", "011390-1234", "311190-1234", "01019012345", "2025-01-01", "S01"].map(looksLikeCpr)).toEqual([false, false, false, false, false, false]);
  });

  it.each([
    ["subject_id, ddmmyy-xxxx", `${ORS}010190-1234,2025-01-02,ok,1,2,3,4\n`, "row 3, column subject_id"],
    ["a grouping column, ddmmyyxxxx", `${ORS}A2,2025-01-02,cpr 0101901234,1,2,3,4\n`, "row 3, column note"],
  ])("%s: exit 2, a clear error, and no file at all (in-process and spawned)", async (_name, csv, where) => {
    for (const mode of where.includes("subject_id") ? (["in-process", "spawned"] as const) : (["in-process"] as const)) {
      const d = freshDir();
      write(d, csv);
      writeFileSync(join(d, "keep.csv"), "old contents\n");
      for (const out of mode === "spawned" ? ["new.csv"] : ["new.csv", "keep.csv"]) {
        const argv = ["export", "in.csv", "--out", out];
        const r = mode === "spawned" ? spawned(argv, d) : await inProc(argv, d);
        expect(r.code).toBe(2);
        expect(r.out).toBe("");
        expect(r.err).toContain(`in.csv: ${where}: a value looks like a Danish CPR number (ddmmyy-xxxx); export stopped and nothing was written.`);
        expect(r.err).toContain("--allow-cpr");
        expect(r.err).not.toMatch(/\n\s{4}at /);
        // the number itself is not repeated on the terminal
        expect(r.err).not.toMatch(/0101901234|010190-1234/);
      }
      // no new file, no dictionary, no temp file; an existing target is left as it was (atomic)
      expect(outputs(d)).toEqual(["keep.csv"]);
      expect(readFileSync(join(d, "keep.csv"), "utf8")).toBe("old contents\n");
    }
  });

  it("--allow-cpr exports the values", async () => {
    const d = freshDir();
    write(d, `${ORS}010190-1234,2025-01-02,ok,1,2,3,4\n`);
    const r = await inProc(["export", "in.csv", "--out", "c.csv", "--allow-cpr"], d);
    expect(r.code).toBe(0);
    expect(parse(join(d, "c.csv")).map((x) => x.subject_id)).toEqual(["A1", "010190-1234"]);
  });

  it("pseudonymised ids leave no CPR number in the output, so the export goes ahead", async () => {
    const d = freshDir();
    write(d, `${ORS}010190-1234,2025-01-02,ok,1,2,3,4\n`);
    const r = await inProc(["export", "in.csv", "--out", "c.csv", "--pseudonymize", "--key-file", "site.key"], d);
    expect(r.code).toBe(0);
    // printf 010190-1234 | openssl dgst -sha256 -hmac 'a-very-secret-key-123456'
    expect(parse(join(d, "c.csv"))[1]!.subject_id).toBe("p_13f664a6727c4bb6");
    expect(readFileSync(join(d, "c.csv"), "utf8")).not.toContain("010190");
  });

  it("numbers that are not dates are not taken for CPR numbers", async () => {
    const d = freshDir();
    write(d, "subject_id,administered_on,note,ors_1,ors_2,ors_3,ors_4\n320190-1234,2025-01-01,311190-1234,1,2,3,4\n");
    const r = await inProc(["export", "in.csv", "--out", "c.csv"], d);
    expect(r.code).toBe(0);
    expect(parse(join(d, "c.csv"))[0]).toMatchObject({ subject_id: "320190-1234", note: "311190-1234" });
  });
});

describe("spreadsheet formulas are neutralised", () => {
  it("cells starting with = + - @ get a leading apostrophe; numbers such as -3 stay numbers (export and score)", async () => {
    const d = freshDir();
    writeFileSync(
      join(d, "in.csv"),
      'subject_id,administered_on,note,ors_1,ors_2,ors_3,ors_4\n=1+2,2025-01-01,-3,1,2,3,4\n@A1,2025-01-02,"=HYPERLINK(""http://x"",""y"")",1,2,3,4\n+45 1234,2025-01-03,-3.5,1,2,3,4\n-A,2025-01-04,-,1,2,3,4\n',
    );
    const r = await inProc(["export", "in.csv", "--out", "c.csv"], d);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(d, "c.csv"), "utf8").split("\n");
    expect(lines.slice(1, 5).map((l) => l.split(",ors,")[0])).toEqual([
      "'=1+2,2025-01-01,,,-3",
      '\'@A1,2025-01-02,,,"\'=HYPERLINK(""http://x"",""y"")"',
      "'+45 1234,2025-01-03,,,-3.5",
      "'-A,2025-01-04,,,'-",
    ]);
    const s = await inProc(["score", "in.csv"], d);
    expect(s.out.split("\n").slice(1, 5).map((l) => l.split(",")[0])).toEqual(["'=1+2", "'@A1", "'+45 1234", "'-A"]);
  });
});

describe("usage and input errors", () => {
  it.each([
    [["export", "IN"], /export needs --out <file\.csv>/, false],
    [["export", "IN", "--out", "c.csv", "--pseudonymize"], /--pseudonymize needs --key-file <file>/, false],
    [["export", "IN", "--out", "c.csv", "--key-file", "site.key"], /--key-file is only used with --pseudonymize/, false],
    [["export", "IN", "--out", "c.csv", "--pseudonymize", "--key-file", "missing.key"], /cannot read --key-file missing\.key: ENOENT/, false],
    [["export", "IN", "--out", "IN"], /--out \S+ is the input file/, false],
  ])("%j: exit 1, nothing written", async (argv, msg, spawn) => {
    const d = freshDir();
    const argvAbs = argv.map((a) => (a === "IN" ? COMMA : a));
    for (const r of [await inProc(argvAbs, d), ...(spawn ? [spawned(argvAbs, d)] : [])]) {
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toMatch(msg);
      expect(r.err).toContain("Run `trivsel export --help` for usage.");
    }
    expect(outputs(d)).toEqual([]);
  });

  it("a key shorter than 16 characters is refused before anything is written", async () => {
    const d = freshDir();
    writeFileSync(join(d, "short.key"), "short\n");
    const r = await inProc(["export", COMMA, "--out", "c.csv", "--pseudonymize", "--key-file", "short.key"], d);
    expect(r.code).toBe(1); // a usage error: the user gave an unusable key
    expect(r.err).toContain("the key in short.key must be at least 16 characters; it has 5");
    expect(r.err).not.toContain("short\n");
    expect(outputs(d)).toEqual([]);
  });

  it("--out naming the input by a relative path is refused and the input is kept", async () => {
    const d = freshDir();
    writeFileSync(join(d, "in-data.csv"), readFileSync(COMMA));
    const before = sha(join(d, "in-data.csv"));
    const r = await inProc(["export", "in-data.csv", "--out", "in-data.csv"], d);
    expect(sha(join(d, "in-data.csv"))).toBe(before);
    expect(r.code).toBe(1);
  });

  it("the dictionary never overwrites the input", async () => {
    const d = freshDir();
    writeFileSync(join(d, "in.dictionary.csv"), readFileSync(COMMA));
    const before = sha(join(d, "in.dictionary.csv"));
    const r = await inProc(["export", "in.dictionary.csv", "--out", "in.csv"], d);
    expect(sha(join(d, "in.dictionary.csv"))).toBe(before);
    expect(r.code).toBe(1);
  });
});
