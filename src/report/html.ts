/**
 * HTML building blocks for the report: escaping (subject ids and goal texts come from users' files),
 * the page shell with its CSS (screen and A4 print), and inline charts with their text alternatives.
 * Pages load nothing: no scripts, no fonts, no images from files or the network, and a CSP that says so.
 */
import type { Lang } from "../charts/labels.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML content and attribute values. */
export const esc = (s: unknown): string => String(s ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A tagged template whose ${} values are escaped unless they are Html (already built markup). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += piece(v) + strings[i + 1]!;
  });
  return new Html(out);
}
const piece = (v: unknown): string => (v instanceof Html ? v.value : Array.isArray(v) ? v.map(piece).join("") : v === null || v === undefined || v === false ? "" : esc(v));
export const join = (parts: readonly Html[]): Html => new Html(parts.map((p) => p.value).join(""));

/**
 * An SVG from vega as an inline figure: ids made unique on the page (several charts share vega's
 * clip-path ids), the text alternative as its accessible name, and a visible caption.
 */
export function figure(svg: string, prefix: string, alt: string, caption?: string): Html {
  const unique = svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}-${id}"`)
    .replace(/^<svg\b/, `<svg role="img" aria-label="${esc(alt)}" focusable="false"`);
  return html`<figure class="chart">${new Html(unique)}<figcaption>${caption ?? alt}</figcaption></figure>`;
}

const CSS = `
:root { color: #1a1a1a; background: #fff; font-family: "DejaVu Sans", Verdana, "Segoe UI", Arial, sans-serif; line-height: 1.45; }
body { margin: 0 auto; max-width: 62rem; padding: 1rem 1.25rem 3rem; }
a { color: #0b4f8a; }
header.page { border-bottom: 3px solid #0072B2; margin-bottom: 1rem; }
h1 { font-size: 1.7rem; margin: .3rem 0; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 .6rem; border-bottom: 1px solid #bbb; padding-bottom: .2rem; }
h3 { font-size: 1.08rem; margin: 1.2rem 0 .4rem; }
p.meta { margin: .2rem 0; color: #333; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding: .2rem 0; }
th, td { border: 1px solid #c8c8c8; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: .5rem 0 1rem; }
figure.chart svg { width: 100%; max-width: 48rem; height: auto; display: block; }
figcaption { font-size: .85rem; color: #333; margin-top: .2rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .8rem; font-weight: bold; font-size: .85rem; border: 1px solid; white-space: nowrap; }
.s-met { background: #e3f1e6; color: #14532d; border-color: #14532d; }
.s-progressing { background: #e6f0fa; color: #0b3d6b; border-color: #0b3d6b; }
.s-not_progressing { background: #f3f3f3; color: #333; border-color: #555; }
.s-worsened { background: #fbe9e2; color: #8a2a0a; border-color: #8a2a0a; }
.s-no_data { background: #fff; color: #444; border-color: #777; border-style: dashed; }
p.plain { font-size: 1.05rem; margin: .2rem 0 .5rem; }
.concern { color: #8a2a0a; }
td.concern { font-weight: bold; }
.glance { border: 1px solid #9bb7d4; background: #f5f9fd; padding: .2rem 1rem .6rem; border-radius: .4rem; }
.glance h2 { margin-top: .6rem; }
.glance ul { margin: .3rem 0; padding-left: 1.2rem; }
.alert { color: #8a0013; font-weight: bold; }
.provisional { font-style: italic; }
.small { font-size: .85rem; color: #333; }
nav.back { font-size: .9rem; margin-bottom: .5rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  :root { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  nav.back { display: none; }
  section.part { break-before: page; }
  figure.chart, tr, .glance, article.goal > table { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

/** A whole page: language, title, a CSP that forbids every load, the CSS, and the body. */
export function page(lang: Lang, title: string, body: Html): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.value}
</body>
</html>
`;
}
