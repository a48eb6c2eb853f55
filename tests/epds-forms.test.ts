// EPDS before and after birth: the form (and so the bands) follows administered_on against birth_date.
import { describe, expect, it } from "vitest";
import { applyOverlay, getInstrument, scoreAdministration } from "../src/index.js";
import { run } from "../src/cli/run.js";
import { memoryIo } from "../src/cli/io.js";

// items 1, 2, 4 as recorded (3 + 3 + 3) and 3, 5–10 reversed (3 − x): 0 + 0 + 1 + 1 + 1 + 1 + 0 = 13
const R13 = { epds_1: 3, epds_2: 3, epds_3: 3, epds_4: 3, epds_5: 3, epds_6: 2, epds_7: 2, epds_8: 2, epds_9: 2, epds_10: 3 };
const head = `subject_id,administered_on,birth_date,${Object.keys(R13).join(",")}`;
const row = (on: string, birth: string) => `F1,${on},${birth},${Object.values(R13).join(",")}`;

describe("EPDS antenatal and postnatal forms", () => {
  it("13 in pregnancy is possible (not probable) depression by the antenatal threshold 15; from the birth date on, probable", async () => {
    const io = memoryIo([head, row("2025-01-09", "2025-01-10"), row("2025-01-10", "2025-01-10")].join("\n") + "\n");
    expect(await run(["score", "-", "--quiet"], io)).toBe(0);
    const totals = io.out.split("\n").filter((l) => l.includes(",total,"));
    expect(totals).toEqual([
      "F1,2025-01-09,,epds,antenatal,total,13,scored,possible_depression,10,10,provisional_cutoff",
      "F1,2025-01-10,,epds,postnatal,total,13,scored,probable_depression,10,10,",
    ]);
  });

  it("without a birth date the postnatal form is used and the output says so", async () => {
    const io = memoryIo(`subject_id,administered_on,${Object.keys(R13).join(",")}\nF1,2025-01-09,${Object.values(R13).join(",")}\n`);
    expect(await run(["score", "-"], io)).toBe(0);
    expect(io.out).toContain("F1,2025-01-09,,epds,postnatal,total,13,scored,probable_depression,10,10,");
    expect(io.err).toMatch(/row 2: warning \[form_assumed\] epds: no birth_date: form "postnatal" is used; give birth_date or form \(antenatal or postnatal\)/);
  });

  it("a site overlay replaces the antenatal bands (e.g. a Danish local cutoff)", () => {
    const src = { ref: "site", provenance: "policy" as const };
    const site = applyOverlay(getInstrument("epds"), {
      overlay: "odense",
      instrument: "epds",
      description: "Odense: local antenatal cutoff 13",
      references: [{ id: "site", citation: "Odense Kommune, local EPDS procedure (2026)." }],
      forms: {
        antenatal: {
          bands: {
            total: {
              source: src,
              bands: [
                { id: "below_threshold", label: "Below", upper: { value: 13, inclusive: false }, concern: false },
                { id: "probable_depression", label: "Probable depression (local)", lower: { value: 13, inclusive: true }, concern: true },
              ],
            },
          },
        },
      },
    });
    const r = scoreAdministration(site, { instrument: "epds", administeredOn: "2025-01-09", birthDate: "2025-01-10", responses: R13 });
    expect(r).toMatchObject({ form: "antenatal", definitionVersion: expect.stringMatching(/\+odense$/) });
    expect(r.scales[0]).toMatchObject({ score: 13, band: { id: "probable_depression", source: { ref: "site", provenance: "policy" } }, flags: [] });
  });
});
