/**
 * Progression chart for one subject × instrument × scale, as a Vega-Lite spec.
 *
 *   definition ──► bands, cutoffs, score range (scaleInfo)
 *   trend analyses (one per respondent) ──► points, lines, reliable-change band around each baseline
 *   phases on the measurements ──► background spans
 *   goal evaluations on this scale ──► target line, review date
 *        └──────────────► one layered spec, data inline
 */
import type { TopLevelSpec } from "vega-lite";
import { parseDate, toDayNumber } from "../dates.js";
import type { Instrument } from "../registry/load.js";
import type { BandSet, ScaleDef } from "../schema/instrument.js";
import { changeBasis } from "../trend/reliable-change.js";
import type { TrendAnalysis } from "../trend/classify.js";
import type { GoalEvaluation } from "../trend/goals.js";
import { formatDateLong, formatNumberLocale, phaseLabel, scaleLabel, TEXT, type Lang } from "./labels.js";
import { scaleInfo } from "./scale-info.js";
import { bandAreas, baseConfig, cutoffs, Datasets, respondentStyles } from "./style.js";
import { goalTargetText } from "./goal-text.js";

export interface ProgressionInput {
  instrument: Instrument;
  scale: string;
  /** the form whose bands to draw (ASQ:SE-2 per form); without it, bands are drawn when every form has the same */
  form?: string;
  /** one analysis per respondent, all of one subject, instrument and scale */
  analyses: readonly TrendAnalysis[];
  /**
   * the subject's programme phases by date (e.g. from every administration of the family), so each chart
   * of a family spans the same period; default: the phases on these analyses' measurements
   */
  phases?: readonly { date: string; phase: string }[];
  /** goals on any measure; those on this instrument and scale are drawn */
  goals?: readonly GoalEvaluation[];
}

export interface ChartOptions {
  lang?: Lang;
  /** "date" (default) or weeks since the series' reference (intake, or birth) */
  x?: "date" | "weeks";
  width?: number;
  height?: number;
  /** chart title; default the scale's name; false for none (the report gives headings itself) */
  title?: string | false;
}

type Layer = Record<string, unknown>;

const dayOf = (iso: string): number => toDayNumber(parseDate(iso)!);

export function progressionChart(input: ProgressionInput, opts: ChartOptions = {}): TopLevelSpec {
  const lang = opts.lang ?? "da";
  const t = TEXT[lang];
  const { instrument } = input;
  const info = scaleInfo(instrument, input.scale, input.form);
  const analyses = input.analyses.filter((a) => a.instrument === instrument.id && a.scale === input.scale);
  const styles = respondentStyles(analyses.map((a) => a.respondent), lang);
  const styleOf = new Map(styles.map((s) => [s.id, s]));
  const reference = analyses[0]?.reference ?? { kind: "intake" as const, date: analyses[0]?.firstDate ?? "1970-01-01" };
  const weeks = opts.x === "weeks";
  const refDay = dayOf(reference.date);
  const xOf = (date: string): string | number => (weeks ? Math.round(((dayOf(date) - refDay) / 7) * 100) / 100 : date);

  const points = analyses.flatMap((a) =>
    a.steps.map((s) => ({ x: weeks ? s.weeks : s.date, date: s.date, score: s.score, who: styleOf.get(a.respondent)!.label, when: formatDateLong(s.date, lang) })),
  );
  const goals = (input.goals ?? []).filter((g) => g.goal.measure.instrument === instrument.id && g.goal.measure.scale === input.scale);
  const timeline = input.phases ?? analyses.flatMap((a) => a.steps.flatMap((s) => (s.phase !== undefined ? [{ date: s.date, phase: s.phase }] : [])));
  const dates = [...points.map((p) => p.date), ...goals.map((g) => g.goal.review), ...timeline.map((p) => p.date)].sort();
  const lastDate = dates[dates.length - 1];

  const scores = points.map((p) => p.score);
  const domain = yDomain(info, scores, goals.map((g) => goalTargetValue(g, info.bands, info.scale.def)));
  const bands = bandAreas(info.bands, domain, lang);
  const direction = info.scale.def.direction;
  const dirText = direction === "higher_is_better" ? t.higherBetter : direction === "higher_is_worse" ? t.higherWorse : t.noBetterEnd;
  const name = scaleLabel(instrument.id, input.scale, info.scale.def.label, lang);
  const formPart = info.form && instrument.hasForms && input.form !== undefined ? ` · ${lang === "en" ? info.form.label : `skema ${info.form.id}`}` : "";

  const xField = weeks
    ? { field: "x", type: "quantitative", title: reference.kind === "birth" ? t.weeksBirth : t.weeksIntake, scale: { zero: false, nice: false, padding: 10 } }
    : { field: "x", type: "temporal", title: t.date, scale: { type: "utc", padding: 10 }, axis: { format: "%b %Y", labelOverlap: true, tickCount: 6 } };
  const x2 = { field: "x2" };
  const yScale = { domain, nice: false, zero: false };
  const layers: Layer[] = [];
  const ds = new Datasets();

  if (bands.length) {
    layers.push({
      data: ds.ref(bands),
      mark: { type: "rect", opacity: 1 },
      encoding: { y: { field: "lower", type: "quantitative", scale: yScale }, y2: { field: "upper" }, fill: { field: "fill", type: "nominal", scale: null, legend: null } },
    });
  }

  // phases: alternate spans lightly darkened, every span labelled at the top
  const spans = phaseSpans(timeline, lastDate);
  if (spans.length) {
    const spanValues = spans.map((s, i) => ({ x: xOf(s.start), x2: xOf(s.end), label: phaseLabel(s.phase, lang), odd: i % 2, row: 3 + (i % 2) * 13 }));
    layers.push({
      data: ds.ref(spanValues.filter((s) => s.odd)),
      mark: { type: "rect", color: "#000000", opacity: 0.05 },
      encoding: { x: xField, x2 },
    });
    layers.push({
      data: ds.ref(spanValues),
      mark: { type: "text", align: "left", baseline: "top", dx: 3, fontSize: 10, color: "#444444" },
      // short phases would put labels on top of each other: every other label one line lower
      encoding: { x: xField, y: { field: "row", type: "quantitative", scale: null }, text: { field: "label" } },
    });
  }

  for (const c of cutoffs(info.bands)) {
    layers.push({
      data: ds.ref([{ y: c.value }]),
      mark: { type: "rule", color: "#7A3B2E", strokeWidth: 1, ...(c.provisional ? { strokeDash: [4, 3] } : {}) },
      encoding: { y: { field: "y", type: "quantitative", scale: yScale } },
    });
  }
  if (bands.length) {
    layers.push({
      data: ds.ref(bands.filter((b) => b.concern)),
      mark: { type: "text", align: "right", baseline: "middle", dx: -4, fontSize: 10, color: "#3A2A20", ...(info.bands?.source.provenance === "provisional" ? { fontStyle: "italic" } : {}) },
      encoding: { x: { value: "width" }, y: { field: "mid", type: "quantitative", scale: yScale }, text: { field: "label" } },
    });
  }

  // reliable change: a change inside baseline ± threshold is within measurement error
  const rc = analyses.flatMap((a) => {
    const thr = a.basis ? (a.basis.kind === "points" ? a.basis.points : a.basis.threshold) : null;
    if (thr === null || a.baseline === null || !a.firstDate || !lastDate) return [];
    const lo = Math.max(domain[0], a.baseline - thr);
    const hi = Math.min(domain[1], a.baseline + thr);
    return [{ x: xOf(a.firstDate), x2: xOf(lastDate > a.firstDate ? lastDate : a.firstDate), lo, hi, who: styleOf.get(a.respondent)!.label }];
  });
  const colorScale = { domain: styles.map((s) => s.label), range: styles.map((s) => s.color) };
  if (rc.length === 1) {
    layers.push({
      data: ds.ref(rc),
      mark: { type: "rect", fillOpacity: 0.08, strokeOpacity: 0.8, strokeWidth: 1, strokeDash: [3, 3] },
      encoding: { x: xField, x2, y: { field: "lo", type: "quantitative", scale: yScale }, y2: { field: "hi" }, color: { field: "who", type: "nominal", scale: colorScale } },
    });
  } else if (rc.length > 1) {
    // several respondents: one bar each at the baseline, as overlapping boxes would hide the bands; bars side by side
    rc.forEach((bar, i) =>
      layers.push({
        data: ds.ref([bar]),
        mark: { type: "rule", strokeWidth: 3, strokeOpacity: 0.6, strokeCap: "butt", xOffset: (i - (rc.length - 1) / 2) * 5 },
        encoding: { x: xField, y: { field: "lo", type: "quantitative", scale: yScale }, y2: { field: "hi" }, color: { field: "who", type: "nominal", scale: colorScale } },
      }),
    );
  }

  for (const g of goals) {
    const target = goalTargetValue(g, info.bands, info.scale.def);
    const label = `${t.goal}: ${goalTargetText(g.goal.target, lang, info.bands)}`;
    if (target !== null && target >= domain[0] && target <= domain[1]) {
      layers.push({
        data: ds.ref([{ y: target, label }]),
        layer: [
          { mark: { type: "rule", color: "#1B4F2A", strokeWidth: 2, strokeDash: [8, 4] }, encoding: { y: { field: "y", type: "quantitative", scale: yScale } } },
          { mark: { type: "text", align: "left", baseline: "bottom", dx: 4, dy: -3, fontSize: 11, fontWeight: "bold", color: "#1B4F2A" }, encoding: { x: { value: 0 }, y: { field: "y", type: "quantitative", scale: yScale }, text: { field: "label" } } },
        ],
      });
    }
    layers.push({
      data: ds.ref([{ x: xOf(g.goal.review), label: `${t.review} ${formatDateLong(g.goal.review, lang)}` }]),
      layer: [
        { mark: { type: "rule", color: "#1B4F2A", strokeWidth: 1.5, strokeDash: [2, 3] }, encoding: { x: xField } },
        { mark: { type: "text", align: "right", baseline: "bottom", dx: -3, dy: -3, fontSize: 10, color: "#1B4F2A" }, encoding: { x: xField, y: { value: "height" }, text: { field: "label" } } },
      ],
    });
  }

  const encodingWho = {
    color: { field: "who", type: "nominal", title: t.respondent, scale: colorScale },
    shape: { field: "who", type: "nominal", title: t.respondent, scale: { domain: styles.map((s) => s.label), range: styles.map((s) => s.shape) } },
  };
  const pointData = ds.ref(points);
  layers.push({
    data: pointData,
    mark: { type: "line", strokeWidth: 2.2, interpolate: "linear" },
    encoding: { x: xField, y: { field: "score", type: "quantitative", scale: yScale, title: `↑ ${dirText}` }, color: encodingWho.color, detail: { field: "who" } },
  });
  layers.push({
    data: pointData,
    mark: { type: "point", filled: true, size: 70, opacity: 1, stroke: "#FFFFFF", strokeWidth: 1 },
    // tooltips for interactive Vega tools; the SVG renderer leaves them out
    encoding: { x: xField, y: { field: "score", type: "quantitative", scale: yScale }, ...encodingWho, tooltip: [{ field: "who", title: t.respondent }, { field: "when", title: t.date }, { field: "score", title: t.score }] },
  });

  const subtitle = rc.length ? [t.rcBand] : [];
  const title = opts.title === false ? undefined : { text: opts.title ?? `${name}${formPart}`, ...(subtitle.length ? { subtitle } : {}) };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: describeProgression(input, analyses, lang, name, dirText),
    ...(title ? { title } : {}),
    width: opts.width ?? 560,
    height: opts.height ?? 230,
    config: baseConfig(lang),
    datasets: ds.values,
    layer: layers,
    resolve: { scale: { color: "shared" } },
  } as unknown as TopLevelSpec;
}

/**
 * The score axis: the scale's whole range, so a score is seen against what is possible; but where the range
 * runs far beyond the cutoffs and the scores (ASQ:SE-2 totals), it stops a third above the highest of them.
 */
function yDomain(info: ReturnType<typeof scaleInfo>, scores: number[], targets: (number | null)[]): [number, number] {
  const edges = (info.bands?.bands ?? []).flatMap((b) => [b.lower?.value, b.upper?.value]).filter((v): v is number => v !== undefined);
  const seen = [...scores, ...edges, ...targets.filter((v): v is number => v !== null)];
  if (!info.range) return seen.length ? [Math.min(...seen), Math.max(...seen)] : [0, 1];
  const [lo, hi] = info.range;
  const top = Math.max(...seen, lo);
  if (hi - lo <= 1.6 * (top - lo)) return [lo, hi];
  const step = 10 ** Math.floor(Math.log10(Math.max(1e-9, (top - lo) * 1.35)));
  return [lo, Math.min(hi, Math.ceil((lo + (top - lo) * 1.35) / step) * step)];
}

/** Phase runs in date order; each runs to the next one's start, the last to the last date on the chart. */
function phaseSpans(timeline: readonly { date: string; phase: string }[], lastDate: string | undefined): { phase: string; start: string; end: string }[] {
  const dated = timeline.filter((p) => p.phase !== "");
  dated.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const runs: { phase: string; start: string; end: string }[] = [];
  for (const d of dated) {
    const last = runs[runs.length - 1];
    if (last && last.phase === d.phase) continue;
    if (last) last.end = d.date;
    runs.push({ phase: d.phase, start: d.date, end: d.date });
  }
  const tail = runs[runs.length - 1];
  if (tail && lastDate && lastDate > tail.start) tail.end = lastDate;
  return runs;
}

/** The score a goal aims at, to draw as a line; null when the target is not one number. */
export function goalTargetValue(g: GoalEvaluation, bands: BandSet | undefined, def: ScaleDef): number | null {
  const direction = def.direction;
  const t = g.goal.target;
  if (t.kind === "below" || t.kind === "above") return t.value;
  if (t.kind === "leave_band") {
    const b = bands?.bands.find((x) => x.id === t.band);
    if (!b) return null;
    if (b.upper && !b.lower) return b.upper.value;
    if (b.lower && !b.upper) return b.lower.value;
    return null;
  }
  if (g.baseline === null) return null;
  const b = changeBasis(def);
  if (!b.basis) return null;
  const thr = b.basis.kind === "points" ? b.basis.points : b.basis.threshold;
  if (direction === "higher_is_better") return g.baseline.score + thr;
  if (direction === "higher_is_worse") return g.baseline.score - thr;
  return null;
}

function describeProgression(input: ProgressionInput, analyses: readonly TrendAnalysis[], lang: Lang, name: string, dirText: string): string {
  const parts = analyses.map((a) => {
    const who = respondentStyles([a.respondent], lang)[0]!.label;
    const fmt = (x: number | null) => (x === null ? "–" : formatNumberLocale(x, lang, 2));
    if (a.n === 0) return `${who}: ${lang === "da" ? "ingen målinger" : "no measurements"}`;
    if (a.n === 1) return `${who}: ${lang === "da" ? "én måling" : "one measurement"}, ${fmt(a.baseline)} (${formatDateLong(a.firstDate!, lang)})`;
    return lang === "da"
      ? `${who}: ${a.n} målinger fra ${fmt(a.baseline)} (${formatDateLong(a.firstDate!, lang)}) til ${fmt(a.latest)} (${formatDateLong(a.lastDate!, lang)})`
      : `${who}: ${a.n} measurements from ${fmt(a.baseline)} (${formatDateLong(a.firstDate!, lang)}) to ${fmt(a.latest)} (${formatDateLong(a.lastDate!, lang)})`;
  });
  const subject = analyses[0]?.subjectId ?? "";
  return `${name}, ${subject} (${dirText}). ${parts.join("; ")}.`;
}
