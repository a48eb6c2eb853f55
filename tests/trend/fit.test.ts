import { describe, expect, it } from "vitest";
import { fitSessions, getInstrument, parseEtrTable, scoreAdministration, type ScoreResult } from "../../src/index.js";
import { run } from "../../src/cli/run.js";
import { memoryIo } from "../../src/cli/io.js";

const score = (instrument: "ors" | "srs" | "cors" | "csrs", date: string, lines: number[], respondent = "mother"): ScoreResult =>
  scoreAdministration(getInstrument(instrument), {
    instrument,
    subjectId: "F1",
    administeredOn: date,
    respondent,
    responses: Object.fromEntries(lines.map((v, i) => [`${instrument}_${i + 1}`, v])),
  });

// Hand-built course; totals are the sums of the four lines.
const COURSE = [
  score("ors", "2024-01-01", [5, 5, 5, 5]), // 20 intake
  score("srs", "2024-01-01", [9.5, 9.5, 9.5, 9.5]), // 38
  score("ors", "2024-01-08", [4, 4, 4, 3]), // 15 = intake − 5
  score("srs", "2024-01-08", [9.5, 9.5, 9, 9]), // 37: drop of 1
  score("ors", "2024-01-15", [6, 6, 5, 5]), // 22
  score("srs", "2024-01-15", [9, 9, 9, 8]), // 35: < 36, drop 2, a line < 9
  score("ors", "2024-01-22", [6, 6, 6, 6]), // 24: + 4 only
  score("ors", "2024-01-29", [7, 6, 6, 6]), // 25: + 5, reliable
  score("srs", "2024-01-29", [9.5, 9.5, 9, 9]), // 37
  score("srs", "2024-02-05", [9.5, 9, 9, 9]), // 36.5: drop 0.5, below the 1-point rule
];

const ETR = `intake,session,expected,lower
19,2,22,16
19,3,24,23
25,2,27,10
25,3,28,10
`;

describe("FIT alerts", () => {
  it("fires each rule where the hand-worked course says, and only there", () => {
    const [fam] = fitSessions(COURSE, { sessions: 4 });
    expect(fam!.intake).toEqual({ date: "2024-01-01", ors: 20 });
    expect(fam!.sessions.map((s) => [s.session, s.ors, s.srs, s.alerts.map((a) => a.rule)])).toEqual([
      [1, 20, 38, []],
      [2, 15, 37, ["ors_below_intake", "srs_drop"]],
      [3, 22, 35, ["srs_below_cutoff", "srs_drop", "srs_item_below_9"]],
      [4, 24, null, ["no_reliable_improvement"]],
      [5, 25, 37, []],
      [6, null, 36.5, []],
    ]);
    expect(fam!.notes).toContain("no ETR table in use: alerts rely on the reliable-change rules");
  });

  it("default review point is session 6: session 4 at + 4 raises nothing", () => {
    const [fam] = fitSessions(COURSE);
    expect(fam!.sessions[3]!.alerts).toEqual([]);
  });

  it("uses the ETR row for the nearest intake (19 for 20) and flags sessions below its lower boundary", () => {
    const [fam] = fitSessions(COURSE, { etr: parseEtrTable(ETR, "etr.csv") });
    expect(fam!.sessions[1]!.etr).toEqual({ expected: 22, lower: 16, tableIntake: 19 });
    expect(fam!.sessions[1]!.alerts.map((a) => a.rule)).toContain("below_etr"); // 15 < 16
    expect(fam!.sessions[2]!.alerts.map((a) => a.rule)).toContain("below_etr"); // 22 < 23
    expect(fam!.sessions[3]!.etr).toBeNull(); // no row for session 4
    expect(fam!.notes.join(" ")).not.toMatch(/no ETR/);
  });

  it("rejects an ETR table without the required columns", () => {
    expect(() => parseEtrTable("intake,session,expected\n19,2,22\n", "t.csv")).toThrow(/missing column\(s\) lower/);
  });

  it("keeps raters apart", () => {
    const fams = fitSessions([...COURSE, score("ors", "2024-01-01", [8, 8, 8, 8], "father")]);
    expect(fams.map((f) => [f.respondent, f.sessions.length])).toEqual([
      ["mother", 6],
      ["father", 1],
    ]);
  });
});

describe("trivsel fit", () => {
  it("writes the session table and says no ETR is in use", async () => {
    const io = memoryIo(`subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4,srs_1,srs_2,srs_3,srs_4
F1,2024-01-01,mother,5,5,5,5,9.5,9.5,9.5,9.5
F1,2024-01-08,mother,4,4,4,3,9.5,9.5,9,9
`);
    expect(await run(["fit", "-"], io)).toBe(0);
    expect(io.out).toBe(
      "subject_id,respondent,session,date,ors,ors_change,srs,etr_expected,etr_lower,alerts,outcome_measure,alliance_measure\n" +
        "F1,mother,1,2024-01-01,20,0,38,,,,ors,srs\n" +
        // csvCell quotes cells holding ";" so semicolon-locale spreadsheets keep them whole
        "F1,mother,2,2024-01-08,15,-5,37,,,\"ors_below_intake;srs_drop\",ors,srs\n",
    );
    expect(io.err).toMatch(/No ETR table in use/);
  });

  it("CORS and CSRS (the child forms) get the same session table and alerts, found by their FIT role", () => {
    // CORS 28 → 22: 6 points below intake (CORS reliable change 5); CSRS 38 → 36: drop of 2
    const child = [score("cors", "2024-01-01", [7, 7, 7, 7], "child"), score("csrs", "2024-01-01", [9.5, 9.5, 9.5, 9.5], "child"), score("cors", "2024-01-08", [5, 6, 5, 6], "child"), score("csrs", "2024-01-08", [9, 9, 9, 9], "child")];
    const [fam] = fitSessions(child);
    expect(fam).toMatchObject({ respondent: "child", family: "child", outcomeInstrument: "cors", allianceInstrument: "csrs", intake: { date: "2024-01-01", ors: 28 } });
    expect(fam!.sessions.map((s) => [s.ors, s.orsChange, s.srs, s.alerts.map((a) => a.rule)])).toEqual([
      [28, 0, 38, []],
      [22, -6, 36, ["ors_below_intake", "srs_drop"]],
    ]);
    // the CSRS definition has no cutoff and no item rule: said, not guessed
    expect(fam!.notes).toContain("CSRS has no cutoff in its definition: srs_below_cutoff not applied");
  });

  it("an ORS and a CORS from the same rater stay in separate session tables (families adult and child)", () => {
    const fams = fitSessions([score("ors", "2024-01-01", [5, 5, 5, 5], "mother"), score("cors", "2024-01-01", [7, 7, 7, 7], "mother")]);
    expect(fams.map((f) => [f.family, f.outcomeInstrument])).toEqual([["adult", "ors"], ["child", "cors"]]);
  });
});
