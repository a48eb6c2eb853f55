/**
 * Chart and report benchmark on the demo cohort (40 families):
 *  - median time per SVG chart: every family's progression charts (EPDS, ORS, PSS) and FIT chart, each shape
 *    rendered once before timing (a report meets each shape again and again);
 *  - the first render of a shape (compile included), median over the shapes;
 *  - median time per PNG chart (resvg, from the SVG);
 *  - the whole demo report as the README runs it: `trivsel report` in this process, reading and scoring included.
 * Targets: ≤ 20 ms per SVG chart; the 40-family report ≤ 10 s. Exit code 1 when a target is missed.
 *
 *   npm run bench:charts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { analyseTrends, applyOverlay, defaultRegistry, fitSessions, readResults } from "../src/index.js";
import { run } from "../src/cli/run.js";
import { memoryIo } from "../src/cli/io.js";
import { fitChart, progressionChart, renderPng, renderSvg } from "../src/charts/index.js";
import { readFileSync } from "node:fs";

const SVG_TARGET_MS = 20;
const REPORT_TARGET_S = 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const OVERLAY = "datasets/demo-asq-se-2-overlay.json";
const registry = defaultRegistry();
registry.register(applyOverlay(registry.get("asq-se-2"), JSON.parse(readFileSync(OVERLAY, "utf8")), { file: OVERLAY }));
const { results } = await readResults({ path: "datasets/demo-cohort.csv" }, registry, {}, () => {});
const subjects = [...new Set(results.map((r) => r.subjectId!))];

const specs = subjects.flatMap((s) => {
  const mine = results.filter((r) => r.subjectId === s);
  const phases = mine.filter((r) => r.phase && r.administeredOn).map((r) => ({ date: r.administeredOn!, phase: r.phase! }));
  const progression = (["epds", "pss", "ors"] as const).map((instrument) =>
    progressionChart({ instrument: registry.get(instrument), scale: "total", ...(instrument === "ors" ? { form: "adult" } : {}), analyses: analyseTrends(mine, registry, { instrument, scale: "total" }).analyses, phases }, { title: false }),
  );
  const fit = fitChart({ families: fitSessions(mine), outcome: { instrument: registry.get("ors"), form: "adult" }, alliance: { instrument: registry.get("srs") } }, { title: false });
  return [...progression, fit];
});

// first renders: each new shape is compiled; the rest of the charts are timed warm
const firstOfShape: number[] = [];
const seen = new Set<string>();
for (const spec of specs) {
  const { datasets: _d, description: _s, ...shape } = spec as unknown as Record<string, unknown>;
  const key = JSON.stringify(shape);
  if (seen.has(key)) continue;
  seen.add(key);
  const t = performance.now();
  await renderSvg(spec);
  firstOfShape.push(performance.now() - t);
}
const svgTimes: number[] = [];
const svgs: string[] = [];
for (const spec of specs) {
  const t = performance.now();
  svgs.push(await renderSvg(spec));
  svgTimes.push(performance.now() - t);
}
const pngTimes: number[] = [];
for (const svg of svgs.slice(0, 40)) {
  const t = performance.now();
  await renderPng(svg);
  pngTimes.push(performance.now() - t);
}

const reportTimes: number[] = [];
// CPU time too: on a shared machine wall time also counts the other jobs' turns
const reportCpu: number[] = [];
let charts = "";
for (let i = 0; i < 3; i++) {
  const dir = mkdtempSync(join(tmpdir(), "trivsel-bench-report-"));
  const io = memoryIo();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const code = await run(["report", "datasets/demo-cohort.csv", "--goals", "datasets/demo-goals.yaml", "--overlay", OVERLAY, "--out", join(dir, "report")], io);
  reportTimes.push((performance.now() - t) / 1000);
  const used = process.cpuUsage(cpu);
  reportCpu.push((used.user + used.system) / 1e6);
  if (code !== 2) throw new Error(`report ended with exit code ${code}, expected 2 (the demo's deliberate errors):\n${io.err}`);
  charts = /with (\d+) charts/.exec(io.err)?.[1] ?? "?";
  rmSync(dir, { recursive: true, force: true });
}

const svgMedian = median(svgTimes);
const reportFirst = reportTimes[0]!;
const reportMedian = median(reportTimes);
console.log(`Machine: ${cpus()[0]?.model ?? "?"}, ${cpus().length} cores, Node ${process.version}`);
console.log(`| | median | n |\n|---|---|---|`);
console.log(`| SVG chart (shape compiled) | ${svgMedian.toFixed(1)} ms | ${svgTimes.length} |`);
console.log(`| SVG chart, first of its shape (compile included) | ${median(firstOfShape).toFixed(1)} ms | ${firstOfShape.length} |`);
console.log(`| PNG chart (from the SVG) | ${median(pngTimes).toFixed(1)} ms | ${pngTimes.length} |`);
console.log(`| demo report, 40 families, ${charts} charts (first run; median of 3) | ${reportFirst.toFixed(2)} s; ${reportMedian.toFixed(2)} s (CPU ${reportCpu[0]!.toFixed(2)} s; ${median(reportCpu).toFixed(2)} s) | 3 |`);
console.log(`Load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(", ")}`);
const missed = [svgMedian > SVG_TARGET_MS ? `SVG ${svgMedian.toFixed(1)} ms > ${SVG_TARGET_MS} ms` : "", reportFirst > REPORT_TARGET_S ? `report ${reportFirst.toFixed(2)} s > ${REPORT_TARGET_S} s` : ""].filter(Boolean);
console.log(missed.length ? `Targets missed: ${missed.join("; ")}` : `Targets met: ≤ ${SVG_TARGET_MS} ms per SVG chart, demo report ≤ ${REPORT_TARGET_S} s`);
process.exitCode = missed.length ? 1 : 0;
