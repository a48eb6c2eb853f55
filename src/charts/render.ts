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

// in the CommonJS build import.meta is empty and __filename is defined; in the ES module build the reverse
const requireHere = () => createRequire(typeof __filename === "string" ? __filename : import.meta.url);

/** Paths of the bundled font files (regular and bold DejaVu Sans). */
export function fontFiles(): string[] {
  return ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) => requireHere().resolve(`dejavu-fonts-ttf/ttf/${f}`));
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

type View = InstanceType<Vega["View"]>;
/**
 * Vega views by spec shape (the spec without its datasets' values and description), each with the queue
 * of renders waiting for it: a view is fed new values and run again, never used by two renders at once.
 */
const views = new Map<string, { view: Promise<View>; queue: Promise<unknown> }>();
const MAX_VIEWS = 64;

/**
 * A Vega-Lite spec as an SVG document. Specs that differ only in their named datasets' values and
 * description (as the chart builders' specs of one kind do) share one compiled view, fed each spec's data.
 * @throws {Error} when vega-lite cannot compile the spec
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [, vega] = await load();
  const { datasets, description, ...rest } = spec as TopLevelSpec & { datasets?: Record<string, unknown[]>; description?: string };
  const shape = { ...rest, datasets: Object.fromEntries(Object.keys(datasets ?? {}).map((k) => [k, []])) } as unknown as TopLevelSpec;
  const key = JSON.stringify(shape);
  let entry = views.get(key);
  if (!entry) {
    const view = compileSpec(shape).then(({ vega: compiled }) => {
      // a loader that refuses every URL: a chart's data is inline, and nothing may be fetched
      const loader = vega.loader();
      loader.load = async (uri: string) => {
        throw new Error(`charts load nothing from outside; refused ${uri}`);
      };
      return new vega.View(vega.parse(compiled), { renderer: "none", loader });
    });
    if (views.size >= MAX_VIEWS) {
      const [oldKey, old] = views.entries().next().value!;
      views.delete(oldKey);
      void old.queue.then(() => old.view).then((v) => v.finalize(), () => {});
    }
    entry = { view, queue: Promise.resolve() };
    views.set(key, entry);
  }
  const run = entry.queue.then(async () => {
    const view = await entry.view;
    for (const [name, values] of Object.entries(datasets ?? {})) view.data(name, values);
    view.description(description ?? "");
    return view.toSVG();
  });
  entry.queue = run.catch(() => {});
  return run;
}

export interface PngOptions {
  /** pixels per SVG unit; default 2 (sharp on screens and in print) */
  scale?: number;
}

/** A Vega-Lite spec, or an SVG document, as PNG bytes. */
export async function renderPng(specOrSvg: TopLevelSpec | string, opts: PngOptions = {}): Promise<Uint8Array> {
  const svg = typeof specOrSvg === "string" ? specOrSvg : await renderSvg(specOrSvg);
  const { Resvg } = requireHere()("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const r = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    fitTo: { mode: "zoom", value: opts.scale ?? 2 },
    background: "#ffffff",
  });
  return new Uint8Array(r.render().asPng());
}
