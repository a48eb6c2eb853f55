import { describe, expect, it } from "vitest";
import { analyseTrends, buildSeries, classifySeries, defaultRegistry, getInstrument, sampleNorms } from "../../src/index.js";
import { fake, ors } from "./helpers.js";

const reg = defaultRegistry();
const def = (inst: string, scale = "total") => getInstrument(inst).scales.find((s) => s.id === scale)!.def;
const one = (results: Parameters<typeof buildSeries>[0], inst: string, scale = "total", norms?: { sd?: number; reliability?: number }) => {
  const { series } = buildSeries(results, { instrument: inst, scale });
  expect(series).toHaveLength(1);
  return classifySeries(series[0]!, def(inst, scale), norms ? { norms } : {});
};

describe("series", () => {
  it("orders by date, counts days and weeks from intake (first administration of any instrument)", () => {
    const { series } = buildSeries([ors("F1", "2024-01-15", [5, 5, 5, 5]), fake("epds", "total", "F1", "2024-01-01", 12), ors("F1", "2024-01-08", [4, 4, 4, 4])], { instrument: "ors" });
    expect(series).toHaveLength(1);
    const s = series[0]!;
    expect(s.reference).toEqual({ kind: "intake", date: "2024-01-01" });
    expect(s.points.map((p) => [p.date, p.score, p.days, p.weeks])).toEqual([
      ["2024-01-08", 16, 7, 1],
      ["2024-01-15", 20, 14, 2],
    ]);
  });

  it("counts from a given birth date (negative during pregnancy)", () => {
    const { series } = buildSeries([ors("F1", "2024-01-01", [5, 5, 5, 5])], { since: "birth", birthDates: { F1: "2024-01-15" } });
    expect(series[0]!.reference).toEqual({ kind: "birth", date: "2024-01-15" });
    expect(series[0]!.points[0]!.days).toBe(-14);
  });

  it("keeps ties in input order and reports them", () => {
    const a = ors("F1", "2024-02-01", [6, 6, 6, 6]);
    const b = ors("F1", "2024-02-01", [3, 3, 3, 3]);
    const c = ors("F1", "2024-01-01", [5, 5, 5, 5]);
    const t = one([a, b, c], "ors");
    expect(t.ties).toEqual(["2024-02-01"]);
    // baseline 20 (01-01); latest is the later of the two same-day rows in file order: 12
    expect([t.baseline, t.latest, t.change]).toEqual([20, 12, -8]);
    expect(t.category).toBe("deteriorated");
    expect(t.notes.join(" ")).toMatch(/more than one administration on 2024-02-01/);
  });

  it("separates respondents and lists results without a date", () => {
    const noDate = ors("F1", "2024-01-01", [5, 5, 5, 5]);
    delete noDate.administeredOn;
    const { series, skipped } = buildSeries([ors("F1", "2024-01-01", [5, 5, 5, 5], "mother"), ors("F1", "2024-01-01", [5, 5, 5, 5], "father"), noDate]);
    expect(series.map((s) => s.respondent)).toEqual(["mother", "father"]);
    expect(skipped).toEqual([{ reason: "no_date", instrument: "ors" }]);
  });
});

describe("verdicts", () => {
  it("ORS (higher is better): 18 → 30 crosses the adult cutoff 25 with ≥ 5 points: recovered", () => {
    const t = one([ors("F1", "2024-01-01", [4, 5, 4, 5]), ors("F1", "2024-01-08", [6, 6, 6, 6]), ors("F1", "2024-01-15", [7, 8, 7, 8])], "ors");
    expect(t).toMatchObject({ n: 3, baseline: 18, latest: 30, change: 12, rci: null, reliableChange: "improved", category: "recovered", baselineClinical: true, latestClinical: false });
  });

  it("ORS: 27 → 33 is reliable but started non-clinical: improved; 30 → 26 unchanged; 30 → 24 deteriorated", () => {
    expect(one([ors("F1", "2024-01-01", [7, 7, 7, 6]), ors("F1", "2024-02-01", [8, 8, 8, 9])], "ors").category).toBe("improved");
    expect(one([ors("F1", "2024-01-01", [8, 8, 7, 7]), ors("F1", "2024-02-01", [7, 7, 6, 6])], "ors").category).toBe("unchanged");
    expect(one([ors("F1", "2024-01-01", [8, 8, 7, 7]), ors("F1", "2024-02-01", [6, 6, 6, 6])], "ors")).toMatchObject({ reliableChange: "worsened", category: "deteriorated" });
  });

  it("EPDS (higher is worse, 4 points; bands: concern from 10): 15 → 8 recovered, 15 → 11 improved, 8 → 13 deteriorated", () => {
    const e = (d: string, s: number) => fake("epds", "total", "F1", d, s, { concern: s >= 10 });
    expect(one([e("2024-01-01", 15), e("2024-03-01", 8)], "epds").category).toBe("recovered");
    expect(one([e("2024-01-01", 15), e("2024-03-01", 11)], "epds").category).toBe("improved");
    expect(one([e("2024-01-01", 8), e("2024-03-01", 13)], "epds").category).toBe("deteriorated");
  });

  it("PSS (higher is worse) with user SD 5 and r .8: 30 → 20 is RCI −3.162, improved; with a follow-up but no norms: no_norms (not insufficient_data) with the reason", () => {
    const p = (d: string, s: number) => fake("pss", "total", "F1", d, s);
    const t = one([p("2024-01-01", 30), p("2024-04-01", 20)], "pss", "total", { sd: 5, reliability: 0.8 });
    expect(t.rci).toBeCloseTo(-3.16228, 5);
    // PSS has no bands, so recovery cannot be judged: improved, with a note
    expect(t).toMatchObject({ reliableChange: "improved", category: "improved" });
    const bare = one([p("2024-01-01", 30), p("2024-04-01", 20)], "pss");
    expect(bare).toMatchObject({ change: -10, rci: null, reliableChange: null, category: "no_norms", norms: { kind: "none", provisional: false } });
    expect(bare.notes[0]).toMatch(/no norms for reliable change .*give --sd/);
  });

  it("with clinical and functional norms, cutoff c decides recovery (PSS-like: clinical M 30 SD 6, functional M 15 SD 4 → c 21)", () => {
    const src = { ref: "test", provenance: "policy" as const };
    const withNorms = { ...def("pss"), norms: [
      { id: "clin", population: "test", kind: "clinical" as const, mean: 30, sd: 6, reliability: 0.8, source: src },
      { id: "func", population: "test", kind: "functional" as const, mean: 15, sd: 4, source: src },
    ] };
    const p = (d: string, s: number) => fake("pss", "total", "F1", d, s);
    const { series } = buildSeries([p("2024-01-01", 32), p("2024-04-01", 20)]);
    // S_diff from the clinical norm: 6·√2·√0.2 = 3.79473; RCI (20 − 32)/3.79473 = −3.16228
    const t = classifySeries(series[0]!, withNorms);
    expect(t.criterion).toMatchObject({ kind: "cutoff", which: "c", value: 21 });
    expect(t.rci).toBeCloseTo(-3.16228, 5);
    expect(t.category).toBe("recovered");
    // 32 → 22 is the same reliable drop, but 22 is still on the clinical side of c = 21
    const { series: s2 } = buildSeries([p("2024-01-01", 32), p("2024-04-01", 22)]);
    expect(classifySeries(s2[0]!, withNorms).category).toBe("improved");
  });

  it("direction none (PRFQ certainty): only changed/unchanged", () => {
    const p = (d: string, s: number) => fake("prfq", "certainty", "F1", d, s);
    expect(one([p("2024-01-01", 2), p("2024-04-01", 5)], "prfq", "certainty", { sd: 1, reliability: 0.8 })).toMatchObject({ reliableChange: "changed", category: "changed" });
    expect(one([p("2024-01-01", 2), p("2024-04-01", 2.5)], "prfq", "certainty", { sd: 1, reliability: 0.8 })).toMatchObject({ reliableChange: "none", category: "unchanged" });
  });

  it("one administration: insufficient_data, not an error", () => {
    const t = one([ors("F9", "2024-01-01", [5, 5, 5, 5])], "ors");
    expect(t).toMatchObject({ n: 1, baseline: 20, latest: 20, change: null, category: "insufficient_data", slopePerWeek: null });
    expect(t.notes[0]).toBe("only one administration: no change to assess");
  });

  it("analyseTrends joins series and definitions", () => {
    const { analyses } = analyseTrends([ors("F1", "2024-01-01", [4, 5, 4, 5]), ors("F1", "2024-01-15", [7, 8, 7, 8]), ors("F2", "2024-01-01", [5, 5, 5, 5])], reg);
    expect(analyses.map((a) => [a.subjectId, a.category])).toEqual([
      ["F1", "recovered"],
      ["F2", "insufficient_data"],
    ]);
    // (30 − 18) / 2 weeks
    expect(analyses[0]!.slopePerWeek!.slope).toBe(6);
  });
});

describe("summaries (the CSV table and cohort)", () => {
  it("are the analyses without the Theil–Sen slope and the steps, field for field and in the same order", async () => {
    const { summariseSeries } = await import("../../src/trend/classify.js");
    const { mulberry32 } = await import("../../scripts/prng.js");
    const rnd = mulberry32(7);
    const results = [];
    for (let f = 0; f < 30; f++)
      for (let w = 0; w < 1 + Math.floor(rnd() * 6); w++) {
        // some same-day pairs (ties) and unanswered items (not scorable)
        const day = String(1 + Math.floor(rnd() * 27)).padStart(2, "0");
        const item = () => (rnd() < 0.05 ? (undefined as unknown as number) : Math.round(rnd() * 100) / 10);
        results.push(ors(`F${f}`, `2024-02-${day}`, [item(), item(), item(), item()], rnd() < 0.5 ? "mother" : "father"));
      }
    const { series } = buildSeries(results, { instrument: "ors" });
    expect(series.length).toBeGreaterThan(40);
    for (const norms of [undefined, { sd: 6, reliability: 0.8 }])
      for (const s of series) {
        const { theilSenPerWeek, steps, ...rest } = classifySeries(s, def("ors"), norms ? { norms } : {});
        expect(steps).toHaveLength(s.points.length);
        expect(JSON.stringify(summariseSeries(s, def("ors"), norms ? { norms } : {}))).toBe(JSON.stringify(rest));
      }
  });
});

describe("series outlines (what summaries read, without a point object per point)", () => {
  it("give the summaries series() gives: dates out of order, ties, not scorable, short and long series", async () => {
    const { summariseSeries, trendCollector } = await import("../../src/trend/classify.js");
    const { mulberry32 } = await import("../../scripts/prng.js");
    const rnd = mulberry32(11);
    const results = [];
    // families with 1–80 administrations (insertion sort up to 32 points, Array sort beyond), dates in any order
    for (let f = 0; f < 40; f++) {
      const n = f % 8 === 0 ? 40 + Math.floor(rnd() * 40) : 1 + Math.floor(rnd() * 12);
      for (let w = 0; w < n; w++) {
        const d = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * (f % 3 === 0 ? 20 : 300)) * 86400000).toISOString().slice(0, 10);
        const item = () => (rnd() < 0.04 ? (undefined as unknown as number) : Math.round(rnd() * 100) / 10);
        results.push(ors(`F${f}`, d, [item(), item(), item(), item()], rnd() < 0.3 ? "father" : "mother"));
      }
    }
    for (const since of ["intake", "birth"] as const) {
      const opts = { since, birthDates: { F1: "2024-03-01", F2: "2023-12-24" } };
      const c = trendCollector(reg, opts);
      for (const r of results) c.add(r);
      const series = [...c.series()];
      // an outline (its points, weeks and scores too) is valid until the next is taken: copied as each comes
      const outlines = Array.from(c.outlines(), (o) => ({ ...o, first: o.first && { ...o.first }, last: o.last && { ...o.last }, weeks: [...o.weeks], scores: [...o.scores] }));
      expect(outlines).toHaveLength(series.length);
      expect(series.some((s) => s.ties.length > 0) && series.some((s) => s.points.length > 32) && series.some((s) => s.notScorable > 0)).toBe(true);
      // in date order, and stably: administrations on one date in input order
      for (const s of series) s.points.forEach((q, k) => k > 0 && expect(s.points[k - 1]!.days < q.days || (s.points[k - 1]!.days === q.days && s.points[k - 1]!.inputIndex < q.inputIndex)).toBe(true));
      expect(series.reduce((n, s) => n + s.points.length + s.notScorable, 0)).toBe(results.filter((r) => r.respondent !== undefined).length);
      series.forEach((s, k) => {
        const o = outlines[k]!;
        expect(o.weeks).toEqual(s.points.map((p) => p.weeks));
        expect(o.scores).toEqual(s.points.map((p) => p.score));
        expect([o.first, o.last, o.ties, o.reference]).toEqual([s.points[0], s.points[s.points.length - 1], s.ties, s.reference]);
        expect(JSON.stringify(summariseSeries({ ...o, weeks: Float64Array.from(o.weeks), scores: Float64Array.from(o.scores) }, def("ors"), { norms: { sd: 6, reliability: 0.8 } }))).toBe(JSON.stringify(summariseSeries(s, def("ors"), { norms: { sd: 6, reliability: 0.8 } })));
      });
      // a collector for outlines only: the same outlines but for the points' input index and row, and no series()
      const lean = trendCollector(reg, { ...opts, outlinesOnly: true });
      for (const r of results) lean.add(r);
      const leanOutlines = Array.from(lean.outlines(), (o) => ({ ...o, first: o.first && { ...o.first }, last: o.last && { ...o.last }, weeks: [...o.weeks], scores: [...o.scores] }));
      const without = (p: object | undefined) => p && { ...p, inputIndex: -1, row: undefined };
      expect(leanOutlines).toEqual(outlines.map((o) => ({ ...o, first: without(o.first), last: without(o.last) })));
      expect(() => [...lean.series()]).toThrow(/outlines/);
      // sampleNorms reads outlines as it reads series
      expect([...sampleNorms(lean.outlines())]).toEqual([...sampleNorms(series)]);
    }
  });
});
