/**
 * Cohort charts from cohortSummary rows: how many series recovered, improved, stayed, deteriorated, had no
 * norms or no follow-up, per scale and group (stacked bars); and the mean pre–post change with its 95% CI.
 * Categories are an open set: known ones have fixed colours and labels, others follow in order of appearance.
 */
import type { TopLevelSpec } from "vega-lite";
import type { CohortRow } from "../trend/cohort.js";
import { CATEGORY_ORDER, categoryLabel, formatNumberLocale, respondentLabel, scaleLabel, TEXT, type Lang } from "./labels.js";
import { baseConfig, Datasets } from "./style.js";
import type { ChartOptions } from "./progression.js";

/** Category colours: blues for better, orange for worse, greys for what cannot be judged (colour-blind safe). */
const CATEGORY_COLORS: Record<string, string> = {
  recovered: "#08519C",
  improved: "#6BAED6",
  changed: "#CC79A7",
  unchanged: "#A6A6A6",
  deteriorated: "#D55E00",
  no_norms: "#E6D27A",
  insufficient_data: "#D9D9D9",
  no_follow_up: "#F2F2F2",
};
const EXTRA_COLORS = ["#009E73", "#56B4E9", "#000000"];

/** The row's label on the chart: scale, respondent (and group, when there are several). */
const rowLabel = (r: CohortRow, lang: Lang, names: ReadonlyMap<string, string>) =>
  `${names.get(`${r.instrument}.${r.scale}`) ?? scaleLabel(r.instrument, r.scale, `${r.instrument} ${r.scale}`, lang)} · ${respondentLabel(r.respondent, lang)}`;

export interface CohortChartInput {
  rows: readonly CohortRow[];
  /** scale names by "instrument.scale" (e.g. from the definitions); default: built-in Danish names or the ids */
  scaleNames?: ReadonlyMap<string, string>;
}

export function cohortCategoryChart(input: CohortChartInput, opts: Omit<ChartOptions, "x"> = {}): TopLevelSpec {
  const lang = opts.lang ?? "da";
  const t = TEXT[lang];
  const names = input.scaleNames ?? new Map<string, string>();
  const seen = new Set<string>();
  const values = input.rows.flatMap((r) => {
    const what = rowLabel(r, lang, names);
    const group = r.group ?? t.all;
    const cells = Object.entries(r.counts as Record<string, number>).filter(([, n]) => n > 0);
    if (r.nNoFollowUp > 0) cells.push(["no_follow_up", r.nNoFollowUp]);
    return cells.map(([category, n]) => {
      seen.add(category);
      return { what, group, category: categoryLabel(category, lang), id: category, n };
    });
  });
  const known = CATEGORY_ORDER.filter((c) => seen.has(c)) as string[];
  const extra = [...seen].filter((c) => !known.includes(c));
  const order = [...known, ...extra];
  const domain = order.map((c) => categoryLabel(c, lang));
  const range = order.map((c, i) => CATEGORY_COLORS[c] ?? EXTRA_COLORS[(i - known.length) % EXTRA_COLORS.length]!);
  const groups = new Set(values.map((v) => v.group));
  const bars = {
    mark: { type: "bar", stroke: "#777777", strokeWidth: 0.5 },
    encoding: {
      y: { field: "what", type: "nominal", title: null, sort: null, axis: { labelLimit: 320 } },
      x: { field: "n", type: "quantitative", stack: "zero", title: t.count, axis: { tickMinStep: 1, format: "d" } },
      color: { field: "category", type: "nominal", title: t.category, scale: { domain, range }, sort: domain, legend: { columns: 3, symbolType: "square" } },
      order: { field: "rank", type: "quantitative" },
    },
  };
  const withRank = values.map((v) => ({ ...v, rank: order.indexOf(v.id) }));
  const ds = new Datasets();
  const data = ds.ref(withRank);
  const title = opts.title === false ? undefined : { text: opts.title ?? (lang === "da" ? "Udvikling fra første til seneste måling" : "Progress from first to latest measurement") };
  const common = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", description: describeCategories(values, lang), ...(title ? { title } : {}), config: baseConfig(lang), datasets: ds.values };
  const width = opts.width ?? 300;
  if (groups.size > 1)
    return { ...common, data, facet: { row: { field: "group", type: "nominal", title: t.group, header: { labelAngle: 0, labelAlign: "left" } } }, spec: { width, ...bars } } as unknown as TopLevelSpec;
  return { ...common, data, width, ...bars } as unknown as TopLevelSpec;
}

export function cohortChangeChart(input: CohortChartInput, opts: Omit<ChartOptions, "x"> = {}): TopLevelSpec {
  const lang = opts.lang ?? "da";
  const t = TEXT[lang];
  const names = input.scaleNames ?? new Map<string, string>();
  const values = input.rows.flatMap((r) => {
    if (!r.change) return [];
    const dir = r.direction === "higher_is_better" ? t.higherBetter : r.direction === "higher_is_worse" ? t.higherWorse : t.noBetterEnd;
    return [
      {
        what: `${rowLabel(r, lang, names)}${r.group !== null ? ` · ${r.group}` : ""}`,
        dir,
        mean: r.change.mean,
        lo: r.change.ci95?.[0] ?? r.change.mean,
        hi: r.change.ci95?.[1] ?? r.change.mean,
        n: r.change.n,
        text: `${formatNumberLocale(r.change.mean, lang, 2)} (n = ${r.change.n})`,
      },
    ];
  });
  const title = opts.title === false ? undefined : { text: opts.title ?? t.meanChange, subtitle: [lang === "da" ? `Streg: ${t.ci}` : `Bar: ${t.ci}`] };
  const y = { field: "what", type: "nominal", title: null, sort: null, axis: { labelLimit: 360 } };
  const ds = new Datasets();
  const zero = ds.ref([{ x: 0 }]);
  const data = ds.ref(values);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: describeChange(values, lang),
    ...(title ? { title } : {}),
    config: baseConfig(lang),
    width: opts.width ?? 360,
    datasets: ds.values,
    layer: [
      { data: zero, mark: { type: "rule", color: "#555555", strokeDash: [4, 3] }, encoding: { x: { field: "x", type: "quantitative" } } },
      { data, mark: { type: "rule", color: "#0072B2", strokeWidth: 2 }, encoding: { y, x: { field: "lo", type: "quantitative", title: t.meanChange }, x2: { field: "hi" } } },
      { data, mark: { type: "point", filled: true, color: "#0072B2", size: 70, opacity: 1 }, encoding: { y, x: { field: "mean", type: "quantitative" } } },
      { data, mark: { type: "text", align: "left", dx: 6, dy: -9, fontSize: 10, color: "#333333" }, encoding: { y, x: { field: "mean", type: "quantitative" }, text: { field: "text" } } },
    ],
  } as unknown as TopLevelSpec;
}

function describeCategories(values: { what: string; group: string; category: string; n: number }[], lang: Lang): string {
  const by = new Map<string, string[]>();
  for (const v of values) {
    const k = `${v.what} (${v.group})`;
    by.set(k, [...(by.get(k) ?? []), `${v.category} ${v.n}`]);
  }
  return [...by].map(([k, parts]) => `${k}: ${parts.join(", ")}`).join("; ") || (lang === "da" ? "Ingen forløb" : "No series");
}

function describeChange(values: { what: string; mean: number; lo: number; hi: number; n: number }[], lang: Lang): string {
  return (
    values.map((v) => `${v.what}: ${formatNumberLocale(v.mean, lang, 2)} [${formatNumberLocale(v.lo, lang, 2)}; ${formatNumberLocale(v.hi, lang, 2)}], n = ${v.n}`).join("; ") ||
    (lang === "da" ? "Ingen forløb med opfølgning" : "No series with follow-up")
  );
}
