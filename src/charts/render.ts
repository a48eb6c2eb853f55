/**
 * Rendering without a browser or a canvas: Vega-Lite → Vega → SVG (vega's headless view), and SVG → PNG
 * with resvg and the bundled DejaVu Sans, so the same spec gives the same bytes on every machine.
 * vega and vega-lite use top-level await, so they are loaded here on first use and never by the main entry.
 */
import { createRequire } from "node:module";
import type { TopLevelSpec } from "vega-lite";

type VegaLite = typeof import("vega-lite");
type Vega = typeof import("vega");
let modules: Promise<[VegaLite, Vega]> | undefined;
const load = () => (modules ??= Promise.all([import("vega-lite"), import("vega")]));

const requireHere = createRequire(import.meta.url);

/** Paths of the bundled font files (regular and bold DejaVu Sans). */
export function fontFiles(): string[] {
  return ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) => requireHere.resolve(`dejavu-fonts-ttf/ttf/${f}`));
}

/** Compiles a Vega-Lite spec to Vega; vega-lite's warnings are returned, not printed. */
export async function compileSpec(spec: TopLevelSpec): Promise<{ vega: import("vega").Spec; warnings: string[] }> {
  const [vl] = await load();
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...m: unknown[]) => (warnings.push(m.map(String).join(" ")), logger),
    info: () => logger,
    debug: () => logger,
    error: (...m: unknown[]) => {
      throw new Error(m.map(String).join(" "));
    },
  };
  return { vega: vl.compile(spec, { logger: logger as never }).spec, warnings };
}

/**
 * A Vega-Lite spec as an SVG document.
 * @throws {Error} when vega-lite cannot compile the spec
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [, vega] = await load();
  const { vega: compiled } = await compileSpec(spec);
  // a loader that refuses every URL: a chart's data is inline, and nothing may be fetched
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`charts load nothing from outside; refused ${uri}`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: "none", loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** pixels per SVG unit; default 2 (sharp on screens and in print) */
  scale?: number;
}

/** A Vega-Lite spec, or an SVG document, as PNG bytes. */
export async function renderPng(specOrSvg: TopLevelSpec | string, opts: PngOptions = {}): Promise<Uint8Array> {
  const svg = typeof specOrSvg === "string" ? specOrSvg : await renderSvg(specOrSvg);
  const { Resvg } = requireHere("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const r = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    fitTo: { mode: "zoom", value: opts.scale ?? 2 },
    background: "#ffffff",
  });
  return new Uint8Array(r.render().asPng());
}
