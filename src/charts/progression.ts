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
import { formatDate, fromDayNumber, parseDate, toDayNumber } from "../dates.js";
import { scaleDependsOnForm, type Instrument } from "../registry/load.js";
import type { BandSet, FormDef, ScaleDef } from "../schema/instrument.js";
import { changeBasis } from "../trend/reliable-change.js";
import type { TrendAnalysis } from "../trend/classify.js";
import type { GoalEvaluation } from "../trend/goals.js";
import { formBandsLabel, formatDateLong, formLabel, formatNumberLocale, phaseLabel, scaleLabel, TEXT, type Lang } from "./labels.js";
import { scaleInfo, type ScaleInfo } from "./scale-info.js";
import { bandAreas, baseConfig, cutoffs, Datasets, respondentStyles, type BandArea } from "./style.js";
import { goalTargetText } from "./goal-text.js";

export interface ProgressionInput {
  instrument: Instrument;
  scale: string;
  /**
   * the form whose bands to draw over the whole chart (ASQ:SE-2 per form); without it, the bands every form
   * shares, or, where the bands depend on the form chosen per administration (EPDS antenatal/postnatal),
   * each form's bands over the span of the points scored on it
   */
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
  const segments = bandSegments(instrument, info, input.form, analyses, reference) ?? [{ form: info.form, bands: info.bands, start: null, end: null }];
  const domain = yDomain(info, segments.map((g) => g.bands), scores, goals.map((g) => goalTargetValue(g, goalBands(g, segments, info), info.scale.def)));
  const direction = info.scale.def.direction;
  const dirText = direction === "higher_is_better" ? t.higherBetter : direction === "higher_is_worse" ? t.higherWorse : t.noBetterEnd;
  const name = scaleLabel(instrument.id, input.scale, info.scale.def.label, lang);
  const formPart = info.form && instrument.hasForms && input.form !== undefined ? ` · ${formLabel(instrument, info.form.id, lang)}` : "";

  const xField = weeks
    ? { field: "x", type: "quantitative", title: reference.kind === "birth" ? t.weeksBirth : t.weeksIntake, scale: { zero: false, nice: false, padding: 10 } }
    : { field: "x", type: "temporal", title: t.date, scale: { type: "utc", padding: 10 }, axis: { format: "%b %Y", labelOverlap: true, tickCount: 6 } };
  const x2 = { field: "x2" };
  const yScale = { domain, nice: false, zero: false };
  const layers: Layer[] = [];
  const ds = new Datasets();

  // where the chart's x scale puts a date, in pixels (padding 10), to fit labels into a segment
  const width = opts.width ?? 560;
  const height = opts.height ?? 230;
  const firstDay = dates.length ? dayOf(dates[0]!) : 0;
  const lastDay = lastDate ? dayOf(lastDate) : firstDay;
  const px = (date: string | null, edge: number): number => (date === null ? edge : lastDay > firstDay ? 10 + ((dayOf(date) - firstDay) / (lastDay - firstDay)) * (width - 20) : width / 2);
  const pyHeight = (lo: number, hi: number): number => ((hi - lo) / (domain[1] - domain[0] || 1)) * height;
  // a segment's x extent: to the plot's edge where it has no date of its own
  const segX = (g: BandSegment): { data: Record<string, unknown>; enc: Record<string, unknown> } => {
    if (g.start === null && g.end === null) return { data: {}, enc: {} };
    if (g.start === null) return { data: { x: xOf(g.end!) }, enc: { x: xField, x2: { value: 0 } } };
    if (g.end === null) return { data: { x: xOf(g.start) }, enc: { x: xField, x2: { value: "width" } } };
    return { data: { x: xOf(g.start), x2: xOf(g.end) }, enc: { x: xField, x2 } };
  };
  const drawn = segments.map((g) => ({ g, areas: bandAreas(g.bands, domain, lang), pos: segX(g), left: px(g.start, 0), right: px(g.end, width) }));

  for (const { areas, pos } of drawn) {
    if (!areas.length) continue;
    layers.push({
      data: ds.ref(areas.map((b) => ({ ...b, ...pos.data }))),
      mark: { type: "rect", opacity: 1 },
      encoding: {
        ...pos.enc,
        y: { field: "lower", type: "quantitative", scale: yScale },
        y2: { field: "upper" },
        fill: { field: "fill", type: "nominal", scale: null, legend: null },
        // side by side, segments' edges in their own colour, or anti-aliasing leaves a light seam between them
        ...(drawn.length > 1 ? { stroke: { field: "fill", type: "nominal", scale: null, legend: null } } : {}),
      },
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
    // a label starts at its phase; one that would run past the plot's right edge ends at the edge instead
    const fits = (s: (typeof spanValues)[number], i: number) => px(spans[i]!.start, 0) + 3 + textWidth(s.label, 10) <= width;
    const inside = spanValues.filter(fits);
    const atEdge = spanValues.filter((s, i) => !fits(s, i));
    // short phases would put labels on top of each other: every other label one line lower
    const row = { field: "row", type: "quantitative", scale: null };
    if (inside.length)
      layers.push({
        data: ds.ref(inside),
        mark: { type: "text", align: "left", baseline: "top", dx: 3, fontSize: 10, color: "#444444" },
        encoding: { x: xField, y: row, text: { field: "label" } },
      });
    if (atEdge.length)
      layers.push({
        data: ds.ref(atEdge),
        mark: { type: "text", align: "right", baseline: "top", dx: -3, fontSize: 10, color: "#444444" },
        encoding: { x: { value: "width" }, y: row, text: { field: "label" } },
      });
  }

  for (const { g, pos } of drawn)
    for (const c of cutoffs(g.bands)) {
      layers.push({
        data: ds.ref([{ y: c.value, ...pos.data }]),
        mark: { type: "rule", color: "#7A3B2E", strokeWidth: 1, ...(c.provisional ? { strokeDash: [4, 3] } : {}) },
        encoding: { ...pos.enc, y: { field: "y", type: "quantitative", scale: yScale } },
      });
    }
  for (const { g, areas, right, left } of drawn) {
    const provisional = g.bands?.source.provenance === "provisional";
    const italic = provisional ? { fontStyle: "italic" } : {};
    const room = right - left - 8;
    // a label on n lines is centred on its band: vega sets the first line at the point and the rest below it
    const labels = areas
      .filter((b) => b.concern)
      .map((b) => {
        const label = wrap(b.label, room, 10, pyHeight(b.lower, b.upper));
        const lines = label.split("\n").length;
        return { ...b, label, at: b.mid + (((lines - 1) * 12) / 2) * ((domain[1] - domain[0]) / height), ...(g.end !== null ? { x: xOf(g.end) } : {}) };
      });
    if (labels.length) {
      // at the segment's right end: the right edge of the plot for the last one
      const x = g.end === null ? { value: "width" } : xField;
      layers.push({
        data: ds.ref(labels),
        mark: { type: "text", align: "right", baseline: "middle", dx: -4, fontSize: 10, lineHeight: 12, color: "#3A2A20", lineBreak: "\n", ...italic },
        encoding: { x, y: { field: "at", type: "quantitative", scale: yScale }, text: { field: "label" } },
      });
    }
    // several segments: each named at its foot, with the word provisional where its bands are
    if (drawn.length > 1 && g.form) {
      const text = `${formBandsLabel(instrument.id, g.form.id, g.form.label, lang)}${provisional ? ` (${t.provisional})` : ""}`;
      const label = wrap(text, right - left - 6, 9, 40);
      // 3 px above the plot's foot, raised by the lines below the first (vega sets them below it)
      const at = domain[0] + ((3 + (label.split("\n").length - 1) * 11) / height) * (domain[1] - domain[0]);
      layers.push({
        data: ds.ref([{ label, at, ...(g.start !== null ? { x: xOf(g.start) } : {}) }]),
        mark: { type: "text", align: "left", baseline: "bottom", dx: 3, fontSize: 9, lineHeight: 11, color: "#5A4A40", lineBreak: "\n", ...italic },
        encoding: { x: g.start === null ? { value: 0 } : xField, y: { field: "at", type: "quantitative", scale: yScale }, text: { field: "label" } },
      });
    }
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

  // several segments: the goal's name where the last begins, clear of the earlier segments' band names
  const lastStart = segments.length > 1 ? segments[segments.length - 1]!.start : null;
  const goalLabelAt = lastStart !== null ? xOf(lastStart) : undefined;
  for (const g of goals) {
    const set = goalBands(g, segments, info);
    const target = goalTargetValue(g, set, info.scale.def);
    const label = `${t.goal}: ${goalTargetText(g.goal.target, lang, set)}`;
    if (target !== null && target >= domain[0] && target <= domain[1]) {
      layers.push({
        data: ds.ref([{ y: target, label, ...(goalLabelAt ? { x: goalLabelAt } : {}) }]),
        layer: [
          { mark: { type: "rule", color: "#1B4F2A", strokeWidth: 2, strokeDash: [8, 4] }, encoding: { y: { field: "y", type: "quantitative", scale: yScale } } },
          { mark: { type: "text", align: "left", baseline: "bottom", dx: 4, dy: -3, fontSize: 11, fontWeight: "bold", color: "#1B4F2A" }, encoding: { x: goalLabelAt ? xField : { value: 0 }, y: { field: "y", type: "quantitative", scale: yScale }, text: { field: "label" } } },
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
 * The score axis: the scale's whole possible range, so a score is seen against what is possible and a short
 * scale is not stretched to look like a large change. Without a known range: the scores, band edges and targets.
 */
function yDomain(info: ScaleInfo, sets: readonly (BandSet | undefined)[], scores: number[], targets: (number | null)[]): [number, number] {
  const edges = sets.flatMap((set) => (set?.bands ?? []).flatMap((b) => [b.lower?.value, b.upper?.value])).filter((v): v is number => v !== undefined);
  const seen = [...scores, ...edges, ...targets.filter((v): v is number => v !== null)];
  if (!info.range) return seen.length ? [Math.min(...seen), Math.max(...seen)] : [0, 1];
  // the scale's whole possible range, so a score reads against where it could have been; a band edge or a target
  // a definition or goal puts beyond it still shows
  return [Math.min(info.range[0], ...seen), Math.max(info.range[1], ...seen)];
}

/** Bands over a stretch of the chart; start or end null: from or to the plot's edge. */
interface BandSegment {
  form: FormDef | undefined;
  bands: BandSet | undefined;
  start: string | null;
  end: string | null;
}

/**
 * Per-form bands over time, for a scale whose score means the same on every form but whose bands depend on
 * the form chosen per administration (EPDS: antenatal bands in pregnancy, postnatal after the birth). Each run
 * of points on one form gets that form's bands; two runs meet at the birth when the definition chooses forms
 * by birth and the birth date lies between them, else halfway between their points. null when one band set
 * holds for the whole chart (a form was chosen, the forms agree, or the score itself depends on the form and
 * the series are split per form); [] when points of one date disagree on the form, so no bands can be drawn.
 */
function bandSegments(instrument: Instrument, info: ScaleInfo, chosen: string | undefined, analyses: readonly TrendAnalysis[], reference: { kind: string; date: string }): BandSegment[] | null {
  if (chosen !== undefined || info.bands !== undefined || !instrument.hasForms || scaleDependsOnForm(instrument, info.scale)) return null;
  const formOf = new Map<string, Set<string>>();
  for (const a of analyses)
    for (const st of a.steps) if (st.form !== undefined && instrument.forms.some((f) => f.id === st.form)) formOf.set(st.date, new Set([...(formOf.get(st.date) ?? []), st.form]));
  if (!formOf.size) return null;
  if ([...formOf.values()].some((f) => f.size > 1)) return [];
  const runs: { form: string; first: string; last: string }[] = [];
  for (const date of [...formOf.keys()].sort()) {
    const form = [...formOf.get(date)!][0]!;
    const run = runs[runs.length - 1];
    if (run && run.form === form) run.last = date;
    else runs.push({ form, first: date, last: date });
  }
  const byBirth = instrument.def.formSelection?.rule === "birth-relative" && reference.kind === "birth";
  const meet = runs.slice(1).map((r, i) => {
    const prev = runs[i]!;
    if (byBirth && prev.last < reference.date && reference.date <= r.first) return reference.date;
    return formatDate(fromDayNumber(Math.round((dayOf(prev.last) + dayOf(r.first)) / 2)));
  });
  return runs.map((r, i) => {
    const form = instrument.forms.find((f) => f.id === r.form)!;
    return { form, bands: scaleInfo(instrument, info.scale.id, form.id).bands, start: i === 0 ? null : meet[i - 1]!, end: i === runs.length - 1 ? null : meet[i]! };
  });
}

/** The bands a goal's target is read against: those of the segment holding its review date. */
function goalBands(g: GoalEvaluation, segments: readonly BandSegment[], info: ScaleInfo): BandSet | undefined {
  if (segments.length <= 1) return segments[0]?.bands ?? info.bands;
  const review = g.goal.review;
  return (segments.find((s) => (s.start === null || s.start <= review) && (s.end === null || review < s.end)) ?? segments[segments.length - 1]!).bands;
}

/**
 * A label on as many lines as the room needs, else on one line cut short with an ellipsis. Widths as vega
 * estimates text without a canvas: 0.8 × the font size a character. Done here, not by the mark's limit, so
 * that the spec's shape (and so its compiled view) does not depend on the room.
 */
/** A generous estimate of a label's width in pixels (DejaVu Sans averages about 0.6 em a character). */
const textWidth = (label: string, fontSize: number): number => label.length * 0.65 * fontSize;

function wrap(label: string, room: number, fontSize: number, height: number): string {
  const perLine = Math.floor(room / (0.8 * fontSize));
  if (label.length <= perLine) return label;
  const lines: string[] = [];
  for (const word of label.split(" ")) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= perLine) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const fits = lines.every((l) => l.length <= perLine) && lines.length * (fontSize + 2) <= height;
  if (fits) return lines.join("\n");
  return label.length <= perLine ? label : `${label.slice(0, Math.max(1, perLine - 1))}…`;
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
