// The README's commands on the bundled demo cohort, and the verdicts against the trajectories the
// generator built in (datasets/demo-cohort-truth.csv; scripts/make-demo.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { memoryIo } from "../src/cli/io.js";

const DEMO = "datasets/demo-cohort.csv";
const OVERLAY = ["--overlay", "datasets/demo-asq-se-2-overlay.json"];
const truth = new Map(
  readFileSync("datasets/demo-cohort-truth.csv", "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",") as [string, string]),
);

async function cli(argv: string[]) {
  const io = memoryIo();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

// one CSV line into fields; quoted fields may hold commas and doubled quotes (no newlines in these outputs)
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let v = "";
    if (line[i] === '"') {
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        }
        else if (line[i] === '"') break;
        else v += line[i++];
      }
      i++; // the closing quote
    } else while (i < line.length && line[i] !== ",") v += line[i++];
    out.push(v);
    if (line[i] !== ",") return out;
    i++;
  }
}
const rows = (csv: string) => {
  const [head, ...lines] = csv.trim().split("\n");
  const cols = fields(head!);
  return lines.map((l) => Object.fromEntries(fields(l).map((v, i) => [cols[i]!, v])));
};

describe("demo cohort", () => {
  it("score: every deliberate defect in datasets/README.md is reported by row and column, and nothing else is an error", async () => {
    const r = await cli(["score", DEMO, ...OVERLAY, "--quiet"]);
    expect(r.code).toBe(2);
    const errors = r.err.split("\n").filter((l) => / error \[/.test(l));
    const where = errors.map((l) => /row (\d+)(?:, column (\S+?):)?/.exec(l)!.slice(1, 3).filter(Boolean).join(":"));
    expect(new Set(where)).toEqual(new Set(["74", "564", "717", "1284", "1662:aairf_2", "1857:pss_6", "1857", "2479:prfq_7", "2479", "4325:ors_2", "4325"]));
    // F005's 2-month ASQ:SE-2 with 3 of 16 missing: the 2–18-month forms allow at most 2, so it is not scored
    // (it used to be adjusted to 43.08 → refer)
    expect(r.err).toMatch(/row 564: error \[too_many_missing\] asq-se-2\.total: 3 of 16 items missing; at most 2 allowed on form 2/);
    expect(r.err).not.toMatch(/missing_adjusted/);
    expect(r.out.split("\n")[0]).toBe("subject_id,administered_on,respondent,instrument,form,scale,score,status,band,n_answered,n_items,flags");
  });

  it.each([
    ["ors", "total"],
    ["epds", "total"],
    ["pss", "total"],
  ])("trend %s %s (mothers): verdicts follow the generator's trajectories", async (instrument, scale) => {
    const r = await cli(["trend", DEMO, ...OVERLAY, "--instrument", instrument, "--scale", scale, "--quiet"]);
    const mothers = rows(r.out).filter((x) => x.respondent === "mother");
    expect(mothers.length).toBe(40);
    const expected: Record<string, string[]> = {
      improving: ["improved", "recovered"],
      stable: ["unchanged"],
      deteriorating: ["deteriorated"],
    };
    // PSS has no published SD: without --sd or --norms sample no reliable change can be judged, and
    // trivsel says so (no_norms: every series has a follow-up, so the data are not what is missing)
    if (instrument === "pss") {
      expect(new Set(mothers.map((m) => m.category))).toEqual(new Set(["no_norms"]));
      expect(new Set(mothers.map((m) => m.norms))).toEqual(new Set(["none"]));
      return;
    }
    for (const m of mothers) expect(expected[truth.get(m.subject_id!)!], `${m.subject_id} ${m.category}`).toContain(m.category);
  });

  it("--norms sample gives a verdict for every scale with a published reliability, and every row names its norms", async () => {
    const withReliability = ["adbb.total", "pss.total", "prfq.pre_mentalizing", "prfq.certainty", "prfq.interest_curiosity", "rfq-8.certainty", "rfq-8.uncertainty"];
    const verdicts = ["recovered", "improved", "unchanged", "deteriorated", "changed"];
    for (const cmd of ["trend", "cohort"]) {
      const plain = rows((await cli([cmd, DEMO, ...OVERLAY, "--quiet"])).out);
      const sample = rows((await cli([cmd, DEMO, ...OVERLAY, "--norms", "sample", "--quiet"])).out);
      for (const id of withReliability) {
        const [inst, scale] = id.split(".");
        const mine = (rs: typeof plain) => rs.filter((r) => r.instrument === inst && r.scale === scale);
        if (cmd === "trend") {
          expect(new Set(mine(plain).map((r) => r.category)), id).toEqual(new Set(["no_norms"]));
          expect(mine(sample).every((r) => verdicts.includes(r.category!) && /^sample n=\d+/.test(r.norms!)), id).toBe(true);
        } else {
          expect(mine(plain).every((r) => r.no_norms === r.n_follow_up && /--norms sample/.test(r.notes!)), id).toBe(true);
          expect(mine(sample).every((r) => r.no_norms === "0" && /^sample n=\d+/.test(r.norms!)), id).toBe(true);
        }
      }
      // every row names its norms
      expect(sample.every((r) => /^(definition|user|sample n=\d+|none)( provisional)?$/.test(r.norms!.split(";")[0]!))).toBe(true);
    }
  });

  it("ASQ:SE-2 totals of different intervals are never compared: F005's 2- and 6-month totals are two series", async () => {
    const t = rows((await cli(["trend", DEMO, ...OVERLAY, "--instrument", "asq-se-2", "--quiet"])).out);
    expect(t.filter((r) => r.scale === "total").every((r) => r.form === "2" || r.form === "6")).toBe(true);
    expect(t.filter((r) => r.scale === "average_item").every((r) => r.form === "")).toBe(true);
    const f005 = t.filter((r) => r.subject_id === "F005" && r.scale === "total");
    expect(f005.map((r) => [r.form, r.change])).toEqual([["2", ""], ["6", ""]]);
    const c = rows((await cli(["cohort", DEMO, ...OVERLAY, "--instrument", "asq-se-2", "--quiet"])).out);
    expect(c.filter((r) => r.scale === "total").map((r) => [r.form, r.mean_change])).toEqual([["2", ""], ["6", ""]]);
  });

  it("fit, goals and cohort run as the README shows", async () => {
    const fit = await cli(["fit", DEMO, ...OVERLAY]);
    expect(fit.out.split("\n")[0]).toBe("subject_id,respondent,session,date,ors,ors_change,srs,etr_expected,etr_lower,alerts,outcome_measure,alliance_measure");
    expect(fit.err).toMatch(/No ETR table in use/);
    // a deteriorating family's mother gets the ORS-below-intake alert at some session
    const det = [...truth].filter(([, t]) => t === "deteriorating").map(([s]) => s);
    const alerted = new Set(rows(fit.out).filter((x) => x.respondent === "mother" && /ors_below_intake/.test(x.alerts ?? "")).map((x) => x.subject_id));
    expect(det.filter((s) => alerted.has(s)).length).toBeGreaterThan(det.length / 2);

    const goals = await cli(["goals", DEMO, ...OVERLAY, "--goals", "datasets/demo-goals.yaml", "--at", "2025-09-01", "--quiet"]);
    expect(rows(goals.out).map((g) => `${g.goal_id}:${g.status}`)).toEqual([
      "F005-wellbeing:met",
      "F005-mood:progressing",
      "F002-stress:not_progressing",
      "F002-alliance:met",
      // the PDI at the end of the programme comes after 2025-09-01
      "F006-rf:no_data",
      "F005-rf:no_data",
    ]);

    const cohort = await cli(["cohort", DEMO, ...OVERLAY, "--by", "municipality", "--quiet"]);
    expect(cohort.out.split("\n")[0]).toMatch(/^municipality,instrument,scale,form,respondent,n_series,n_follow_up/);
    expect(rows(cohort.out).filter((x) => x.instrument === "ors" && x.respondent === "mother").reduce((s, x) => s + Number(x.n_series), 0)).toBe(40);
  });

  describe("coded interviews and observations (issue 15)", () => {
    it("score: PDI-RF, AAI-RF, EMS and NBO are scored beside the questionnaires; the missing EMS rater is a warning and a flag", async () => {
      const r = await cli(["score", DEMO, ...OVERLAY, "--quiet"]);
      const out = rows(r.out);
      const count = (id: string) => new Set(out.filter((x) => x.instrument === id).map((x) => `${x.subject_id}|${x.administered_on}|${x.respondent}`)).size;
      // PDI-RF and EMS for each parent in pregnancy and at the end, the AAI once, NBO at two sessions after birth (67 parents)
      expect([count("pdi-rf"), count("aai-rf"), count("ems"), count("nbo")]).toEqual([134, 67, 134, 80]);
      expect(r.err).toMatch(/row 364, column coder_id: warning \[coder_missing\] ems/);
      const row364 = out.filter((x) => x.instrument === "ems" && x.subject_id === "F004" && x.administered_on === "2024-11-24" && x.respondent === "mother");
      expect(row364.map((x) => x.flags)).toEqual(Array(3).fill("provisional_definition;coder_missing"));
      expect(out.filter((x) => x.instrument === "pdi-rf").every((x) => x.status === "scored" && x.flags === "")).toBe(true);
    });

    it("trend follows overall RF with the generator's direction, and without norms says no_norms", async () => {
      const t = rows((await cli(["trend", DEMO, ...OVERLAY, "--instrument", "pdi-rf", "--quiet"])).out);
      expect(t.length).toBe(67);
      expect(new Set(t.map((x) => x.category))).toEqual(new Set(["no_norms"]));
      for (const x of t) {
        const change = Number(x.change);
        const want = { improving: change >= 1 && change <= 2, stable: change === 0, deteriorating: change === -1 }[truth.get(x.subject_id!)!];
        expect(want, `${x.subject_id} ${x.respondent} ${x.change}`).toBe(true);
      }
    });

    it("goals on overall RF at their review dates: F006 reaches 6 (met), F005 goes from 2 to 4 (progressing)", async () => {
      const g = rows((await cli(["goals", DEMO, ...OVERLAY, "--goals", "datasets/demo-goals.yaml", "--quiet"])).out).filter((x) => x.instrument === "pdi-rf");
      expect(g.map((x) => [x.goal_id, x.status, x.baseline, x.latest])).toEqual([
        ["F006-rf", "met", "4", "6"],
        ["F005-rf", "progressing", "2", "4"],
      ]);
    });
  });
});
