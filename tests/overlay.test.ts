// Site overlays: a licensed site's own cutoff table and item keys, validated like a definition.
import { describe, expect, it } from "vitest";
import { applyOverlay, getInstrument, InstrumentDefinitionError, scoreAdministration } from "../src/index.js";

const asqResponses = (n: number, fill: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`asqse2_${i + 1}`, fill]));

describe("applyOverlay", () => {
  it("ASQ:SE-2 item keys let answers be recorded as often/sometimes/rarely (KB #168: competence 0/5/10, problem 10/5/0)", () => {
    const inst = applyOverlay(getInstrument("asq-se-2"), {
      overlay: "site-keys",
      instrument: "asq-se-2",
      description: "test keys for two items of the 2-month form",
      forms: { "2": { itemKeys: { asqse2_1: "problem", asqse2_2: "competence", asqse2_3: "competence" } } },
    });
    expect(inst.definitionVersion).toBe("1.1.0+site-keys");
    const r = scoreAdministration(inst, {
      instrument: "asq-se-2",
      form: "2",
      // item 1 problem: often = 10; item 2 competence: often = 0; item 3 competence: rarely = 10; 13 × Z = 0
      responses: { ...asqResponses(16, "Z"), asqse2_1: "often", asqse2_2: "often", asqse2_3: "rarely" },
    });
    expect(r.scales[0]).toMatchObject({ scale: "total", score: 20, status: "scored" });
    expect(r.issues).toEqual([]);
    // an item without a key still refuses a word answer
    const missingKey = scoreAdministration(inst, { instrument: "asq-se-2", form: "2", responses: { ...asqResponses(16, "Z"), asqse2_4: "often" } });
    expect(missingKey.scales[0]!.status).toBe("not_scorable");
    expect(missingKey.issues.map((i) => [i.code, i.item])).toContainEqual(["item_key_missing", "asqse2_4"]);
  });

  it("a site's own cutoff replaces the built-in band and is reported with the site's source", () => {
    const inst = applyOverlay(getInstrument("epds"), {
      overlay: "dk-site",
      instrument: "epds",
      description: "a local EPDS cutoff of 11",
      references: [{ id: "site", citation: "Local guideline of a Danish municipality, 2026 (test)." }],
      scales: {
        total: {
          bands: {
            source: { ref: "site", provenance: "published" },
            bands: [
              { id: "below", label: "below 11", upper: { value: 11, inclusive: false }, concern: false },
              { id: "above", label: "11 or more", lower: { value: 11, inclusive: true }, concern: true },
            ],
          },
        },
      },
    });
    const responses = { epds_1: 1, epds_2: 1, epds_3: 2, epds_4: 2, epds_5: 2, epds_6: 2, epds_7: 2, epds_8: 2, epds_9: 2, epds_10: 2 }; // total 11
    const total = scoreAdministration(inst, { instrument: "epds", responses }).scales[0]!;
    expect(total.score).toBe(11);
    expect(total.band).toMatchObject({ id: "above", rule: "≥ 11", source: { ref: "site", provenance: "published" } });
    // the built-in is untouched
    expect(scoreAdministration(getInstrument("epds"), { instrument: "epds", responses }).scales[0]!.band!.id).toBe("possible_depression");
  });

  it.each([
    [{ overlay: "x", instrument: "pss", description: "d" }, /overlay is for "pss", not "epds"/],
    [{ overlay: "x", instrument: "epds", description: "d", forms: { "7": { itemKeys: {} } } }, /forms\.7: not a form of epds/],
    [{ overlay: "x", instrument: "epds", description: "d", scales: { nope: {} } }, /scales\.nope: not a scale of epds/],
    [{ overlay: "x", instrument: "epds", description: "d", colour: "red" }, /colour/],
    [
      {
        overlay: "x",
        instrument: "epds",
        description: "d",
        scales: { total: { bands: { source: { ref: "cox1987", provenance: "published" }, bands: [
          { id: "a", label: "a", upper: { value: 10, inclusive: true }, concern: false },
          { id: "b", label: "b", lower: { value: 10, inclusive: true }, concern: true },
        ] } } },
      },
      /scales\[0\]\.bands\[1\]\.lower: at 10 exactly one of the two adjacent bounds must be inclusive/,
    ],
  ])("a broken overlay is refused with the field named (%#)", (json, message) => {
    expect(() => applyOverlay(getInstrument("epds"), json)).toThrow(InstrumentDefinitionError);
    expect(() => applyOverlay(getInstrument("epds"), json)).toThrow(message);
  });
});
