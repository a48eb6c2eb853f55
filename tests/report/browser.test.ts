// The README's main job in a real browser: the demo report opened from file:// in headless Chromium
// (Debian's package; .ci/run installs it) with every request that is not a local file aborted and counted.
// One browser for the whole file; the report is made for the two families with goals, to keep the test short
// (the whole 40-family report is timed by `npm run bench`).
// TRIVSEL_REPORT_SCREENSHOT=docs/report-family.png writes the README's picture of F005's page.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProc, ROOT } from "../helpers/cli.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

let browser: Browser;
let dir: string;
let made: Awaited<ReturnType<typeof inProc>>;

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), "trivsel-browser-")), "report");
  [made, browser] = await Promise.all([
    inProc(["report", "datasets/demo-cohort.csv", "--overlay", "datasets/demo-asq-se-2-overlay.json", "--goals", "datasets/demo-goals.yaml", "--subject", "F002", "--subject", "F005", "--out", dir, "--quiet"]),
    chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Opens a report page with the network cut off; returns what tried to leave and what went wrong. */
async function open(file: string): Promise<{ page: Page; blocked: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
  const blocked: string[] = [];
  const errors: string[] = [];
  await page.route("**/*", (route) => (route.request().url().startsWith("file://") ? route.continue() : (blocked.push(route.request().url()), route.abort())));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(pathToFileURL(join(dir, file)).href, { waitUntil: "load" });
  return { page, blocked, errors };
}

describe("the demo report in Chromium", () => {
  it("is written: an index and the families' pages, with the data problems reported (exit 2)", () => {
    expect(made.code).toBe(2);
    expect(readdirSync(dir).filter((f) => f.endsWith(".html")).sort()).toEqual(["family-F002.html", "family-F005.html", "index.html"]);
  });

  it("index: opens offline, no console errors, links to the families", async () => {
    const { page, blocked, errors } = await open("index.html");
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.getAttribute("html", "lang")).toBe("da");
    const links = await page.$$eval("tbody th a", (as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual(["family-F002.html", "family-F005.html"]);
    // the cohort of the two families: verdicts per scale and the mean change with its CI
    const sizes = await page.$$eval("#cohort figure.chart > svg", (svgs) => svgs.map((x) => x.getBoundingClientRect().height));
    expect(sizes).toHaveLength(2);
    for (const h of sizes) expect(h).toBeGreaterThan(100);
    await page.close();
  });

  it("F005: every chart drawn at a non-zero size with a text alternative, the goals' statuses shown, no request leaves", async () => {
    const { page, blocked, errors } = await open("family-F005.html");
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    const charts = await page.$$eval("figure.chart > svg", (svgs) =>
      svgs.map((s) => {
        const r = s.getBoundingClientRect();
        return { w: r.width, h: r.height, label: s.getAttribute("aria-label") ?? "", role: s.getAttribute("role") };
      }),
    );
    const html = readFileSync(join(dir, "family-F005.html"), "utf8");
    expect(charts.length).toBe((html.match(/<figure class="chart">/g) ?? []).length);
    // 3 goals; 13 measures with two measurements or more (ADBB, PSS, PRFQ ×3, RFQ-8 ×2, EPDS ×2, PDI-RF, EMS ×3); FIT
    expect(charts.length).toBe(3 + 13 + 1);
    for (const c of charts) {
      expect(c.w).toBeGreaterThan(300);
      expect(c.h).toBeGreaterThan(100);
      expect(c.role).toBe("img");
      expect(c.label.length).toBeGreaterThan(20);
    }
    // the demo goals at their review date, as `trivsel goals` finds them
    // ORS out of the clinical range (25,6); EPDS 15 → 12 toward below 10; PDI-RF 2 → 4 toward above 4
    expect(await page.$$eval("#goals h3 .badge", (b) => b.map((x) => x.textContent?.trim()))).toEqual(["✓ Nået", "↗ På vej", "↗ På vej"]);
    // one EPDS chart over pregnancy and after the birth, each period's cutoffs named; the pregnancy ones provisional
    const measure = (name: string) =>
      page.$$eval("#measures article.measure", (as, name) => as.filter((a) => a.querySelector("h3")?.textContent === name).map((a) => ({ svgText: [...a.querySelectorAll("svg text")].map((t) => t.textContent).join(" | "), figures: a.querySelectorAll("figure").length, rows: a.querySelectorAll("tbody tr").length })), name);
    const epds = await measure("Depressive symptomer (EPDS)");
    expect(epds).toHaveLength(1);
    expect(epds[0]!.svgText).toContain("Grænser efter fødslen");
    expect(epds[0]!.svgText).toMatch(/Grænser i ?graviditeten ?\(foreløbig\)/);
    // a single AAI rating per parent and the NBO's record of a session: tables, no chart
    expect(await measure("Refleksiv funktion (AAI)")).toEqual([{ svgText: "", figures: 0, rows: 2 }]);
    expect(await measure("NBO-observationer gjort i sessionen")).toEqual([{ svgText: "", figures: 0, rows: 1 }]);
    expect((await measure("Refleksiv funktion (PDI)"))[0]!.figures).toBe(1);
    expect(await page.$$eval("h2", (h) => h.map((x) => x.textContent))).toEqual(["Kort fortalt", "Udviklingsmål", "Alle målinger", "FIT-sessioner (ORS og SRS)", "Grundlag og forbehold"]);
    if (process.env.TRIVSEL_REPORT_SCREENSHOT) await page.screenshot({ path: resolve(ROOT, process.env.TRIVSEL_REPORT_SCREENSHOT), clip: { x: 0, y: 0, width: 1000, height: 1140 } });
    await page.close();
  });

  it("F005 prints on A4: each section from a new page, no chart split", async () => {
    const { page } = await open("family-F005.html");
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    expect(pages).toBe(EXPECTED_F005_PAGES);
    await page.close();
  });
});

/**
 * Measured with Debian's Chromium 156: the summary (1 page), then each section from a new page: the 3 goals
 * (3), the measures, FIT and provenance. 21 since the Danish notes and data problems and the score axes over
 * each scale's whole range (20 before).
 */
const EXPECTED_F005_PAGES = 21;
