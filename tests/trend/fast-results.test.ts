/**
 * Progression commands on the fast path (results built from the compiled scorer, src/io/fast-results.ts) against
 * the full path (TRIVSEL_NO_FAST_PATH=1): trend, fit, cohort and goals, CSV, JSON and JSON Lines, on files with phases,
 * birth dates, EPDS forms, blank cells and bad values. stdout, stderr, --out, --issues and the exit code must be
 * the same bytes, and the fast path must have been taken.
 */
import { mulberry32 } from "../../scripts/prng.js";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { memoryIo } from "../../src/cli/io.js";
import { builtRows } from "../../src/io/fast-results.js";
import { eachResult, readResults } from "../../src/io/read-results.js";
import { defaultRegistry, type Registry } from "../../src/registry/registry.js";
import { registryFromFiles } from "../../src/io/registry-files.js";
import type { Issue } from "../../src/schema/results.js";

const DEMO = readFileSync(new URL("../../datasets/demo-cohort.csv", import.meta.url), "utf8");
const GOALS = new URL("../../datasets/demo-goals.yaml", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "trivsel-fast-results-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** a seeded generator, so a failure can be reproduced */
const random = mulberry32;

/**
 * The demo cohort with item cells blanked (rate `blank`) or spoiled (rate `bad`: a letter, a number out of range,
 * a decimal), and some birth dates and phases blanked, so rows take both paths and scales are prorated or not
 * scorable.
 */
function spoiled(seed: number, blank: number, bad: number): string {
  const rnd = random(seed);
  const [header, ...rows] = DEMO.trimEnd().split("\n");
  const names = header!.split(",");
  const meta = new Set(["subject_id", "municipality", "administered_on", "respondent", "phase", "birth_date", "gestational_weeks", "form", "coder_id", "coder_certified"]);
  const out = rows.map((r) => {
    const cells = r.split(",");
    if (cells.length !== names.length) return r;
    for (let k = 0; k < cells.length; k++) {
      const name = names[k]!;
      if (name === "birth_date" || name === "phase") {
        if (rnd() < 0.05) cells[k] = "";
        continue;
      }
      if (meta.has(name) || cells[k] === "") continue;
      const x = rnd();
      if (x < blank) cells[k] = "";
      else if (x < blank + bad) cells[k] = ["x", "99", "1.5", " 2"][Math.floor(rnd() * 4)]!;
    }
    return cells.join(",");
  });
  return `${header}\n${out.join("\n")}\n`;
}

/** The demo cohort's EPDS, PSS, ORS and SRS columns alone: birth dates then come only from rows on the fast path. */
function selfReport(): string {
  const rows = DEMO.trimEnd().split("\n").map((r) => r.split(","));
  const keep = rows[0]!.map((n, k) => (/^(subject_id|municipality|administered_on|respondent|phase|birth_date|(epds|pss|ors|srs)_\d+)$/.test(n) ? k : -1)).filter((k) => k >= 0);
  return `${rows.map((r) => keep.map((k) => r[k] ?? "").join(",")).join("\n")}\n`;
}

const files: [string, string][] = [
  ["demo", DEMO],
  ["self-report columns", selfReport()],
  ["blanks", spoiled(3, 0.02, 0)],
  ["blanks and bad values", spoiled(5, 0.03, 0.01)],
];

async function cli(args: string[], fast: boolean): Promise<string> {
  const io = memoryIo("");
  const out = join(dir, "out");
  const issues = join(dir, "issues.csv");
  rmSync(out, { force: true });
  rmSync(issues, { force: true });
  const before = process.env.TRIVSEL_NO_FAST_PATH;
  if (!fast) process.env.TRIVSEL_NO_FAST_PATH = "1";
  else delete process.env.TRIVSEL_NO_FAST_PATH;
  try {
    const code = await run([...args, "--issues", issues], io);
    const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "(no file)");
    const outCode = await run([...args, "--out", out, "--quiet"], memoryIo(""));
    return JSON.stringify({ code, out: io.out, err: io.err, outCode, outFile: read(out), issues: read(issues) }, null, 1);
  } finally {
    if (before === undefined) delete process.env.TRIVSEL_NO_FAST_PATH;
    else process.env.TRIVSEL_NO_FAST_PATH = before;
  }
}

const COMMANDS: string[][] = [
  ["trend"],
  ["trend", "--norms", "sample"],
  ["trend", "--since", "birth", "--instrument", "epds"],
  ["fit"],
  ["cohort", "--by", "municipality", "--by", "phase"],
  ["cohort", "--by", "municipality", "--norms", "sample"],
  ["goals", "--goals", GOALS],
  ["goals", "--goals", GOALS, "--norms", "sample"],
];

/** Everything eachResult hands on for `path` (results, grouping columns, birth dates, issues), as one JSON text. */
async function handedOn(path: string, registry: Registry, fast: boolean, transient: boolean): Promise<string> {
  const issues: Issue[] = [];
  if (!fast) process.env.TRIVSEL_NO_FAST_PATH = "1";
  try {
    const results: string[] = [];
    const r = await eachResult({ path }, registry, { sharedScales: true, transient }, (i) => issues.push(i), (result, extras) => results.push(JSON.stringify([result, extras])));
    return JSON.stringify({ ...r, results, birthDates: [...r.birthDates], issues });
  } finally {
    delete process.env.TRIVSEL_NO_FAST_PATH;
  }
}

/** --format jsonl writes the json format's records: one run per command is enough */
const JSONL = [COMMANDS[0]!, COMMANDS[3]!, COMMANDS[4]!, COMMANDS[6]!].map((c) => [...c, "--format", "jsonl"]);

describe.each(files)("progression on the fast path writes what the full path writes (%s)", (name, text) => {
  const path = join(dir, `${name.replace(/\s+/g, "-")}.csv`);
  writeFileSync(path, text);

  it.each([...COMMANDS.flatMap((c) => [c, [...c, "--format", "json"]]), ...JSONL].map((c) => [c.join(" ").replace(GOALS, "demo-goals.yaml"), c] as const))("%s", async (_, args) => {
    const [command, ...rest] = args;
    const argv = [command!, path, ...rest];
    const slow = await cli(argv, false);
    const taken = builtRows.count;
    const direct = builtRows.direct;
    const fast = await cli(argv, true);
    expect(builtRows.count).toBeGreaterThan(taken);
    // trend, cohort and fit read built rows without result objects (SeriesCollector and FitCollector addBuilt)
    if (command !== "goals") expect(builtRows.direct).toBeGreaterThan(direct);
    expect(fast).toBe(slow);
  });

  it("hands on the same results, grouping columns, birth dates and issues", async () => {
    const registry = defaultRegistry();
    const read = (fast: boolean, transient = false) => handedOn(path, registry, fast, transient);
    const slow = await read(false);
    const taken = builtRows.count;
    const fast = await read(true);
    expect(builtRows.count - taken).toBeGreaterThan(100);
    expect(fast).toBe(slow);
    // a caller that keeps nothing gets the objects of the row before, set again: the same results as it reads them
    const reused = builtRows.reused;
    expect(await read(true, true)).toBe(slow);
    expect(builtRows.reused - reused).toBeGreaterThan(100);
    // readResults keeps every result for its caller to use as it likes: none shares its scale results
    const before = builtRows.count;
    await readResults({ path }, registry, {}, () => {});
    expect(builtRows.count).toBe(before);
  });
});

/**
 * A user definition whose scale is prorated (the ORS with one line allowed missing, as "orsp"): rows on the fast
 * path then carry issues (missing_adjusted) and not-scorable scales, which must come in the full path's order.
 */
describe("progression on the fast path with a prorated user definition", () => {
  const def = JSON.parse(readFileSync(new URL("../../instruments/ors.json", import.meta.url), "utf8").replace(/"ors_/g, '"orsp_')) as Record<string, unknown> & { scales: { missing: unknown }[] };
  def.id = "orsp";
  def.itemPrefix = "orsp_";
  def.$schema = undefined;
  def.scales[0]!.missing = { kind: "prorate", maxMissing: 1, source: { ref: "miller2003", provenance: "policy" } };
  const defPath = join(dir, "orsp.json");
  writeFileSync(defPath, JSON.stringify(def));
  const rnd = random(17);
  const lines = ["subject_id,municipality,administered_on,respondent,phase,orsp_1,orsp_2,orsp_3,orsp_4"];
  for (let f = 0; f < 60; f++)
    for (let w = 0; w < 8; w++) {
      const cells = Array.from({ length: 4 }, () => (rnd() < 0.12 ? "" : (rnd() * 10).toFixed(1)));
      lines.push(`P${f},${["A", "B"][f % 2]},2024-0${1 + Math.floor(w / 4)}-${String(1 + 7 * (w % 4)).padStart(2, "0")},${f % 3 ? "mother" : "father"},${w < 4 ? "pre" : "post"},${cells.join(",")}`);
    }
  const path = join(dir, "orsp.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);

  it.each([["trend"], ["trend", "--format", "json", "--norms", "sample"], ["cohort", "--by", "municipality", "--by", "phase"]])("%s %s %s %s", async (...args: string[]) => {
    const argv = [args[0]!, path, ...args.slice(1).filter((a) => a !== undefined), "--definition", defPath];
    const slow = await cli(argv, false);
    const taken = builtRows.count;
    const direct = builtRows.direct;
    const fast = await cli(argv, true);
    expect(builtRows.count).toBeGreaterThan(taken);
    expect(builtRows.direct).toBeGreaterThan(direct);
    expect(slow).toContain("missing_adjusted");
    expect(fast).toBe(slow);
  });

  it("hands on the same results and issues, also to a caller that keeps nothing (objects set again row after row)", async () => {
    const registry = registryFromFiles(dir, { definitions: [defPath] });
    const read = (fast: boolean, transient: boolean) => handedOn(path, registry, fast, transient);
    const slow = await read(false, false);
    expect(slow).toContain("missing_adjusted");
    const reused = builtRows.reused;
    expect(await read(true, true)).toBe(slow);
    expect(builtRows.reused - reused).toBeGreaterThan(100);
    expect(await read(true, false)).toBe(slow);
  });
});

