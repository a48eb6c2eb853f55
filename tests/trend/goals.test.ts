import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultRegistry, evaluateGoal, getInstrument, goalSampleNorms, GoalValidationError, parseGoals, validateGoals, type Goal } from "../../src/index.js";
import { run } from "../../src/cli/run.js";
import { memoryIo } from "../../src/cli/io.js";
import { fake, ors } from "./helpers.js";

const def = (inst: string) => getInstrument(inst).scales.find((s) => s.id === "total")!.def;
const goal = (target: Goal["target"], instrument = "ors", extra: Partial<Goal> = {}): Goal =>
  parseGoals({ goals: [{ id: "g1", subjectId: "F1", goal: "Mor oplever mere overskud i hverdagen", measure: { instrument, respondent: "mother" }, target, start: "2024-01-01", review: "2024-03-01", ...extra }] })[0]!;

// ORS 18 (01-01, clinical below 25) → 22 (02-01) → 27 (02-26): +9, reliable (≥ 5) and out of the clinical band
const ORS = [ors("F1", "2024-01-01", [4, 5, 4, 5]), ors("F1", "2024-02-01", [5, 6, 5, 6]), ors("F1", "2024-02-26", [7, 7, 6, 7])];

describe("goals", () => {
  it("met: above 25, reliable improvement and leaving the clinical band, with the evidence", () => {
    const e = evaluateGoal(goal({ kind: "above", value: 25 }), ORS, def("ors"));
    expect(e).toMatchObject({ at: "2024-03-01", status: "met", baseline: { date: "2024-01-01", score: 18 }, latest: { date: "2024-02-26", score: 27 }, change: 9 });
    expect(e.reliable).toEqual({ change: 9, rci: null, reliable: true, verdict: "improved" });
    expect(evaluateGoal(goal({ kind: "reliable_improvement" }), ORS, def("ors")).status).toBe("met");
    expect(evaluateGoal(goal({ kind: "leave_band", band: "clinical" }), ORS, def("ors")).status).toBe("met");
  });

  it("progressing at an earlier date: 18 → 22 is toward 25 but not there", () => {
    expect(evaluateGoal(goal({ kind: "above", value: 25 }), ORS, def("ors"), { at: "2024-02-10" })).toMatchObject({ status: "progressing", change: 4 });
  });

  it("EPDS (higher is worse): below 10 from 14 — 12 progressing, 14 not_progressing, 18 worsened (≥ 4 points)", () => {
    const e = (score: number) => [fake("epds", "total", "F1", "2024-01-01", 14, { concern: true }), fake("epds", "total", "F1", "2024-02-15", score, { concern: score >= 10 })];
    const g = goal({ kind: "below", value: 10 }, "epds");
    expect(evaluateGoal(g, e(12), def("epds")).status).toBe("progressing");
    expect(evaluateGoal(g, e(14), def("epds")).status).toBe("not_progressing");
    expect(evaluateGoal(g, e(18), def("epds")).status).toBe("worsened");
    expect(evaluateGoal(g, e(9), def("epds")).status).toBe("met");
  });

  it("no_data without a follow-up, with the reason", () => {
    const e = evaluateGoal(goal({ kind: "above", value: 25 }), [ORS[0]!], def("ors"));
    expect(e).toMatchObject({ status: "no_data", latest: null });
    expect(e.notes).toEqual(["no measurement after the baseline (2024-01-01) by 2024-03-01"]);
  });

  it("rejects an invalid goals file with paths", () => {
    expect(() => parseGoals({ goals: [{ id: "g", subjectId: "F1", goal: "x", measure: { instrument: "ors" }, target: { kind: "above" }, start: "2024-13-01", review: "2024-03-01" }] }, "g.json")).toThrow(/goals\.0\.target\.value[\s\S]*goals\.0\.start/);
  });

  it("trivsel goals evaluates a goals file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trivsel-goals-"));
    writeFileSync(join(dir, "goals.json"), JSON.stringify({ goals: [{ id: "g1", subjectId: "F1", goal: "overskud", measure: { instrument: "ors", respondent: "mother" }, target: { kind: "above", value: 25 }, start: "2024-01-01", review: "2024-03-01" }] }));
    const io = memoryIo(`subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4
F1,2024-01-01,mother,4,5,4,5
F1,2024-02-26,mother,7,7,6,7
`);
    io.cwd = dir;
    expect(await run(["goals", "-", "--goals", "goals.json", "--quiet"], io)).toBe(0);
    expect(io.out.split("\n")[1]).toBe("F1,g1,ors,total,,mother,above 25,2024-01-01,2024-03-01,2024-03-01,met,2024-01-01,18,2024-02-26,27,9,,improved,definition,");
  });

  it("trivsel goals --at takes a real date (a Danish dd-mm-yyyy too) and refuses 2024-02-30 with exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trivsel-goals-"));
    writeFileSync(join(dir, "goals.json"), JSON.stringify({ goals: [{ id: "g1", subjectId: "F1", goal: "overskud", measure: { instrument: "ors", respondent: "mother" }, target: { kind: "above", value: 25 }, start: "2024-01-01", review: "2024-03-01" }] }));
    const csv = "subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4\nF1,2024-01-01,mother,4,5,4,5\nF1,2024-02-26,mother,7,7,6,7\n";
    const at = async (value: string) => {
      const io = memoryIo(csv);
      io.cwd = dir;
      return { code: await run(["goals", "-", "--goals", "goals.json", "--at", value, "--quiet"], io), io };
    };
    const danish = await at("10.02.2024");
    expect(danish.code).toBe(0);
    expect(danish.io.out.split("\n")[1]).toMatch(/^F1,g1,ors,total,,mother,above 25,2024-01-01,2024-03-01,2024-02-10,/);
    const bad = await at("2024-02-30");
    expect(bad.code).toBe(1);
    expect(bad.io.out).toBe("");
    expect(bad.io.err).toContain('--at must be a real date written yyyy-mm-dd; received "2024-02-30"');
  });
});

describe("goals are checked against the instruments in use before anything is evaluated", () => {
  const g = (measure: Record<string, unknown>, target: Record<string, unknown>, id = "g1") => ({ id, subjectId: "F1", goal: "x", measure, target, start: "2024-01-01", review: "2024-03-01" });
  const problems = (goals: unknown[], respondents?: Map<string, Set<string>>) => {
    try {
      validateGoals(parseGoals({ goals }), defaultRegistry(), "goals.yaml", respondents);
    } catch (e) {
      if (e instanceof GoalValidationError) return e.problems;
      throw e;
    }
    return [];
  };

  it("a misspelled band (klinisk) is an error naming goal, position, field and the valid bands, not a false met", () => {
    const p = problems([g({ instrument: "ors", respondent: "mother" }, { kind: "above", value: 25 }, "ok"), g({ instrument: "ors", respondent: "mother" }, { kind: "leave_band", band: "klinisk" }, "F005-wellbeing")]);
    expect(p).toEqual([
      { goal: "F005-wellbeing", position: 2, field: "target.band", received: "klinisk", expected: ["clinical", "non_clinical"], message: 'goal F005-wellbeing (goal 2), target.band: ors.total has no band "klinisk"; expected one of clinical, non_clinical' },
    ]);
  });

  it("trivsel goals refuses the misspelled band with exit 1 instead of reporting met (ORS 22.1 is still clinical)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trivsel-goals-"));
    writeFileSync(join(dir, "goals.yaml"), "goals:\n  - { id: F005-wellbeing, subjectId: F1, goal: x, measure: { instrument: ors, respondent: mother }, target: { kind: leave_band, band: klinisk }, start: 2024-01-01, review: 2024-03-01 }\n");
    const io = memoryIo("subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4\nF1,2024-01-01,mother,4,5,4,5\nF1,2024-02-26,mother,5.5,5.5,5.5,5.6\n");
    io.cwd = dir;
    expect(await run(["goals", "-", "--goals", "goals.yaml"], io)).toBe(1);
    expect(io.out).toBe("");
    expect(io.err).toMatch(/goal F005-wellbeing \(goal 1\), target\.band: ors\.total has no band "klinisk"; expected one of clinical, non_clinical/);
  });

  it("a band target on a scale without bands (PSS) is refused", () => {
    expect(problems([g({ instrument: "pss" }, { kind: "leave_band", band: "high" })])[0]).toMatchObject({ field: "target.band", message: expect.stringMatching(/pss\.total has no bands/) });
  });

  it("leaving a band that is not a concern band is refused", () => {
    expect(problems([g({ instrument: "ors" }, { kind: "leave_band", band: "non_clinical" })])[0]).toMatchObject({ field: "target.band", expected: ["clinical"] });
  });

  it("unknown instrument, scale, form and respondent name the valid values", () => {
    const p = problems(
      [g({ instrument: "orss" }, { kind: "above", value: 25 }), g({ instrument: "ors", scale: "totl" }, { kind: "above", value: 25 }), g({ instrument: "ors", form: "child" }, { kind: "above", value: 25 }), g({ instrument: "ors", respondent: "mor" }, { kind: "above", value: 25 })],
      new Map([["ors", new Set(["mother", "father"])]]),
    );
    expect(p.map((x) => [x.position, x.field, x.received, x.expected.join("|")])).toEqual([
      [1, "measure.instrument", "orss", defaultRegistry().ids().join("|")],
      [2, "measure.scale", "totl", "total"],
      [3, "measure.form", "child", "adult|adolescent"],
      [4, "measure.respondent", "mor", "father|mother"],
    ]);
  });

  it("a direction that makes no sense is refused: below on ORS, above on EPDS, reliable_improvement on PRFQ certainty", () => {
    const p = problems([g({ instrument: "ors" }, { kind: "below", value: 20 }), g({ instrument: "epds" }, { kind: "above", value: 10 }), g({ instrument: "prfq", scale: "certainty" }, { kind: "reliable_improvement" })]);
    expect(p.map((x) => [x.position, x.field, x.expected.join("|")])).toEqual([
      [1, "target.kind", "above"],
      [2, "target.kind", "below"],
      [3, "target.kind", "below|above"],
    ]);
  });

  it("an ASQ:SE-2 total goal needs a form (totals of different intervals are different scales); average_item does not", () => {
    expect(problems([g({ instrument: "asq-se-2" }, { kind: "below", value: 30 })])[0]).toMatchObject({ field: "measure.form", message: expect.stringMatching(/give measure\.form .* or use scale average_item/) });
    expect(problems([g({ instrument: "asq-se-2", form: "2" }, { kind: "below", value: 30 }), g({ instrument: "asq-se-2", scale: "average_item" }, { kind: "below", value: 2 })])).toEqual([]);
  });

  it("a goal is evaluated on the data up to its review date; --at after the review date says so", () => {
    // review 2024-03-01: the 2024-02-26 ORS 27 is the latest; a 2024-04-01 ORS 15 counts only with --at
    const data = [...ORS, ors("F1", "2024-04-01", [4, 4, 4, 3])];
    const atReview = evaluateGoal(goal({ kind: "above", value: 25 }), data, def("ors"));
    expect(atReview).toMatchObject({ at: "2024-03-01", status: "met", latest: { score: 27 }, afterReview: false });
    const later = evaluateGoal(goal({ kind: "above", value: 25 }), data, def("ors"), { at: "2024-05-01" });
    expect(later).toMatchObject({ at: "2024-05-01", status: "not_progressing", latest: { score: 15 }, afterReview: true });
    expect(later.notes[0]).toBe("evaluated at 2024-05-01 (--at), after the review date 2024-03-01: measurements after the review date count");
  });
});

describe("goals: forms and norms", () => {
  it("an ASQ:SE-2 total goal counts only administrations of its form", () => {
    // 2-month total 30 → 6-month total 10: a change across forms must not count for a goal on form 2
    const asq = [fake("asq-se-2", "total", "F1", "2024-01-01", 30, { form: "2" }), fake("asq-se-2", "total", "F1", "2024-02-15", 10, { form: "6" })];
    const g = goal({ kind: "below", value: 25 }, "asq-se-2", { measure: { instrument: "asq-se-2", scale: "total", respondent: "mother", form: "2" } });
    const e = evaluateGoal(g, asq, def("asq-se-2"));
    expect(e).toMatchObject({ status: "no_data", baseline: { date: "2024-01-01", score: 30 }, latest: null });
  });

  it("--norms sample: a PSS reliable_improvement goal is judged with the SD of the file's baselines", () => {
    // baselines 30, 40, 50 (SD 10), r .83: reliable beyond 11.43 points; F1 30 → 18 is −12: improved → met
    const p = (id: string, d: string, s: number) => fake("pss", "total", id, d, s);
    const data = [p("F1", "2024-01-01", 30), p("F1", "2024-02-20", 18), p("F2", "2024-01-01", 40), p("F2", "2024-02-20", 35), p("F3", "2024-01-01", 50), p("F3", "2024-02-20", 62)];
    const g = goal({ kind: "reliable_improvement" }, "pss");
    expect(evaluateGoal(g, data, def("pss"))).toMatchObject({ status: "progressing", reliable: null, norms: { kind: "none" } });
    const e = evaluateGoal(g, data, def("pss"), { samples: goalSampleNorms(data, defaultRegistry()) });
    expect(e).toMatchObject({ status: "met", norms: { kind: "sample", n: 3 }, reliable: { verdict: "improved" } });
    expect(e.reliable!.rci).toBeCloseTo(-12 / 5.830952, 5);
  });
});
