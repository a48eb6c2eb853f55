/**
 * FIT session chart, as FIT users know it from their systems: the outcome measure (ORS) per rater by
 * session with its clinical cutoff and, when a table is in use, the expected-treatment-response zone;
 * the alliance measure (SRS) in a panel beneath with its cutoff; every alert ringed at its session.
 *
 *   fit analysis (fitSessions: one FitFamily per rater) ──► lines and points per panel, alerts
 *   outcome / alliance definitions ──► bands, cutoffs, score ranges
 */
import type { TopLevelSpec } from "vega-lite";
import type { Instrument } from "../registry/load.js";
import type { FitFamily, FitRule } from "../trend/fit.js";
import { alertLabel, formatDateLong, formatNumberLocale, scaleLabel, TEXT, type Lang } from "./labels.js";
import { scaleInfo } from "./scale-info.js";
import { bandAreas, baseConfig, cutoffs, Datasets, respondentStyles } from "./style.js";
import type { ChartOptions } from "./progression.js";

export interface FitMeasure {
  instrument: Instrument;
  /** default "total" */
  scale?: string;
  /** whose bands to draw, e.g. the adult ORS form */
  form?: string;
}

export interface FitChartInput {
  /** one subject's raters, from fitSessions */
  families: readonly FitFamily[];
  outcome: FitMeasure;
  alliance: FitMeasure;
}

/** Which panel an alert belongs to: the measure whose value fired it. */
export const ALERT_PANEL: Record<FitRule, "outcome" | "alliance"> = {
  no_reliable_improvement: "outcome",
  ors_below_intake: "outcome",
  below_etr: "outcome",
  srs_below_cutoff: "alliance",
  srs_item_below_9: "alliance",
  srs_drop: "alliance",
};

type Layer = Record<string, unknown>;

export function fitChart(input: FitChartInput, opts: Omit<ChartOptions, "x"> = {}): TopLevelSpec {
  const lang = opts.lang ?? "da";
  const t = TEXT[lang];
  const styles = respondentStyles(input.families.map((f) => f.respondent), lang);
  const labelOf = new Map(styles.map((s) => [s.id, s.label]));
  const colorScale = { domain: styles.map((s) => s.label), range: styles.map((s) => s.color) };
  const shapeScale = { domain: styles.map((s) => s.label), range: styles.map((s) => s.shape) };
  const xField = { field: "session", type: "quantitative", title: t.session, scale: { nice: false }, axis: { tickMinStep: 1, format: "d" } };
  const width = opts.width ?? 560;
  const ds = new Datasets();

  const panel = (which: "outcome" | "alliance", height: number, showX: boolean): Layer => {
    const m = which === "outcome" ? input.outcome : input.alliance;
    const info = scaleInfo(m.instrument, m.scale ?? "total", m.form);
    const domain: [number, number] = info.range ?? [0, 40];
    const yScale = { domain, nice: false, zero: false };
    const value = (s: FitFamily["sessions"][number]) => (which === "outcome" ? s.ors : s.srs);
    const points = input.families.flatMap((f) =>
      f.sessions.flatMap((s) => {
        const v = value(s);
        return v === null ? [] : [{ session: s.session, score: v, who: labelOf.get(f.respondent)!, date: formatDateLong(s.date, lang) }];
      }),
    );
    // the line keeps a rater's sessions without this measure as gaps, so it never bridges a missing value
    const line = input.families.flatMap((f) => f.sessions.map((s) => ({ session: s.session, score: value(s), who: labelOf.get(f.respondent)! })));
    const alerts = input.families.flatMap((f) =>
      f.sessions.flatMap((s) => {
        const mine = s.alerts.filter((a) => ALERT_PANEL[a.rule] === which);
        const v = value(s);
        return mine.length && v !== null ? [{ session: s.session, score: v, text: mine.map((a) => alertLabel(a.rule, lang)).join("; ") }] : [];
      }),
    );
    const layers: Layer[] = [];
    const bands = bandAreas(info.bands, domain, lang);
    if (bands.length) layers.push({ data: ds.ref(bands), mark: { type: "rect" }, encoding: { y: { field: "lower", type: "quantitative", scale: yScale }, y2: { field: "upper" }, fill: { field: "fill", type: "nominal", scale: null, legend: null } } });
    for (const c of cutoffs(info.bands))
      layers.push({
        data: ds.ref([{ y: c.value, label: `${t.cutoff} ${c.value}${c.provisional ? ` (${t.provisional})` : ""}` }]),
        layer: [
          { mark: { type: "rule", color: "#7A3B2E", strokeWidth: 1.5, ...(c.provisional ? { strokeDash: [4, 3] } : {}) }, encoding: { y: { field: "y", type: "quantitative", scale: yScale } } },
          { mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 3, fontSize: 10, color: "#5A2B20" }, encoding: { x: { value: 0 }, y: { field: "y", type: "quantitative", scale: yScale }, text: { field: "label" } } },
        ],
      });
    if (which === "outcome") {
      const etr = input.families.flatMap((f) => f.sessions.flatMap((s) => (s.etr ? [{ session: s.session, lower: s.etr.lower, expected: s.etr.expected, who: labelOf.get(f.respondent)! }] : [])));
      if (etr.length)
        layers.push({
          data: ds.ref(etr),
          mark: { type: "area", opacity: 0.15 },
          encoding: { x: xField, y: { field: "lower", type: "quantitative", scale: yScale }, y2: { field: "expected" }, color: { field: "who", type: "nominal", scale: colorScale }, detail: { field: "who" } },
        });
    }
    const pointData = ds.ref(points);
    layers.push({
      data: ds.ref(line),
      mark: { type: "line", strokeWidth: 2, interpolate: "linear", invalid: "break-paths-show-domains" },
      encoding: { x: xField, y: { field: "score", type: "quantitative", scale: yScale, title: scaleLabel(m.instrument.id, info.scale.id, info.scale.def.label, lang) }, color: { field: "who", type: "nominal", title: t.respondent, scale: colorScale }, detail: { field: "who" } },
    });
    layers.push({
      data: pointData,
      mark: { type: "point", filled: true, size: 55, opacity: 1, stroke: "#FFFFFF", strokeWidth: 1 },
      encoding: { x: xField, y: { field: "score", type: "quantitative", scale: yScale }, color: { field: "who", type: "nominal", title: t.respondent, scale: colorScale }, shape: { field: "who", type: "nominal", title: t.respondent, scale: shapeScale } },
    });
    if (alerts.length)
      layers.push({
        data: ds.ref(alerts),
        mark: { type: "point", shape: "circle", size: 260, filled: false, stroke: "#C0001A", strokeWidth: 2.5, opacity: 1 },
        encoding: { x: xField, y: { field: "score", type: "quantitative", scale: yScale } },
      });
    if (!showX) for (const l of layers) hideX(l);
    return { width, height, layer: layers };
  };

  const outcomeName = scaleLabel(input.outcome.instrument.id, input.outcome.scale ?? "total", input.outcome.instrument.name, lang);
  const allianceName = scaleLabel(input.alliance.instrument.id, input.alliance.scale ?? "total", input.alliance.instrument.name, lang);
  const title = opts.title === false ? undefined : { text: opts.title ?? `${outcomeName} · ${allianceName}`, subtitle: [lang === "da" ? "Rød ring: en advarsel ved den session (se tabellen)" : "Red ring: an alert at that session (see the table)"] };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: describeFit(input, lang, outcomeName, allianceName),
    ...(title ? { title } : {}),
    config: baseConfig(lang),
    vconcat: [panel("outcome", opts.height ?? 200, false), panel("alliance", Math.round((opts.height ?? 200) * 0.55), true)],
    datasets: ds.values,
    spacing: 8,
    resolve: { scale: { color: "shared", shape: "shared" } },
  } as unknown as TopLevelSpec;
}

function hideX(layer: Layer): void {
  const enc = layer.encoding as Record<string, Record<string, unknown>> | undefined;
  if (enc?.x && "field" in enc.x) enc.x = { ...enc.x, axis: null };
  for (const l of (layer.layer as Layer[] | undefined) ?? []) hideX(l);
}

function describeFit(input: FitChartInput, lang: Lang, outcomeName: string, allianceName: string): string {
  const da = lang === "da";
  const parts = input.families.map((f) => {
    const who = respondentStyles([f.respondent], lang)[0]!.label;
    const withOrs = f.sessions.filter((s) => s.ors !== null);
    const last = withOrs[withOrs.length - 1];
    const alerts = f.sessions.reduce((n, s) => n + s.alerts.length, 0);
    const n = (x: number | null) => (x === null ? "–" : formatNumberLocale(x, lang, 2));
    const ors = f.intake && last ? (da ? `${outcomeName} fra ${n(f.intake.ors)} til ${n(last.ors)}` : `${outcomeName} from ${n(f.intake.ors)} to ${n(last.ors)}`) : da ? `ingen ${outcomeName}` : `no ${outcomeName}`;
    return `${who}: ${f.sessions.length} ${da ? "sessioner" : "sessions"}, ${ors}, ${alerts} ${da ? "advarsler" : "alerts"}`;
  });
  return `${outcomeName} ${da ? "og" : "and"} ${allianceName} ${da ? "pr. session" : "by session"}, ${input.families[0]?.subjectId ?? ""}. ${parts.join("; ")}.`;
}
