/**
 * Shared look of every chart: colour-blind-safe colours (Okabe & Ito 2008) with a distinct point
 * shape per respondent as well, band shading, the bundled font and the locale.
 */
import type { Config } from "vega-lite";
import type { Band, BandSet } from "../schema/instrument.js";
import { bandLabel, respondentLabel, TEXT, VEGA_LOCALE, type Lang } from "./labels.js";

/** The font bundled for rendering (dejavu-fonts-ttf), so text is measured and drawn alike everywhere. */
export const FONT = "DejaVu Sans";

/** Okabe–Ito colours, darkest first; yellow is left out: too light against white. */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"] as const;
export const SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "triangle-right"] as const;

/** Respondents the programmes use, in a fixed order so a person keeps their colour on every chart. */
const KNOWN_RESPONDENTS = ["mother", "father", "health_visitor", "family_consultant"];

export interface RespondentStyle {
  id: string;
  label: string;
  color: string;
  shape: string;
}

/** Colour and shape for each respondent: known ones fixed, others in order of first appearance. */
export function respondentStyles(ids: Iterable<string>, lang: Lang): RespondentStyle[] {
  const seen = [...new Set(ids)];
  const ordered = [...KNOWN_RESPONDENTS.filter((r) => seen.includes(r)), ...seen.filter((r) => !KNOWN_RESPONDENTS.includes(r))];
  return ordered.map((id) => {
    const k = KNOWN_RESPONDENTS.indexOf(id);
    const slot = k >= 0 ? k : KNOWN_RESPONDENTS.length + ordered.filter((r) => !KNOWN_RESPONDENTS.includes(r)).indexOf(id);
    return { id, label: respondentLabel(id, lang), color: PALETTE[slot % PALETTE.length]!, shape: SHAPES[slot % SHAPES.length]! };
  });
}

/** Shades for concern bands, lightest for the band nearest to no concern; text stays dark on all of them. */
const CONCERN_FILLS = ["#FDEFD3", "#FADAD3", "#F5C3BA"];

export interface BandArea {
  id: string;
  label: string;
  lower: number;
  upper: number;
  mid: number;
  concern: boolean;
  provisional: boolean;
  fill: string;
}

/**
 * Band rectangles within [min, max] for a band set. Concern bands are shaded, more strongly the further
 * they lie from the no-concern bands; bands without concern stay white.
 */
export function bandAreas(set: BandSet | undefined, domain: [number, number], lang: Lang): BandArea[] {
  if (!set) return [];
  const [min, max] = domain;
  const provisional = set.source.provenance === "provisional";
  const sorted = [...set.bands].sort((a, b) => lowOf(a, min) - lowOf(b, min));
  const calm = sorted.map((b, i) => (b.concern ? -1 : i)).filter((i) => i >= 0);
  return sorted.flatMap((b, i) => {
    const lower = Math.max(min, lowOf(b, min));
    const upper = Math.min(max, b.upper ? b.upper.value : max);
    if (!(upper > lower)) return [];
    const distance = calm.length ? Math.min(...calm.map((c) => Math.abs(c - i))) : 1;
    const fill = b.concern ? CONCERN_FILLS[Math.min(distance, CONCERN_FILLS.length) - 1]! : "#FFFFFF";
    const name = `${bandLabel(b.id, b.label, lang)}${provisional ? ` (${TEXT[lang].provisional})` : ""}`;
    return [{ id: b.id, label: name, lower, upper, mid: (lower + upper) / 2, concern: b.concern, provisional, fill }];
  });
}

const lowOf = (b: Band, min: number) => (b.lower ? b.lower.value : min);

/** Boundaries between a concern band and a band without concern: the cutoffs to draw as lines. */
export function cutoffs(set: BandSet | undefined): { value: number; provisional: boolean }[] {
  if (!set) return [];
  const out = new Map<number, boolean>();
  for (const a of set.bands)
    for (const b of set.bands) {
      if (a.concern === b.concern) continue;
      if (a.upper && b.lower && a.upper.value === b.lower.value) out.set(a.upper.value, set.source.provenance === "provisional");
    }
  return [...out].map(([value, provisional]) => ({ value, provisional })).sort((x, y) => x.value - y.value);
}

export function baseConfig(lang: Lang): Config {
  return {
    // sized anew on every run: the renderer feeds one view the data of many specs, and a view sized only
    // once keeps the first spec's margins (e.g. for a label past the plot's edge) for every later one
    autosize: { type: "pad", resize: true },
    font: FONT,
    locale: VEGA_LOCALE[lang],
    view: { stroke: "#888888" },
    axis: { labelColor: "#333333", titleColor: "#222222", gridColor: "#E4E4E4", labelFontSize: 11, titleFontSize: 12 },
    legend: { labelLimit: 400, labelColor: "#222222", titleColor: "#222222", labelFontSize: 12, titleFontSize: 12, orient: "bottom", direction: "horizontal" },
    title: { color: "#111111", fontSize: 14, anchor: "start", subtitleColor: "#444444", subtitleFontSize: 11 },
    background: "#FFFFFF",
  } as Config;
}

/**
 * Inline data as named datasets (top-level `datasets`), so that specs of one shape differ only in their
 * data: the renderer compiles each shape once and feeds it the values.
 */
export class Datasets {
  readonly values: Record<string, unknown[]> = {};
  private n = 0;
  ref(values: readonly unknown[]): { name: string } {
    const name = `d${this.n++}`;
    this.values[name] = [...values];
    return { name };
  }
}
