/**
 * The FIT table's CSV written from the collector's session columns (writeFitCsv) against FIT_TABLE itself:
 * writeCsv(FIT_TABLE, eachFitRow(families("lazy"))) must be the same bytes, in both dialects, on random collectors
 * (dates out of order and spelled two ways, same-day repeats, missing ORS or SRS, unscored results, bands with and
 * without concern, item flags, ETR tables, several raters, families and measures, ids that need quoting or a formula
 * guard, numbers that are not tenths). addBuilt, fed the same results as built rows, must give add()'s families.
 */
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../scripts/prng.js";
import { CSV_DIALECTS, type CsvDialect } from "../../src/io/csv.js";
import type { BuiltRow } from "../../src/io/fast-results.js";
import { defaultRegistry } from "../../src/registry/registry.js";
import type { AppliedBand, ScaleResult, ScoreResult } from "../../src/schema/results.js";
import { eachFitRow, FIT_TABLE } from "../../src/tables/fit.js";
import { writeFitCsv } from "../../src/tables/fit-csv.js";
import { writeCsv } from "../../src/tables/table.js";
import { FIT_RULES, FitCollector, fitMeasures, type EtrTable, type FitMeasure, type FitOptions } from "../../src/trend/fit.js";

/** the built-in measures and two more whose ids and family need quoting (one without points, one with an item flag) */
const MEASURES: FitMeasure[] = [
  ...fitMeasures(defaultRegistry()),
  { instrument: 'o;"x"', scale: "t", role: "outcome", family: "f,1", hasCutoff: false },
  { instrument: "=a", scale: "t", role: "alliance", family: "f,1", itemFlag: "low", hasCutoff: true },
];
const SUBJECTS = ["F1", "F,2", 'F "3"', "=F4", "-5", "Ø6", "F 7", "+8", "F\n9", "F10"];
const RESPONDENTS = ["mother", "father", "", "a;b", "@x"];

const band = (label: string, concern: boolean): AppliedBand => ({ id: label, label, concern, rule: "", source: { ref: "t", provenance: "published" } }) as AppliedBand;
/** shared band objects, as the fast path hands them on, and a fresh one now and then */
const BANDS = [band("ok", false), band("concern, low", true), band("clinical", true)];

const scale = (name: string, score: number | null, b: AppliedBand | null, flags: string[]): ScaleResult =>
  ({ scale: name, label: name, score, status: score === null ? "not_scorable" : "scored", band: b, nAnswered: 4, nItems: 4, flags, direction: "higher_is_better", rule: "", provisional: false }) as ScaleResult;

/**
 * A random course: raters and families interleaved (most results of a few, so same-day repeats are common), dates
 * out of order, gaps, odd numbers; scale results met again now and then, also in another instrument's result.
 */
function randomResults(rnd: () => number, n: number): ScoreResult[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const often = <T,>(xs: readonly T[]): T => (rnd() < 0.7 ? xs[Math.floor(rnd() * 2)]! : pick(xs));
  const out: ScoreResult[] = [];
  const made: ScaleResult[] = [];
  for (let k = 0; k < n; k++) {
    const m = pick([...MEASURES, MEASURES[0]!, MEASURES[1]!]);
    const day = 1 + Math.floor(rnd() * 14);
    const date = rnd() < 0.03 ? "soon" : rnd() < 0.2 ? `${day}.4.2024` : `2024-04-${String(day).padStart(2, "0")}`;
    const x = rnd();
    const score = x < 0.05 ? null : x < 0.1 ? Math.round(rnd() * 40000) / 1000 : x < 0.12 ? -Math.round(rnd() * 50) / 10 : Math.round(rnd() * 400) / 10;
    const b = m.role === "alliance" && score !== null && rnd() < 0.8 ? (rnd() < 0.1 ? band("fresh", rnd() < 0.5) : pick(BANDS)) : null;
    const flags = m.role === "alliance" && rnd() < 0.3 ? [m.itemFlag ?? "other"] : [];
    // the measure's scale not first, and sometimes missing (the result then counts for nothing)
    const total = made.length > 0 && rnd() < 0.2 ? pick(made) : scale(m.scale, score, b, flags);
    made.push(total);
    const scales = [scale("other", 1, null, []), ...(rnd() < 0.97 ? [total] : [])];
    const respondent = often([...RESPONDENTS, undefined]);
    out.push({ instrument: m.instrument, subjectId: often(SUBJECTS), administeredOn: date, ...(respondent !== undefined ? { respondent } : {}), scales } as unknown as ScoreResult);
  }
  return out;
}

function randomEtr(rnd: () => number): EtrTable {
  const rows: EtrTable["rows"] = [];
  for (const intake of [5, 12.5, 20, 20, 31]) for (let session = 1; session <= 8; session++) if (rnd() < 0.85) rows.push({ intake, session, expected: intake + session * 1.3, lower: intake - 5 + session * rnd() * 2 });
  return { rows, name: "etr.csv" };
}

function randomOptions(rnd: () => number): FitOptions {
  return {
    measures: MEASURES,
    sessions: 2 + Math.floor(rnd() * 6),
    ...(rnd() < 0.3 ? { srsDrop: [0.5, 2][Math.floor(rnd() * 2)]! } : {}),
    ...(rnd() < 0.3 ? { orsPoints: 3 } : {}),
    ...(rnd() < 0.6 ? { etr: randomEtr(rnd) } : {}),
  };
}

/** the bytes a writer hands its sink, copied (the sink's buffer is reused) */
function bytesOf(write: (sink: (b: Uint8Array) => void) => void): Buffer {
  const parts: Buffer[] = [];
  write((b) => parts.push(Buffer.from(b)));
  return Buffer.concat(parts);
}

/** the CSV both ways, and the number of series alerting at their latest session both ways */
function both(c: FitCollector, d: CsvDialect) {
  let alerted = -1;
  const fast = bytesOf((sink) => (alerted = writeFitCsv(sink, c, d)));
  let current = 0;
  const table = bytesOf((sink) => writeCsv(sink, FIT_TABLE, eachFitRow(c.families("lazy"), (f) => void (f.current.length && current++)), d));
  return { fast: fast.toString("utf8"), table: table.toString("utf8"), fastBytes: fast, tableBytes: table, alerted, current };
}

const collect = (results: readonly ScoreResult[], opts: FitOptions): FitCollector => {
  const c = new FitCollector(opts);
  for (const r of results) c.add(r);
  return c;
};

/** The results as built rows: consecutive results of one subject, date and respondent are one row; a scale result's number is its object's. */
function builtRows(results: readonly ScoreResult[]): BuiltRow[] {
  const ids = new Map<ScaleResult, number>();
  const source = {};
  const rows: BuiltRow[] = [];
  let row: BuiltRow | undefined;
  for (const r of results) {
    if (!row || row.subjectId !== r.subjectId || row.administeredOn !== r.administeredOn || row.respondent !== (r.respondent ?? "")) {
      const date = r.administeredOn ?? "";
      const dateKey = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Number(date.replace(/-/g, "")) : -1;
      row = { source, row: rows.length, subjectId: r.subjectId ?? "", administeredOn: date, dateKey, respondent: r.respondent ?? "", phase: "", extraNames: [], extraValues: [], count: 0, instrument: [], form: [], first: [0], scales: [], scaleIds: [] };
      rows.push(row);
    }
    row = row!;
    row.instrument.push(r.instrument);
    row.form.push(null);
    for (const s of r.scales) {
      row.scales.push(s);
      row.scaleIds.push(ids.get(s) ?? ids.set(s, ids.size).get(s)!);
    }
    row.count++;
    row.first.push(row.scales.length);
  }
  return rows;
}

describe("writeFitCsv", () => {
  it("writes FIT_TABLE's bytes (writeCsv of eachFitRow) on random collectors, in both dialects", () => {
    const met = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const rnd = mulberry32(seed);
      const results = randomResults(rnd, 10 + Math.floor(rnd() * 200));
      const opts = randomOptions(rnd);
      const c = collect(results, opts);
      for (const d of [CSV_DIALECTS.standard, CSV_DIALECTS["excel-da"]]) {
        const got = both(c, d);
        expect(got.fast, `seed ${seed} ${d.name}`).toBe(got.table);
        expect(got.fastBytes.equals(got.tableBytes), `seed ${seed} ${d.name}`).toBe(true);
        expect(got.alerted, `seed ${seed} ${d.name}`).toBe(got.current);
      }
      for (const f of c.families()) for (const s of f.sessions) for (const a of s.alerts) met.add(a.rule);
      const text = both(c, CSV_DIALECTS.standard).table;
      if (/^"F,2",/m.test(text)) met.add("quoted subject");
      if (/^'=F4,/m.test(text)) met.add("guarded subject");
      if (/,"o;""x""",/.test(text)) met.add("quoted measure");
      if (/,\d+,\d+(\.\d+)?,(\d+)?,(\d+)?\.\d+,/.test(text)) met.add("etr");
      if (/,-\d/.test(text)) met.add("negative");
      if (/\.\d\d/.test(text)) met.add("not tenths");
    }
    expect([...met].sort()).toEqual([...FIT_RULES, "etr", "guarded subject", "negative", "not tenths", "quoted measure", "quoted subject"].sort());
  });

  it("the same bytes across its buffer's pieces, for a subject longer than the buffer, and after more results came", () => {
    const rnd = mulberry32(99);
    const results = randomResults(rnd, 6000);
    const long = { ...results[0]!, subjectId: "L".repeat(70_000) + ",x" } as ScoreResult;
    const c = collect([...results, long], { measures: MEASURES, etr: randomEtr(rnd) });
    for (const d of [CSV_DIALECTS.standard, CSV_DIALECTS["excel-da"]]) {
      const got = both(c, d);
      expect(got.fastBytes.length).toBeGreaterThan(2 * 65536);
      expect(got.fastBytes.equals(got.tableBytes)).toBe(true);
    }
    // dates before the ones read, new raters: the columns follow
    for (const r of randomResults(mulberry32(100), 300)) c.add({ ...r, administeredOn: r.administeredOn?.replace("2024", "2023") } as ScoreResult);
    const got = both(c, CSV_DIALECTS.standard);
    expect(got.fastBytes.equals(got.tableBytes)).toBe(true);
  });

  it("an empty collector: the header alone", () => {
    const got = both(new FitCollector({}), CSV_DIALECTS["excel-da"]);
    expect(got.fast).toBe(got.table);
    expect(got.alerted).toBe(0);
  });
});

describe("FitCollector.addBuilt", () => {
  it("gives add()'s families and table from the same results as built rows (shared scale results, switching sources)", () => {
    for (let seed = 200; seed <= 230; seed++) {
      const rnd = mulberry32(seed);
      const results = randomResults(rnd, 10 + Math.floor(rnd() * 200));
      // results met again: the same scale objects, the same numbers
      const again = results.flatMap((r) => (rnd() < 0.3 ? [r, r] : [r]));
      const opts = randomOptions(rnd);
      const byAdd = collect(again, opts);
      const byBuilt = new FitCollector(opts);
      const rows = builtRows(again);
      // a second source numbers the same scale results differently: its facts must not be mixed with the first's
      const half = Math.floor(rows.length / 2);
      for (const v of rows.slice(0, half)) byBuilt.addBuilt(v);
      const shift = { source: {} };
      for (const v of rows.slice(half)) byBuilt.addBuilt({ ...v, ...shift, scaleIds: v.scaleIds.map((id) => (id * 7 + 3) % 1009) });
      expect(JSON.stringify([...byBuilt.families()]), `seed ${seed}`).toBe(JSON.stringify([...byAdd.families()]));
      expect(both(byBuilt, CSV_DIALECTS.standard).fast).toBe(both(byAdd, CSV_DIALECTS.standard).table);
    }
  });
});
