/**
 * `--format jsonl` on trend, fit, goals and cohort (issue 14, point 3): line k is the json format's record k (the
 * array the json document holds), one compact JSON text a line ending in \n; the json document's other fields are
 * left out. Exit code and stderr are those of json; --out is atomic; no records is an empty file; the text is
 * written in pieces while the records are made, never as one string.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/run.js";
import { AtomicFile, outputError } from "../../src/io/atomic.js";
import { spawned } from "../helpers/cli.js";

const DEMO = readFileSync(new URL("../../datasets/demo-cohort.csv", import.meta.url), "utf8");
const GOALS = new URL("../../datasets/demo-goals.yaml", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "trivsel-jsonl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => void vi.restoreAllMocks());

/**
 * The demo cohort spoiled: every 7th item cell blank, every 13th a letter, a row without subject, one with a date
 * that is not one, one without a date, and one family renamed to an id JSON must escape (quote, æ, backslash).
 */
function spoiled(): string {
  const [header, ...rows] = DEMO.trimEnd().split("\n");
  const items = header!.split(",").map((n) => /_\d+$/.test(n));
  let k = 0;
  const out = rows.map((r) => {
    const cells = r.split(",");
    for (let c = 0; c < cells.length; c++) if (items[c] && cells[c] !== "" && ++k % 7 === 0) cells[c] = k % 13 === 0 ? "x" : "";
    if (cells[0] === "F003") cells[0] = '"F""æ\\3"';
    return cells.join(",");
  });
  const blank = (i: number, col: number, v: string) => (out[i] = out[i]!.split(",").map((c, j) => (j === col ? v : c)).join(","));
  blank(4, 0, "");
  blank(8, 2, "2025-02-30");
  blank(11, 2, "");
  return `${header}\n${out.join("\n")}\n`;
}

const FILES = { demo: join(dir, "demo.csv"), spoiled: join(dir, "spoiled.csv") };
writeFileSync(FILES.demo, DEMO);
writeFileSync(FILES.spoiled, spoiled());

const COMMANDS: string[][] = [
  ["trend"],
  ["trend", "--since", "birth", "--norms", "sample"],
  ["fit", "--sessions", "4"],
  ["goals", "--goals", GOALS],
  ["cohort", "--by", "municipality", "--by", "phase"],
  ["cohort", "--norms", "sample"],
];

/** The list the json document holds: the records jsonl writes. */
const recordsOf = (command: string, doc: unknown): unknown[] => {
  const d = doc as Record<string, unknown[]>;
  return command === "goals" ? (doc as unknown[]) : command === "trend" ? d.analyses! : command === "fit" ? d.families! : d.rows!;
};

async function cli(argv: string[], cwd = dir): Promise<{ code: number; out: string; err: string; pieces: number[] }> {
  const io = memoryIo("");
  io.cwd = cwd;
  const pieces: number[] = [];
  const code = await run(argv, { ...io, stdout: (s) => (pieces.push(s.length), io.stdout(s)), stdoutBytes: (b) => (pieces.push(b.length), io.stdoutBytes!(b)) });
  return { code, out: io.out, err: io.err, pieces };
}

/** The lines of a jsonl text, each checked to be one compact JSON text (as JSON.stringify writes it). */
function lines(text: string): unknown[] {
  if (text === "") return [];
  expect(text.endsWith("\n")).toBe(true);
  expect(text).not.toContain("\r");
  return text
    .slice(0, -1)
    .split("\n")
    .map((l) => {
      const v = JSON.parse(l) as unknown;
      expect(typeof v === "object" && v !== null && !Array.isArray(v)).toBe(true);
      expect(l).toBe(JSON.stringify(v));
      return v;
    });
}

const label = (c: string[]) => c.join(" ").replace(GOALS, "demo-goals.yaml");

describe.each(Object.entries(FILES))("--format jsonl on the %s cohort", (_name, file) => {
  it.each(COMMANDS.map((c) => [label(c), c] as const))("%s: line k is the json format's record k; exit code and stderr as json", async (_, [command, ...rest]) => {
    const argv = [command!, file, ...rest];
    const json = await cli([...argv, "--format", "json"]);
    const jsonl = await cli([...argv, "--format", "jsonl"]);
    const records = recordsOf(command!, JSON.parse(json.out));
    expect(records.length).toBeGreaterThan(0);
    expect(lines(jsonl.out)).toEqual(records);
    expect(jsonl.code).toBe(json.code);
    expect(jsonl.err).toBe(json.err);
    // --out: the same bytes in the file, nothing on standard output
    const out = join(dir, `${command}.jsonl`);
    rmSync(out, { force: true });
    const toFile = await cli([...argv, "--format", "jsonl", "--out", out, "--quiet"]);
    expect(toFile.code).toBe(json.code);
    expect(toFile.out).toBe("");
    expect(readFileSync(out, "utf8")).toBe(jsonl.out);
    // --strict with the demo's error rows: nothing at all, as with json
    for (const format of ["json", "jsonl"]) expect((await cli([...argv, "--format", format, "--strict", "--quiet"])).out).toBe("");
  });
});

describe("--format jsonl, the rest of its contract", () => {
  it("the spoiled cohort's rows without subject or date are issues, not lines (as in the CSV); trend's json lists them in skipped", async () => {
    const json = await cli(["trend", FILES.spoiled, "--format", "json", "--quiet"]);
    expect((JSON.parse(json.out) as { skipped: { row: number }[] }).skipped.map((s) => s.row)).toEqual([6, 10, 13]);
    for (const row of [6, 10, 13]) expect(json.err).toMatch(new RegExp(`spoiled\\.csv, row ${row}, column (subject_id|administered_on): error`));
    const jsonl = lines((await cli(["trend", FILES.spoiled, "--format", "jsonl", "--quiet"])).out) as { subjectId: string }[];
    expect(jsonl.some((a) => a.subjectId === 'F"æ\\3')).toBe(true);
    expect(jsonl.every((a) => "subjectId" in a && !("skipped" in a) && !("since" in a))).toBe(true);
  });

  it.each([
    ["trend", []],
    ["fit", []],
    ["cohort", []],
    ["goals", ["--goals", "none.yaml"]],
  ] as const)("no records: %s writes an empty file (0 bytes) to --out and nothing to standard output; json an empty list", async (command, extra) => {
    const d = mkdtempSync(join(dir, "empty-"));
    writeFileSync(join(d, "none.yaml"), "goals: []\n");
    // goals: no goals on the demo cohort; the others: a file with a header and no rows
    const input = command === "goals" ? FILES.demo : join(d, "in.csv");
    writeFileSync(join(d, "in.csv"), "subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4,srs_1,srs_2,srs_3,srs_4\n");
    const argv = [command, input, ...extra];
    const json = await cli([...argv, "--format", "json"], d);
    expect(recordsOf(command, JSON.parse(json.out))).toEqual([]);
    const jsonl = await cli([...argv, "--format", "jsonl"], d);
    expect([jsonl.out, jsonl.code, jsonl.err]).toEqual(["", json.code, json.err]);
    expect((await cli([...argv, "--format", "jsonl", "--out", "out.jsonl"], d)).code).toBe(json.code);
    expect(readFileSync(join(d, "out.jsonl"), "utf8")).toBe("");
  });

  it("is written in pieces of about 64 kB while the records are made, never as one string", async () => {
    const r = await cli(["trend", FILES.demo, "--format", "jsonl", "--quiet"]);
    expect(r.out.length).toBeGreaterThan(4 * 65536);
    expect(r.pieces.length).toBeGreaterThan(4);
    const longest = Math.max(...r.out.split("\n").map((l) => l.length + 1));
    for (const n of r.pieces) expect(n).toBeLessThan(65536 + longest);
  });

  /** Goals for every family of the demo cohort: a goals output of more than one written piece. */
  const manyGoals = () => {
    const ids = [...new Set(DEMO.trimEnd().split("\n").slice(1).map((r) => r.slice(0, r.indexOf(","))))];
    const goal = (id: string, m: string, target: object) => ({ id: `${id}-${m}`, subjectId: id, goal: m, measure: { instrument: m, scale: "total", respondent: "mother" }, target, start: "2024-01-01", review: "2026-01-01" });
    return JSON.stringify({ goals: ids.flatMap((id) => [goal(id, "ors", { kind: "reliable_improvement" }), goal(id, "epds", { kind: "below", value: 10 }), goal(id, "pss", { kind: "reliable_improvement" })]) });
  };

  it.each([
    ["trend", []],
    ["fit", []],
    ["goals", ["--goals", "many.json"]],
    ["cohort", ["--by", "municipality", "--by", "phase"]],
  ] as const)("%s: a disk full after the first piece leaves the old --out file as it was and no temporary file", async (command, extra) => {
    const d = mkdtempSync(join(dir, "full-"));
    writeFileSync(join(d, "in.csv"), DEMO);
    writeFileSync(join(d, "many.json"), manyGoals());
    writeFileSync(join(d, "out.jsonl"), "yesterday's lines\n");
    // JSON Lines reach the file as bytes
    const writeBytes = AtomicFile.prototype.writeBytes;
    let pieces = 0;
    vi.spyOn(AtomicFile.prototype, "writeBytes").mockImplementation(function (this: AtomicFile, b: Uint8Array) {
      if (this.path.endsWith("out.jsonl") && ++pieces === 2) throw outputError(this.path, Object.assign(new Error("no space"), { code: "ENOSPC" }));
      writeBytes.call(this, b);
    });
    const r = await cli([command, "in.csv", ...extra, "--format", "jsonl", "--out", "out.jsonl", "--quiet"], d);
    expect(pieces).toBe(2);
    expect(r.code).toBe(2);
    expect(r.err).toContain("out.jsonl: the disk is full");
    expect(r.err).toContain("Nothing was written.");
    expect(readdirSync(d).sort()).toEqual(["in.csv", "many.json", "out.jsonl"]);
    expect(readFileSync(join(d, "out.jsonl"), "utf8")).toBe("yesterday's lines\n");
  });

  it("reads standard input too (-), and --out - is standard output", async () => {
    const io = memoryIo(DEMO);
    expect(await run(["fit", "-", "--format", "jsonl", "--out", "-", "--quiet"], io)).toBe(2);
    expect(io.out).toBe((await cli(["fit", FILES.demo, "--format", "jsonl", "--quiet"])).out);
    expect(existsSync(join(process.cwd(), "-"))).toBe(false);
  });

  it("the built CLI writes the same UTF-8 lines to its standard output (an id with æ, a quote and a backslash)", async () => {
    const argv = ["trend", FILES.spoiled, "--instrument", "ors", "--format", "jsonl"];
    const inside = await cli(argv);
    const outside = spawned(argv);
    expect([outside.code, outside.out, outside.err]).toEqual([inside.code, inside.out, inside.err]);
    expect(outside.out).toContain('"subjectId":"F\\"æ\\\\3"');
  });

  it("shows in the help of trend, fit, goals and cohort, and is refused with the usual message elsewhere", async () => {
    for (const command of ["trend", "fit", "goals", "cohort"]) {
      const help = await cli([command, "--help"]);
      expect(help.out).toContain("[--format csv|json|jsonl]");
      expect(help.out).toMatch(/--format <csv\|json\|jsonl>\s+output format \(default csv\); jsonl: JSON Lines/);
    }
    const trend = await cli(["trend", FILES.demo, "--format", "xml"]);
    expect([trend.code, trend.out]).toEqual([1, ""]);
    expect(trend.err).toMatch(/^trivsel trend: --format must be one of csv, json, jsonl; received "xml"/);
    const score = await cli(["score", FILES.demo, "--format", "jsonl"]);
    expect([score.code, score.out]).toEqual([1, ""]);
    expect(score.err).toMatch(/^trivsel score: --format must be one of long, wide, json; received "jsonl"/);
  });
});
