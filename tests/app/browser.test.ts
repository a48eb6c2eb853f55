/**
 * The app in a real browser (issue #12): Debian's headless Chromium through playwright-core. A family is
 * created and two sessions for four raters are entered by keyboard only; the chart and an alert appear; a
 * rating is corrected and the history shows it; everything is exported; after a restart everything is there.
 * Chromium comes from the Debian package (`apt-get install chromium`; .ci/run installs it when missing).
 * TRIVSEL_SCREENSHOT=docs/app-session.png writes the README's screenshot of the session page.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { spawnApp, type AppProcess } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const dir = mkdtempSync(join(tmpdir(), "trivsel-app-browser-"));
const db = join(dir, "fit.sqlite");

let browser: Browser;
let app: AppProcess;
/** one therapist's browser, signed in by the first test */
let page: Page;
const cspErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  app = await spawnApp(db);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function newPage(a: AppProcess): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 }, acceptDownloads: true, locale: "en-GB" });
  const page = await context.newPage();
  page.on("console", (m) => {
    // a refused form answers 422, which Chromium logs too; only policy violations count here
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  // nothing but the app itself may be asked for
  await page.route("**/*", (route) => (route.request().url().startsWith(a.base) ? route.continue() : route.abort()));
  return page;
}

/** Types into the focused field and moves on with Tab, as a therapist does. */
async function typeFields(page: Page, values: string[]): Promise<void> {
  for (const v of values) {
    await page.keyboard.type(v);
    await page.keyboard.press("Tab");
  }
}

const four = (v: string) => [v, v, v, v];

describe("the weekly FIT session in Chromium", () => {
  it("creates a family and enters two sessions for four raters by keyboard only; the chart and an alert appear", async () => {
    page = await newPage(app);
    await page.goto(app.url);
    // the token is gone from the address; the name comes first
    expect(page.url()).toBe(`${app.base}/name?next=%2F`);
    await expect.poll(() => page.evaluate("document.activeElement?.id")).toBe("name");
    await page.keyboard.type("Sofie (family consultant)");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.base}/`);
    await page.locator("#subjectId").focus();
    await typeFields(page, ["FAM-01", "14-01-2026", "intensive"]);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.base}/f/FAM-01`);
    expect(await page.locator("h1").textContent()).toBe("Family FAM-01");

    const session = async (date: string, values: string[], workPoints: string) => {
      await page.locator("#date").focus();
      await page.keyboard.press("Control+A");
      await page.keyboard.type(date);
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/session\?date=/);
      await page.locator("#f-mother-ors_1").focus();
      // mother ORS, SRS; father ORS, SRS; health visitor ORS; family consultant ORS: Tab skips the sliders
      await typeFields(page, values);
      expect(await page.evaluate("document.activeElement?.tagName")).toBe("SUMMARY");
      await page.locator("#workPoints").focus();
      await page.keyboard.type(workPoints);
      await page.keyboard.press("Tab");
      expect(await page.evaluate("document.activeElement?.textContent")).toBe("Save session");
      await page.keyboard.press("Enter");
      await page.waitForURL(/saved=0/);
      expect(await page.locator("#saved").textContent()).toContain("Saved.");
    };
    await session("2026-03-02", [...four("5"), ...four("9.5"), ...four("6"), ...four("9.8"), ...four("5.5"), ...four("6")], "Read to the baby every evening");
    await page.locator("a", { hasText: "Back to the family" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.base}/f/FAM-01`);
    await session("2026-03-09", [...four("3"), ...four("8"), ...four("6.5"), ...four("9.8"), ...four("5,5"), ...four("6.2")], "Call the midwife together");

    // at once: the alerts of this session, the chart, and the earlier session's work points beside them
    const alerts = page.locator("li.alert");
    await expect.poll(() => alerts.allTextContents()).toContain("Mother: Well-being 12 is 8 points below the first session (20); a reliable change is 5 points.");
    expect(await alerts.allTextContents()).toContain("Mother: Session rating 32 is below 36: talk about the cooperation.");
    const chart = page.locator("figure.fitchart svg");
    expect(await chart.count()).toBe(1);
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(await page.locator("figure.fitchart [aria-label='Session: 2; score: 12; Who answered: Mother']").count()).toBe(1);
    expect(await page.locator(".workpoints dd").allTextContents()).toEqual(["Read to the baby every evening"]);
    // the progressive slider follows the typed value
    expect(await page.locator("#f-father-ors_1 + input[type=range]").inputValue()).toBe("6.5");
    if (process.env.TRIVSEL_SCREENSHOT) await page.screenshot({ path: resolve(ROOT, process.env.TRIVSEL_SCREENSHOT), fullPage: false });
  });

  it("refuses an out-of-range value beside its field, keeping what was typed", async () => {
    await page.goto(`${app.base}/f/FAM-01/session?date=2026-03-16`);
    await page.locator("#f-health_visitor-ors_1").focus();
    await typeFields(page, ["11", "5", "5", "5"]);
    await page.locator("#workPoints").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForLoadState();
    expect(await page.locator("#e-r\\.health_visitor\\.ors_1").textContent()).toBe("Out of range; expected a number from 0 to 10 in steps of 0.1.");
    expect(await page.locator("#f-health_visitor-ors_1").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#f-health_visitor-ors_2").inputValue()).toBe("5");
    expect(await page.locator(".banner.bad").textContent()).toContain("Nothing was saved.");
  });

  it("corrects a rating and shows the history; exports; after a restart everything is there", async () => {
    await page.goto(`${app.base}/f/FAM-01/session?date=2026-03-02`);
    await page.locator("#f-mother-ors_2").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("4.4");
    await page.locator("#workPoints").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(/saved=1/);
    expect(await page.locator("#saved").textContent()).toBe("Saved. 1 value corrected; see the history below.");
    const historyRow = async (p: Page) => (await p.locator(".history tbody tr").first().locator("td").allTextContents()).slice(1);
    expect(await historyRow(page)).toEqual(["Sofie (family consultant)", "Mother: interpersonal relationships", "5", "4.4"]);

    const download = page.waitForEvent("download");
    await page.goto(`${app.base}/`);
    await page.locator("a.button", { hasText: "Download CSV" }).focus();
    await page.keyboard.press("Enter");
    const file = await (await download).path();
    const csv = readFileSync(file, "utf8").split("\n");
    expect(csv[0]).toBe("subject_id,administered_on,respondent,instrument,item,value");
    expect(csv).toContain("FAM-01,2026-03-02,mother,ors,ors_2,4.4");
    expect(csv).toContain("FAM-01,2026-03-09,health_visitor,ors,ors_4,5.5");
    expect(csv.filter((l) => l.startsWith("FAM-01,")).length).toBe(2 * (8 + 8 + 4 + 4));

    await app.stop();
    app = await spawnApp(db);
    page = await newPage(app);
    await page.goto(app.url.replace("/?", "/f/FAM-01/session?date=2026-03-02&"));
    await page.waitForURL(/\/name\?next=/);
    await page.keyboard.type("Sofie (family consultant)");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/f\/FAM-01\/session\?date=2026-03-02$/);
    expect(await page.locator("#f-mother-ors_2").inputValue()).toBe("4.4");
    expect(await page.locator("#workPoints").inputValue()).toBe("Read to the baby every evening");
    expect(await historyRow(page)).toEqual(["Sofie (family consultant)", "Mother: interpersonal relationships", "5", "4.4"]);
    expect(await page.locator("table.totals tbody tr").count()).toBe(2);
    expect(cspErrors).toEqual([]);
  });

  it("deletes a session after a confirmation that shows it; the family page keeps its values", async () => {
    await page.goto(`${app.base}/f/FAM-01/session?date=2026-03-09`);
    await page.locator("a.button.danger", { hasText: "Delete session" }).click();
    await page.waitForURL(/\/session\/delete\?date=2026-03-09$/);
    expect(await page.locator("h1").textContent()).toBe("Family FAM-01 · Delete the session of 2026-03-09?");
    expect(await page.locator("dl.what tbody tr").count()).toBe(6);
    await page.locator("button.danger", { hasText: "Delete this session" }).click();
    await page.waitForURL(/\/f\/FAM-01\?deletedSession=\d+#deleted$/);
    expect(await page.locator("#deleted-notice").textContent()).toBe("The session of 2026-03-09 was deleted. Its values are kept under Deleted sessions below.");
    expect(await page.locator("table.totals tbody tr").count()).toBe(1);
    // its alerts went with it
    expect(await page.locator("li.alert").count()).toBe(0);
    await page.locator("details.deleted-session summary").click();
    // 24 lines and the work points, each as old value → (empty)
    const rows = page.locator("details.deleted-session tbody tr");
    expect(await rows.count()).toBe(25);
    expect((await rows.first().locator("td").allTextContents()).slice(1)).toEqual(["Sofie (family consultant)", "Work points for the coming week", "Call the midwife together", "(empty)"]);
    expect(cspErrors).toEqual([]);
  });
});
