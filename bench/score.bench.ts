/**
 * Batch benchmark (issue 14: "an honest benchmark"). Every figure is printed beside its target; exit code 1 when
 * a target is missed.
 *
 * - wide PSS file, complete rows: score ≤ 2× papaparse on the same file; peak RSS < 300 MB (all wide files)
 * - wide PSS file with 2% blank cells (about 30% of rows incomplete, as real questionnaires are):
 *   score ≤ 1.5× papaparse, and faster than R data.table fread + fwrite of the same computation, one thread
 *   (bench/fread.R; skipped with a note when Rscript or data.table is missing)
 * - the same rows with a quoted cell in every 100th row and with every cell quoted: reported, no target
 * - long file (one response per row) of a quarter as many ORS administrations: score ≤ 2× papaparse
 *   (and fread + fwrite beside it)
 * - progression: a wide ORS + SRS file of 10,000 families × 20 weekly sessions, and one of 100,000 families × 10
 *   (1M rows, 2M administrations); `trend`, `fit` and `cohort` each ≤ 1.5× the time of `score` on the same file,
 *   peak RSS ≤ 300 MB; on the large file `trend --format json` completes (--no-large skips the large file).
 *   These files are read by two threads (src/io/results-thread.ts) on a machine with two cores; `trend` on one
 *   thread (TRIVSEL_READ_THREAD=off) is reported beside them, without a target
 * - cold start of the built CLI (`node dist/cli.js --help`, `instruments`): ≤ 200 ms (the build runs first)
 *
 *   npm run bench:score                       1,000,000 rows, 10,000 families × 20 weeks, best of 3
 *                                             (progression: best of 5, --progression-runs; trend --format json once)
 *   npm run bench -- --quick                  (npm run bench runs bench/all.ts: charts, this, the app)
 *   npm run bench:score -- --quick                  20,000 rows, 500 families, 1 run (a smoke test; ratios are not meaningful)
 *   npm run bench:score -- --rows 100000 --families 2000 --weeks 20 --runs 5
 *   npm run bench:score -- --only-progression --runs 1     the progression files alone (sizes: --families --weeks,
 *                                                          --large-families --large-weeks)
 *   npm run bench:score -- --no-progression              the score files and the cold start alone
 *
 * Every measurement is one whole process, timed from outside, start-up included: trivsel is the built CLI
 * (`node dist/cli.js`, built first), papaparse a small Node script (bench/papaparse.mjs), R `Rscript`. Node processes
 * report their CPU time and peak RSS at exit (bench/usage.cjs), R runs under /usr/bin/time. The kinds compared
 * alternate, so they meet the same machine load, and the best time of each is compared. CPU time (user + system) is
 * printed beside every wall time, since the machine may be shared.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync, openSync, writeSync, closeSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../scripts/prng.js";

const RSS_LIMIT_MB = 300;
const RATIO_LIMIT = 2;
const MISSING_RATIO_LIMIT = 1.5;
const LONG_RATIO_LIMIT = 2;
const PROGRESSION_RATIO_LIMIT = 1.5;
const COLD_START_LIMIT_MS = 200;
const ITEMS = 18;
/** PSS items scored reversed (instruments/pss.json) */
const REVERSED = new Set([1, 2, 5, 6, 7, 8, 17, 18]);
/** an expected total that means "not scorable" (PSS totals are 18–90, ORS totals 0–40) */
const NOT_SCORABLE = 255;

interface Measurement {
  ms: number;
  /** user + system CPU time */
  cpuMs: number;
  maxRssKB: number;
  rows?: number;
  exitCode?: number;
  stderr?: string;
  stdout?: string;
}

// ---------------------------------------------------------------- parent


/** A file written in pieces of about 1 MB */
function textWriter(file: string) {
  const fd = openSync(file, "w");
  let buf = "";
  return {
    write(text: string) {
      buf += text;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = "";
      }
    },
    close() {
      writeSync(fd, buf);
      closeSync(fd);
    },
  };
}

/**
 * Writes the wide file; returns each row's expected PSS total (18–90) for checking the output, NOT_SCORABLE when the
 * row is not scorable. `quoted`: every so many rows the respondent cell is quoted (as a spreadsheet quotes a cell holding
 * ; or ,); 1: every cell of every row is quoted (as some exports write them). `blank`: the chance that an item
 * cell is left blank (PSS has no missing-item rule: a row with a blank item is not scorable).
 */
function generate(file: string, rows: number, quoted = 0, blank = 0): Uint8Array {
  const rnd = mulberry32(20240601);
  const holes = mulberry32(20240603);
  const expected = new Uint8Array(rows);
  const out = textWriter(file);
  const header = ["subject_id", "administered_on", "respondent", ...Array.from({ length: ITEMS }, (_, i) => `pss_${i + 1}`)];
  const q = (cell: string | number) => (quoted === 1 ? `"${cell}"` : `${cell}`);
  out.write(header.map(q).join(",") + "\n");
  const pad = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  for (let r = 0; r < rows; r++) {
    const subject = `S${String(1 + Math.floor(r / 4)).padStart(7, "0")}`;
    const date = `${2019 + Math.floor(rnd() * 6)}-${pad(1 + Math.floor(rnd() * 12))}-${pad(1 + Math.floor(rnd() * 28))}`;
    const respondent = rnd() < 0.8 ? "mother" : "father";
    let line = `${q(subject)},${q(date)},${quoted > 1 && r % quoted === quoted - 1 ? `"${respondent}"` : q(respondent)}`;
    let total = 0;
    let complete = true;
    for (let i = 1; i <= ITEMS; i++) {
      const v = 1 + Math.floor(rnd() * 5);
      if (blank > 0 && holes() < blank) {
        complete = false;
        line += ",";
        continue;
      }
      total += REVERSED.has(i) ? 6 - v : v;
      line += `,${q(v)}`;
    }
    expected[r] = complete ? total : NOT_SCORABLE;
    out.write(line + "\n");
  }
  out.close();
  return expected;
}

/**
 * A long file of `admins` ORS administrations (4 rows each: ors_1 … ors_4, whole numbers 0–10), by 4 raters
 * per family and week; returns each administration's expected ORS total.
 */
function generateLong(file: string, admins: number): Uint8Array {
  const rnd = mulberry32(20240602);
  const expected = new Uint8Array(admins);
  const raters = ["mother", "father", "health_visitor", "family_consultant"];
  const out = textWriter(file);
  out.write("subject_id,administered_on,respondent,instrument,item,value\n");
  for (let k = 0; k < admins; k++) {
    const week = Math.floor(k / 4);
    const subject = `F${String(1 + Math.floor(week / 100)).padStart(6, "0")}`;
    const date = new Date(Date.UTC(2022, 0, 3 + 7 * (week % 100))).toISOString().slice(0, 10);
    let total = 0;
    for (let i = 1; i <= 4; i++) {
      const v = Math.floor(rnd() * 11);
      total += v;
      out.write(`${subject},${date},${raters[k % 4]},ors,ors_${i},${v}\n`);
    }
    expected[k] = total;
  }
  out.close();
  return expected;
}

/**
 * A wide FIT file for the progression commands: `families` families × `weeks` weekly sessions, the mother rating
 * the ORS and the SRS at each (items 0–10 to the millimetre), with a municipality column for `cohort --by`.
 * Each family's ORS drifts up a little per week, so the series have real changes to classify.
 */
function generateProgression(file: string, families: number, weeks: number): void {
  const rnd = mulberry32(20240604);
  const towns = ["Aalborg", "Aarhus", "Odense", "København", "Esbjerg"];
  const out = textWriter(file);
  out.write("subject_id,municipality,administered_on,respondent,ors_1,ors_2,ors_3,ors_4,srs_1,srs_2,srs_3,srs_4\n");
  const item = (x: number) => (Math.min(10, Math.max(0, x))).toFixed(1);
  for (let f = 0; f < families; f++) {
    const subject = `F${String(f + 1).padStart(6, "0")}`;
    const town = towns[f % towns.length]!;
    const start = Date.UTC(2021, 0, 4) + Math.floor(rnd() * 700) * 86400000;
    const base = 2 + rnd() * 5;
    const drift = (rnd() - 0.3) * 0.25;
    for (let w = 0; w < weeks; w++) {
      const date = new Date(start + w * 7 * 86400000).toISOString().slice(0, 10);
      let line = `${subject},${town},${date},mother`;
      for (let i = 0; i < 4; i++) line += `,${item(base + drift * w + (rnd() - 0.5) * 2)}`;
      for (let i = 0; i < 4; i++) line += `,${item(8 + rnd() * 2)}`;
      out.write(line + "\n");
    }
  }
  out.close();
}

/** Every output line must be the expected total of `instrument`, scored (or not scorable), in input order. */
async function check(out: string, expected: Uint8Array, instrument = "pss"): Promise<string | null> {
  const lines = createInterface({ input: createReadStream(out, { encoding: "utf8" }), crlfDelay: Infinity });
  let i = -1;
  for await (const line of lines) {
    if (i === -1) {
      if (!line.startsWith("subject_id,administered_on,respondent,instrument,form,scale,score,status")) return `unexpected header: ${line}`;
    } else {
      const c = line.split(",");
      if (i >= expected.length) return `more output lines than rows (line ${i + 2})`;
      const e = expected[i]!;
      const [score, status] = e === NOT_SCORABLE ? ["", "not_scorable"] : [String(e), "scored"];
      if (c[3] !== instrument || c[5] !== "total" || c[6] !== score || c[7] !== status)
        return `output line ${i + 2}: ${line} (expected ${instrument} total ${score || "(empty)"}, ${status})`;
    }
    i++;
  }
  return i === expected.length ? null : `${i} output lines for ${expected.length} rows`;
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/cli.js");
const USAGE = join(ROOT, "bench/usage.cjs");
const PAPAPARSE = join(ROOT, "bench/papaparse.mjs");

/**
 * One whole process, its wall time measured here around it. A Node process reports its own CPU time and peak RSS at
 * exit (bench/usage.cjs, preloaded); another program runs under /usr/bin/time for them when that is installed
 * (otherwise they are reported as 0).
 */
function spawnTimed(cmd: string, args: string[], cwd: string, env?: Record<string, string>): Measurement {
  const node = cmd === process.execPath;
  const timed = !node && existsSync("/usr/bin/time");
  const argv = node ? ["--require", USAGE, ...args] : args;
  const opts = { cwd, encoding: "utf8", maxBuffer: 1 << 24, ...(env !== undefined ? { env: { ...process.env, ...env } } : {}) } as const;
  const t0 = performance.now();
  const res = timed ? spawnSync("/usr/bin/time", ["-f", "TIME %U %S %M", cmd, ...argv], opts) : spawnSync(cmd, argv, opts);
  const ms = performance.now() - t0;
  if (res.error) throw new Error(`${cmd} ${args.join(" ")}: ${res.error.message}`);
  let stderr = res.stderr ?? "";
  let cpuMs = 0;
  let maxRssKB = 0;
  const u = node ? /\nBENCH-USAGE (\{.*\})\n$/.exec(stderr) : /TIME ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
  if (u && node) ({ cpuMs, maxRssKB } = JSON.parse(u[1]!) as { cpuMs: number; maxRssKB: number });
  else if (u) [cpuMs, maxRssKB] = [(Number(u[1]) + Number(u[2])) * 1000, Number(u[3])];
  if (u) stderr = stderr.slice(0, u.index);
  return { ms, cpuMs, maxRssKB, exitCode: res.status ?? -1, stderr, stdout: res.stdout };
}

/**
 * What is measured: `trivsel <args> --quiet` (the built CLI, as a user runs it; the command checks its exit code),
 * papaparse alone on a file (bench/papaparse.mjs), or another program, which must exit with 0.
 */
type Kind = { kind: string; trivsel: string[]; env?: Record<string, string> } | { kind: string; papaparse: string } | { kind: string; cmd: string; args: string[] };

function runKind(kd: Kind, cwd: string): Measurement {
  if ("trivsel" in kd) return spawnTimed(process.execPath, [CLI, ...kd.trivsel, "--quiet"], cwd, kd.env);
  const [cmd, args] = "papaparse" in kd ? [process.execPath, [PAPAPARSE, kd.papaparse]] : [kd.cmd, kd.args];
  const m = spawnTimed(cmd, args, cwd);
  if (m.exitCode !== 0) throw new Error(`${kd.kind} failed (${m.exitCode}):\n${m.stderr}`);
  return "papaparse" in kd ? { ...m, rows: Number(m.stdout) } : m;
}

/** Best time of each kind over `runs` alternating runs; RSS is the worst of any run of that kind. */
function measure(kinds: Kind[], cwd: string, runs: number): Measurement[] {
  const best: (Measurement | undefined)[] = kinds.map(() => undefined);
  for (let k = 0; k < runs; k++)
    kinds.forEach((kd, j) => {
      const m = runKind(kd, cwd);
      process.stdout.write(`  ${kd.kind.padEnd(16)} run ${k + 1}: ${fmtS(m.ms)} (CPU ${fmtS(m.cpuMs)}), peak RSS ${mbOf(m)} MB\n`);
      const b = best[j];
      if (!b || m.ms < b.ms) best[j] = { ...m, maxRssKB: Math.max(m.maxRssKB, b?.maxRssKB ?? 0) };
      else b.maxRssKB = Math.max(b.maxRssKB, m.maxRssKB);
    });
  return best as Measurement[];
}

const fmtS = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const mbOf = (m: Measurement) => (m.maxRssKB / 1024).toFixed(0);

function intArg(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive whole number; received ${argv[i + 1]}`);
  return n;
}

/** Rscript with data.table, or why not */
function rAvailable(): { ok: true; version: string } | { ok: false; why: string } {
  const res = spawnSync("Rscript", ["-e", 'suppressPackageStartupMessages(library(data.table)); cat(R.version$major, ".", R.version$minor, " data.table ", as.character(packageVersion("data.table")), sep = "")'], { encoding: "utf8" });
  if (res.error) return { ok: false, why: "Rscript not found (apt-get install r-base-core r-cran-data.table)" };
  if (res.status !== 0) return { ok: false, why: "R has no data.table (apt-get install r-cran-data.table, or install.packages(\"data.table\"))" };
  return { ok: true, version: `R ${res.stdout.trim()}` };
}

/** A figure beside its target */
interface Verdict {
  what: string;
  figure: string;
  target: string;
  met: boolean | null;
}

async function parent(argv: string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const rows = intArg(argv, "--rows", quick ? 20_000 : 1_000_000);
  const runs = intArg(argv, "--runs", quick ? 1 : 3);
  // the progression targets are ratios of two best times a few tenths of a second apart: more runs, so that a slow
  // spell of a shared machine moves neither side
  const progressionRuns = intArg(argv, "--progression-runs", quick ? 1 : Math.max(5, runs));
  const families = intArg(argv, "--families", quick ? 500 : 10_000);
  const weeks = intArg(argv, "--weeks", 20);
  const largeFamilies = intArg(argv, "--large-families", quick ? 2_000 : 100_000);
  const largeWeeks = intArg(argv, "--large-weeks", 10);
  const onlyProgression = argv.includes("--only-progression");
  const root = ROOT;
  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, node ${process.version}, ${process.platform}/${process.arch}, load average at start ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  if (quick) console.log("--quick: a smoke test on small files; start-up costs dominate, so the ratios say little");
  const r = rAvailable();
  console.log(r.ok ? `fread + fwrite: ${r.version}, one thread (setDTthreads(1))` : `fread + fwrite: skipped, ${r.why}`);
  const verdicts: Verdict[] = [];
  const ratioVerdict = (what: string, a: Measurement, b: Measurement, bName: string, limit: number, less = false) => {
    const ratio = a.ms / b.ms;
    verdicts.push({
      what,
      figure: `${ratio.toFixed(2)}× ${bName} (${fmtS(a.ms)} against ${fmtS(b.ms)}; CPU ${fmtS(a.cpuMs)} against ${fmtS(b.cpuMs)})`,
      target: less ? `< ${limit}×` : `≤ ${limit}×`,
      met: less ? ratio < limit : ratio <= limit,
    });
  };
  // every trivsel figure is the built CLI as a user runs it (a whole process, start-up included), as are papaparse's
  // and R's
  const b = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, encoding: "utf8" });
  if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), "trivsel-bench-"));
  try {
    const out = join(dir, "scores.csv");
    const longAdmins = Math.max(1, Math.floor(rows / 4));
    const inputs = [
      { name: "wide, no quotes, complete rows", quoted: 0, blank: 0, limit: RATIO_LIMIT },
      { name: "wide, 2% blank cells", quoted: 0, blank: 0.02, limit: MISSING_RATIO_LIMIT, r: "wide" },
      { name: "wide, a quoted cell in every 100th row", quoted: 100, blank: 0 },
      { name: "wide, every cell quoted", quoted: 1, blank: 0 },
      { name: `long, ${longAdmins.toLocaleString("en")} ORS administrations in ${(4 * longAdmins).toLocaleString("en")} rows`, quoted: -1, blank: 0, limit: LONG_RATIO_LIMIT, r: "long" },
    ];
    const results: { name: string; mb: number; records: number; ms: Measurement[] }[] = [];
    let wideRss = 0;
    for (const input of onlyProgression ? [] : inputs) {
      const long = input.quoted < 0;
      const file = join(dir, `pss-wide-${input.quoted}-${input.blank}.csv`);
      let t = performance.now();
      const expected = long ? generateLong(file, longAdmins) : generate(file, rows, input.quoted, input.blank);
      const records = long ? 4 * longAdmins : rows;
      const mb = statSync(file).size / 1e6;
      const incomplete = long ? 0 : expected.reduce((n, e) => n + (e === NOT_SCORABLE ? 1 : 0), 0);
      console.log(`\ninput, ${input.name}: ${records.toLocaleString("en")} rows, ${mb.toFixed(1)} MB${incomplete ? `, ${((100 * incomplete) / rows).toFixed(1)}% of rows incomplete` : ""} (generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
      const kinds: Kind[] = [
        { kind: "papaparse", papaparse: file },
        { kind: "score", trivsel: ["score", file, "--out", out] },
      ];
      if (input.r && r.ok) kinds.push({ kind: "fread+fwrite", cmd: "Rscript", args: [join(root, "bench/fread.R"), input.r, file, join(dir, "r-out.csv"), "1"] });
      const ms = measure(kinds, root, runs);
      const [papa, sc] = ms as [Measurement, Measurement];
      if (papa.rows !== records + 1) throw new Error(`papaparse read ${papa.rows} records; expected ${records + 1}`);
      // exit code 2: the rows with blank items are reported as errors (not scorable), as they should be
      if (sc.exitCode !== 0 && !(incomplete && sc.exitCode === 2)) throw new Error(`trivsel score exited with ${sc.exitCode}:\n${sc.stderr}`);
      t = performance.now();
      const wrong = await check(out, expected, long ? "ors" : "pss");
      if (wrong) throw new Error(`scores are wrong (${input.name}): ${wrong}`);
      console.log(`output checked: ${expected.length.toLocaleString("en")} totals correct (${((performance.now() - t) / 1000).toFixed(1)} s)`);
      rmSync(file);
      results.push({ name: input.name, mb, records, ms });
      if (!long) wideRss = Math.max(wideRss, sc.maxRssKB / 1024);
      if (input.limit !== undefined) ratioVerdict(`score, ${input.name}`, sc, papa, "papaparse", input.limit);
      // the issue's target against fread + fwrite is for the wide file with blank cells; the long file's is reported
      if (input.r && r.ok) {
        ratioVerdict(`score, ${input.name}`, sc, ms[2]!, "fread + fwrite (1 thread)", 1, true);
        if (input.r === "long") verdicts[verdicts.length - 1] = { ...verdicts[verdicts.length - 1]!, target: "none (reported)", met: null };
      } else if (input.r) verdicts.push({ what: `score, ${input.name}, against fread + fwrite`, figure: `skipped: ${r.ok ? "" : r.why}`, target: input.r === "wide" ? "< 1×" : "none", met: null });
    }
    if (!onlyProgression) verdicts.push({ what: "peak RSS, score, wide files", figure: `${wideRss.toFixed(0)} MB`, target: `< ${RSS_LIMIT_MB} MB`, met: wideRss < RSS_LIMIT_MB });

    // progression: trend, fit and cohort against score and papaparse on the same raw file; the large file also
    // trend --format json (2M administrations at the default size)
    const progression = (families: number, weeks: number, json: boolean) => {
      const file = join(dir, "fit.csv");
      const t = performance.now();
      generateProgression(file, families, weeks);
      const mb = statSync(file).size / 1e6;
      const records = families * weeks;
      const size = `${families.toLocaleString("en")} families × ${weeks} weeks`;
      console.log(`\ninput, progression: ${size}, ORS and SRS by the mother: ${records.toLocaleString("en")} rows, ${(2 * records).toLocaleString("en")} administrations, ${mb.toFixed(1)} MB (generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
      const o = join(dir, "progression-out");
      const kinds = ["score", "trend", "fit", "cohort", "trend-1-thread", ...(json ? ["trend-json"] : [])];
      const ms = measure(
        [
          { kind: "papaparse", papaparse: file },
          { kind: "score", trivsel: ["score", file, "--out", o] },
          { kind: "trend", trivsel: ["trend", file, "--out", o] },
          { kind: "fit", trivsel: ["fit", file, "--out", o] },
          { kind: "cohort", trivsel: ["cohort", file, "--by", "municipality", "--out", o] },
          // reported beside the others, no target: the file read on one thread, as on a one-core machine
          { kind: "trend-1-thread", trivsel: ["trend", file, "--out", o], env: { TRIVSEL_READ_THREAD: "off" } },
        ],
        root,
        progressionRuns,
      );
      // its target is to complete (in bounded memory): one run
      if (json) ms.push(...measure([{ kind: "trend-json", trivsel: ["trend", file, "--format", "json", "--out", o] }], root, 1));
      const [papa, sc] = ms as [Measurement, Measurement];
      if (papa.rows !== records + 1) throw new Error(`papaparse read ${papa.rows} records; expected ${records + 1}`);
      kinds.forEach((k, i) => {
        const m = ms[i + 1]!;
        if (m.exitCode !== 0 && k !== "trend-json") throw new Error(`trivsel ${k} exited with ${m.exitCode}:\n${m.stderr}`);
      });
      results.push({ name: `progression, ${size}`, mb, records, ms });
      kinds.slice(1).forEach((k, i) => {
        const m = ms[i + 2]!;
        if (k === "trend-json") {
          verdicts.push({ what: `trend --format json, ${(2 * records).toLocaleString("en")} administrations`, figure: m.exitCode === 0 ? `completed in ${fmtS(m.ms)}, peak RSS ${mbOf(m)} MB` : `exit code ${m.exitCode}: ${m.stderr?.trim().split("\n").pop()}`, target: "completes", met: m.exitCode === 0 });
          return;
        }
        if (k === "trend-1-thread") {
          verdicts.push({ what: `trend on one thread (TRIVSEL_READ_THREAD=off), ${size}`, figure: `${(m.ms / sc.ms).toFixed(2)}× score (${fmtS(m.ms)}, CPU ${fmtS(m.cpuMs)})`, target: "none: reported", met: null });
          return;
        }
        ratioVerdict(`${k}, ${size}`, m, sc, "score", PROGRESSION_RATIO_LIMIT);
        verdicts.push({ what: `peak RSS, ${k}, ${size}`, figure: `${mbOf(m)} MB (score: ${mbOf(sc)} MB, papaparse: ${mbOf(papa)} MB)`, target: `≤ ${RSS_LIMIT_MB} MB`, met: m.maxRssKB / 1024 <= RSS_LIMIT_MB });
      });
      rmSync(file);
    };
    if (!argv.includes("--no-progression")) {
      progression(families, weeks, false);
      if (!argv.includes("--no-large")) progression(largeFamilies, largeWeeks, true);
    }

    // cold start of the built CLI
    if (!onlyProgression) {
      console.log("\ncold start: node dist/cli.js");
      const cli = CLI;
      const ms = measure(
        [
          { kind: "node -e 0", cmd: process.execPath, args: ["-e", "0"] },
          { kind: "--help", cmd: process.execPath, args: [cli, "--help"] },
          { kind: "instruments", cmd: process.execPath, args: [cli, "instruments"] },
        ],
        root,
        Math.max(5, runs),
      );
      const [bare, help, instruments] = ms as [Measurement, Measurement, Measurement];
      for (const [k, m] of [["--help", help], ["instruments", instruments]] as const)
        verdicts.push({ what: `cold start, trivsel ${k}`, figure: `${m.ms.toFixed(1)} ms (CPU ${fmtS(m.cpuMs)}; node alone ${fmtS(bare.ms)})`, target: `≤ ${COLD_START_LIMIT_MS} ms`, met: m.ms <= COLD_START_LIMIT_MS });
    }

    console.log("");
    const line = (what: string, m: Measurement, mb: number, records: number) =>
      `  ${what.padEnd(18)} ${fmtS(m.ms).padStart(8)} (CPU ${fmtS(m.cpuMs)}), ${Math.round(records / (m.ms / 1000)).toLocaleString("en")} rows/s, ${(mb / (m.ms / 1000)).toFixed(1)} MB/s, peak RSS ${mbOf(m)} MB`;
    for (const { name, mb, records, ms } of results) {
      console.log(`${name}:`);
      const names = name.startsWith("progression") ? ["papaparse", "trivsel score", "trivsel trend", "trivsel fit", "trivsel cohort", "trend, 1 thread", "trend, json"] : ["papaparse", "trivsel score", "fread + fwrite"];
      ms.forEach((m, i) => console.log(line(`${names[i]}:`, m, mb, records)));
    }
    console.log(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
    console.log("\nfigure against target:");
    for (const v of verdicts) console.log(`  ${v.met === null ? (v.figure.startsWith("skipped") ? "skipped" : "       ") : v.met ? "met    " : "MISSED "}  ${v.what}: ${v.figure}; target ${v.target}`);
    const missed = verdicts.filter((v) => v.met === false);
    console.log(missed.length ? `\n${missed.length} of ${verdicts.length} targets missed` : `\nall ${verdicts.filter((v) => v.met).length} targets met`);
    return missed.length ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await parent(process.argv.slice(2));
} catch (e) {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 1;
}
