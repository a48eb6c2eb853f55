/**
 * The one place where the app gets its FIT chart: the session chart of src/charts (the same spec as the
 * CLI's), rendered on the server as SVG. One chart per FIT family the data have (ORS/SRS; CORS/CSRS for a child).
 * src/charts loads vega, which has top-level await, so it is imported only here and only when a chart is drawn.
 */
import type { Registry } from "../registry/registry.js";
import type { Lang } from "./i18n.js";
import type { RaterSeries } from "./fit.js";

export interface ChartInput {
  series: readonly RaterSeries[];
  registry: Registry;
  lang: Lang;
}

/** SVG documents, one per FIT family with data; empty when the family has no ratings yet. */
export async function fitChartSvgs(input: ChartInput): Promise<string[]> {
  if (!input.series.length) return [];
  const { fitChart, renderSvg } = await import("../charts/index.js");
  const byFamily = new Map<string, RaterSeries[]>();
  for (const s of input.series) byFamily.set(s.family, [...(byFamily.get(s.family) ?? []), s]);
  const out: string[] = [];
  for (const series of byFamily.values()) {
    const outcome = series.find((s) => s.outcome)?.outcome;
    const alliance = series.find((s) => s.alliance)?.alliance;
    // the chart has an outcome and an alliance panel: a family whose definitions lack one is not drawn
    if (!outcome || !alliance) continue;
    const outcomeInst = input.registry.get(outcome.instrument);
    // the app gives no form, so every rating is scored on the definition's default form (adult ORS): draw its cutoff
    const form = outcomeInst.def.formSelection?.default;
    const spec = fitChart(
      {
        families: series.map((s) => s.fit),
        outcome: { instrument: outcomeInst, scale: outcome.scale, ...(form !== undefined ? { form } : {}) },
        alliance: { instrument: input.registry.get(alliance.instrument), scale: alliance.scale },
      },
      { lang: input.lang, width: 520, height: 220 },
    );
    out.push(await renderSvg(spec));
  }
  return out;
}
