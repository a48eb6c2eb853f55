/**
 * Writes docs/notebook-chart.png, the README's picture of a notebook chart: the Vega-Lite spec that
 * notebooks/02-family-progression.ipynb displays in cell 02-06 (family F005's ORS), rendered with trivsel's
 * PNG renderer. Run after `npm run notebooks`: npx tsx scripts/notebook-chart.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { renderPng } from "../src/charts/render.js";

const NOTEBOOK = "notebooks/02-family-progression.ipynb";
const CELL = "02-06";
const nb = JSON.parse(readFileSync(NOTEBOOK, "utf8")) as { cells: { id?: string; outputs?: { data?: Record<string, unknown> }[] }[] };
const spec = nb.cells.find((c) => c.id === CELL)?.outputs?.find((o) => o.data?.["application/vnd.vegalite.v5+json"])?.data?.["application/vnd.vegalite.v5+json"];
if (!spec) throw new Error(`${NOTEBOOK}: no Vega-Lite output in cell ${CELL}`);
writeFileSync("docs/notebook-chart.png", await renderPng(spec as never, { scale: 1.5 }));
