/**
 * The one place where the app gets its FIT chart: the session chart of src/charts (the same spec as the
 * CLI's), rendered on the server as SVG. One chart per FIT pair the family has (ORS/SRS; CORS/CSRS for a child).
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

/** SVG documents, one per FIT pair with data; empty when the family has no ratings yet. */
export async function fitChartSvgs(input: ChartInput): Promise<string[]> {
  if (!input.series.length) return [];
  const { fitChart, renderSvg } = await import("../charts/index.js");
  const pairs = new Map<string, RaterSeries[]>();
  for (const s of input.series) {
    const k = `${s.outcome}\u0000${s.alliance}`;
    pairs.set(k, [...(pairs.get(k) ?? []), s]);
  }
  const out: string[] = [];
  for (const series of pairs.values()) {
    const first = series[0]!;
    const spec = fitChart(
      { families: series.map((s) => s.fit), outcome: { instrument: input.registry.get(first.outcome) }, alliance: { instrument: input.registry.get(first.alliance) } },
      { lang: input.lang, width: 520, height: 220 },
    );
    out.push(await renderSvg(spec));
  }
  return out;
}
