/**
 * Progression commands reading a large wide file with two threads (src/io/results-thread.ts) against one thread:
 * the same bytes of output, the same issues in the same order, the same exit code, on the demo cohort and on
 * variants that put what a cut could get wrong near or after it: families on both sides, blank lines, CRLF and a
 * BOM, semicolons with decimal commas, a stray quote and a quoted line break after the cut, a quote before it
 * (no cut), bytes that are not UTF-8, an unclosed quote, a NUL byte, an overlay. TRIVSEL_READ_THREAD=on cuts any
 * file that can be cut, however small.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eachResult } from "../../src/io/read-results.js";
import { cutOf, eachResultThreaded, errorFrom, linesBefore, plainBefore, sentError, threadedReads } from "../../src/io/results-thread.js";
import { FileError } from "../../src/io/rows.js";
import type { BuiltRow } from "../../src/io/fast-results.js";
import { defaultRegistry } from "../../src/registry/registry.js";
import type { Issue, ScoreResult } from "../../src/schema/results.js";
import { mulberry32 } from "../../scripts/prng.js";
import { CLI, ROOT } from "../helpers/cli.js";

const DEMO = readFileSync(join(ROOT, "datasets/demo-cohort.csv"), "utf8");
const [HEADER, ...ROWS] = DEMO.trimEnd().split("\n") as [string, ...string[]];
const SCRIPT = join(ROOT, "dist/results-worker.js");
const dir = mkdtempSync(join(tmpdir(), "trivsel-threads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the demo's rows, shuffled (families on both sides of any cut), with an out-of-range ORS line near the end */
function rows(seed: number): string[] {
  const rnd = mulberry32(seed);
  const out = [...ROWS];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  const cells = HEADER.split(",");
  const ors1 = cells.indexOf("ors_1");
  let k = out.length - 1;
  while (out[k]!.split(",")[ors1] === "") k--;
  const bad = out[k]!.split(",");
  bad[ors1] = "12.5";
  out[k] = bad.join(",");
  return out;
}

/** a file of the header and rows (line break `nl`), its path */
function file(name: string, body: string[], opts: { nl?: string; bom?: boolean; header?: string } = {}): string {
  const nl = opts.nl ?? "\n";
  const path = join(dir, name);
  writeFileSync(path, (opts.bom ? "\uFEFF" : "") + [opts.header ?? HEADER, ...body].join(nl) + nl);
  return path;
}

/** the row at `share` of the rows, changed by `f` */
function at(body: string[], share: number, f: (row: string) => string): string[] {
  const out = [...body];
  const k = Math.floor(out.length * share);
  out[k] = f(out[k]!);
  return out;
}

const municipality = (f: (m: string) => string) => (row: string) => {
  const cells = row.split(",");
  cells[1] = f(cells[1]!);
  return cells.join(",");
};

const plain = rows(1);
const FILES: Record<string, { path: string; cut: boolean; args?: string[] }> = {
  demo: { path: file("demo.csv", ROWS), cut: true },
  shuffled: { path: file("shuffled.csv", plain), cut: true },
  crlfBom: { path: file("crlf.csv", plain, { nl: "\r\n", bom: true }), cut: true },
  blankLines: { path: file("blank.csv", plain.flatMap((r, i) => (i % 37 === 0 ? [r, ""] : i % 101 === 0 ? ["", "", r] : [r]))), cut: true },
  semicolons: {
    path: file(
      "semicolon.csv",
      // every third municipality a decimal comma (read as 2.5 in a semicolon file: the delimiter reaches the worker's cells)
      plain.map((r, i) => municipality((m) => (i % 3 === 0 ? "2.5" : m))(r).split(",").map((c) => (/^\d+\.\d+$/.test(c) ? c.replace(".", ",") : c)).join(";")),
      { header: HEADER.replaceAll(",", ";") },
    ),
    cut: true,
  },
  quotesAfter: { path: file("quotes-after.csv", at(at(plain, 0.6, municipality((m) => `${m}"s`)), 0.8, municipality((m) => `"${m}\nnord"`))), cut: true },
  quoteBefore: { path: file("quote-before.csv", at(plain, 0.2, municipality((m) => `"${m}"`))), cut: false },
  notUtf8After: { path: file("latin1.csv", at(plain, 0.7, municipality((m) => `${m}\u00f8`))), cut: true },
  unclosedAfter: { path: file("unclosed.csv", at(plain, 0.9, municipality((m) => `"${m}`))), cut: true },
  nulAfter: { path: file("nul.csv", at(plain, 0.75, municipality((m) => `${m}\u0000`))), cut: true },
  overlay: { path: join(dir, "shuffled.csv"), cut: true, args: ["--overlay", "datasets/demo-asq-se-2-overlay.json"] },
};
// a byte that is not UTF-8 (latin-1 ø) in place of the UTF-8 one written above
{
  const p = FILES.notUtf8After!.path;
  const b = readFileSync(p);
  const k = b.indexOf(Buffer.from("\u00f8", "utf8"));
  writeFileSync(p, Buffer.concat([b.subarray(0, k), Buffer.from([0xf8]), b.subarray(k + 2)]));
}

const COMMANDS: string[][] = [
  ["trend", "--format", "json", "--since", "birth"],
  ["trend", "--instrument", "ors"],
  ["fit"],
  ["cohort", "--by", "municipality"],
];

/** a run, with every issue (standard error shows the first 50) from --issues */
function cli(mode: string, argv: string[]): { code: number | null; out: string; err: string; issues: string } {
  const issues = join(dir, `issues-${mode}.csv`);
  rmSync(issues, { force: true });
  const r = spawnSync(process.execPath, [CLI, ...argv, "--issues", issues], { cwd: ROOT, encoding: "utf8", timeout: 60_000, maxBuffer: 1 << 26, env: { ...process.env, TRIVSEL_READ_THREAD: mode } });
  if (r.error) throw r.error;
  let all = "";
  try {
    all = readFileSync(issues, "utf8");
  } catch {
    // no issues file: the run refused its options
  }
  return { code: r.status, out: r.stdout, err: r.stderr, issues: all };
}

describe("two reading threads give what one gives", () => {
  for (const [name, f] of Object.entries(FILES)) {
    it(`${name}: ${f.cut ? "cut" : "not cut"}, the same outputs, issues and exit codes`, async () => {
      const cut = await cutOf({ path: f.path }, defaultRegistry(), {}, 0);
      expect(cut !== undefined).toBe(f.cut);
      if (cut) {
        // just after a line break, past the header, before the end
        const bytes = readFileSync(f.path);
        expect(bytes[cut.at - 1]).toBe(0x0a);
        expect(cut.at).toBeGreaterThan(cut.headerEnd);
        expect(cut.at).toBeLessThan(bytes.length);
      }
      for (const command of COMMANDS) {
        const argv = [command[0]!, f.path, ...command.slice(1), ...(f.args ?? [])];
        const one = cli("off", argv);
        const two = cli("on", argv);
        expect(two.issues, argv.join(" ")).toBe(one.issues);
        expect(two.err, argv.join(" ")).toBe(one.err);
        expect(two.out, argv.join(" ")).toBe(one.out);
        expect(two.code, argv.join(" ")).toBe(one.code);
      }
    });
  }

  it("a worker started early for a run that fails on its options does not keep the process alive", () => {
    const r = cli("on", ["trend", FILES.shuffled!.path, "--format", "nope"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--format/);
  });

  it("an overlay or definition read from a pipe is read once: the worker gets its text", () => {
    const overlay = join(ROOT, "datasets/demo-asq-se-2-overlay.json");
    const run = (mode: string) => {
      const issues = join(dir, `pipe-issues-${mode}.csv`);
      const r = spawnSync("bash", ["-c", `"${process.execPath}" "${CLI}" cohort "${FILES.shuffled!.path}" --overlay <(cat "${overlay}") --issues "${issues}"`], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TRIVSEL_READ_THREAD: mode } });
      return { code: r.status, out: r.stdout, err: r.stderr, issues: readFileSync(issues, "utf8") };
    };
    const one = run("off");
    const two = run("on");
    expect(one.code).toBe(2);
    expect(one.out.length).toBeGreaterThan(1000);
    expect(two).toEqual(one);
  });

  it("TRIVSEL_READ_THREAD other than auto, on or off is refused with the values it takes", () => {
    const r = cli("2", ["trend", FILES.demo!.path]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/TRIVSEL_READ_THREAD.*auto, on, off/s);
  });

  it("the files meant to fail fail on both (so the comparisons above include refusals)", () => {
    expect(cli("on", ["trend", FILES.unclosedAfter!.path]).code).toBe(2);
    expect(cli("on", ["trend", FILES.nulAfter!.path]).err).toMatch(/NUL byte/);
    const skipped = cli("on", ["trend", FILES.unclosedAfter!.path, "--skip-broken-quotes"]);
    expect(skipped.issues).toBe(cli("off", ["trend", FILES.unclosedAfter!.path, "--skip-broken-quotes"]).issues);
    expect(skipped.issues).toMatch(/never closed/);
  });
});

/** what a callback was given, in a form both paths give alike: a built row as the results it stands for */
function events(): { list: unknown[]; row: (v: BuiltRow) => void; result: (r: ScoreResult, x: Record<string, string>) => void; issue: (i: Issue) => void } {
  const list: unknown[] = [];
  return {
    list,
    row: (v) => {
      for (let k = 0; k < v.count; k++)
        list.push({
          row: v.row,
          subjectId: v.subjectId,
          administeredOn: v.administeredOn,
          respondent: v.respondent,
          phase: v.phase,
          instrument: v.instrument[k],
          form: v.form[k],
          scales: JSON.stringify(v.scales.slice(v.first[k], v.first[k + 1])),
          extras: v.extraValues.join("|"),
        });
    },
    result: (r, x) =>
      list.push({
        row: r.source?.row,
        subjectId: r.subjectId,
        administeredOn: r.administeredOn,
        respondent: r.respondent ?? "",
        phase: r.phase ?? "",
        instrument: r.instrument,
        form: r.form,
        scales: JSON.stringify(r.scales),
        extras: Object.values(x).join("|"),
      }),
    issue: (i) => list.push(JSON.stringify(i)),
  };
}

describe("eachResultThreaded", () => {
  it("hands on every result and issue of a cut file in the order and with the content of eachResult", async () => {
    const registry = defaultRegistry();
    for (const name of ["shuffled", "blankLines", "semicolons", "quotesAfter", "notUtf8After"] as const) {
      const input = { path: FILES[name]!.path, name: `${name}.csv` };
      const one = events();
      const readOne = await eachResult(input, registry, { sharedScales: true, transient: true, built: { row: one.row, extras: true } }, one.issue, one.result);
      const two = events();
      const before = threadedReads.count;
      const readTwo = await eachResultThreaded(input, registry, { sharedScales: true, transient: true, built: { row: two.row, extras: true } }, { mode: "on", registry: { cwd: ROOT }, script: SCRIPT }, two.issue, two.result);
      expect(threadedReads.count, name).toBe(before + 1);
      expect(two.list.length, name).toBe(one.list.length);
      expect(two.list, name).toEqual(one.list);
      expect(readTwo, name).toEqual(readOne);
    }
  });

  it("reads on one thread in auto mode below the size that pays for a worker", async () => {
    const before = threadedReads.count;
    const input = { path: FILES.shuffled!.path };
    await eachResultThreaded(input, defaultRegistry(), { sharedScales: true }, { mode: "auto", registry: { cwd: ROOT }, script: SCRIPT }, () => {}, () => {});
    expect(threadedReads.count).toBe(before);
  });

  it("does not cut a long file or a scored file", async () => {
    const long = join(dir, "long.csv");
    writeFileSync(long, "subject_id,administered_on,respondent,instrument,item,value\n" + Array.from({ length: 400 }, (_, i) => `S${Math.floor(i / 4)},2024-01-01,mother,ors,ors_${(i % 4) + 1},5`).join("\n") + "\n");
    expect(await cutOf({ path: long }, defaultRegistry(), {}, 0)).toBeUndefined();
    const scored = join(dir, "scored.csv");
    const r = spawnSync(process.execPath, [CLI, "score", FILES.shuffled!.path, "--out", scored], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(await cutOf({ path: scored }, defaultRegistry(), {}, 0)).toBeUndefined();
  });
});

describe("the checks before a cut, across the chunks they read", () => {
  it("linesBefore counts the file's line breaks (CRLF: not a lone LF or CR) whatever the chunk size", () => {
    const rnd = mulberry32(7);
    for (let t = 0; t < 40; t++) {
      const crlf = t % 2 === 0;
      const nl = crlf ? "\r\n" : "\n";
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => {
        const cell = () => ["a", "ø", "12", "", "\r", crlf ? "\n" : "x"][Math.floor(rnd() * 6)]!;
        return Array.from({ length: 1 + Math.floor(rnd() * 4) }, cell).join(",");
      });
      const text = lines.join(nl) + nl;
      const path = join(dir, "lines.csv");
      writeFileSync(path, text);
      const size = Buffer.byteLength(text);
      const expected = text.split(nl).length - 1;
      for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) expect(linesBefore(path, size, nl, chunk), `${JSON.stringify(text)} chunk ${chunk}`).toBe(expected);
    }
  });

  it("plainBefore finds a quote, a U+FFFD or a byte that is not UTF-8 in any chunk, and lets a character across chunks be", () => {
    const path = join(dir, "plain.csv");
    const lines = Array.from({ length: 200 }, (_, i) => `S${i},København,2024-01-0${1 + (i % 9)},mor,${i % 10}`);
    const write = (f: (ls: string[]) => string[], bytes?: (b: Buffer) => Buffer) => {
      const b = Buffer.from(f(lines).join("\n") + "\n");
      writeFileSync(path, bytes ? bytes(b) : b);
      return readFileSync(path).length;
    };
    for (const chunk of [64, 100, 333, 1 << 20]) {
      expect(plainBefore(path, write((ls) => ls), chunk), `chunk ${chunk}`).toBe(true);
      expect(plainBefore(path, write((ls) => ls.map((l, i) => (i === 150 ? `${l}"` : l))), chunk)).toBe(false);
      expect(plainBefore(path, write((ls) => ls.map((l, i) => (i === 150 ? `${l}\uFFFD` : l))), chunk)).toBe(false);
      const n = write((ls) => ls, (b) => {
        const k = b.lastIndexOf(Buffer.from("ø"));
        b[k] = 0xf8;
        return b;
      });
      expect(plainBefore(path, n, chunk)).toBe(false);
    }
  });
});

describe("errors of the worker", () => {
  it("come back as this thread would have thrown them: a FileError with its issue, a system error with its code, call and path", () => {
    const issue: Issue = { code: "invalid_value", severity: "error", message: "m", row: 9 };
    const file = errorFrom(sentError(new FileError("f.csv: bad", issue)));
    expect(file).toBeInstanceOf(FileError);
    expect((file as FileError).issue).toEqual(issue);
    const sys = Object.assign(new Error("EIO: i/o error, read"), { code: "EIO", errno: -5, syscall: "read", path: "/x/f.csv" });
    const back = errorFrom(sentError(sys)) as NodeJS.ErrnoException;
    expect([back.message, back.code, back.errno, back.syscall, back.path]).toEqual(["EIO: i/o error, read", "EIO", -5, "read", "/x/f.csv"]);
  });
});
