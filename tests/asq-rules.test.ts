// ASQ:SE-2 rules as published: maximum missing by interval, published item counts, the girl flag, and
// provisional_definition whenever a provisional number went into a result.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyOverlay, getInstrument, scoreAdministration } from "../src/index.js";
import { run } from "../src/cli/run.js";
import { memoryIo } from "../src/cli/io.js";

const items = (n: number, answer: (i: number) => string | null) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`asqse2_${i + 1}`, answer(i)]));

describe("ASQ:SE-2", () => {
  it("the 2-month form with 3 of 16 missing near the cutoff is not scorable (F005, demo row 564), not adjusted to 43.08 → refer", () => {
    // 7 V = 35 from 13 answered: at the cutoff, so the old rule adjusted it to 35 + 35/13 × 3 = 43.08
    const r = scoreAdministration(getInstrument("asq-se-2"), { instrument: "asq-se-2", form: "2", responses: items(16, (i) => (i < 3 ? null : i < 10 ? "V" : "Z")) });
    const total = r.scales.find((s) => s.scale === "total")!;
    expect(total).toMatchObject({ score: null, status: "not_scorable", band: null, nAnswered: 13 });
    expect(total.reason).toBe("3 of 16 items missing; at most 2 allowed on form 2 (mn-dhs: ASQ:SE-2 Scoring Guidelines: at most 2 unanswered items on the 2–18 month questionnaires, at most 3 on the 24–60 month questionnaires; secondary)");
  });

  it("the 60-month form still adjusts 3 missing near the cutoff (24–60 month forms allow 3)", () => {
    // 18 V = 90 from 33: within 5 of 95 → 90 + 90/33 × 3 = 98.1818
    const r = scoreAdministration(getInstrument("asq-se-2"), { instrument: "asq-se-2", form: "60", responses: items(36, (i) => (i >= 33 ? null : i < 18 ? "V" : "Z")) });
    expect(r.scales[0]!.score).toBeCloseTo(1080 / 11, 9);
    expect(r.scales[0]!.status).toBe("prorated");
  });

  it("the 2- and 60-month item counts are published (KB #367): a form given explicitly is provisional only in its cutoff", () => {
    const def = getInstrument("asq-se-2").def;
    for (const id of ["2", "60"]) expect(def.forms.find((f) => f.id === id)!.itemCount!.source.provenance).toBe("published");
    const r = scoreAdministration(getInstrument("asq-se-2"), { instrument: "asq-se-2", form: "60", responses: items(36, () => "Z") });
    expect(r.scales[0]!.flags).toEqual(["provisional_cutoff"]);
  });

  it("the 6-month total scored with a provisional item count carries provisional_definition, not only provisional_cutoff", () => {
    const inst = applyOverlay(getInstrument("asq-se-2"), JSON.parse(readFileSync("datasets/demo-asq-se-2-overlay.json", "utf8")));
    const r = scoreAdministration(inst, { instrument: "asq-se-2", form: "6", responses: items(22, () => "Z") });
    expect(r.scales.map((s) => [s.scale, s.flags])).toEqual([
      ["total", ["provisional_cutoff", "provisional_definition"]],
      ["average_item", ["provisional_definition"]],
    ]);
  });

  it("a sex column: a girl in the monitoring zone is flagged for considering referral; an unknown code is an error naming row, column and value", async () => {
    const head = `subject_id,administered_on,form,sex,${Array.from({ length: 16 }, (_, i) => `asqse2_${i + 1}`).join(",")}`;
    // 5 V = 25: bottom of the 2-month monitoring zone (25–35)
    const row = (id: string, sex: string) => `${id},2025-01-01,2,${sex},${[..."VVVVV", ..."ZZZZZZZZZZZ"].join(",")}`;
    const io = memoryIo([head, row("G", "pige"), row("B", "M"), row("X", "q")].join("\n") + "\n");
    expect(await run(["score", "-", "--quiet"], io)).toBe(2);
    const totals = io.out.split("\n").filter((l) => l.includes(",total,"));
    expect(totals[0]).toBe('G,2025-01-01,,asq-se-2,2,total,25,scored,monitor,16,16,"provisional_cutoff;girl_monitoring_consider_referral"');
    expect(totals[1]).toBe("B,2025-01-01,,asq-se-2,2,total,25,scored,monitor,16,16,provisional_cutoff");
    expect(totals[2]).toBe("X,2025-01-01,,asq-se-2,2,total,25,scored,monitor,16,16,provisional_cutoff");
    const err = memoryIo([head, row("X", "q")].join("\n") + "\n");
    await run(["score", "-"], err);
    expect(err.err).toMatch(/^stdin, row 2, column sex: error \[invalid_value\] "q" is not valid; expected the child's sex: female, f, girl, k, kvinde, pige, male, m, boy, mand, dreng \(or empty\)$/m);
  });
});
