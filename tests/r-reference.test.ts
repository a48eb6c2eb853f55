/**
 * trivsel against R: every scale of the Likert instruments is scored on 300 random complete
 * administrations each and compared with psych::scoreItems (checked there against rowSums/rowMeans).
 * The keys in tests/reference/generate.R are written out from the scoring keys, not read from
 * instruments/*.json, so a wrong key in a definition file fails here.
 *
 * Regenerate the fixtures (needs R and psych; Debian: apt-get install r-base-core r-cran-psych):
 *   Rscript tests/reference/generate.R
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { getInstrument, scoreAdministration } from "../src/index.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/r-reference/", import.meta.url));
// Listed, not globbed, so a missing fixture file fails instead of silently testing less.
const INSTRUMENTS = ["pss", "epds", "adbb", "m-adbb", "prfq", "rfq-8"] as const;
const TOLERANCE = 1e-9;

interface Fixture {
  generatedBy: string;
  seed: number;
  r: string;
  psych: string;
  instrument: string;
  cases: { responses: Record<string, number>; expected: Record<string, number> }[];
}

function readFixture(id: string): Fixture {
  return JSON.parse(readFileSync(`${FIXTURES}${id}.json`, "utf8")) as Fixture;
}

describe.each(INSTRUMENTS)("%s matches psych::scoreItems", (id) => {
  it("fixture exists and has cases for every scale", () => {
    const fx = readFixture(id);
    expect(fx.instrument).toBe(id);
    expect(fx.generatedBy).toBe("tests/reference/generate.R");
    expect(fx.cases.length).toBeGreaterThanOrEqual(100);
    const inst = getInstrument(id);
    const scaleIds = inst.def.scales.map((s) => s.id).sort();
    const itemIds = [...inst.items.keys()].sort();
    for (const c of fx.cases) {
      expect(Object.keys(c.expected).sort()).toEqual(scaleIds);
      expect(Object.keys(c.responses).sort()).toEqual(itemIds);
      for (const v of Object.values(c.expected)) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it("every case scores within 1e-9 of R", () => {
    const fx = readFixture(id);
    expect(fx.cases.length).toBeGreaterThan(0);
    const inst = getInstrument(id);
    const mismatches: string[] = [];
    let compared = 0;
    fx.cases.forEach((c, i) => {
      // the EPDS keys are the same on its antenatal and postnatal forms; naming one avoids the no-birth-date warning
      const res = scoreAdministration(inst, { instrument: id, responses: c.responses, ...(id === "epds" ? { form: "postnatal" } : {}) });
      if (res.issues.length > 0) mismatches.push(`case ${i}: issues ${res.issues.map((x) => x.code).join(", ")}`);
      for (const [scale, want] of Object.entries(c.expected)) {
        const got = res.scales.find((s) => s.scale === scale);
        if (!got) {
          mismatches.push(`case ${i} ${scale}: no such scale in result`);
          continue;
        }
        compared++;
        if (got.status !== "scored" || got.score === null || Math.abs(got.score - want) >= TOLERANCE) {
          mismatches.push(`case ${i} ${scale}: trivsel ${got.score} (${got.status}), R ${want}`);
        }
      }
    });
    expect(mismatches).toEqual([]);
    expect(compared).toBe(fx.cases.length * inst.def.scales.length);
  });
});
