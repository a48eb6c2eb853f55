import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateGoal, getInstrument, memoryIo, parseGoals, run, type Goal } from "../../src/index.js";
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
    expect(io.out.split("\n")[1]).toBe("F1,g1,ors,total,mother,above 25,2024-01-01,2024-03-01,2024-03-01,met,2024-01-01,18,2024-02-26,27,9,,improved,");
  });
});
