import { describe, expect, it } from "vitest";
import { makeIssue } from "../scoring/issues.js";
import { ISSUE_CODES } from "../schema/results.js";
import { formLabel } from "../charts/labels.js";
import { defaultRegistry } from "../registry/registry.js";
import { issueText, noteText, severityText } from "./danish.js";

// the notes and reasons as the analyses and scoring rules write them (trend/, scoring/, rules/)
const NOTES: [string, string][] = [
  ["no norms for reliable change (reliability 0.83 from norm berry1995, published): no published SD; give --sd, or --norms sample to use the SD of the baselines in the file", "ingen normer for sikker ændring (reliabilitet 0,83 fra normen berry1995, offentliggjort): ingen offentliggjort SD; angiv --sd, eller --norms sample for at bruge SD af de første målinger i filen"],
  ["no norms for reliable change: the definition has no published reliability for this scale; give --sd and --reliability", "ingen normer for sikker ændring: definitionen har ingen offentliggjort reliabilitet for denne skala; angiv --sd og --reliability"],
  ["1 administration(s) not scorable and left out", "1 måling kunne ikke scores og er udeladt"],
  ["only one administration: no change to assess", "kun én måling: ingen ændring at vurdere"],
  ["no ETR table in use: alerts rely on the reliable-change rules", "ingen ETR-tabel i brug: advarslerne bygger på reglerne for sikker ændring"],
  ["evaluated at 2025-06-01 (--at), after the review date 2025-03-01: measurements after the review date count", "vurderet 2025-06-01 (--at), efter opfølgningsdatoen 2025-03-01: målinger efter opfølgningsdatoen tæller med"],
  ["1 of 10 items missing (epds_7); every item is required", "1 af 10 spørgsmål mangler (epds_7); alle spørgsmål skal besvares"],
  ["3 of 16 items missing; at most 2 allowed on form 2 (mn-dhs: Scoring Guidelines; secondary)", "3 af 16 spørgsmål mangler; højst 2 må mangle på skema 2 (mn-dhs: Scoring Guidelines; sekundær kilde)"],
  ["2 missing and total 11 within 2 of cutoff 12 (provisional): adjusted to 13.2 = 11 + 1.1 × 2", "2 mangler, og totalen 11 ligger inden for 2 af grænsen 12 (foreløbig): justeret til 13,2 = 11 + 1,1 × 2"],
  ["invalid response to pss_6", "ugyldigt svar på pss_6"],
];

describe("the report's Danish", () => {
  it.each(NOTES)("%s", (en, da) => {
    expect(noteText(en, "da")).toBe(da);
    expect(noteText(en, "en")).toBe(en);
  });

  it("a missing-items reason names the form as the page calls it, when told how", () => {
    const reg = defaultRegistry();
    const en = "3 of 16 items missing; at most 2 allowed on form 2 (mn-dhs: Scoring Guidelines; secondary)";
    const name = (f: string) => formLabel(reg.get("asq-se-2"), f, "da");
    expect(noteText(en, "da", name)).toBe("3 af 16 spørgsmål mangler; højst 2 må mangle på skema for 2 måneder (mn-dhs: Scoring Guidelines; sekundær kilde)");
    expect(noteText(en, "en", name)).toBe(en);
    // other notes are untouched by it
    expect(noteText("invalid response to pss_6", "da", name)).toBe("ugyldigt svar på pss_6");
    // so is an issue's reason, named by the issue's instrument
    const issue = { code: "too_many_missing", severity: "error", instrument: "asq-se-2", scale: "total", message: `total is not scorable: ${en}` } as const;
    const names = (inst: string, f: string) => formLabel(reg.get(inst), f, "da");
    expect(issueText(issue, "da", names)).toBe(`total: for mange svar mangler; ${noteText(en, "da", name)}`);
    expect(issueText(issue, "da")).toBe(`total: for mange svar mangler; ${noteText(en, "da")}`);
  });

  it("a note no pattern knows stays as written rather than being lost", () => {
    expect(noteText("something new", "da")).toBe("something new");
  });

  it("every issue code has Danish words; the value found and what was expected follow", () => {
    for (const code of ISSUE_CODES) expect(issueText(makeIssue(code, "error", { item: "x_1", instrument: "x" }), "da")).not.toMatch(/^x_1: [a-z_]+$/);
    const range = makeIssue("out_of_range", "error", { item: "pss_6", received: "6", expected: "a whole number from 1 to 5" });
    expect(issueText(range, "da")).toBe('pss_6: "6": uden for skalaen; forventet et helt tal fra 1 til 5');
    expect(issueText(range, "en")).toBe(range.message);
    const missing = makeIssue("too_many_missing", "error", { scale: "total", detail: "1 of 4 items missing (ors_3); every item is required" });
    expect(issueText(missing, "da")).toBe("total: for mange svar mangler; 1 af 4 spørgsmål mangler (ors_3); alle spørgsmål skal besvares");
    const column = makeIssue("unknown_column", "warning", { item: "municipality", detail: "kept as a grouping column in exports" });
    expect(issueText(column, "da")).toBe("municipality: kolonnen hører ikke til noget kendt skema; beholdes som grupperingskolonne i eksporter");
    expect([severityText("error", "da"), severityText("warning", "da"), severityText("info", "da")]).toEqual(["fejl", "advarsel", "oplysning"]);
  });
});

describe("formLabel", () => {
  const reg = defaultRegistry();
  it("names forms in Danish: the known ones by name, age-named ones by their months, others by their place", () => {
    expect(formLabel(reg.get("ors"), "adult", "da")).toBe("skema for voksne");
    expect(formLabel(reg.get("epds"), "antenatal", "da")).toBe("skema i graviditeten");
    expect(formLabel(reg.get("asq-se-2"), "12", "da")).toBe("skema for 12 måneder");
    expect(formLabel({ id: "mine", forms: [{ id: "a", label: "First" }, { id: "b", label: "Second" }] }, "b", "da")).toBe("skema 2 af 2");
    expect(formLabel(reg.get("ors"), "adult", "en")).toBe("Adult rater (18+)");
  });
});
