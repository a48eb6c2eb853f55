// The report and chart commands on small files: text from users' files escaped everywhere, the report
// directory written whole and never over what trivsel did not write, and the exit codes.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inProc } from "../helpers/cli.js";
import { defaultRegistry, getInstrument, GoalSchema, scoreAdministration } from "../../src/index.js";
import { buildReport, chartForm } from "../../src/charts/index.js";
import { fake } from "../trend/helpers.js";

const EVIL_ID = `<img src=x onerror=alert(1)>`;
const EVIL_GOAL = `<script>alert("x")</script> & "mor" 'far'`;
const items = (v: number) => Array.from({ length: 10 }, () => v).join(",");
const CSV = [
  `subject_id,administered_on,respondent,phase,${Array.from({ length: 10 }, (_, i) => `epds_${i + 1}`).join(",")}`,
  // EPDS: items 1, 2 and 4 score as ticked, the others 3 − box: all 1s total 17, all 2s total 13
  `${EVIL_ID},2025-01-10,mother,pregnancy,${items(1)}`,
  `${EVIL_ID},2025-04-10,mother,support,${items(2)}`,
  `F2,2025-01-10,father,pregnancy,${items(0)}`,
].join("\n");
const GOALS = JSON.stringify({
  goals: [{ id: "g1", subjectId: EVIL_ID, goal: EVIL_GOAL, measure: { instrument: "epds", scale: "total", respondent: "mother" }, target: { kind: "below", value: 10 }, start: "2025-01-01", review: "2025-06-01" }],
});

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), "trivsel-report-"));
  writeFileSync(join(dir, "data.csv"), CSV);
  writeFileSync(join(dir, "goals.json"), GOALS);
  return dir;
}

describe("trivsel report", () => {
  it("escapes subject ids and goal texts everywhere and names files safely", async () => {
    const dir = workspace();
    const r = await inProc(["report", "data.csv", "--goals", "goals.json", "--out", "rep", "--lang", "en"], dir);
    // 3 on the first family (its goal, EPDS total and anxiety), none on the second (one measurement: its tables
    // only), 2 cohort charts on the index
    // EPDS without a birth date: the postnatal form is assumed, with a warning per row (issue 8)
    expect(r.err.split("\n").filter((l) => l.includes("[form_assumed]"))).toHaveLength(3);
    expect(r.err.endsWith("\n2 family pages and an index with 5 charts in rep/ (open rep/index.html)\n")).toBe(true);
    expect(r.code).toBe(0);
    const files = readdirSync(join(dir, "rep")).sort();
    expect(files).toEqual([".trivsel-output", "family-F2.html", "family-_img_src_x_onerror_alert_1__.html", "index.html"]);
    const page = readFileSync(join(dir, "rep", "family-_img_src_x_onerror_alert_1__.html"), "utf8");
    const index = readFileSync(join(dir, "rep", "index.html"), "utf8");
    for (const html of [page, index]) {
      expect(html).not.toContain("<img");
      expect(html).not.toContain("<script");
      expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    }
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;mor&quot; &#39;far&#39;");
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    // 17 → 13: not below 10 yet, moved toward it by the 4 points that make a reliable EPDS change
    expect(page).toMatch(/<span class="badge s-progressing">↗ Progressing<\/span>/);
    expect(page).toContain("<td>−4 (reliable improvement)");
    // the SVG text of the chart is escaped by vega, and its accessible name by us
    expect(page).toMatch(/<svg role="img" aria-label="Depressive symptoms, &lt;img src=x onerror=alert\(1\)&gt; \(higher is more concern\)\. Mother: 2 measurements from 17 \(10 January 2025\) to 13 \(10 April 2025\)/);
  });

  it("writes the directory whole, replaces only a report it wrote, and leaves other directories alone", async () => {
    const dir = workspace();
    expect((await inProc(["report", "data.csv", "--out", "rep", "--quiet"], dir)).code).toBe(0);
    // again, with one family: the old pages go, the new directory is complete
    expect((await inProc(["report", "data.csv", "--subject", "F2", "--out", "rep", "--quiet"], dir)).code).toBe(0);
    expect(readdirSync(join(dir, "rep")).sort()).toEqual([".trivsel-output", "family-F2.html", "index.html"]);
    mkdirSync(join(dir, "mine"));
    writeFileSync(join(dir, "mine", "notes.txt"), "keep me");
    const refused = await inProc(["report", "data.csv", "--out", "mine"], dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--out mine: exists and holds files trivsel did not write/);
    expect(readdirSync(join(dir, "mine"))).toEqual(["notes.txt"]);
    writeFileSync(join(dir, "file"), "x");
    expect((await inProc(["report", "data.csv", "--out", "file"], dir)).code).toBe(1);
    expect(readFileSync(join(dir, "file"), "utf8")).toBe("x");
    // no temporary directories left behind
    expect(readdirSync(dir).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("refuses usage errors with exit code 1 and writes nothing", async () => {
    const dir = workspace();
    for (const argv of [
      ["report", "data.csv", "--out", "r1", "--subject", "nobody"],
      ["report", "data.csv", "--out", "r2", "--lang", "sv"],
      ["report", "data.csv", "--out", "r3", "--at", "2025-02-30"],
      ["report", "data.csv"],
    ]) {
      const r = await inProc(argv, dir);
      expect(r.code, argv.join(" ")).toBe(1);
      if (argv.includes("--at")) expect(r.err).toContain('--at must be a real date written yyyy-mm-dd; received "2025-02-30"');
    }
    expect(readdirSync(dir).sort()).toEqual(["data.csv", "goals.json"]);
  });

  it("a Danish page reads the notes, the missing answers and the data problems in Danish, forms by Danish names", async () => {
    const dir = workspace();
    const bad = `${CSV}\nF2,2025-03-10,father,support,${items(0).replace(/^0/, "7")}\nF2,2025-05-10,father,support,${items(1).replace(/,1$/, ",")}`;
    writeFileSync(join(dir, "bad.csv"), bad);
    expect((await inProc(["report", "bad.csv", "--out", "rep", "--quiet"], dir)).code).toBe(2);
    const page = readFileSync(join(dir, "rep", "family-F2.html"), "utf8");
    expect(page).toContain("<td>fejl</td><td>epds_1: &quot;7&quot;: uden for skalaen; forventet et helt tal fra 0 til 3</td>");
    expect(page).toContain("kunne ikke scores: 1 af 10 spørgsmål mangler (epds_10); alle spørgsmål skal besvares");
    expect(page).toContain("Depressive symptomer (EPDS) (Far): 2 målinger kunne ikke scores og er udeladt");
    expect(page).not.toMatch(/not scorable|items missing|is out of range|administration\(s\)|>error</);
    const mother = readFileSync(join(dir, "rep", readdirSync(join(dir, "rep")).find((f) => f.includes("img"))!), "utf8");
    // EPDS in pregnancy and after the birth: the chart is drawn over both forms, each table row names no form id
    expect(mother).not.toMatch(/skema (antenatal|postnatal)/);
  });

  it("--instrument reports that instrument only", async () => {
    const dir = workspace();
    const r = await inProc(["report", "data.csv", "--instrument", "epds", "--out", "rep"], dir);
    expect(r.code).toBe(0);
    // no goals given: the first family's EPDS charts (total and anxiety; the second has one measurement) and the two cohort charts
    expect(r.err).toMatch(/2 family pages and an index with 4 charts/);
    expect((await inProc(["report", "data.csv", "--instrument", "nope", "--out", "rep2"], dir)).code).toBe(1);
  });

  it("--at leaves out later administrations", async () => {
    const dir = workspace();
    await inProc(["report", "data.csv", "--goals", "goals.json", "--at", "2025-02-01", "--out", "rep", "--lang", "en", "--quiet"], dir);
    const page = readFileSync(join(dir, "rep", "family-_img_src_x_onerror_alert_1__.html"), "utf8");
    expect(page).toContain("status as of 1 February 2025");
    expect(page).toContain("Period: 10 January 2025 – 10 January 2025");
    expect(page).toMatch(/<span class="badge s-no_data">– No data<\/span>/);
  });
});

describe("trivsel chart", () => {
  it("writes SVG to standard output, PNG and the Vega-Lite spec to files", async () => {
    const dir = workspace();
    const svg = await inProc(["chart", "data.csv", "--subject", EVIL_ID, "--instrument", "epds", "--goals", "goals.json", "--lang", "en"], dir);
    expect(svg.code).toBe(0);
    expect(svg.out).toMatch(/^<svg /);
    expect(svg.out).toContain("Goal: below 10");
    expect(svg.out).not.toContain("<img");
    const png = await inProc(["chart", "data.csv", "--subject", "F2", "--instrument", "epds", "--scale", "anxiety_3a", "--format", "png", "--out", "c.png"], dir);
    expect(png.code).toBe(0);
    expect(readFileSync(join(dir, "c.png")).subarray(1, 4).toString()).toBe("PNG");
    const json = await inProc(["chart", "data.csv", "--subject", "F2", "--instrument", "epds", "--format", "json", "--out", "c.vl.json"], dir);
    expect(json.code).toBe(0);
    const spec = JSON.parse(readFileSync(join(dir, "c.vl.json"), "utf8"));
    expect(spec.$schema).toBe("https://vega.github.io/schema/vega-lite/v6.json");
  });

  it("--kind fit draws a family's FIT sessions: the outcome measure above, the alliance beneath, by session", async () => {
    const dir = workspace();
    const fitCsv = ["subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4,srs_1,srs_2,srs_3,srs_4", ...["2025-01-06", "2025-01-13", "2025-01-20"].map((d, i) => `F3,${d},mother,${4 + i},5,5,5,9,9,9,${9 - i}`)].join("\n");
    writeFileSync(join(dir, "fit.csv"), fitCsv);
    const svg = await inProc(["chart", "fit.csv", "--kind", "fit", "--subject", "F3"], dir);
    expect(svg.code).toBe(0);
    expect(svg.out).toMatch(/^<svg /);
    for (const text of [">Trivsel (ORS)</text>", ">Samarbejde (SRS)</text>", ">Session</text>", ">Mor</text>"]) expect(svg.out).toContain(text);
    const spec = JSON.parse((await inProc(["chart", "fit.csv", "--kind", "fit", "--subject", "F3", "--format", "json", "--lang", "en"], dir)).out);
    expect(spec.description).toMatch(/^Outcome Rating Scale and Session Rating Scale by session, F3\. Mother: 3 sessions/);
    const none = await inProc(["chart", "data.csv", "--kind", "fit", "--subject", "F2"], dir);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no FIT sessions for subject "F2"/);
    expect((await inProc(["chart", "fit.csv", "--kind", "fit"], dir)).code).toBe(1);
    // a family rated with both pairs: one chart at a time, chosen by --instrument
    const both = `${fitCsv.split("\n")[0]},cors_1,cors_2,cors_3,cors_4,csrs_1,csrs_2,csrs_3,csrs_4\n${fitCsv.split("\n").slice(1).map((l) => `${l},6,6,6,6,9,9,9,9`).join("\n")}`;
    writeFileSync(join(dir, "both.csv"), both);
    const refused = await inProc(["chart", "both.csv", "--kind", "fit", "--subject", "F3"], dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/F3's FIT sessions span several measure pairs \(ors and srs; cors and csrs\): choose one with --instrument/);
    const child = await inProc(["chart", "both.csv", "--kind", "fit", "--subject", "F3", "--instrument", "cors", "--format", "json", "--lang", "en"], dir);
    expect(child.code).toBe(0);
    expect(JSON.parse(child.out).description).toMatch(/^Child Outcome Rating Scale and Child Session Rating Scale by session, F3/);
  });

  it("--kind cohort and cohort-change draw every family's verdicts and mean change; an unknown kind is a usage error", async () => {
    const dir = workspace();
    const counts = await inProc(["chart", "data.csv", "--kind", "cohort", "--lang", "en"], dir);
    expect(counts.code).toBe(0);
    expect(counts.out).toMatch(/^<svg /);
    expect(counts.out).toContain(">Series</text>");
    expect(counts.out).toContain(">Depressive symptoms · Mother</text>");
    const change = JSON.parse((await inProc(["chart", "data.csv", "--kind", "cohort-change", "--format", "json"], dir)).out);
    expect(change.title.text).toBe("Gennemsnitlig ændring (slut − start)");
    expect(Object.values(change.datasets as Record<string, { what?: string }[]>).flat().map((r) => r.what)).toContain("Depressive symptomer (EPDS) · Mor");
    const bad = await inProc(["chart", "data.csv", "--kind", "cohorts"], dir);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--kind must be one of progression, fit, cohort, cohort-change; received "cohorts"/);
  });

  it("exit codes: 1 for usage, 2 when the family has no such measure", async () => {
    const dir = workspace();
    expect((await inProc(["chart", "data.csv", "--instrument", "epds"], dir)).code).toBe(1);
    expect((await inProc(["chart", "data.csv", "--subject", "F2", "--instrument", "epds", "--format", "png"], dir)).code).toBe(1);
    expect((await inProc(["chart", "data.csv", "--subject", "F2", "--instrument", "epds", "--scale", "nope"], dir)).code).toBe(1);
    const none = await inProc(["chart", "data.csv", "--subject", "F9", "--instrument", "epds", "--out", "x.svg"], dir);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no scored epds total for subject "F9"/);
    expect(readdirSync(dir).sort()).toEqual(["data.csv", "goals.json"]);
  });
});

describe("buildReport", () => {
  it("charts ASQ:SE-2 totals per form, and a goal on them with the latest form's cutoffs", async () => {
    const asq = (date: string, score: number, form: string) => ({ ...fake("asq-se-2", "total", "F1", date, score), form });
    const results = [asq("2025-01-10", 30, "2"), asq("2025-02-10", 20, "2"), asq("2025-05-10", 50, "6")];
    const goal = GoalSchema.parse({ id: "g", subjectId: "F1", goal: "Trives", measure: { instrument: "asq-se-2", scale: "total" }, target: { kind: "below", value: 30 }, start: "2025-01-01", review: "2025-06-01" });
    const report = await buildReport({ results, registry: defaultRegistry(), goals: [goal] }, { lang: "en" });
    const page = report.pages.find((p) => p.subjectId === "F1")!.html;
    // the two forms' charts and the goal's chart on the 6-month form (its monitoring zone starts at 30, provisional)
    expect([...page.matchAll(/<h3>([^<]*ASQ:SE-2[^<]*|Social-emotional concern[^<]*)<\/h3>/g)].map((m) => m[1])).toEqual(["Social-emotional concern · 2 month questionnaire", "Social-emotional concern · 6 month questionnaire"]);
    // charts: form 2 (two measurements), the goal; form 6 has one measurement, shown in its table only; 2 cohort charts
    expect(report.charts).toBe(2 + 2);
    const form6 = /<article class="measure"><h3>Social-emotional concern · 6 month questionnaire<\/h3>(.*?)<\/article>/s.exec(page)![1]!;
    expect(form6).not.toContain("<figure");
    expect(form6).toMatch(/<td>50 \(10 May 2025\)<\/td>/);
    expect(page).toContain("Goal: below 30");
    expect(page).toContain("Monitor (provisional)");
  });

  it("one EPDS chart across pregnancy and birth with each form's bands; a coded rating charted from two ratings; the NBO record as a table", async () => {
    const reg = defaultRegistry();
    const epds = (date: string, v: number) =>
      scoreAdministration(getInstrument("epds"), { instrument: "epds", subjectId: "F1", administeredOn: date, respondent: "mother", birthDate: "2025-02-01", responses: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`epds_${i + 1}`, v])) });
    const coded = (instrument: string, item: string, date: string, v: number | string) => scoreAdministration(getInstrument(instrument), { instrument, subjectId: "F1", administeredOn: date, respondent: instrument === "nbo" ? "family_consultant" : "mother", responses: { [item]: v } });
    const nbo = (date: string) =>
      scoreAdministration(getInstrument("nbo"), { instrument: "nbo", subjectId: "F1", administeredOn: date, respondent: "family_consultant", responses: Object.fromEntries(Array.from({ length: 18 }, (_, i) => [`nbo_${i + 1}`, i < 15 ? "yes" : "no"])) });
    const results = [epds("2025-01-10", 1), epds("2025-04-10", 2), coded("pdi-rf", "pdirf_1", "2025-01-10", 3), coded("pdi-rf", "pdirf_1", "2025-06-10", 5), nbo("2025-02-20"), nbo("2025-03-20")];
    expect(results.map((r) => [r.instrument, r.form])).toEqual([
      ["epds", "antenatal"],
      ["epds", "postnatal"],
      ["pdi-rf", null],
      ["pdi-rf", null],
      ["nbo", null],
      ["nbo", null],
    ]);
    const goal = GoalSchema.parse({ id: "rf", subjectId: "F1", goal: "Mor tænker over barnets indre", measure: { instrument: "pdi-rf", scale: "overall_rf", respondent: "mother" }, target: { kind: "above", value: 6 }, start: "2025-01-01", review: "2025-07-01" });
    const report = await buildReport({ results, registry: reg, goals: [goal], birthDates: new Map([["F1", "2025-02-01"]]) }, { lang: "en" });
    const page = report.pages.find((p) => p.subjectId === "F1")!.html;
    const article = (h: string) => new RegExp(`<article class="measure"><h3>${h.replace(/[()]/g, "\\$&")}</h3>(.*?)</article>`, "s").exec(page)?.[1];
    // EPDS total: one chart, not one per form, with both periods' cutoffs named
    expect([...page.matchAll(/<h3>(Depressive symptoms[^<]*)<\/h3>/g)].map((m) => m[1])).toEqual(["Depressive symptoms"]);
    // (a label on several lines is one text of several tspans)
    const epdsText = article("Depressive symptoms")!.replace(/<\/tspan><tspan[^>]*>/g, " ");
    expect(epdsText).toContain(">Cutoffs in pregnancy (provisional)<");
    expect(epdsText).toContain(">Cutoffs after the birth<");
    expect(epdsText).toContain(">Probable depression (provisional)<");
    expect(epdsText).toContain(">Probable depression<");
    expect(article("Overall reflective functioning (PDI)")).toContain("<figure");
    expect(article("Overall reflective functioning (PDI)")).toContain("No norms");
    const record = article("NBO observations done in the session")!;
    expect(record).not.toContain("<figure");
    expect(record).toMatch(/<td>15 \(20 February 2025\)<\/td><td>15 \(20 March 2025\)<\/td>/);
    // RF 3 → 5 toward above 6; with no norms, the change is not called reliable or not
    expect(page).toContain(`<tr><th scope="row">Change</th><td>+2 (whether the change is reliable cannot be judged: no norms)</td></tr>`);
    // the goal, EPDS total and anxiety, PDI-RF, and the 2 cohort charts
    expect(report.charts).toBe(1 + 3 + 2);
  });

  it("chartForm: one chart for forms that follow one another in time, one per form for different scores or forms side by side", () => {
    const reg = defaultRegistry();
    const at = (instrument: string, scale: string, date: string, form: string, respondent = "mother") => ({ ...fake(instrument, scale, "F1", date, 10, { respondent }), form });
    expect(chartForm(reg.get("epds"), "total", [at("epds", "total", "2025-01-10", "antenatal"), at("epds", "total", "2025-04-10", "postnatal")])).toEqual({ form: undefined, split: false });
    expect(chartForm(reg.get("epds"), "total", [at("epds", "total", "2025-04-10", "postnatal")])).toEqual({ form: "postnatal", split: false });
    expect(chartForm(reg.get("asq-se-2"), "total", [at("asq-se-2", "total", "2025-01-10", "2"), at("asq-se-2", "total", "2025-05-10", "6")])).toEqual({ form: undefined, split: true });
    // a mother on the adult form and a teenager on the adolescent form, the same day: their cutoffs differ (25, 28)
    expect(chartForm(reg.get("ors"), "total", [at("ors", "total", "2025-01-10", "adult"), at("ors", "total", "2025-01-10", "adolescent", "child")])).toEqual({ form: undefined, split: true });
    expect(chartForm(reg.get("pss"), "total", [at("pss", "total", "2025-01-10", "x")])).toEqual({ form: undefined, split: false });
  });

  it("shows a child's CORS and CSRS in the FIT section, found by their FIT role, beside the adult ORS and SRS", async () => {
    const fit = (instrument: string, date: string, lines: number[], respondent: string) =>
      scoreAdministration(getInstrument(instrument), { instrument, subjectId: "F1", administeredOn: date, respondent, responses: Object.fromEntries(lines.map((v, i) => [`${instrument}_${i + 1}`, v])) });
    const results = [
      fit("cors", "2025-01-01", [7, 7, 7, 7], "child"),
      fit("csrs", "2025-01-01", [9.5, 9.5, 9.5, 9.5], "child"),
      fit("cors", "2025-01-08", [5, 6, 5, 6], "child"),
      fit("csrs", "2025-01-08", [9, 9, 9, 9], "child"),
      fit("ors", "2025-01-01", [5, 5, 5, 5], "mother"),
      fit("srs", "2025-01-01", [9, 9, 9, 9], "mother"),
    ];
    const report = await buildReport({ results, registry: defaultRegistry() }, { lang: "en" });
    const page = report.pages.find((p) => p.subjectId === "F1")!.html;
    expect(page).toContain("<h2>FIT sessions (ORS and SRS, CORS and CSRS)</h2>");
    // the child's session 2: CORS 28 → 22 (6 below intake) and CSRS 38 → 36
    expect(page).toMatch(/<th scope="col">CORS \/ ORS<\/th><th scope="col">CSRS \/ SRS<\/th>/);
    expect(page).toMatch(/<td class="num">2<\/td><td>[^<]*<\/td><td class="num">22<\/td><td class="num">36<\/td>/);
  });
});
