// Rendering: SVG snapshots (vega's headless view with estimated text metrics, so identical on every
// machine), the compiled-shape cache giving the same SVG as a fresh compile, and PNG with the bundled font.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyseTrends, defaultRegistry, fitSessions, getInstrument, scoreAdministration } from "../../src/index.js";
import { compileSpec, fitChart, fontFiles, progressionChart, renderPng, renderSvg } from "../../src/charts/index.js";
import { phased } from "./helpers.js";

const reg = defaultRegistry();
// monthly from January; born 20 February: two antenatal administrations, then postnatal ones
const epds = (scores: number[]) =>
  analyseTrends(
    scores.map((s, i) => phased("epds", "total", "F1", `2025-0${i + 1}-01`, s, "mother", i < 2 ? "pregnancy" : "support", i < 2 ? "antenatal" : "postnatal")),
    reg,
    { instrument: "epds", scale: "total", since: "birth", birthDates: new Map([["F1", "2025-02-20"]]) },
  ).analyses;

const width = (svg: string): number => Number(/^<svg [^>]*width="(\d+)"/.exec(svg)![1]);

async function uncached(spec: Parameters<typeof renderSvg>[0]): Promise<string> {
  const vega = await import("vega");
  const view = new vega.View(vega.parse((await compileSpec(spec)).vega), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

describe("rendering", () => {
  it("draws the EPDS progression chart and the FIT chart as the committed SVGs", async () => {
    const svg = await renderSvg(progressionChart({ instrument: reg.get("epds"), scale: "total", analyses: epds([16, 14, 11, 8]) }, { lang: "da" }));
    expect(svg).toMatch(/^<svg [^>]*width="\d+" height="\d+"/);
    // the postnatal bands' names; the antenatal segment's, provisional, in italics
    expect(svg).toContain(">Mulig depression</text>");
    expect(svg).toContain(`font-style="italic" fill="#3A2A20">Mulig depression (foreløbig)</text>`);
    expect(svg).toContain(`font-style="italic" fill="#5A4A40">Grænser i graviditeten (foreløbig)</text>`);
    expect(svg).toContain(">Grænser efter fødslen</text>");
    expect(svg).toContain("jan. 2025");
    await expect(svg).toMatchFileSnapshot("__snapshots__/progression-epds-da.svg");

    const score = (instrument: "ors" | "srs", date: string, v: number, respondent: string) =>
      scoreAdministration(getInstrument(instrument), { instrument, subjectId: "F1", administeredOn: date, respondent, responses: { [`${instrument}_1`]: v, [`${instrument}_2`]: v, [`${instrument}_3`]: v, [`${instrument}_4`]: v } });
    const results = ["2025-01-01", "2025-01-08", "2025-01-15", "2025-01-22"].flatMap((d, i) => [score("ors", d, 5 + i, "mother"), score("srs", d, 9.5 - i * 0.25, "mother"), ...(i !== 1 ? [score("ors", d, 6, "father")] : [])]);
    const fit = await renderSvg(fitChart({ families: fitSessions(results), outcome: { instrument: reg.get("ors"), form: "adult" }, alliance: { instrument: reg.get("srs") } }, { lang: "en" }));
    expect(fit).toContain("Session");
    await expect(fit).toMatchFileSnapshot("__snapshots__/fit-en.svg");
  });

  it("renders specs of one shape through one view exactly as a fresh compile does, also at the same time", async () => {
    const first = progressionChart({ instrument: reg.get("epds"), scale: "total", analyses: epds([20, 18, 15, 12]) }, { lang: "en" });
    const second = progressionChart({ instrument: reg.get("epds"), scale: "total", analyses: epds([5, 9, 13, 17]) }, { lang: "en" });
    const a = await renderSvg(first);
    const b = await renderSvg(second);
    expect(b).not.toBe(a);
    expect(b).toBe(await uncached(second));
    expect(a).toBe(await uncached(first));
    // a view sized by one spec's text is sized again for the next: a phase label (an unknown phase is shown by
    // its id) longer than the plot is wide runs past its left edge and widens the SVG; the chart after it must
    // not keep that width. Both end their last label at the plot's right edge, so the specs have one shape.
    const long = "a_phase_named_by_a_site_whose_name_is_far_longer_than_the_whole_plot_is_wide_so_that_it_cannot_fit_anywhere";
    const overflow = progressionChart({ instrument: reg.get("epds"), scale: "total", analyses: epds([20, 18, 15, 12]), phases: [{ date: "2025-01-01", phase: "pregnancy" }, { date: "2025-04-01", phase: long }] }, { lang: "en", title: false });
    const inside = progressionChart({ instrument: reg.get("epds"), scale: "total", analyses: epds([5, 9, 13, 17]), phases: [{ date: "2025-01-01", phase: "pregnancy" }, { date: "2025-04-01", phase: "phase_out" }] }, { lang: "en", title: false });
    const wide = await renderSvg(overflow);
    const narrow = await uncached(inside);
    expect(width(wide)).toBeGreaterThan(width(narrow));
    expect(await renderSvg(inside)).toBe(narrow);
    // renders of one shape at once take turns on its view
    const both = await Promise.all([renderSvg(first), renderSvg(second), renderSvg(first)]);
    expect(both).toEqual([a, b, a]);
  });

  it("makes PNGs with the bundled DejaVu Sans, twice the SVG's size, the same bytes every time", async () => {
    for (const f of fontFiles()) expect(existsSync(f), f).toBe(true);
    const spec = progressionChart({ instrument: reg.get("epds"), scale: "total", analyses: epds([16, 14, 11, 8]) }, { lang: "da" });
    const svg = await renderSvg(spec);
    const png = await renderPng(svg);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = Buffer.from(png);
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
    expect([view.readUInt32BE(16), view.readUInt32BE(20)]).toEqual([2 * Number(w), 2 * Number(h)]);
    expect(Buffer.from(await renderPng(spec)).equals(view)).toBe(true);
  });
});
