/**
 * The app's FIT forms and analysis, in-process: which instruments each rater fills in comes from the FIT role
 * and family in the definitions (issue #8), so definitions with other ids work without a change to the app.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseFamily, checkSession, fitNames, raterForms } from "../../src/app/fit.js";
import { joinNames, TEXTS } from "../../src/app/i18n.js";
import type { Rating, Session } from "../../src/app/storage/store.js";
import { sessionPage } from "../../src/app/views/pages.js";
import { loadInstrument } from "../../src/registry/load.js";
import { builtinInstruments, defaultRegistry, Registry } from "../../src/registry/registry.js";
import { ROOT } from "../helpers/cli.js";

/** A built-in FIT definition under another id (and item prefix): the same FIT role and family. */
const renamed = (from: string, to: string) =>
  loadInstrument(JSON.parse(readFileSync(join(ROOT, "instruments", `${from}.json`), "utf8").replaceAll(`"${from}`, `"${to}`).replaceAll(`${from}_`, `${to}_`)));
const without = (...ids: string[]) => builtinInstruments().filter((i) => !ids.includes(i.id));

const formsOf = (registry: Registry) => raterForms(registry).map((r) => [r.rater.id, r.forms.map((m) => `${m.instrument}:${m.role}`)]);
const lines = (respondent: string, prefix: string, value: string) => Object.fromEntries([1, 2, 3, 4].map((i) => [`r.${respondent}.${prefix}_${i}`, value]));
const session = (date: string, ratings: Rating[]): Session => ({ id: 0, familyId: 1, date, workPoints: "", ratings, createdAt: "", createdBy: "", updatedAt: "", updatedBy: "" });

describe("who fills in what", () => {
  it("takes the adult family's outcome form for everyone, its alliance form for the parents, and the child family's forms for a child", () => {
    expect(formsOf(defaultRegistry())).toEqual([
      ["mother", ["ors:outcome", "srs:alliance"]],
      ["father", ["ors:outcome", "srs:alliance"]],
      ["health_visitor", ["ors:outcome"]],
      ["family_consultant", ["ors:outcome"]],
      ["child", ["cors:outcome", "csrs:alliance"]],
    ]);
    expect(fitNames(defaultRegistry())).toEqual(["ORS", "SRS", "CORS", "CSRS"]);
    // the import's message when a file has none of them
    expect(TEXTS.en.importNoFit(joinNames(fitNames(defaultRegistry()), TEXTS.en.or))).toBe("The file has no ORS, SRS, CORS or CSRS answers.");
    expect(TEXTS.da.importNoFit(joinNames(fitNames(defaultRegistry()), TEXTS.da.or))).toBe("Filen har ingen svar på ORS, SRS, CORS eller CSRS.");
  });

  it("follows the definitions: other ids for the adult forms, and no child alliance form when there is none", () => {
    const registry = new Registry([...without("ors", "srs", "csrs"), renamed("ors", "wb"), renamed("srs", "sr")]);
    expect(formsOf(registry)).toEqual([
      ["mother", ["wb:outcome", "sr:alliance"]],
      ["father", ["wb:outcome", "sr:alliance"]],
      ["health_visitor", ["wb:outcome"]],
      ["family_consultant", ["wb:outcome"]],
      ["child", ["cors:outcome"]],
    ]);
  });
});

describe("a session with renamed adult forms", () => {
  const registry = new Registry([...without("ors", "srs"), renamed("ors", "wb"), renamed("srs", "sr")]);

  it("checks, analyses and shows them as the ORS and SRS", () => {
    const first = checkSession(registry, "en", { date: "2026-01-05", workPoints: "", values: { ...lines("mother", "wb", "5"), ...lines("mother", "sr", "9.5") } });
    const second = checkSession(registry, "en", { date: "12-01-2026", workPoints: "", values: { ...lines("mother", "wb", "3"), ...lines("mother", "sr", "8") } });
    expect(first.errors).toEqual({});
    expect(second.date).toBe("2026-01-12");
    expect(second.ratings.map((r) => `${r.instrument}.${r.item}=${r.value}`)).toEqual(["wb.wb_1=3", "wb.wb_2=3", "wb.wb_3=3", "wb.wb_4=3", "sr.sr_1=8", "sr.sr_2=8", "sr.sr_3=8", "sr.sr_4=8"]);
    // the SRS field names of the built-in forms are not this registry's
    expect(checkSession(registry, "en", { date: "2026-01-05", workPoints: "", values: lines("mother", "srs", "9") }).errors).toEqual({ form: "Enter at least one rater's lines or the work points." });

    const sessions = [session("2026-01-05", first.ratings), session("2026-01-12", second.ratings)];
    const series = analyseFamily(registry, "en", "R1", sessions);
    expect(series.map((s) => [s.respondent, s.family, s.outcome?.instrument, s.alliance?.instrument])).toEqual([["mother", "adult", "wb", "sr"]]);
    // 12 is 8 below intake 20; 32 is in the definition's concern band (< 36) and 6 below 38; lines below 9
    expect(series[0]!.current.map((a) => a.text)).toEqual([
      "Well-being 12 is 8 points below the first session (20); a reliable change is 5 points.",
      "Session rating 32 is below 36: talk about the cooperation.",
      "Session rating dropped from 38 to 32.",
      "A session line is below 9: ask about it, even when the total is fine.",
    ]);

    const page = sessionPage({ lang: "en", csrf: "c", user: "u", dbLocation: "x" }, registry, {
      family: { id: 1, subjectId: "R1", birthDate: null, phase: null },
      sessions,
      series,
      charts: null,
      date: "2026-01-12",
      values: {},
      workPoints: "",
      errors: {},
      history: [],
      notice: null,
    });
    expect(page).toContain('<div class="lines" role="group" aria-label="Mother: Well-being lines (WB)">');
    expect(page).toContain('<div class="lines" role="group" aria-label="Mother: Session lines (SR)">');
    expect(page).toContain('<div class="lines" role="group" aria-label="Health visitor: Well-being lines (WB)">');
    expect(page).not.toContain("Health visitor: Session lines");
    expect(page).toContain("<summary>A child who rates (CORS and CSRS)</summary>");
    expect(page).toContain('<span class="hint">WB</span>');
    expect(page).not.toMatch(/\b(ors|srs)_\d|\((ORS|SRS)\)/);
    // the saved totals beside the lines, each form's own FIT scale
    expect(page.match(/<p class="total">Total: <strong>[\d.]+<\/strong><\/p>/g)).toEqual(['<p class="total">Total: <strong>12</strong></p>', '<p class="total">Total: <strong>32</strong></p>']);
  });
});

describe("the built-in forms' headings", () => {
  it("are named by role and the definition's id, in Danish as before the forms came from the definitions", () => {
    const page = sessionPage({ lang: "da", csrf: "c", user: "u", dbLocation: "x" }, defaultRegistry(), {
      family: { id: 1, subjectId: "D1", birthDate: null, phase: null },
      sessions: [],
      series: [],
      charts: null,
      date: "2026-01-05",
      values: { "r.child.cors_1": "7" },
      workPoints: "",
      errors: {},
      history: [],
      notice: null,
    });
    expect(page.match(/aria-label="[^"]*"/g)).toEqual([
      'aria-label="Mor: Trivselslinjer (ORS)"',
      'aria-label="Mor: Sessionslinjer (SRS)"',
      'aria-label="Far: Trivselslinjer (ORS)"',
      'aria-label="Far: Sessionslinjer (SRS)"',
      'aria-label="Sundhedsplejerske: Trivselslinjer (ORS)"',
      'aria-label="Familiekonsulent: Trivselslinjer (ORS)"',
      'aria-label="Barn: Trivselslinjer (CORS)"',
      'aria-label="Barn: Sessionslinjer (CSRS)"',
    ]);
    // a child's lines are folded, and open when they hold a value
    expect(page).toContain("<details open><summary>Et barn, der selv vurderer (CORS og CSRS)</summary>");
  });
});

describe("the app's FIT chart", () => {
  it("draws the ORS clinical cutoff of the form the app's ratings are scored on (adult: below 25)", async () => {
    const { fitChartSvgs } = await import("../../src/app/chart.js");
    const rate = (respondent: string, instrument: string, v: number): Rating[] => [1, 2, 3, 4].map((i) => ({ respondent, instrument, item: `${instrument}_${i}`, value: v }));
    const sessions = [
      session("2025-01-06", [...rate("mother", "ors", 5), ...rate("mother", "srs", 9)]),
      session("2025-01-13", [...rate("mother", "ors", 6), ...rate("mother", "srs", 9)]),
    ];
    const registry = defaultRegistry();
    const [svg] = await fitChartSvgs({ series: analyseFamily(registry, "en", "R1", sessions), registry, lang: "en" });
    // the band of the adult form is drawn and labelled; the adolescent form's cutoff (28) is not
    expect(svg).toMatch(/aria-label="[^"]*25[^"]*"/);
    expect(svg).not.toMatch(/aria-label="[^"]*\b28\b[^"]*"/);
  });
});

describe("trivsel app's options", () => {
  it("refuses a port outside 1–65535 or not a whole number, with exit 1, before starting anything", async () => {
    const { inProc } = await import("../helpers/cli.js");
    for (const port of ["99999", "abc", "0", "80.5"]) {
      const r = await inProc(["app", "--port", port, "--no-open"], ROOT);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`--port must be a whole number from 1 to 65535; received "${port}"`);
    }
  });
});
