// Chart specs: every kind on both scale directions, a one-point series, a rater with gaps, a provisional
// band and goals; each spec valid against the Vega-Lite schema and compiled without a warning.
import { describe, expect, it } from "vitest";
import { analyseTrends, cohortSummary, defaultRegistry, evaluateGoal, fitSessions, getInstrument, GoalSchema, pairedStats, parseEtrTable, scoreAdministration, type CohortRow, type ScoreResult } from "../../src/index.js";
import { cohortCategoryChart, cohortChangeChart, compileSpec, fitChart, progressionChart, type Lang } from "../../src/charts/index.js";
import { asSpec, dataOf, layers, phased, schemaErrors } from "./helpers.js";

const reg = defaultRegistry();
const def = (i: string, s: string) => reg.get(i).scales.find((x) => x.id === s)!.def;

async function valid(spec: Parameters<typeof compileSpec>[0]) {
  expect(schemaErrors(spec)).toEqual([]);
  expect((await compileSpec(spec)).warnings).toEqual([]);
}

// EPDS: higher is worse; reliable change is a fixed 4 points (the definition's reliableChange). Its bands
// depend on the form of each administration: antenatal (provisional) in pregnancy, postnatal after the birth.
const EPDS = [
  phased("epds", "total", "F1", "2024-11-01", 15, "mother", "pregnancy", "antenatal"),
  phased("epds", "total", "F1", "2025-02-01", 12, "mother", "birth", "postnatal"),
  phased("epds", "total", "F1", "2025-06-01", 8, "mother", "support", "postnatal"),
  phased("epds", "total", "F1", "2024-11-01", 10, "father", "pregnancy", "antenatal"), // one point
];
const BIRTH = new Map([["F1", "2025-01-20"]]);
const epdsGoal = evaluateGoal(
  GoalSchema.parse({ id: "g1", subjectId: "F1", goal: "Mors humør", measure: { instrument: "epds", scale: "total", respondent: "mother" }, target: { kind: "below", value: 10 }, start: "2024-11-01", review: "2025-09-01" }),
  EPDS,
  def("epds", "total"),
);

// ORS: higher is better; adult form, clinical ≤ 25; reliable change 5 points
const ORS = [phased("ors", "total", "F2", "2025-01-01", 18, "mother", "intensive"), phased("ors", "total", "F2", "2025-01-15", 22, "mother", "intensive"), phased("ors", "total", "F2", "2025-02-12", 27, "mother", "support")];
const orsGoals = [
  { kind: "leave_band", band: "clinical" },
  { kind: "reliable_improvement" },
].map((target, i) =>
  evaluateGoal(GoalSchema.parse({ id: `o${i}`, subjectId: "F2", goal: "Trivsel", measure: { instrument: "ors", scale: "total" }, target, start: "2025-01-01", review: "2025-03-01" }), ORS, def("ors", "total")),
);

describe.each<Lang>(["da", "en"])("progression chart (%s)", (lang) => {
  it("EPDS (higher is worse): each form's bands up to and from the birth, cutoffs, a bar of reliable change per respondent, a one-point series, the goal and phases", async () => {
    const { analyses } = analyseTrends(EPDS, reg, { instrument: "epds", scale: "total", since: "birth", birthDates: BIRTH });
    const spec = asSpec(progressionChart({ instrument: reg.get("epds"), scale: "total", analyses, goals: [epdsGoal] }, { lang }));
    await valid(spec as never);
    const bandLayers = layers(spec).filter((l) => (l.encoding as Record<string, { field?: string }> | undefined)?.y?.field === "lower");
    const bands = dataOf(spec, "rect", (_, l) => (l.encoding as Record<string, { field?: string }>).y?.field === "lower");
    // antenatal from the plot's left edge to the birth, postnatal from the birth to the right edge
    expect(bands.map((set) => set.map((b) => [b.id, b.lower, b.upper, b.concern, b.x]))).toEqual([
      [
        ["below_threshold", 0, 10, false, "2025-01-20"],
        ["possible_depression", 10, 15, true, "2025-01-20"],
        ["probable_depression", 15, 30, true, "2025-01-20"],
      ],
      [
        ["below_threshold", 0, 10, false, "2025-01-20"],
        ["possible_depression", 10, 13, true, "2025-01-20"],
        ["probable_depression", 13, 30, true, "2025-01-20"],
      ],
    ]);
    expect(bandLayers.map((l) => (l.encoding as Record<string, unknown>).x2)).toEqual([{ value: 0 }, { value: "width" }]);
    const word = lang === "da" ? "(foreløbig)" : "(provisional)";
    const bandText = (italic: boolean) => dataOf(spec, "text", (m) => m.align === "right" && (m.fontStyle === "italic") === italic && m.fontSize === 10)[0]!.map((b) => [b.id, String(b.label).replace(/\n/g, " ")]);
    expect(bandText(true)).toEqual([
      ["possible_depression", `${lang === "da" ? "Mulig depression" : "Possible depression"} ${word}`],
      ["probable_depression", `${lang === "da" ? "Sandsynlig depression" : "Probable depression"} ${word}`],
    ]);
    expect(bandText(false)).toEqual([
      ["possible_depression", lang === "da" ? "Mulig depression" : "Possible depression"],
      ["probable_depression", lang === "da" ? "Sandsynlig depression" : "Probable depression"],
    ]);
    // each segment named at its foot; the antenatal one as provisional
    expect(dataOf(spec, "text", (m) => m.fontSize === 9).map((d) => String(d[0]!.label).replace(/\n/g, " "))).toEqual(
      lang === "da" ? [`Grænser i graviditeten ${word}`, "Grænser efter fødslen"] : [`Cutoffs in pregnancy ${word}`, "Cutoffs after the birth"],
    );
    // the boundary between no concern and concern is 10 in both; 13 and 15 lie between two concern bands.
    // The antenatal set is provisional: its cutoff dashed
    const cut = (m: Record<string, unknown>) => m.color === "#7A3B2E";
    expect(dataOf(spec, "rule", cut).flat()).toEqual([
      { y: 10, x: "2025-01-20" },
      { y: 10, x: "2025-01-20" },
    ]);
    expect(layers(spec).filter((l) => cut((l.mark ?? {}) as Record<string, unknown>)).map((l) => (l.mark as Record<string, unknown>).strokeDash)).toEqual([[4, 3], undefined]);
    const points = dataOf(spec, "point")[0]!;
    expect(points.map((p) => [p.who, p.x, p.score])).toEqual([
      [lang === "da" ? "Mor" : "Mother", "2024-11-01", 15],
      [lang === "da" ? "Mor" : "Mother", "2025-02-01", 12],
      [lang === "da" ? "Mor" : "Mother", "2025-06-01", 8],
      [lang === "da" ? "Far" : "Father", "2024-11-01", 10],
    ]);
    // two respondents: a bar of ± 4 points at each baseline
    const rc = dataOf(spec, "rule", (m) => m.strokeWidth === 3).flat();
    expect(rc.map((r) => [r.lo, r.hi])).toEqual([
      [11, 19],
      [6, 14],
    ]);
    // the goal's name where the postnatal segment begins, clear of the antenatal band names
    const goalLines = dataOf(spec, "rule", (m) => m.color === "#1B4F2A" && m.strokeWidth === 2).flat();
    expect(goalLines).toEqual([{ y: 10, label: lang === "da" ? "Mål: under 10" : "Goal: below 10", x: "2025-01-20" }]);
    const review = dataOf(spec, "rule", (m) => m.color === "#1B4F2A" && m.strokeWidth === 1.5).flat();
    expect(review).toEqual([{ x: "2025-09-01", label: lang === "da" ? "Opfølgning 1. september 2025" : "Review 1 September 2025" }]);
    const phases = dataOf(spec, "text", (m) => m.baseline === "top" && m.align === "left")[0]!;
    expect(phases.map((p) => p.label)).toEqual(lang === "da" ? ["Graviditet", "Fødsel", "Støtte"] : ["Pregnancy", "Birth", "Support"]);
    const y = layers(spec).find((l) => (l.encoding as Record<string, { field?: string; scale?: unknown }> | undefined)?.y?.field === "score")!;
    expect((y.encoding as Record<string, { scale: unknown }>).y!.scale).toEqual({ domain: [0, 30], nice: false, zero: false });
  });

  it("a short scale (RFQ-8 certainty, 0–3) spans its whole range; a phase label that would run past the right edge ends at it", async () => {
    const rfq = [
      phased("rfq-8", "certainty", "F1", "2025-01-01", 1, "mother", "pregnancy"),
      phased("rfq-8", "certainty", "F1", "2025-06-01", 0.5, "mother", "support"),
      phased("rfq-8", "certainty", "F1", "2025-09-25", 0.75, "mother", "phase_out"),
    ];
    const { analyses } = analyseTrends(rfq, reg, { instrument: "rfq-8", scale: "certainty" });
    const spec = asSpec(progressionChart({ instrument: reg.get("rfq-8"), scale: "certainty", analyses }, { lang }));
    await valid(spec as never);
    const y = layers(spec).find((l) => (l.encoding as Record<string, { field?: string }> | undefined)?.y?.field === "score")!;
    // the scores reach 1 of 3: the axis is not cut at them
    expect((y.encoding as Record<string, { scale: unknown }>).y!.scale).toEqual({ domain: [0, 3], nice: false, zero: false });
    // the last phase begins 4 days before the end: its label is set right-aligned at the plot's edge
    const atStart = dataOf(spec, "text", (m) => m.baseline === "top" && m.align === "left").flat();
    const atEdge = layers(spec).filter((l) => typeof l.mark === "object" && (l.mark as Record<string, unknown>).align === "right" && (l.mark as Record<string, unknown>).baseline === "top");
    const label = (id: string) => (lang === "da" ? { pregnancy: "Graviditet", support: "Støtte", phase_out: "Udfasning" } : { pregnancy: "Pregnancy", support: "Support", phase_out: "Phase-out" })[id];
    expect(atStart.map((p) => p.label)).toEqual([label("pregnancy"), label("support")]);
    expect(atEdge).toHaveLength(1);
    expect((atEdge[0]!.encoding as Record<string, unknown>).x).toEqual({ value: "width" });
    expect(spec.datasets[(atEdge[0]!.data as { name: string }).name]!.map((p) => p.label)).toEqual([label("phase_out")]);
  });

  it("EPDS without a birth date: the forms' bands meet halfway between the last antenatal and the first postnatal point", async () => {
    const { analyses } = analyseTrends(EPDS, reg, { instrument: "epds", scale: "total" });
    const spec = asSpec(progressionChart({ instrument: reg.get("epds"), scale: "total", analyses }, { lang }));
    await valid(spec as never);
    const bands = dataOf(spec, "rect", (_, l) => (l.encoding as Record<string, { field?: string }>).y?.field === "lower");
    // 2024-11-01 and 2025-02-01 are 92 days apart
    expect(bands.map((set) => [...new Set(set.map((b) => b.x))])).toEqual([["2024-12-17"], ["2024-12-17"]]);
  });

  it("EPDS after the birth only: the postnatal bands across the whole chart, not provisional", async () => {
    const post = EPDS.filter((r) => r.form === "postnatal");
    const { analyses } = analyseTrends(post, reg, { instrument: "epds", scale: "total" });
    const spec = asSpec(progressionChart({ instrument: reg.get("epds"), scale: "total", analyses }, { lang }));
    await valid(spec as never);
    const [bands] = dataOf(spec, "rect", (_, l) => (l.encoding as Record<string, { field?: string }>).y?.field === "lower");
    expect(bands!.map((b) => [b.id, b.lower, b.upper, b.concern, b.x])).toEqual([
      ["below_threshold", 0, 10, false, undefined],
      ["possible_depression", 10, 13, true, undefined],
      // the axis spans the scale's whole range (0–30), as for every scale
      ["probable_depression", 13, 30, true, undefined],
    ]);
    expect(bands![1]!.label).toBe(lang === "da" ? "Mulig depression" : "Possible depression");
    expect(dataOf(spec, "rule", (m) => m.color === "#7A3B2E").flat()).toEqual([{ y: 10 }]);
    expect(dataOf(spec, "text", (m) => m.fontSize === 9)).toEqual([]);
  });

  it("EPDS with two forms on one date (a form column at odds with itself): no bands rather than the wrong ones", async () => {
    const odd = [phased("epds", "total", "F1", "2025-01-10", 12, "mother", "pregnancy", "antenatal"), phased("epds", "total", "F1", "2025-01-10", 9, "father", "pregnancy", "postnatal"), phased("epds", "total", "F1", "2025-03-10", 8, "mother", "support", "postnatal")];
    const { analyses } = analyseTrends(odd, reg, { instrument: "epds", scale: "total" });
    const spec = asSpec(progressionChart({ instrument: reg.get("epds"), scale: "total", analyses }, { lang }));
    await valid(spec as never);
    expect(dataOf(spec, "rect", (_, l) => (l.encoding as Record<string, { field?: string }>).y?.field === "lower")).toEqual([]);
    expect(dataOf(spec, "rule", (m) => m.color === "#7A3B2E")).toEqual([]);
  });

  it("ORS (higher is better) in weeks: the reliable-change box around the one baseline, goal lines from the band and from reliable improvement", async () => {
    const { analyses } = analyseTrends(ORS, reg, { instrument: "ors", scale: "total" });
    const spec = asSpec(progressionChart({ instrument: reg.get("ors"), scale: "total", form: "adult", analyses, goals: orsGoals }, { lang, x: "weeks" }));
    await valid(spec as never);
    expect(dataOf(spec, "point")[0]!.map((p) => [p.x, p.score])).toEqual([
      [0, 18],
      [2, 22],
      [6, 27],
    ]);
    const box = dataOf(spec, "rect", (m) => m.strokeDash !== undefined)[0]!;
    expect(box).toEqual([{ x: 0, x2: 8.43, lo: 13, hi: 23, who: lang === "da" ? "Mor" : "Mother" }]);
    // leave "clinical" (≤ 25): its upper edge; reliable improvement: baseline 18 + 5
    expect(dataOf(spec, "rule", (m) => m.strokeWidth === 2 && m.color === "#1B4F2A").flat().map((g) => g.y)).toEqual([25, 23]);
    const x = layers(spec).find((l) => (l.encoding as Record<string, { field?: string }> | undefined)?.x?.field === "x")!;
    expect((x.encoding as Record<string, { title: string }>).x!.title).toBe(lang === "da" ? "Uger siden indskrivning" : "Weeks since intake");
  });

  it("ASQ:SE-2 form 2: a provisional band is labelled provisional and its cutoff dashed; one point only", async () => {
    const results = [phased("asq-se-2", "total", "F3", "2025-03-01", 40, "mother", "support")];
    const { analyses } = analyseTrends(results, reg, { instrument: "asq-se-2", scale: "total" });
    const spec = asSpec(progressionChart({ instrument: reg.get("asq-se-2"), scale: "total", form: "2", analyses }, { lang }));
    await valid(spec as never);
    const word = lang === "da" ? "(foreløbig)" : "(provisional)";
    const labels = dataOf(spec, "text", (m) => m.fontStyle === "italic")[0]!;
    expect(labels.map((b) => [b.id, b.lower, b.label])).toEqual([
      ["monitor", 25, `${lang === "da" ? "Hold øje" : "Monitor"} ${word}`],
      ["refer", 35, `${lang === "da" ? "Over grænsen: henvis" : "Above cutoff: refer"} ${word}`],
    ]);
    expect(dataOf(spec, "rule", (m) => m.color === "#7A3B2E" && Array.isArray(m.strokeDash)).flat()).toEqual([{ y: 25 }]);
    expect(dataOf(spec, "point")[0]!).toHaveLength(1);
  });
});

const fitScore = (instrument: "ors" | "srs", date: string, lines: number[], respondent: string): ScoreResult =>
  scoreAdministration(getInstrument(instrument), { instrument, subjectId: "F1", administeredOn: date, respondent, responses: Object.fromEntries(lines.map((v, i) => [`${instrument}_${i + 1}`, v])) });
const FIT = [
  fitScore("ors", "2024-01-01", [5, 5, 5, 5], "mother"), // 20
  fitScore("srs", "2024-01-01", [9.5, 9.5, 9.5, 9.5], "mother"), // 38
  fitScore("ors", "2024-01-08", [4, 4, 4, 3], "mother"), // 15: 5 below intake
  fitScore("srs", "2024-01-08", [9, 9, 9, 8], "mother"), // 35: below 36
  fitScore("ors", "2024-01-01", [6, 6, 6, 6], "father"), // 24
  fitScore("srs", "2024-01-08", [10, 10, 10, 10], "father"), // session 2: SRS only, a gap in his ORS
  fitScore("ors", "2024-01-15", [7, 7, 7, 7], "father"), // 28
];
const ETR = parseEtrTable("intake,session,expected,lower\n20,2,23,18\n24,3,27,21\n");

describe.each<Lang>(["da", "en"])("FIT chart (%s)", (lang) => {
  it("ORS above SRS with their cutoffs, the ETR zone, a rater's gap left open and alerts ringed where they fired", async () => {
    const families = fitSessions(FIT, { etr: ETR });
    const spec = asSpec(fitChart({ families, outcome: { instrument: reg.get("ors"), form: "adult" }, alliance: { instrument: reg.get("srs") } }, { lang }));
    await valid(spec as never);
    const [outcome, alliance] = spec.vconcat as Record<string, unknown>[];
    const o = asSpec({ ...outcome!, datasets: spec.datasets } as never);
    const a = asSpec({ ...alliance!, datasets: spec.datasets } as never);
    const who = (r: string) => ({ mother: lang === "da" ? "Mor" : "Mother", father: lang === "da" ? "Far" : "Father" })[r];
    expect(dataOf(o, "point", (m) => m.filled === true)[0]!.map((p) => [p.who, p.session, p.score])).toEqual([
      [who("mother"), 1, 20],
      [who("mother"), 2, 15],
      [who("father"), 1, 24],
      [who("father"), 3, 28],
    ]);
    expect(dataOf(a, "point", (m) => m.filled === true)[0]!.map((p) => [p.who, p.session, p.score])).toEqual([
      [who("mother"), 1, 38],
      [who("mother"), 2, 35],
      [who("father"), 2, 40],
    ]);
    // his line breaks at session 2 instead of bridging it
    expect(dataOf(o, "line")[0]!.filter((p) => p.who === who("father")).map((p) => [p.session, p.score])).toEqual([
      [1, 24],
      [2, null],
      [3, 28],
    ]);
    expect(dataOf(o, "rule").flat().map((c) => c.y)).toEqual([25]);
    expect(dataOf(a, "rule").flat().map((c) => c.y)).toEqual([36]);
    expect(dataOf(o, "area")[0]!.map((e) => [e.session, e.lower, e.expected])).toEqual([
      [2, 18, 23],
      [3, 21, 27],
    ]);
    const ring = (m: Record<string, unknown>) => m.filled === false;
    expect(dataOf(o, "point", ring)[0]!.map((r) => [r.session, r.score])).toEqual([[2, 15]]);
    expect(dataOf(a, "point", ring)[0]!.map((r) => [r.session, r.score, r.text])).toEqual([[2, 35, lang === "da" ? "Samarbejde under grænsen; Samarbejde faldet; Et SRS-spørgsmål under 9" : "SRS below cutoff; SRS dropped; An SRS line below 9"]]);
  });
});

describe.each<Lang>(["da", "en"])("FIT chart, adolescent form (%s)", (lang) => {
  it("draws the provisional adolescent cutoff dashed and labelled, and a rater with one session as one point", async () => {
    const one = [fitScore("ors", "2024-02-01", [6, 6, 6, 6], "health_visitor")];
    const families = fitSessions(one);
    const spec = asSpec(fitChart({ families, outcome: { instrument: reg.get("ors"), form: "adolescent" }, alliance: { instrument: reg.get("srs") } }, { lang }));
    await valid(spec as never);
    const o = asSpec({ ...(spec.vconcat as Record<string, unknown>[])[0]!, datasets: spec.datasets } as never);
    expect(dataOf(o, "rule", (m) => Array.isArray(m.strokeDash)).flat()).toEqual([{ y: 28, label: lang === "da" ? "grænse 28 (foreløbig)" : "cutoff 28 (provisional)" }]);
    expect(dataOf(o, "point", (m) => m.filled === true)[0]!.map((p) => [p.session, p.score])).toEqual([[1, 24]]);
  });
});

const row = (group: string, instrument: string, respondent: string, counts: Record<string, number>, noFollowUp: number, diffs: number[]): CohortRow =>
  ({
    group,
    instrument,
    scale: "total",
    respondent,
    direction: def(instrument, "total").direction,
    nSeries: diffs.length + noFollowUp,
    nFollowUp: diffs.length,
    nNoFollowUp: noFollowUp,
    counts,
    percent: {},
    change: pairedStats(diffs),
  }) as unknown as CohortRow;

describe.each<Lang>(["da", "en"])("cohort charts (%s)", (lang) => {
  const rows = [
    // no_norms: the category issue 8 adds; unknown ids must still be drawn
    row("Aarhus", "epds", "mother", { recovered: 2, improved: 1, unchanged: 1, deteriorated: 0, no_norms: 1 }, 1, [-4, -2, -3, 1, -5]),
    row("Odense", "ors", "mother", { recovered: 1, improved: 0, unchanged: 2, deteriorated: 1, insufficient_data: 0 }, 0, [6, 1, 0, -5]),
  ];

  it("stacks every category with a count, no follow-up included, in a fixed order, faceted by group", async () => {
    const spec = asSpec(cohortCategoryChart({ rows }, { lang }));
    await valid(spec as never);
    const data = Object.values(spec.datasets)[0]!;
    expect(data.filter((d) => d.group === "Aarhus").map((d) => [d.id, d.n, d.rank])).toEqual([
      ["recovered", 2, 0],
      ["improved", 1, 1],
      ["unchanged", 1, 2],
      ["no_norms", 1, 4],
      ["no_follow_up", 1, 5],
    ]);
    const color = (layers(spec).find((l) => l.encoding)!.encoding as Record<string, { scale: { domain: string[] } }>).color!.scale.domain;
    expect(color).toEqual(
      lang === "da" ? ["Kommet ud af klinisk område", "Bedre", "Uændret", "Forværret", "Ingen normer", "Ingen opfølgning"] : ["Recovered", "Improved", "Unchanged", "Deteriorated", "No norms", "No follow-up"],
    );
    expect((spec.facet as { row: { field: string } }).row.field).toBe("group");
  });

  it("pre–post mean change with its 95% CI per group, the numbers of pairedStats", async () => {
    const spec = asSpec(cohortChangeChart({ rows }, { lang }));
    await valid(spec as never);
    const pts = dataOf(spec, "point")[0]!;
    const epds = pairedStats([-4, -2, -3, 1, -5])!;
    expect(pts[0]!.mean).toBe(epds.mean);
    expect([pts[0]!.lo, pts[0]!.hi]).toEqual(epds.ci95);
    expect(pts[0]!.mean).toBeCloseTo(-2.6, 12);
    expect(pts.map((p) => p.n)).toEqual([5, 4]);
    // one series with follow-up: the mean change, no interval
    const single = asSpec(cohortChangeChart({ rows: [row("Vejle", "epds", "father", { improved: 1 }, 0, [-6])] }, { lang }));
    await valid(single as never);
    expect(dataOf(single, "point")[0]!.map((p) => [p.mean, p.lo, p.hi, p.n])).toEqual([[-6, -6, -6, 1]]);
  });

  it("cohortSummary rows chart as they come", async () => {
    const { analyses } = analyseTrends(EPDS, reg, { instrument: "epds", scale: "total" });
    await valid(cohortCategoryChart({ rows: cohortSummary(analyses) }, { lang }));
  });
});
