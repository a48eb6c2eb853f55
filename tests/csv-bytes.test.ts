import { isUtf8 } from "node:buffer";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { AtomicFile, outputError } from "../src/io/atomic.js";
import { inProc, ROOT } from "./helpers/cli.js";
import { mulberry32 } from "../scripts/prng.js";
import { CSV_BYTES_CAPACITY } from "../src/io/csv-bytes.js";
import { CSV_DIALECTS, type CsvDialect } from "../src/io/csv.js";
import { toCsv, writeCsv, type Cell, type Table } from "../src/tables/table.js";

// characters csvCell treats apart (quotes, delimiters, line ends, formula starts), ASCII controls, and UTF-8 of
// every length: 2 and 3 bytes, a surrogate pair, lone surrogates (U+FFFD in UTF-8), a byte-order mark
const SPECIAL = ['"', ",", ";", "\r", "\n", "\t", "=", "+", "-", "@", "'", " ", ".", "\u0000", "\u007f", "\u0080", "æ", "ø", "≤", "€", "😀", "\ud83d", "\ude00", "\ufeff"];

function randomString(rnd: () => number): string {
  const r = rnd();
  // mostly short, some past the memo's length, a few past the buffer
  const n = r < 0.9 ? Math.floor(rnd() * 12) : r < 0.995 ? Math.floor(rnd() * 600) : CSV_BYTES_CAPACITY + Math.floor(rnd() * 1000);
  let s = "";
  for (let i = 0; i < n; i++) {
    const k = rnd();
    s += k < 0.6 ? String.fromCharCode(97 + Math.floor(rnd() * 26)) : k < 0.75 ? String(Math.floor(rnd() * 10)) : k < 0.85 ? String.fromCharCode(Math.floor(rnd() * 128)) : SPECIAL[Math.floor(rnd() * SPECIAL.length)]!;
  }
  return s;
}

const NUMBERS = [0, -0, NaN, Infinity, -Infinity, 1e21, -1e21, 1e22, 1e-7, 5e-7, -5e-7, 4.9e-7, 1e-9, -1e-9, 0.1 + 0.2, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, 1 - 2 ** 53, 2 ** 53 + 2];
NUMBERS.push(Number.MAX_VALUE, Number.MIN_VALUE, -0.05, 0.05, -0.5, 0.5, 999999999.9, -999999999.9, 1e9 + 0.5, -1e9 - 0.5, 1e9 - 0.1, 123456.0000004, 100.0000001);

function randomNumber(rnd: () => number): number {
  const k = Math.floor(rnd() * 8);
  if (k === 0) return NUMBERS[Math.floor(rnd() * NUMBERS.length)]!;
  // tenths and integers of every size, either sign
  if (k === 1) return Math.round((rnd() - 0.5) * 10 ** Math.floor(rnd() * 13)) / 10;
  if (k === 2) return Math.round((rnd() - 0.5) * 10 ** Math.floor(rnd() * 17));
  if (k === 3) return Math.round(rnd() * 800 - 400) / 10 + (rnd() < 0.3 ? 0.1 + 0.2 : 0);
  if (k === 4) return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10);
  if (k === 5) return Math.round(rnd() * 1e6) / 1e6 + Math.floor(rnd() * 1000);
  if (k === 6) return (rnd() - 0.5) * 1e-5;
  return Math.round((rnd() - 0.5) * 1e8) / 100;
}

function randomCell(rnd: () => number, pool: Cell[]): Cell {
  const k = rnd();
  // repeated cells, as ids, dates and names repeat
  if (k < 0.3 && pool.length > 0) return pool[Math.floor(rnd() * pool.length)];
  if (k < 0.55) return randomString(rnd);
  if (k < 0.6) return (rnd() < 0.5 ? "-" : "") + String(randomNumber(rnd));
  if (k < 0.85) return randomNumber(rnd);
  if (k < 0.9) return rnd() < 0.5;
  return rnd() < 0.5 ? null : undefined;
}

const tableOf = (width: number): Table<Cell[]> => ({
  row: "test",
  columns: Array.from({ length: width }, (_, i) => ({ name: i === 0 ? "first,name" : `c${i}`, meaning: "", get: (r: Cell[]) => r[i] })),
});

function bytesOf<R>(t: Table<R>, rows: readonly R[], d: CsvDialect): { bytes: Buffer; pieces: Buffer[] } {
  const pieces: Buffer[] = [];
  writeCsv((b) => pieces.push(Buffer.from(b)), t, rows, d);
  return { bytes: Buffer.concat(pieces), pieces };
}

/** the first line where the byte writer and the text differ, for the failure message */
function firstDifference(bytes: Buffer, text: Buffer): string {
  let i = 0;
  while (i < bytes.length && bytes[i] === text[i]) i++;
  const from = Math.max(0, bytes.lastIndexOf(10, i - 1) + 1);
  return `at byte ${i}: bytes ${JSON.stringify(bytes.toString("utf8", from, i + 40))} text ${JSON.stringify(text.toString("utf8", from, i + 40))}`;
}

describe("CSV as bytes", () => {
  for (const name of ["standard", "excel-da"] as const) {
    it(`writes toCsv's bytes in the ${name} dialect, on random tables, in pieces of whole characters`, () => {
      const d = CSV_DIALECTS[name];
      const rnd = mulberry32(name === "standard" ? 14 : 41);
      for (let k = 0; k < 30; k++) {
        const width = 1 + Math.floor(rnd() * 8);
        const pool: Cell[] = [];
        const rows: Cell[][] = [];
        const n = k < 25 ? Math.floor(rnd() * 40) : 6000;
        for (let i = 0; i < n; i++) {
          const row = Array.from({ length: width }, () => randomCell(rnd, pool));
          if (pool.length < 50) pool.push(row[Math.floor(rnd() * width)]);
          rows.push(row);
        }
        const t = tableOf(width);
        const text = Buffer.from(toCsv(t, rows, d), "utf8");
        const { bytes, pieces } = bytesOf(t, rows, d);
        if (!bytes.equals(text)) expect.fail(`${name}, table ${k}: ${firstDifference(bytes, text)}`);
        for (const p of pieces) expect(isUtf8(p)).toBe(true);
      }
    });
  }

  /** one number a row, in both dialects: the byte writer's bytes are toCsv's */
  const sameNumbers = (xs: readonly number[]): void => {
    for (const d of Object.values(CSV_DIALECTS)) {
      const t = tableOf(1);
      const rows = xs.map((x) => [x]);
      const text = Buffer.from(toCsv(t, rows, d), "utf8");
      const { bytes } = bytesOf(t, rows, d);
      if (!bytes.equals(text)) expect.fail(`${d.name}: ${firstDifference(bytes, text)}`);
    }
  };

  it("writes every tenth, integer and small decimal as formatNumber does", () => {
    const xs: number[] = [];
    for (let i = -20000; i <= 20000; i++) xs.push(i / 10, i, i / 100, i / 1000 + 0.0000004, -i * 1e-7);
    sameNumbers(xs);
  });

  it("writes sums and differences of tenths, and numbers close to a tenth, as formatNumber does", () => {
    const xs: number[] = [];
    for (let a = -400; a <= 400; a++) for (let b = -400; b <= 400; b += 7) xs.push(a / 10 + b / 10, a / 10 - b / 10, (a / 10) * 3 - b / 10, (a + b / 10) / 10);
    // either side of the bounds: 1e-9 from a tenth, 1e6, toFixed(6)'s rounding
    for (const t of [0, 0.1, -0.1, 3, -3, 12.3, 999999.9, -999999.9, 1e6, -1e6, 1e6 + 0.1, 5e5 + 0.3, 1e9 - 0.1])
      for (const e of [0, 1e-12, 5e-10, 9.99e-10, 1e-9, 1.01e-9, 1e-8, 4.9e-7, 5e-7, 5.1e-7]) xs.push(t + e, t - e);
    // a few doubles either side of tenths
    const f = new Float64Array(1);
    const bits = new BigInt64Array(f.buffer);
    const step = (x: number, k: number) => ((f[0] = x), (bits[0] = bits[0]! + BigInt(x >= 0 ? k : -k)), f[0]);
    for (let i = -100000; i <= 100000; i += 7) for (const k of [-3, -2, -1, 1, 2, 3]) xs.push(step(i / 10, k), step(i / 10 + 5e5, k));
    sameNumbers(xs);
  });

  it("writes other numbers to six decimals as formatNumber does, also on and beside toFixed's ties", () => {
    const xs: number[] = [];
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < 200_000; i++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 9 - 5);
      xs.push(x, -x);
    }
    // halfway between two sixth decimals (and the doubles either side), where toFixed rounds up; tiny values
    const f = new Float64Array(1);
    const bits = new BigInt64Array(f.buffer);
    const step = (x: number, k: number) => ((f[0] = x), (bits[0] = bits[0]! + BigInt(x >= 0 ? k : -k)), f[0]);
    for (let k = 0; k < 20_000; k++) {
      const tie = (k * 37 + 0.5) / 1e6;
      for (const d of [-2, -1, 0, 1, 2]) xs.push(step(tie, d), -step(tie, d), step(tie + 1234, d));
    }
    xs.push(4.9e-7, 5e-7, 5.1e-7, -4.9e-7, -5e-7, -5.1e-7, 1e-300, -1e-300, 8588.9999995, -8588.9999995, 8589.1234567, 0.1 + 0.2, 1 / 3, -2 / 3);
    sameNumbers(xs);
  });

  it("hands on pieces no larger than its buffer, except one cell that is larger", () => {
    const t = tableOf(3);
    const rows = Array.from({ length: 20000 }, (_, i) => ["F" + i, i / 10, "a;b"]);
    const { pieces } = bytesOf(t, rows, CSV_DIALECTS.standard);
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(CSV_BYTES_CAPACITY);
  });
});

describe("the commands' CSV as bytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "trivsel-csv-bytes-"));
  const demo = join(ROOT, "datasets/demo-cohort.csv");
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([["trend"], ["fit"]])("%s: the same bytes to --out as to standard output, in both dialects", async (command) => {
    for (const dialect of ["standard", "excel-da"]) {
      const out = join(dir, `${command}-${dialect}.csv`);
      const toStdout = await inProc([command, demo, "--dialect", dialect, "--quiet"]);
      expect((await inProc([command, demo, "--dialect", dialect, "--out", out, "--quiet"])).code).toBe(toStdout.code);
      expect(readFileSync(out)).toEqual(Buffer.from(toStdout.out, "utf8"));
      expect(toStdout.out.length).toBeGreaterThan(CSV_BYTES_CAPACITY);
    }
  });

  it.each([["trend"], ["fit"]])("%s: a disk full after the first piece leaves the old --out file as it was and no temporary file", async (command) => {
    const d = mkdtempSync(join(dir, "full-"));
    writeFileSync(join(d, "out.csv"), "yesterday's rows\n");
    const writeBytes = AtomicFile.prototype.writeBytes;
    let pieces = 0;
    vi.spyOn(AtomicFile.prototype, "writeBytes").mockImplementation(function (this: AtomicFile, b: Uint8Array) {
      if (++pieces === 2) throw outputError(this.path, Object.assign(new Error("no space"), { code: "ENOSPC" }));
      writeBytes.call(this, b);
    });
    const r = await inProc([command, demo, "--out", join(d, "out.csv"), "--quiet"]);
    expect(pieces).toBe(2);
    expect(r.code).toBe(2);
    expect(r.err).toContain("out.csv: the disk is full");
    expect(readdirSync(d)).toEqual(["out.csv"]);
    expect(readFileSync(join(d, "out.csv"), "utf8")).toBe("yesterday's rows\n");
  });
});
