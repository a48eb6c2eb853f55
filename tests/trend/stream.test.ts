/**
 * The CLI's streaming progression (each result reduced as it is read, each series written as it is analysed)
 * against the in-memory library functions on the same file: a random sample of the demo cohort's families
 * (every instrument, raters, forms, phases, birth dates, rows with errors), rows shuffled so families interleave,
 * and a few families on both sides of a tie. Bytes of CSV, JSON and the closing summary must be the same.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { memoryIo } from "../../src/cli/io.js";
import { readResults } from "../../src/io/read-results.js";
import { defaultRegistry } from "../../src/registry/registry.js";
import { analyseTrends } from "../../src/trend/classify.js";
import { fitMeasures, fitSessions } from "../../src/trend/fit.js";
import { evaluateGoals, goalSampleNorms, parseGoalsText, respondentsByInstrument, validateGoals } from "../../src/trend/goals.js";
import { cohortSummary } from "../../src/trend/cohort.js";
import { cohortGrouping } from "../../src/trend/cohort-groups.js";
import { buildSeries, type Series, type SeriesOptions, type SeriesPoint, type SeriesSkip, type Reference } from "../../src/trend/series.js";
import { fitSummary, trendSummary, cohortSummaryText, goalsSummary } from "../../src/trend/summary.js";
import { toCsv } from "../../src/tables/table.js";
import { TREND_TABLE } from "../../src/tables/trend.js";
import { FIT_TABLE, fitRows } from "../../src/tables/fit.js";
import { GOAL_TABLE } from "../../src/tables/goals.js";
import { cohortJson, cohortTable } from "../../src/tables/cohort.js";
import { parseDate, toDayNumber } from "../../src/dates.js";
import { mulberry32 } from "../../scripts/prng.js";
import type { ScoreResult } from "../../src/schema/results.js";

const GOALS = new URL("../../datasets/demo-goals.yaml", import.meta.url).pathname;
const DEMO = readFileSync(new URL("../../datasets/demo-cohort.csv", import.meta.url), "utf8");

/** a seeded generator, so a failure can be reproduced */
const random = mulberry32;

/** The goals' families (F002, F005, F006) and `n` others, some twice under another id, rows shuffled. */
function randomFile(seed: number, n: number): string {
  const rnd = random(seed);
  const [header, ...rows] = DEMO.trimEnd().split("\n");
  const ids = [...new Set(rows.map((r) => r.slice(0, r.indexOf(","))))];
  const chosen = new Set(["F002", "F005", "F006"]);
  while (chosen.size < n + 3) chosen.add(ids[Math.floor(rnd() * ids.length)]!);
  const out: string[] = [];
  for (const r of rows) {
    const id = r.slice(0, r.indexOf(","));
    if (!chosen.has(id)) continue;
    out.push(r);
    if (rnd() < 0.3) out.push(`${id}b${r.slice(id.length)}`);
  }
  // a row without subject and one with a date that is not one: left out, and said so
  out.push(`,${out[0]!.slice(out[0]!.indexOf(",") + 1)}`);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return `${header}\n${out.join("\n")}\n`;
}

async function cli(args: string[], text: string): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(text);
  const code = await run(args, io);
  return { code, out: io.out, err: io.err };
}

const registry = defaultRegistry();
const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";

describe.each([
  ["raw", 11, 5],
  ["scored", 12, 5],
] as const)("streaming progression on a random multi-family file (%s input, seed %i)", (kind, seed, n) => {
  const raw = randomFile(seed, n);
  let text = raw;
  const inputText = async () => {
    if (kind === "raw") return raw;
    if (text === raw) text = (await cli(["score", "-", "--quiet"], raw)).out;
    return text;
  };

  for (const norms of [[], ["--norms", "sample"]]) {
    it(`trend and cohort${norms.length ? " with --norms sample" : ""}: the same bytes as analyseTrends and cohortSummary`, async () => {
      const input = await inputText();
      const read = await readResults({ text: input }, registry, {}, () => {});
      for (const since of ["intake", "birth"] as const) {
        const { analyses, skipped } = analyseTrends(read.results, registry, { ...(norms.length ? { normsFrom: "sample" as const } : {}), norms: {}, since, birthDates: read.birthDates });
        const csv = await cli(["trend", "-", "--since", since, ...norms], input);
        expect(csv.out).toBe(toCsv(TREND_TABLE, analyses));
        expect(csv.err.endsWith(trendSummary(analyses, skipped, read))).toBe(true);
        expect((await cli(["trend", "-", "--since", since, "--format", "json", ...norms], input)).out).toBe(json({ since, input: read.kind, analyses, skipped }));
      }
      const { analyses } = analyseTrends(read.results, registry, { ...(norms.length ? { normsFrom: "sample" as const } : {}), norms: {} });
      for (const by of kind === "raw" ? [[], ["municipality"], ["municipality", "phase"]] : [[], ["phase"]]) {
        const rows = cohortSummary(analyses, cohortGrouping(read, by));
        const args = by.flatMap((b) => ["--by", b]);
        const csv = await cli(["cohort", "-", ...args, ...norms], input);
        expect(csv.out).toBe(toCsv(cohortTable(by), rows));
        expect(csv.err.endsWith(cohortSummaryText(rows, analyses.length))).toBe(true);
        expect((await cli(["cohort", "-", "--format", "json", ...args, ...norms], input)).out).toBe(cohortJson(rows, by));
      }
    });
  }

  it("fit: the same bytes as fitSessions", async () => {
    const input = await inputText();
    const measures = fitMeasures(registry);
    const ids = new Set(measures.map((m) => m.instrument));
    const read = await readResults({ text: input }, registry, {}, () => {});
    const families = fitSessions(read.results.filter((r) => ids.has(r.instrument)), { sessions: 4, measures });
    const csv = await cli(["fit", "-", "--sessions", "4"], input);
    expect(csv.out).toBe(toCsv(FIT_TABLE, fitRows(families)));
    expect(csv.err.endsWith(fitSummary(families, undefined))).toBe(true);
    expect((await cli(["fit", "-", "--sessions", "4", "--format", "json"], input)).out).toBe(json({ etr: null, reviewSession: 4, families }));
  });

  it("goals: the same bytes as evaluateGoals on every result", async () => {
    const input = await inputText();
    const list = parseGoalsText(readFileSync(GOALS, "utf8"), GOALS);
    const read = await readResults({ text: input }, registry, {}, () => {});
    validateGoals(list, registry, GOALS, respondentsByInstrument(read.results));
    const scaleDef = (i: string, s: string) => registry.get(i).scales.find((x) => x.id === s)?.def;
    for (const norms of [[], ["--norms", "sample"]]) {
      const evals = evaluateGoals(list, read.results, scaleDef, { at: "2025-06-01", ...(norms.length ? { samples: goalSampleNorms(read.results, registry) } : {}) });
      const csv = await cli(["goals", "-", "--goals", GOALS, "--at", "2025-06-01", ...norms], input);
      expect(csv.out).toBe(toCsv(GOAL_TABLE, evals));
      expect(csv.err.endsWith(goalsSummary(evals))).toBe(true);
      expect((await cli(["goals", "-", "--goals", GOALS, "--at", "2025-06-01", "--format", "json", ...norms], input)).out).toBe(json(evals));
    }
  });

  it("buildSeries (the collector under every command) gives what buildSeries gave before it kept results compactly", async () => {
    const read = await readResults({ text: await inputText() }, registry, {}, () => {});
    const perForm = (i: string, s: string) => i.startsWith("asq") || s === "total";
    for (const opts of [{}, { perForm }, { since: "birth" as const, birthDates: read.birthDates, perForm }, { instrument: "ors" }, { scale: "total", form: "6" }]) expect(buildSeries(read.results, opts)).toEqual(referenceBuildSeries(read.results, opts));
  });
});

describe("reading once", () => {
  it("takes each subject's first valid birth_date in the scoring pass, also from a row that gives no result", async () => {
    const text = `subject_id,administered_on,respondent,birth_date,ors_1,ors_2,ors_3,ors_4
F1,2024-01-01,mother,,4,5,4,5
F1,2024-01-08,mother,2024-13-40,6,6,6,6
F2,2024-01-08,mother,2023-12-01,,,,
F1,2024-01-15,mother,2023-11-02,7,8,7,8
F1,2024-01-22,mother,2023-11-09,7,8,7,8
`;
    const read = await readResults({ text }, registry, {}, () => {});
    expect([...read.birthDates]).toEqual([
      ["F2", "2023-12-01"],
      ["F1", "2023-11-02"],
    ]);
    const out = (await cli(["trend", "-", "--since", "birth", "--format", "json"], text)).out;
    expect(JSON.parse(out).analyses[0].reference).toEqual({ kind: "birth", date: "2023-11-02" });
  });

  it("hands on every administration of a scored file, the last one too", async () => {
    const raw = randomFile(5, 3);
    const scored = (await cli(["score", "-", "--quiet"], raw)).out;
    const fromRaw = await readResults({ text: raw }, registry, {}, () => {});
    const fromScored = await readResults({ text: scored }, registry, {}, () => {});
    const id = (r: ScoreResult) => [r.subjectId, r.administeredOn, r.respondent, r.instrument, r.scales.map((s) => s.scale).join(" ")].join(",");
    // a scored file has no row for a result without scales (an unknown form), and refuses one without subject
    expect(fromScored.results.map(id)).toEqual(fromRaw.results.filter((r) => r.scales.length && r.subjectId).map(id));
  });
});

const dayOf = (iso: string): number | null => {
  const d = parseDate(iso);
  return d ? toDayNumber(d) : null;
};

/** buildSeries as it was before results were reduced on arrival (commit 5f18b98), kept as the reference. */
function referenceBuildSeries(results: Iterable<ScoreResult>, opts: SeriesOptions = {}): { series: Series[]; skipped: SeriesSkip[] } {
  const skipped: SeriesSkip[] = [];
  const intake = new Map<string, { day: number; date: string }>();
  const kept: { r: ScoreResult; day: number; index: number }[] = [];
  let index = 0;
  for (const r of results) {
    const i = index++;
    const row = r.source?.row;
    const skip = (reason: SeriesSkip["reason"]) => skipped.push({ reason, instrument: r.instrument, ...(row !== undefined ? { row } : {}) });
    if (!r.subjectId) {
      skip("no_subject");
      continue;
    }
    if (!r.administeredOn) {
      skip("no_date");
      continue;
    }
    const day = dayOf(r.administeredOn);
    if (day === null) {
      skip("invalid_date");
      continue;
    }
    const first = intake.get(r.subjectId);
    if (!first || day < first.day) intake.set(r.subjectId, { day, date: r.administeredOn });
    if (opts.instrument !== undefined && r.instrument !== opts.instrument) continue;
    if (opts.form !== undefined && r.form !== opts.form) continue;
    kept.push({ r, day, index: i });
  }
  const births = opts.birthDates instanceof Map ? opts.birthDates : new Map(Object.entries(opts.birthDates ?? {}));
  const bySeries = new Map<string, Series & { entries: { day: number; point: SeriesPoint }[] }>();
  for (const { r, day, index: inputIndex } of kept) {
    const subjectId = r.subjectId!;
    let reference: Reference = { kind: "intake", date: intake.get(subjectId)!.date };
    const birth = opts.since === "birth" ? births.get(subjectId) : undefined;
    if (birth !== undefined && dayOf(birth) !== null) reference = { kind: "birth", date: birth };
    const refDay = dayOf(reference.date)!;
    for (const s of r.scales) {
      if (opts.scale !== undefined && s.scale !== opts.scale) continue;
      const form = opts.perForm?.(r.instrument, s.scale) ? r.form : null;
      const key = JSON.stringify([subjectId, r.respondent ?? "", r.instrument, s.scale, form]);
      let series = bySeries.get(key);
      if (!series) {
        series = { subjectId, respondent: r.respondent ?? "", instrument: r.instrument, scale: s.scale, form, direction: s.direction, reference, points: [], ties: [], notScorable: 0, entries: [] };
        bySeries.set(key, series);
      }
      if (s.score === null) {
        series.notScorable++;
        continue;
      }
      const days = day - refDay;
      const point: SeriesPoint = { date: r.administeredOn!, score: s.score, band: s.band, flags: s.flags, form: r.form, days, weeks: days / 7, inputIndex };
      if (r.phase !== undefined) point.phase = r.phase;
      if (r.source?.row !== undefined) point.row = r.source.row;
      series.entries.push({ day, point });
    }
  }
  const series: Series[] = [];
  for (const { entries, ...s } of bySeries.values()) {
    entries.sort((a, b) => a.day - b.day);
    s.points = entries.map((e) => e.point);
    const counts = new Map<string, number>();
    for (const p of s.points) counts.set(p.date, (counts.get(p.date) ?? 0) + 1);
    s.ties = [...counts].filter(([, n]) => n > 1).map(([d]) => d);
    series.push(s);
  }
  return { series, skipped };
}
