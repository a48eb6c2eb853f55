/**
 * The long-format fast path (src/io/fast-long.ts for wide input, src/io/long-fast.ts for long input,
 * compileFastScorer in src/scoring/fast.ts) must write exactly what the full path writes. Differential test: seeded
 * random wide files (several instruments, valid values mixed with blanks, out-of-range and text answers, decimal
 * commas, formula-looking and quoted ids, odd dates, wrong field counts) and long files (see longFile) are scored
 * through the CLI with and without the fast path
 * (TRIVSEL_NO_FAST_PATH=1), and stdout, stderr, the --issues file, the --out file and the exit code must be
 * byte-identical. The reference is the full path itself, so no expected values are hand-worked here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyOverlay, defaultRegistry, getInstrument, loadInstrument, scoreFile, type Registry } from "../src/index.js";
import { scoreWriter } from "../src/io/formats.js";
import { inProc, spawned, type Ran } from "./helpers/cli.js";
import { mulberry32 } from "../scripts/prng.js";
import { csvCell } from "../src/io/csv.js";
import { planFastBlocker, scaleFastBlocker } from "../src/scoring/eligible.js";
import { compileFastScorer } from "../src/scoring/fast.js";
import { formPlan } from "../src/scoring/plan.js";


type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const SUBJECTS = ["S001", "S002", "P-17", "abc", "=1+2", "-5", "+45", "@x", "a,b", 'q"x', "a;b", "", " S01 ", "Søren", "S 1", "12", "x\ty"];
const DATES = ["2025-01-15", "2024-02-29", "2023-02-29", "2021-02-30", "15-01-2025", "15.01.2025", "", "2025-1-5", "1899-01-01", "2201-01-01", " 2025-01-15", "2025-13-01", "x"];
const RESPONDENTS = ["mother", "father", "", "mor", "=x", " mor ", "a,b", "-"];
const FORMS = ["", "", "", "adult", "adolescent", "zz", "60"];
const AGES = ["", "", "5", "5.5", "x", "5,5", "60", " 6"];
const CODERS = ["", "c1", "c2", " c3 "];
const CERTIFIED = ["", "", "", "", "", "", "", "", "", "", "", "", "yes", "no", "ja", "NEJ", "maybe"];

/** One answer for a column, usually valid for its format. */
function answer(rnd: Rnd, format: { kind: string; min?: number; max?: number; step?: number; codes?: Record<string, unknown> }, delimiter: string, messy: boolean): string {
  const r = messy ? rnd() : 1;
  if (r < 0.05) return "";
  if (r < 0.12) return pick(rnd, ["x", " 3", "3 ", "3.0", "-1", "1e0", "03", "99", "0.5", "4,5", "+2", " ", "\u00a02", "NaN"]);
  if (format.kind === "codes" || format.kind === "category") return rnd() < 0.03 ? "q" : pick(rnd, Object.keys(format.codes!));
  const { min, max } = format as { min: number; max: number };
  if (format.kind === "integer") {
    if (messy && rnd() < 0.05) return String(max + 1);
    return String(min + Math.floor(rnd() * (max - min + 1)));
  }
  const step = format.step!;
  const k = Math.floor(rnd() * (Math.round((max - min) / step) + 1));
  const x = Number((min + k * step).toFixed(6));
  const r2 = rnd();
  // 4.50 and a decimal comma in a ; or tab file are valid too; 4.55 is off step
  let s = r2 < 0.1 ? x.toFixed(2) : messy && r2 < 0.2 ? `${x}5` : messy && r2 < 0.25 ? String(max + 1) : String(x);
  if (delimiter !== "," && rnd() < 0.5) s = s.replace(".", ",");
  return s;
}

const quote = (cell: string, delimiter: string, rnd: Rnd) =>
  /[",;\t\r\n]/.test(cell) || cell.includes(delimiter) || rnd() < 0.02 ? `"${cell.replace(/"/g, '""')}"` : cell;
/** without quotes: the characters that would need them are left out (the reader then splits lines itself) */
const unquoted = (cell: string, delimiter: string) => cell.replace(/["\r\n]/g, "").split(delimiter).join("");

const INSTRUMENTS = ["pss", "epds", "adbb", "m-adbb", "prfq", "rfq-8", "ors", "srs", "cors", "csrs", "care-index", "asq-se-2"];

/** A wide file of `rows` rows over `ids`; `meta` adds optional meta columns. */
function wideFile(seed: number, rows: number, ids: readonly string[], delimiter: string, meta: readonly string[], quoteFree = false): string {
  const rnd = mulberry32(seed);
  const items = ids.flatMap((id) => {
    const inst = getInstrument(id);
    return inst.columns.map((c) => ({ id, col: c, format: (inst.items.get(c)?.format ?? { kind: "codes", codes: { "": 0, "1": 5, x: 5, "0": 0 } }) as Parameters<typeof answer>[1] }));
  });
  const header = ["subject_id", "administered_on", ...meta, "note", ...items.map((i) => i.col)];
  let text = header.join(delimiter) + "\n";
  for (let r = 0; r < rows; r++) {
    const odd = rnd() < 0.15;
    const cells: string[] = [odd ? pick(rnd, SUBJECTS) : `S${String(1 + (r >> 2)).padStart(4, "0")}`, odd && rnd() < 0.5 ? pick(rnd, DATES) : `202${Math.floor(rnd() * 5)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 10)}`];
    for (const m of meta)
      cells.push(
        m === "respondent" ? (odd ? pick(rnd, RESPONDENTS) : "mother") : m === "form" ? (odd ? pick(rnd, FORMS) : "") : m === "age_months" ? (odd ? pick(rnd, AGES) : "") : m === "birth_date" ? (odd && rnd() < 0.3 ? pick(rnd, DATES) : rnd() < 0.05 ? "" : "2022-06-15") : m === "coder_id" ? pick(rnd, CODERS) : m === "coder_certified" ? pick(rnd, CERTIFIED) : "x",
      );
    cells.push(rnd() < 0.1 ? "called, twice" : "");
    // per instrument: blank (about 2–3 instruments answered per row), answered cleanly, cleanly with blank items
    // (prorated or not scorable, on the fast path too), or messily
    const answered = Math.min(0.6, 2.5 / ids.length);
    const mode = new Map(ids.map((id) => [id, rnd()]));
    for (const it of items) {
      const m = mode.get(it.id)!;
      const holes = m >= answered * 0.45 && m <= answered * 0.75 ? (m < answered * 0.6 ? 0.04 : 0.25) : 0;
      cells.push(m >= answered ? (rnd() < 0.002 ? "1" : "") : holes > 0 && rnd() < holes ? "" : answer(rnd, it.format, delimiter, m > answered * 0.75));
    }
    const f = rnd();
    if (f < 0.01) cells.pop();
    else if (f < 0.02) cells.push("extra");
    text += cells.map((c) => (quoteFree ? unquoted(c, delimiter) : quote(c, delimiter, rnd))).join(delimiter) + (rnd() < 0.01 ? "\r\n" : "\n");
    if (rnd() < 0.003) text += "\n";
  }
  return text;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "trivsel-fast-"));
});
afterAll(() => (process.env.KEEP_FAST_TMP ? console.log(tmp) : rmSync(tmp, { recursive: true, force: true })));

/** The CLI run, and the --out and --issues files it wrote (null when it wrote none). */
async function scoreRun(argv: string[], fast: boolean): Promise<Ran & { outFile: string | null; issuesFile: string | null }> {
  const out = join(tmp, `out-${fast}.csv`);
  const issues = join(tmp, `issues-${fast}.csv`);
  rmSync(out, { force: true });
  rmSync(issues, { force: true });
  const args = argv.map((a) => (a === "OUT" ? out : a === "ISSUES" ? issues : a));
  const before = process.env.TRIVSEL_NO_FAST_PATH;
  if (fast) delete process.env.TRIVSEL_NO_FAST_PATH;
  else process.env.TRIVSEL_NO_FAST_PATH = "1";
  try {
    const ran = await inProc(args, tmp);
    const read = (p: string) => {
      try {
        return readFileSync(p, "utf8");
      } catch {
        return null;
      }
    };
    return { ...ran, outFile: read(out), issuesFile: read(issues) };
  } finally {
    if (before === undefined) delete process.env.TRIVSEL_NO_FAST_PATH;
    else process.env.TRIVSEL_NO_FAST_PATH = before;
  }
}

/** The same command with and without the fast path: exit code, standard error, standard output, --out and --issues equal. */
async function expectSameRuns(argv: string[]): Promise<void> {
  const a = await scoreRun(argv, true);
  const b = await scoreRun(argv, false);
  expect(a.code, argv.join(" ")).toBe(b.code);
  expect(a.err, argv.join(" ")).toBe(b.err);
  expect(a.out === b.out, `stdout of ${argv.join(" ")}`).toBe(true);
  expect(a.outFile === b.outFile, `--out of ${argv.join(" ")}`).toBe(true);
  expect(a.issuesFile === b.issuesFile, `--issues of ${argv.join(" ")}`).toBe(true);
}

/**
 * How many of a file's administrations the fast path scored (those not handed to the sink's result()), and how
 * many of its long lines say prorated or not_scorable (incomplete rows the fast path took).
 */
async function fastAdministrations(file: string, registry = defaultRegistry()): Promise<{ fast: number; all: number; incomplete?: number }> {
  let full = 0;
  let incomplete = 0;
  const decoder = new TextDecoder();
  const longBytes = (b: Uint8Array) => void (incomplete += decoder.decode(b).match(/,(prorated|not_scorable),/g)?.length ?? 0);
  const summary = await scoreFile({ path: file }, { registry }, { result: () => void full++, issue: () => {}, longBytes });
  return incomplete > 0 ? { fast: summary.administrations - full, all: summary.administrations, incomplete } : { fast: summary.administrations - full, all: summary.administrations };
}

/** minFast: the share of administrations the fast path must take for the comparison to mean something (default 0.1) */
const CASES: { name: string; seed: number; rows: number; ids: string[]; delimiter: string; meta: string[]; quoteFree?: boolean; minFast?: number }[] = [
  { name: "PSS only, comma", seed: 1, rows: 3000, ids: ["pss"], delimiter: ",", meta: ["respondent"] },
  { name: "all integer instruments, comma", seed: 2, rows: 2000, ids: ["pss", "epds", "adbb", "m-adbb", "prfq", "rfq-8"], delimiter: ",", meta: ["respondent", "phase"] },
  { name: "decimal instruments, semicolon (decimal commas)", seed: 3, rows: 2000, ids: ["ors", "srs", "cors", "csrs", "epds"], delimiter: ";", meta: ["respondent", "form"] },
  { name: "every instrument, tab, form/age/birth columns", seed: 4, rows: 1500, ids: INSTRUMENTS, delimiter: "\t", meta: ["respondent", "form", "age_months", "birth_date", "gestational_weeks"] },
  // birth_date: the EPDS form (antenatal before it, postnatal from it) is chosen per row, also on the fast path
  { name: "care-index and epds, semicolon, no respondent", seed: 5, rows: 1500, ids: ["care-index", "epds", "pss"], delimiter: ";", meta: ["birth_date"] },
  { name: "every instrument, comma", seed: 6, rows: 1500, ids: INSTRUMENTS, delimiter: ",", meta: ["respondent", "age_months", "birth_date"] },
  // no quote anywhere: the reader hands the fast path whole lines (StreamHandlers.onLine), not fields
  { name: "no quotes: PSS only, comma", seed: 7, rows: 3000, ids: ["pss"], delimiter: ",", meta: ["respondent"], quoteFree: true },
  { name: "no quotes: decimal instruments, semicolon", seed: 8, rows: 2000, ids: ["ors", "srs", "cors", "csrs", "epds"], delimiter: ";", meta: ["respondent", "form"], quoteFree: true },
  // coded instruments never take the fast path, and neither does a row that holds one or a coder_certified cell,
  // so only about 3% of administrations are fast here (about 190)
  { name: "coded interviews beside questionnaires, coder columns, comma", seed: 10, rows: 2000, ids: ["pss", "epds", "adbb", "m-adbb", "prfq", "aai-rf", "nbo"], delimiter: ",", meta: ["respondent", "coder_id", "coder_certified"], minFast: 0.02 },
  { name: "no quotes: every instrument, tab, form/age/birth columns", seed: 9, rows: 1500, ids: INSTRUMENTS, delimiter: "\t", meta: ["respondent", "form", "age_months", "birth_date", "gestational_weeks"], quoteFree: true },
];

describe("fast path writes exactly what the full path writes", () => {
  it.each(CASES)("$name", async ({ seed, rows, ids, delimiter, meta, quoteFree, minFast = 0.1 }) => {
    const file = join(tmp, `wide-${seed}.csv`);
    const text = wideFile(seed, rows, ids, delimiter, meta, quoteFree);
    expect(text.includes('"')).toBe(!quoteFree);
    writeFileSync(file, text);
    // the comparison only means something if the fast path takes many rows and leaves many to the full path
    // (over a tenth: with care-index, which is never fast, in 60% of rows, case 5 has about 13%)
    const { fast, all, incomplete = 0 } = await fastAdministrations(file);
    expect(fast).toBeGreaterThan(all * minFast);
    expect(fast).toBeLessThan(all * 0.97);
    // rows with blank items (prorated or not scorable scales) take the fast path too, with their issues
    expect(incomplete).toBeGreaterThan(all * minFast * 0.2);
    for (const argv of [
      ["score", file, "--out", "OUT", "--issues", "ISSUES"],
      ["score", file],
      ["score", file, "--quiet", "--issues", "ISSUES"],
      ["score", file, "--instrument", ids[0]!, "--out", "OUT"],
      ["score", file, "--strict", "--out", "OUT", "--issues", "ISSUES"],
    ]) {
      await expectSameRuns(argv);
    }
  });

  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
  ])("a file over 1 MB (%s, read in 1 MB chunks) scores as the same text parsed whole", async (_, eol) => {
    // streamFile reads the file in chunks, with lines split across them; stdin comes in 4 KB chunks (memoryIo)
    const rnd = mulberry32(7);
    const header = ["subject_id", "administered_on", "respondent", "note", ...Array.from({ length: 18 }, (_, i) => `pss_${i + 1}`)].join(",");
    let text = header + eol;
    for (let r = 0; text.length < 3_000_000; r++) {
      const items = Array.from({ length: 18 }, () => (rnd() < 0.002 ? "x" : String(1 + Math.floor(rnd() * 5))));
      text += `S${r},2025-0${1 + (r % 9)}-1${r % 10},${rnd() < 0.5 ? "mor" : "far"},${rnd() < 0.1 ? "bør 😀 ring" : ""},${items.join(",")}${eol}`;
      if (rnd() < 0.001) text += eol;
    }
    const file = join(tmp, `big-${_}.csv`);
    writeFileSync(file, text);
    const streamed = await inProc(["score", file, "--quiet"], tmp);
    const whole = await inProc(["score", "-", "--quiet"], { cwd: tmp, stdin: text });
    expect(streamed.out.length).toBeGreaterThan(1_000_000);
    expect(streamed.out === whole.out).toBe(true);
    expect(streamed.code).toBe(whole.code);
    // and piped into a spawned trivsel, which reads standard input as it arrives
    const piped = spawned(["score", "-", "--quiet"], { cwd: tmp, stdin: text });
    expect(piped.out === whole.out).toBe(true);
    expect(piped.code).toBe(whole.code);
  });

  it("a clean PSS file goes wholly through the fast path, with the totals of the scoring key", async () => {
    // pss_1..pss_18 all 2: items 1, 2, 5, 6, 7, 8, 17, 18 reversed (6 − 2 = 4): 8 × 4 + 10 × 2 = 52 (instruments/pss.json)
    const file = join(tmp, "clean.csv");
    const header = ["subject_id", "administered_on", ...Array.from({ length: 18 }, (_, i) => `pss_${i + 1}`)].join(",");
    writeFileSync(file, `${header}\nS1,2025-01-15,${Array(18).fill("2").join(",")}\nS2,2025-01-16,${Array(18).fill("5").join(",")}\n`);
    expect(await fastAdministrations(file)).toEqual({ fast: 2, all: 2 });
    const a = await scoreRun(["score", file], true);
    // all 5: 8 × 1 + 10 × 5 = 58
    expect(a.out).toBe(
      "subject_id,administered_on,respondent,instrument,form,scale,score,status,band,n_answered,n_items,flags\n" +
        "S1,2025-01-15,,pss,,total,52,scored,,18,18,\nS2,2025-01-16,,pss,,total,58,scored,,18,18,\n",
    );
    expect(a.code).toBe(0);
  });

  it("short decimal cells are read by their bytes: every cell of up to 4 characters of a small alphabet, as the full path reads it", async () => {
    // ORS items are 0–10 to one decimal; cells that differ in any byte (and so must not share a memo entry) sit side
    // by side: "7.3" "7.30" "07.3" ".3" "3." "1e1" "-0" "+5" "10.1" " 5" …, each in the same column of many rows
    const alphabet = ["0", "0", "1", "3", "5", "7", ".", ".", "-", "+", "e", " ", "a", "9"];
    const cells: string[] = [];
    const rnd = mulberry32(99);
    for (let n = 1; n <= 4; n++) for (let k = 0; k < 400; k++) cells.push(Array.from({ length: n }, () => pick(rnd, alphabet)).join(""));
    cells.push("7.3", "7.30", "07.3", ".3", "3.", "1e1", "-0", "+5", "10.1", "10.0", "10", "0.05", "00000", "000000", "0000000", "0000001", "0000003", "0000005", "0000007", "5.5555", "5.55555");
    const header = "subject_id,administered_on,ors_1,ors_2,ors_3,ors_4";
    const rows = cells.map((c, i) => `S${i},2025-01-15,${c},${pick(rnd, ["1", "1.0", "01", "0.1", "10", "1.5"])},5,${pick(rnd, ["2.5", "2.50", "2.05", "25"])}`);
    const file = join(tmp, "short-cells.csv");
    writeFileSync(file, `${header}\n${[...rows, ...rows.reverse()].join("\n")}\n`);
    const { fast } = await fastAdministrations(file);
    expect(fast).toBeGreaterThan(300);
    await expectSameRuns(["score", file, "--out", "OUT", "--issues", "ISSUES"]);
  });

  it("TRIVSEL_NO_FAST_PATH and fastPath: false turn it off", async () => {
    const file = join(tmp, "clean.csv");
    expect((await fastAdministrations(file)).fast).toBe(2);
    let fast = 0;
    const sink = { result: () => {}, issue: () => {}, longBytes: () => void fast++ };
    await scoreFile({ path: file }, { registry: defaultRegistry(), fastPath: false }, sink);
    process.env.TRIVSEL_NO_FAST_PATH = "1";
    try {
      await scoreFile({ path: file }, { registry: defaultRegistry() }, sink);
    } finally {
      delete process.env.TRIVSEL_NO_FAST_PATH;
    }
    expect(fast).toBe(0);
  });
});

/**
 * A random user definition (seeded): integer or decimal items, 1–3 scales over random items with reverse and map
 * recodes (published or provisional), sum or mean, missing rule none or prorate, bands
 * (published or provisional), item flags on score or response, and sometimes a per-item scale derived from the
 * first. Valid by construction; loadInstrument checks it like any --definition.
 */
function randomDefinition(seed: number): { def: Record<string, unknown>; formats: Parameters<typeof answer>[1][] } {
  const rnd = mulberry32(seed);
  const id = `rand-${seed}`;
  const src = (provisional = false) => ({ ref: "r", provenance: provisional ? "provisional" : rnd() < 0.5 ? "published" : "policy" });
  const nItems = 3 + Math.floor(rnd() * 8);
  const decimal = rnd() < 0.3;
  const lo = decimal ? 0 : Math.floor(rnd() * 2);
  const hi = decimal ? 10 : lo + 2 + Math.floor(rnd() * 4);
  const format = decimal ? { kind: "decimal", min: lo, max: hi, step: 0.5 } : { kind: "integer", min: lo, max: hi };
  const items = Array.from({ length: nItems }, (_, i) => ({ id: `rd${seed}_${i + 1}`, label: `item ${i + 1}`, response: "f" }));
  const map: Record<string, number> = {};
  if (!decimal) for (let v = lo; v <= hi; v++) map[String(v)] = Math.floor(rnd() * 4);
  const recodes: Record<string, unknown> = { rev: { kind: "reverse", source: src(rnd() < 0.3) } };
  if (!decimal) recodes.map = { kind: "map", map, source: src(rnd() < 0.3) };
  const nScales = 1 + Math.floor(rnd() * 3);
  const scales: Record<string, unknown>[] = [];
  for (let s = 0; s < nScales; s++) {
    const members = items.filter(() => rnd() < 0.7);
    if (members.length === 0) members.push(items[0]!);
    const scaleItems = members.map((it) => (rnd() < 0.3 ? { item: it.id, recode: !decimal && rnd() < 0.4 ? "map" : "rev" } : it.id));
    const aggregate = rnd() < 0.3 ? "mean" : "sum";
    const mr = rnd();
    const maxMissing = Math.min(1 + Math.floor(rnd() * 3), members.length - 1);
    const missing = mr < 0.3 || maxMissing < 1 ? { kind: "none", source: src() } : { kind: "prorate", maxMissing, source: src(rnd() < 0.2) };
    const top = aggregate === "mean" ? hi : hi * members.length;
    const cut = Number((lo + (top - lo) * (0.3 + 0.4 * rnd())).toFixed(1));
    const scale: Record<string, unknown> = {
      id: `s${s + 1}`,
      label: `scale ${s + 1}`,
      items: scaleItems,
      aggregate,
      key: src(rnd() < 0.15),
      direction: "higher_is_worse",
      missing,
      decimals: 1,
    };
    const upperInclusive = rnd() < 0.5;
    if (rnd() < 0.7)
      scale.bands = {
        source: src(rnd() < 0.4),
        bands: [
          { id: "low", label: "low", upper: { value: cut, inclusive: upperInclusive }, concern: false },
          { id: "high", label: "high", lower: { value: cut, inclusive: !upperInclusive }, concern: true },
        ],
      };
    if (rnd() < 0.5)
      scale.flags = [{ id: `f${s}`, label: "flag", items: rnd() < 0.5 ? "scale" : [members[0]!.id], on: rnd() < 0.5 ? "score" : "response", op: pick(rnd, ["<", "<=", ">", ">="]), value: lo + Math.floor(rnd() * (hi - lo + 1)), source: src() }];
    scales.push(scale);
  }
  if (rnd() < 0.4 && scales[0]!.aggregate === "sum") scales.push({ id: "per_item", label: "per item", derive: { from: "s1", op: "per_item" }, key: src(), direction: "higher_is_worse", decimals: 2 });
  const def = {
    id,
    name: `Random ${seed}`,
    edition: "random, for the differential test",
    definitionVersion: "1.0.0",
    respondent: "parent",
    ages: "any",
    itemPrefix: `rd${seed}_`,
    responseFormats: { f: { ...format, source: src() } },
    items,
    recodes,
    scales,
    references: [{ id: "r", citation: "randomly generated for the test" }],
    licence: "MIT, generated for the test",
  };
  return { def, formats: items.map(() => format as Parameters<typeof answer>[1]) };
}

describe("fast path with random user definitions", () => {
  it.each([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22])("definition seed %i", async (seed) => {
    const { def, formats } = randomDefinition(seed);
    const defFile = join(tmp, `rand-${seed}.json`);
    writeFileSync(defFile, JSON.stringify(def));
    const rnd = mulberry32(seed * 7);
    const items = (def.items as { id: string }[]).map((it) => it.id);
    const delimiter = seed % 2 ? "," : ";";
    let text = ["subject_id", "administered_on", "respondent", ...items].join(delimiter) + "\n";
    for (let r = 0; r < 600; r++) {
      const m = rnd();
      const cells = [`S${r}`, `2024-0${1 + (r % 9)}-1${r % 10}`, "mother"];
      // clean, with blank items (a few or many), or messy
      const holes = m < 0.4 ? 0 : m < 0.7 ? 0.1 : m < 0.85 ? 0.4 : 0;
      for (let i = 0; i < items.length; i++) cells.push(holes > 0 && rnd() < holes ? "" : answer(rnd, formats[i]!, delimiter, m >= 0.85));
      text += cells.join(delimiter) + "\n";
    }
    const file = join(tmp, `rand-${seed}.csv`);
    writeFileSync(file, text);
    // the definition loads, and the fast path takes clean and incomplete rows of it but not all
    const registry = defaultRegistry();
    registry.register(loadInstrument(def, { file: defFile }));
    const { fast, all, incomplete = 0 } = await fastAdministrations(file, registry);
    // (a row whose items all came out blank is no administration)
    expect(all).toBeGreaterThan(550);
    expect(fast).toBeGreaterThan(100);
    expect(fast).toBeLessThan(all);
    expect(incomplete).toBeGreaterThan(20);
    for (const argv of [
      ["score", file, "--definition", defFile, "--out", "OUT", "--issues", "ISSUES"],
      ["score", file, "--definition", defFile],
    ]) {
      await expectSameRuns(argv);
    }
  });
});

/** A random site overlay (seeded) on PSS or EPDS: each scale gets its own bands (published or provisional) and missing rule. */
function randomOverlay(seed: number): { instrument: string; overlay: Record<string, unknown> } {
  const rnd = mulberry32(seed);
  const instrument = seed % 2 ? "pss" : "epds";
  const ranges: Record<string, [number, number, number]> = instrument === "pss" ? { total: [18, 90, 18] } : { total: [0, 30, 10], anxiety_3a: [0, 9, 3] };
  const scales: Record<string, unknown> = {};
  for (const [id, [lo, hi, n]] of Object.entries(ranges)) {
    const cut = Math.round(lo + (hi - lo) * (0.3 + 0.4 * rnd()));
    const upperInclusive = rnd() < 0.5;
    const src = () => ({ ref: "r", provenance: rnd() < 0.4 ? "provisional" : "policy" });
    scales[id] = {
      bands: {
        source: src(),
        bands: [
          { id: "site_low", label: "low", upper: { value: cut, inclusive: upperInclusive }, concern: false },
          { id: "site_high", label: "high", lower: { value: cut, inclusive: !upperInclusive }, concern: true },
        ],
      },
      missing: rnd() < 0.3 ? { kind: "none", source: src() } : { kind: "prorate", maxMissing: 1 + Math.floor(rnd() * Math.min(3, n - 1)), source: src() },
    };
  }
  return { instrument, overlay: { overlay: `rand${seed}`, instrument, description: "random overlay for the differential test", references: [{ id: "r", citation: "random overlay for the test" }], scales } };
}

describe("fast path with random site overlays", () => {
  it.each([31, 32, 33, 34, 35, 36])("overlay seed %i", async (seed) => {
    const { instrument, overlay } = randomOverlay(seed);
    const overlayFile = join(tmp, `overlay-${seed}.json`);
    writeFileSync(overlayFile, JSON.stringify(overlay));
    const file = join(tmp, `overlay-${seed}.csv`);
    writeFileSync(file, wideFile(seed, 1200, [instrument], ",", instrument === "epds" ? ["respondent", "birth_date"] : ["respondent"], seed % 3 === 0));
    const registry = defaultRegistry();
    registry.register(applyOverlay(registry.get(instrument), overlay, { file: overlayFile }));
    const { fast, all, incomplete = 0 } = await fastAdministrations(file, registry);
    expect(fast).toBeGreaterThan(all * 0.1);
    expect(incomplete).toBeGreaterThan(10);
    for (const argv of [
      ["score", file, "--overlay", overlayFile, "--out", "OUT", "--issues", "ISSUES"],
      ["score", file, "--overlay", overlayFile],
    ]) {
      await expectSameRuns(argv);
    }
  });
});

/**
 * A long file (one response per row) of about `admins` administrations over `ids` (and user definitions given as
 * [id, item formats]): each administration's rows come shuffled, with items left out or blank, and are interleaved
 * with those of the administrations open beside it (`spread` of them). Some rows are wrong in the ways longRowReader
 * reports: a repeated item, an unknown item or instrument, a row for an administration handed on long before
 * (beyond a window of `late` administrations), other grouping values than its administration's first row, a wrong
 * field count; and some cells are quoted, odd or messy (see wideFile).
 */
function longFile(seed: number, admins: number, ids: readonly (string | [string, Parameters<typeof answer>[1][]])[], delimiter: string, meta: readonly string[], o: { spread: number; late: number; quoteFree: boolean }): string {
  const rnd = mulberry32(seed);
  const insts = ids.map((x) => {
    if (typeof x !== "string") return { id: x[0], items: x[1].map((f, i) => ({ col: `rd${x[0].slice(5)}_${i + 1}`, format: f })) };
    const inst = getInstrument(x);
    return { id: x, items: inst.columns.map((c) => ({ col: c, format: (inst.items.get(c)?.format ?? { kind: "codes", codes: { "": 0, "1": 5, x: 5, "0": 0 } }) as Parameters<typeof answer>[1] })) };
  });
  const header = ["subject_id", "administered_on", "respondent", "instrument", "item", "value", ...meta];
  const lines: string[] = [header.join(delimiter)];
  const cell = (c: string) => (o.quoteFree ? unquoted(c, delimiter) : quote(c, delimiter, rnd));
  type Open = { id: string; item: string; cells: string[]; rows: string[][] };
  const open: Open[] = [];
  const done: Open[] = [];
  const emit = (a: Open, r: string[]) => {
    let cells = [...a.cells.slice(0, 3), ...r, ...a.cells.slice(3)];
    const f = rnd();
    if (f < 0.004) cells = cells.slice(0, -1);
    else if (f < 0.008) cells.push("extra");
    // other grouping values than on the administration's first row
    else if (f < 0.015 && meta.length > 0) cells[6] = `${cells[6]}x`;
    lines.push(cells.map(cell).join(delimiter) + (rnd() < 0.01 ? "\r\n" : ""));
    if (rnd() < 0.003) lines.push("");
  };
  let made = 0;
  while (made < admins || open.length > 0) {
    if (made < admins && open.length < o.spread) {
      const inst = pick(rnd, insts);
      const odd = rnd() < 0.1;
      const subject = odd ? pick(rnd, SUBJECTS) : `S${String(1 + Math.floor(made / 3)).padStart(4, "0")}`;
      const date = odd && rnd() < 0.5 ? pick(rnd, DATES) : `202${Math.floor(rnd() * 5)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 10)}`;
      const cells = [subject, date, odd ? pick(rnd, RESPONDENTS) : pick(rnd, ["mother", "father", ""]), inst.id];
      for (const m of meta)
        cells.push(m === "phase" ? pick(rnd, ["", "", "start", "end"]) : m === "birth_date" ? (odd && rnd() < 0.3 ? pick(rnd, DATES) : rnd() < 0.1 ? "" : "2022-06-15") : m === "age_months" ? (odd ? pick(rnd, AGES) : "") : m === "form" ? (odd ? pick(rnd, FORMS) : "") : pick(rnd, ["", "north", "south"]));
      const mode = rnd();
      // clean, with items left out or blank, or messy
      const holes = mode < 0.5 ? 0 : mode < 0.8 ? 0.15 : 0.05;
      const rows: string[][] = [];
      for (const it of inst.items) {
        if (holes > 0 && rnd() < holes) {
          if (rnd() < 0.5) rows.push([inst.id, it.col, ""]);
          continue;
        }
        rows.push([inst.id, it.col, answer(rnd, it.format, delimiter, mode >= 0.8)]);
        if (rnd() < 0.005) rows.push([inst.id, it.col, answer(rnd, it.format, delimiter, false)]);
      }
      if (rows.length === 0) rows.push([inst.id, inst.items[0]!.col, ""]);
      if (rnd() < 0.01) rows.push([inst.id, `${inst.id}_99`, "1"]);
      if (rnd() < 0.005) rows.push(["nosuch", "x_1", "1"]);
      // shuffled
      for (let i = rows.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [rows[i], rows[j]] = [rows[j]!, rows[i]!];
      }
      open.push({ id: inst.id, item: inst.items[0]!.col, cells: [cells[0]!, cells[1]!, cells[2]!, ...cells.slice(4)], rows });
      made++;
      continue;
    }
    const k = Math.floor(rnd() * open.length);
    const a = open[k]!;
    emit(a, a.rows.pop()!);
    if (a.rows.length === 0) {
      open.splice(k, 1);
      done.push(a);
    }
    // a row of an administration handed on long before
    if (done.length > o.late && rnd() < 0.003) {
      const old = done[done.length - o.late - 1 - Math.floor(rnd() * (done.length - o.late))]!;
      emit(old, [old.id, old.item, "1"]);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * scoreFile with the CLI's long CSV writer, as `trivsel score` writes it: the lines, every issue (as JSON, so the
 * order of its fields counts too), the summary, and how many administrations the fast path scored.
 */
async function longScored(file: string, registry: Registry, fastPath: boolean, longWindow?: number) {
  let text = "";
  const decoder = new TextDecoder();
  const writer = scoreWriter("long", registry, (s) => void (text += s), (b) => void (text += decoder.decode(b)));
  const issues: string[] = [];
  let full = 0;
  const sink = {
    begin: writer.begin,
    result: (r: Parameters<typeof writer.result>[0]) => (full++, writer.result(r)),
    issue: (i: object) => void issues.push(JSON.stringify(i)),
    longBytes: writer.longBytes!,
  };
  const summary = await scoreFile({ path: file }, { registry, fastPath, ...(longWindow !== undefined ? { longWindow } : {}) }, sink);
  return { text, issues, summary, fast: summary.administrations - full };
}

const LONG_CASES: { name: string; seed: number; admins: number; ids: string[]; defs?: number[]; delimiter: string; meta: string[]; spread: number; window: number; quoteFree?: boolean; minFast?: number }[] = [
  { name: "ORS, SRS, PSS and EPDS, comma, phase and birth_date", seed: 41, admins: 1200, ids: ["ors", "srs", "pss", "epds"], delimiter: ",", meta: ["phase", "birth_date"], spread: 12, window: 30 },
  { name: "decimal instruments and care-index, semicolon, form/age and a grouping column", seed: 42, admins: 1000, ids: ["ors", "srs", "cors", "csrs", "care-index"], delimiter: ";", meta: ["form", "age_months", "site"], spread: 25, window: 20, minFast: 0.04 },
  { name: "no quotes: every instrument, tab", seed: 43, admins: 1000, ids: INSTRUMENTS, delimiter: "\t", meta: ["birth_date", "site"], spread: 6, window: 8, quoteFree: true },
  { name: "user definitions beside PSS, comma", seed: 44, admins: 1000, ids: ["pss"], defs: [11, 14, 17], delimiter: ",", meta: [], spread: 10, window: 15 },
];

describe("long input: the fast path writes exactly what the full path writes", () => {
  it.each(LONG_CASES)("$name", async ({ seed, admins, ids, defs = [], delimiter, meta, spread, window, quoteFree, minFast = 0.2 }) => {
    const registry = defaultRegistry();
    const defArgs: string[] = [];
    const all: (string | [string, Parameters<typeof answer>[1][]])[] = [...ids];
    for (const d of defs) {
      const { def, formats } = randomDefinition(d);
      const defFile = join(tmp, `long-rand-${d}.json`);
      writeFileSync(defFile, JSON.stringify(def));
      registry.register(loadInstrument(def, { file: defFile }));
      defArgs.push("--definition", defFile);
      all.push([def.id as string, formats]);
    }
    const file = join(tmp, `long-${seed}.csv`);
    const text = longFile(seed, admins, all, delimiter, meta, { spread, late: window + spread, quoteFree: quoteFree === true });
    expect(text.includes('"')).toBe(!quoteFree);
    writeFileSync(file, text);
    // with a small window, so that rows come late and administrations are handed on while others are open
    const fast = await longScored(file, registry, true, window);
    const full = await longScored(file, registry, false, window);
    // (decimal commas and quoted cells in a ; file leave most administrations to the full path)
    expect(fast.fast).toBeGreaterThan(fast.summary.administrations * minFast);
    expect(fast.fast).toBeLessThan(fast.summary.administrations * 0.97);
    expect(full.fast).toBe(0);
    expect(fast.summary).toEqual(full.summary);
    expect(fast.issues.some((i) => i.includes("because ${window} other administrations began after those".replace("${window}", String(window))))).toBe(true);
    expect(fast.issues).toEqual(full.issues);
    expect(fast.text === full.text).toBe(true);
    // and through the CLI, with the default window
    for (const argv of [
      ["score", file, ...defArgs, "--out", "OUT", "--issues", "ISSUES"],
      ["score", file, ...defArgs],
      ["score", file, ...defArgs, "--instrument", ids[0]!, "--out", "OUT"],
    ]) {
      await expectSameRuns(argv);
    }
  });
});

describe("fast-path eligibility is a closed allow-list (src/scoring/eligible.ts)", () => {
  it("a definition feature outside the list sends every row to the full path, with the same output", async () => {
    const { def, formats } = randomDefinition(11);
    const items = (def.items as { id: string }[]).map((it) => it.id);
    // a sum constraint over two items: the fast path does not check constraints
    const constrained = { ...def, id: "rand-11c", constraints: [{ kind: "sum_equals", items: items.slice(0, 2), value: 4, source: { ref: "r", provenance: "published" } }] };
    const defFile = join(tmp, "rand-11c.json");
    writeFileSync(defFile, JSON.stringify(constrained));
    const rnd = mulberry32(111);
    let text = ["subject_id", "administered_on", ...items].join(",") + "\n";
    for (let r = 0; r < 200; r++) text += [`S${r}`, "2024-03-15", ...items.map((_, i) => answer(rnd, formats[i]!, ",", false))].join(",") + "\n";
    const file = join(tmp, "rand-11c.csv");
    writeFileSync(file, text);
    const registry = defaultRegistry();
    const plain = loadInstrument({ ...def, id: "rand-11c" }, { file: defFile });
    const inst = loadInstrument(constrained, { file: defFile });
    expect(compileFastScorer(plain, plain.columns, csvCell)).not.toBeNull();
    expect(compileFastScorer(inst, inst.columns, csvCell)).toBeNull();
    registry.register(inst);
    const { fast, all } = await fastAdministrations(file, registry);
    expect(all).toBe(200);
    expect(fast).toBe(0);
    await expectSameRuns(["score", file, "--definition", defFile, "--out", "OUT", "--issues", "ISSUES"]);
  });

  it("a field the list does not name (as a new schema feature would be) fails closed, in a scale, a form or the instrument", () => {
    const inst = getInstrument("pss");
    expect(compileFastScorer(inst, inst.columns, csvCell)).not.toBeNull();
    // the definitions are built by hand here: the schema (strict) would refuse the unknown fields
    const withDef = (def: object) => ({ ...inst, def }) as typeof inst;
    const cases = [
      withDef({ ...inst.def, scales: inst.def.scales.map((s) => ({ ...s, weights: [2] })) }),
      withDef({ ...inst.def, forms: [{ id: "all", label: "all", bands: {}, skipLogic: true }] }),
      withDef({ ...inst.def, scoringEngine: "v2" }),
      withDef({ ...inst.def, items: inst.def.items.map((it) => ({ ...it, weight: 2 })) }),
      withDef({ ...inst.def, responseFormats: Object.fromEntries(Object.entries(inst.def.responseFormats).map(([k, f]) => [k, { ...f, missingCodes: ["9"] }])) }),
      withDef({ ...inst.def, scales: inst.def.scales.map((s) => ({ ...s, missing: { kind: "impute", source: s.key } })) }),
    ];
    for (const c of cases) {
      expect(planFastBlocker(c, formPlan(c, c.forms[0]!))).not.toBeNull();
      expect(compileFastScorer(c, c.columns, csvCell)).toBeNull();
    }
    expect(cases.map((c) => planFastBlocker(c, formPlan(c, c.forms[0]!)))).toEqual(["scales", "forms", "scoringEngine", "items", "responseFormats", "scales"]);
    // and a kernel refuses a scale of its own
    const kernel = formPlan(inst, inst.forms[0]!).scales[0]!;
    expect(scaleFastBlocker({ ...kernel, def: { ...kernel.def, weights: [2] } as typeof kernel.def }, 0)).toBe("scale total: weights");
  });
});
