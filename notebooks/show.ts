/**
 * Display helpers for the Deno notebooks in this folder: tables as Markdown, charts as a MIME bundle.
 *
 * A chart is displayed as
 *   - application/vnd.vegalite.v5+json: the Vega-Lite spec, drawn by JupyterLab's built-in renderer
 *     (JupyterLab 4 registers the Vega-Lite 5 MIME type; the specs trivsel builds compile with it);
 *   - image/svg+xml: the same chart rendered here by trivsel (headless vega), for viewers without a
 *     Vega-Lite renderer (GitHub, nbviewer, VS Code without the extension);
 *   - text/plain: the chart's description.
 * Nothing is loaded from the network: the spec's data are inline and the SVG is drawn locally.
 */
import Papa from "papaparse";
import { renderSvg } from "../dist/charts.js";

type Cell = string | number | boolean | null | undefined;

const MAX_ROWS = 40;

function cellText(v: Cell, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return String(v).replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * Every helper displays at once and returns a promise: `await` it, so a cell can show several things in order.
 * The short pause after each display is a workaround: on a loaded machine Deno's kernel (2.x) now and then
 * drops a display message that is followed at once by the end of the cell (the output is simply missing,
 * with no error). Running the demo notebook 36 times six at a time lost no output with the pause and 5 of
 * 24 runs lost one without it. scripts/notebooks-run.sh also re-runs a notebook whose output went missing.
 */
const display = async (bundle: Record<string, unknown>): Promise<void> => {
  await Deno.jupyter.display(bundle, { raw: true });
  await new Promise((resolve) => setTimeout(resolve, 20));
};

/** A table of rows (objects) as Markdown; numbers with `digits` decimals; at most `maxRows` rows shown. */
export function table(rows: readonly Record<string, Cell>[], opts: { columns?: string[]; digits?: number; maxRows?: number } = {}): Promise<void> {
  const columns = opts.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const digits = opts.digits ?? 2;
  const max = opts.maxRows ?? MAX_ROWS;
  const shown = rows.slice(0, max);
  const lines = [
    `| ${columns.join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...shown.map((r) => `| ${columns.map((c) => cellText(r[c], digits)).join(" | ")} |`),
  ];
  if (rows.length > shown.length) lines.push("", `(${shown.length} of ${rows.length} rows shown)`);
  const plain = [columns.join("\t"), ...shown.map((r) => columns.map((c) => cellText(r[c], digits)).join("\t"))].join("\n");
  return display({ "text/markdown": lines.join("\n"), "text/plain": plain });
}

/** CSV text (with a header) as objects, read by papaparse, the parser trivsel itself uses. */
export function parseCsv(text: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

/** The first `n` rows of a CSV text as a table, optionally only some columns. */
export function csvHead(text: string, n = 10, columns?: string[]): Promise<void> {
  const rows = parseCsv(text);
  return table(rows.slice(0, n), { columns: columns ?? Object.keys(rows[0] ?? {}), maxRows: n });
}

/** Markdown text, e.g. a sentence built from computed numbers. */
export function md(text: string): Promise<void> {
  return display({ "text/markdown": text, "text/plain": text });
}

/** A Vega-Lite spec as a chart: Vega-Lite for JupyterLab, SVG for every other viewer. */
export async function chart(spec: object): Promise<void> {
  const svg = await renderSvg(spec as never);
  const description = (spec as { description?: string }).description ?? "chart";
  await display({ "application/vnd.vegalite.v5+json": spec, "image/svg+xml": svg, "text/plain": description });
}
