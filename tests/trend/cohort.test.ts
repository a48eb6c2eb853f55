import { describe, expect, it } from "vitest";
import { analyseTrends, cohortSummary, defaultRegistry, pairedStats, tQuantile } from "../../src/index.js";
import { run } from "../../src/cli/run.js";
import { memoryIo } from "../../src/cli/io.js";
import { sampleStandardDeviation } from "simple-statistics";
import { ors } from "./helpers.js";

describe("t quantile", () => {
  it("matches R's qt(0.975, df)", () => {
    // Rscript -e 'print(qt(0.975, c(1,2,3,4,9,29,100)), digits=15)'
    const r = [12.70620473617469, 4.30265272974946, 3.18244630528371, 2.77644510519779, 2.2621571627982, 2.0452296421327, 1.98397151852355];
    [1, 2, 3, 4, 9, 29, 100].forEach((df, i) => expect(tQuantile(0.975, df)).toBeCloseTo(r[i]!, 8));
    expect(tQuantile(0.025, 4)).toBeCloseTo(-2.77644510519779, 8);
  });
});

describe("paired statistics", () => {
  it("matches R's t.test(paired = TRUE), d_z and Hedges' g", () => {
    // Rscript -e 'pre<-c(20,18,25,22,15); post<-c(28,21,27,30,16); d<-post-pre; tt<-t.test(post,pre,paired=TRUE);
    //   print(c(mean(d), sd(d), tt$conf.int, mean(d)/sd(d), mean(d)/sd(d)*(1-3/(4*4-1))), digits=15)'
    // → 4.4  3.361547262794322  0.226087785527882  8.573912214472118  1.308921058079205  1.047136846463364
    const s = pairedStats([8, 3, 2, 8, 1])!;
    expect(s.mean).toBeCloseTo(4.4, 12);
    expect(s.sd!).toBeCloseTo(3.361547262794322, 12);
    expect(s.ci95![0]).toBeCloseTo(0.226087785527882, 8);
    expect(s.ci95![1]).toBeCloseTo(8.573912214472118, 8);
    expect(s.cohensDz!).toBeCloseTo(1.308921058079205, 12);
    expect(s.hedgesG!).toBeCloseTo(1.047136846463364, 12);
  });

  it("one pair: a mean, no spread", () => {
    expect(pairedStats([3])).toEqual({ n: 1, mean: 3, sd: null, ci95: null, cohensDz: null, hedgesG: null, reason: "1 pair: SD, CI and effect sizes need at least 2" });
  });

  it("changes with a spread of floating-point noise (Vejle PRFQ: SD 7e-12) give no d_z of 4.7e10 but an empty effect size with the reason", () => {
    // four changes of 1.8 that differ in the last bits: sample SD 1.7e-15, so mean/SD would be 1.06e15
    const diffs = [22.1 - 20.3, 1.8, 25.4 - 23.6, 1.8000000000000007];
    expect(sampleStandardDeviation(diffs)).toBeGreaterThan(0);
    const s = pairedStats(diffs)!;
    expect(s).toMatchObject({ n: 4, sd: 0, ci95: null, cohensDz: null, hedgesG: null, reason: "the 4 changes have no spread (SD 0): CI and effect sizes are undefined" });
    expect(s.mean).toBeCloseTo(1.8, 12);
    expect(pairedStats([2, 2])).toMatchObject({ sd: 0, cohensDz: null });
  });

  it("two pairs: d_z and the CI, but no Hedges' g (df 1), with the reason", () => {
    // d = 1, 3: mean 2, SD √2, d_z = 2/√2 = 1.414214; CI 2 ± qt(.975, 1)·√2/√2 = 2 ± 12.706205
    const s = pairedStats([1, 3])!;
    expect(s.cohensDz!).toBeCloseTo(Math.SQRT2, 12);
    expect(s.ci95![0]).toBeCloseTo(2 - 12.70620473617469, 8);
    expect(s).toMatchObject({ hedgesG: null, reason: "2 pairs: Hedges' g needs at least 3 (df ≥ 2)" });
  });
});

describe("cohort summary", () => {
  it("numbers in CSV and JSON at the same stated precision (no 1.8000000000000007)", async () => {
    // ORS 20.3 → 22.1 (change 1.8000000000000007 in binary) and 20 → 23.6 (3.6000000000000014)
    const text = `subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4
F1,2024-01-01,mother,5,5,5,5.3
F1,2024-02-01,mother,5.5,5.5,5.5,5.6
F2,2024-01-01,mother,5,5,5,5
F2,2024-02-01,mother,6,6,6,5.6
`;
    const io = memoryIo(text);
    expect(await run(["cohort", "-", "--quiet"], io)).toBe(0);
    const [head, row] = io.out.trim().split("\n");
    const csv = Object.fromEntries(head!.split(",").map((c, i) => [c, row!.split(",")[i]]));
    expect(csv.mean_change).toBe("2.7");
    expect(csv.sd_change).toBe("1.272792"); // √((0.9² + 0.9²)/1) = 1.2727922
    const json = memoryIo(text);
    expect(await run(["cohort", "-", "--quiet", "--format", "json"], json)).toBe(0);
    const out = JSON.parse(json.out);
    expect(out.decimals).toBe(6);
    expect(out.rows[0].change).toMatchObject({ mean: 2.7, sd: 1.272792 });
    expect(String(out.rows[0].change.cohensDz)).toBe(csv.cohens_dz);
  });

  it("counts verdicts over families with a follow-up and keeps raters apart", () => {
    const results = [
      ors("F1", "2024-01-01", [4, 5, 4, 5]), ors("F1", "2024-02-01", [7, 8, 7, 8]), // 18 → 30 recovered
      ors("F2", "2024-01-01", [8, 8, 7, 7]), ors("F2", "2024-02-01", [6, 6, 6, 6]), // 30 → 24 deteriorated
      ors("F3", "2024-01-01", [5, 5, 5, 5]), // no follow-up
      ors("F1", "2024-01-01", [5, 5, 5, 5], "father"),
    ];
    const { analyses } = analyseTrends(results, defaultRegistry());
    const [mother, father] = cohortSummary(analyses);
    expect(mother).toMatchObject({ respondent: "mother", nSeries: 3, nFollowUp: 2, nNoFollowUp: 1 });
    expect(mother!.counts).toMatchObject({ recovered: 1, deteriorated: 1, improved: 0 });
    expect(mother!.percent.recovered).toBe(50);
    // changes +12 and −6: mean 3
    expect(mother!.change!.mean).toBe(3);
    expect(father).toMatchObject({ respondent: "father", nFollowUp: 0, change: null });
    expect(father!.percent.recovered).toBeNull();
  });

  it("trivsel cohort groups by a file column", async () => {
    const io = memoryIo(`subject_id,municipality,administered_on,respondent,ors_1,ors_2,ors_3,ors_4
F1,Aarhus,2024-01-01,mother,4,5,4,5
F1,Aarhus,2024-02-01,mother,7,8,7,8
F2,Vejle,2024-01-01,mother,8,8,7,7
F2,Vejle,2024-02-01,mother,6,6,6,6
`);
    expect(await run(["cohort", "-", "--by", "municipality", "--quiet"], io)).toBe(0);
    const lines = io.out.trim().split("\n");
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 10).join(","))).toEqual(["Aarhus,ors,total,,mother,1,1,0,1,100", "Vejle,ors,total,,mother,1,1,0,0,0"]);
    const bad = memoryIo("subject_id,administered_on,ors_1,ors_2,ors_3,ors_4\nF1,2024-01-01,1,1,1,1\n");
    expect(await run(["cohort", "-", "--by", "region"], bad)).toBe(1);
    expect(bad.err).toMatch(/no column "region"/);
  });

  it("a scale without verdicts says how to get them; --sd and --reliability (with --instrument and --scale) give them", async () => {
    const cols = Array.from({ length: 18 }, (_, i) => `pss_${i + 1}`).join(",");
    // all 2s: 52; all 4s: 56 (items 1, 2, 5–8, 17, 18 reversed)
    const row = (id: string, d: string, v: number) => `${id},${d},mother,${Array(18).fill(v).join(",")}`;
    const text = [`subject_id,administered_on,respondent,${cols}`, row("F1", "2024-01-01", 2), row("F1", "2024-03-01", 4), row("F2", "2024-01-01", 4), row("F2", "2024-03-01", 4)].join("\n") + "\n";
    const bare = memoryIo(text);
    expect(await run(["cohort", "-", "--format", "json"], bare)).toBe(0);
    const r = JSON.parse(bare.out).rows[0];
    expect(r).toMatchObject({ counts: { no_norms: 2 }, norms: ["none"], verdictHint: "pss.total has a reliability in its definition but no SD: add --norms sample (SD of the file's baselines), or --sd with --instrument pss --scale total" });
    expect(bare.err).toContain("no verdicts: pss.total has a reliability in its definition but no SD");
    // SD 2, r .83 (definition): S_diff = 2·√2·√0.17 = 1.16619, threshold 2.2857; F1 +4 is a reliable worsening
    const io = memoryIo(text);
    expect(await run(["cohort", "-", "--instrument", "pss", "--scale", "total", "--sd", "2", "--format", "json", "--quiet"], io)).toBe(0);
    expect(JSON.parse(io.out).rows[0]).toMatchObject({ counts: { deteriorated: 1, unchanged: 1, no_norms: 0 }, norms: ["user"], verdictHint: null });
    const bad = memoryIo(text);
    expect(await run(["cohort", "-", "--sd", "2"], bad)).toBe(1);
    expect(bad.err).toMatch(/--sd and --reliability need --instrument and --scale/);
  });
});

describe("cohort cells on many groups and norms (cells found by their key fields first, norms texts remembered)", () => {
  it("count each analysis in its own cell and list every norms source, as counted here directly", async () => {
    const { formatNormsSource } = await import("../../src/trend/reliable-change.js");
    const { mulberry32 } = await import("../../scripts/prng.js");
    const rnd = mulberry32(23);
    const { analyses } = analyseTrends(Array.from({ length: 400 }, (_, i) => ors(`F${i % 90}`, `2024-0${1 + (i % 6)}-0${1 + Math.floor(i / 90)}`, [5, 5, 5, 5].map(() => Math.round(rnd() * 100) / 10) as [number, number, number, number], ["mother", "father", "nurse"][i % 3])), defaultRegistry());
    // 40 groups × 3 respondents: more cells than are remembered; norms sources that differ in kind, n or provisional
    const norms = [{ kind: "definition", provisional: false }, { kind: "sample", n: 5, provisional: false }, { kind: "sample", n: 7, provisional: false }, { kind: "sample", n: 7, provisional: true }, { kind: "user", provisional: false }] as const;
    const many = analyses.flatMap((a, k) => [0, 1, 2].map((j) => ({ ...a, subjectId: `${a.subjectId}-${j}`, norms: { ...norms[(k + j) % norms.length]! } })));
    const groupOf = (a: { subjectId: string }) => (a.subjectId.endsWith("-2") ? null : `G${Number(a.subjectId.slice(1, a.subjectId.indexOf("-"))) % 40}`);
    const rows = cohortSummary(many, groupOf);
    const expected = new Map<string, { n: number; followUp: number; norms: Set<string> }>();
    for (const a of many) {
      const key = JSON.stringify([groupOf(a), a.respondent]);
      const e = expected.get(key) ?? { n: 0, followUp: 0, norms: new Set<string>() };
      e.n++;
      if (a.n >= 2 && a.firstDate !== a.lastDate) e.followUp++;
      e.norms.add(formatNormsSource(a.norms));
      expected.set(key, e);
    }
    expect(rows.length).toBe(expected.size);
    expect(rows.length).toBeGreaterThan(40);
    for (const r of rows) {
      const e = expected.get(JSON.stringify([r.group, r.respondent]))!;
      expect([r.nSeries, r.nFollowUp, r.norms]).toEqual([e.n, e.followUp, [...e.norms].sort()]);
    }
  });
});

describe("grouping columns", () => {
  it("take a subject's first non-empty value per column, also when its first rows leave a column empty", async () => {
    const { GroupColumns } = await import("../../src/trend/cohort-groups.js");
    const c = new GroupColumns(["municipality", "team"]);
    const rows: [string, Record<string, string>][] = [
      ["F1", { municipality: "", team: "A" }],
      ["F1", { municipality: "Odense", team: "B" }],
      ["F1", { municipality: "Aarhus", team: "" }],
      ["F2", { municipality: "Esbjerg", team: "" }],
      ["F2", { municipality: "Aalborg", team: "" }],
      ["F2", { municipality: "Vejle", team: "C" }],
      ["F1", { municipality: "Skive", team: "D" }],
    ];
    for (const [s, x] of rows) c.add(s, x);
    const values = (name: string) => ["F1", "F2", "F3"].map((s) => c.value(name, s));
    expect(values("municipality")).toEqual(["Odense", "Esbjerg", undefined]);
    expect(values("team")).toEqual(["A", "C", undefined]);
    const team = c.valueOf("team");
    expect(["F2", "F2", "F1", "F3", "F1"].map(team)).toEqual(["C", "C", "A", undefined, "A"]);
    expect(c.value("other", "F1")).toBeUndefined();
  });
});

describe("grouping columns sharing the collector's numbering of subjects (cohort)", () => {
  it("give the same groups and series as apart, also for a subject first met on a row without a valid date", async () => {
    const { GroupColumns } = await import("../../src/trend/cohort-groups.js");
    const { SeriesCollector } = await import("../../src/trend/series.js");
    const { fake } = await import("./helpers.js");
    // C is first met on an impossible date (numbered by the grouping columns first), then on real dates
    const rows: [ReturnType<typeof fake>, Record<string, string>][] = [
      [fake("ors", "total", "A", "2024-01-10", 20), { municipality: "Odense" }],
      [fake("ors", "total", "C", "2024-13-40", 21), { municipality: "Vejle" }],
      [fake("ors", "total", "B", "2024-01-12", 22), { municipality: "" }],
      [fake("ors", "total", "C", "2024-02-01", 23), { municipality: "Skive" }],
      [fake("ors", "total", "B", "2024-02-12", 24), { municipality: "Aarhus" }],
      [fake("ors", "total", "C", "2024-01-05", 25), { municipality: "" }],
      [fake("ors", "total", "A", "2024-03-10", 26), { municipality: "Esbjerg" }],
    ];
    const read = (shared: boolean) => {
      const collector = new SeriesCollector();
      const columns = shared ? new GroupColumns(["municipality"], collector.subjects, collector) : new GroupColumns(["municipality"]);
      for (const [r, extras] of rows) {
        collector.add(r);
        columns.add(r.subjectId, extras);
      }
      const series = [...collector.series()].map((s) => ({ subject: s.subjectId, reference: s.reference, scores: s.points.map((p) => [p.date, p.days]) }));
      return { series, groups: ["A", "B", "C", "D"].map((s) => columns.value("municipality", s)), skipped: collector.skipped };
    };
    const shared = read(true);
    expect(shared).toEqual(read(false));
    // C's intake is its earliest valid date; its group its first non-empty value, from the row with the bad date
    expect(shared.series.find((s) => s.subject === "C")!.reference).toEqual({ kind: "intake", date: "2024-01-05" });
    expect(shared.groups).toEqual(["Odense", "Aarhus", "Vejle", undefined]);
  });
});
