/**
 * Golden cases: every built-in instrument scored against values worked out by hand from the manuals'
 * rules (tests/fixtures/golden/<id>.json; each case names its source and shows its arithmetic).
 * A case marked "knownBug" documents a trivsel bug: it runs with it.fails, so the suite stays green
 * while the bug is open and turns red once the bug is fixed and the marker should go.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { getInstrument, listInstruments, scoreAdministration, type Administration, type ScaleStatus } from "../src/index.js";

interface ExpectedScale {
  score?: number | null;
  status?: ScaleStatus;
  band?: string | null;
  nAnswered?: number;
  nItems?: number;
  flags?: string[];
}

interface GoldenCase {
  name: string;
  source: string;
  working?: string;
  knownBug?: string;
  administration: Omit<Administration, "instrument">;
  expected: {
    form?: string | null;
    scales: Record<string, ExpectedScale>;
    issueCodes?: string[];
    /** classification item → code (null: empty or not allowed); coded instruments only */
    classifications?: Record<string, string | null>;
  };
}

interface GoldenFile {
  instrument: string;
  cases: GoldenCase[];
}

const dir = fileURLToPath(new URL("./fixtures/golden/", import.meta.url));
const golden = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, data: JSON.parse(readFileSync(dir + file, "utf8")) as GoldenFile }));

const sortedUnique = (xs: readonly string[]) => [...new Set(xs)].sort();

describe("golden files", () => {
  it("every built-in instrument has a golden file", () => {
    const have = new Set(golden.map((g) => g.data.instrument));
    const missing = listInstruments()
      .map((i) => i.id)
      .filter((id) => !have.has(id));
    expect(missing).toEqual([]);
  });

  it.each(golden.map((g) => [g.file, g.data] as const))("%s names its instrument and has cases", (file, data) => {
    expect(file).toBe(`${data.instrument}.json`);
    expect(Array.isArray(data.cases) && data.cases.length > 0).toBe(true);
    for (const c of data.cases) {
      expect(c.name.length, `${file}: a case without a name`).toBeGreaterThan(0);
      expect(c.source?.length ?? 0, `${file}: "${c.name}" has no source`).toBeGreaterThan(0);
    }
  });
});

for (const { file, data } of golden) {
  describe(`${data.instrument} (${file})`, () => {
    for (const c of data.cases) {
      const run = c.knownBug ? it.fails : it;
      run(c.name, () => {
        const inst = getInstrument(data.instrument);
        const responses = Object.freeze({ ...c.administration.responses });
        const administration: Administration = Object.freeze({ instrument: data.instrument, ...c.administration, responses });
        const before = JSON.stringify(administration);

        const result = scoreAdministration(inst, administration);

        expect(JSON.stringify(administration), "scoring must not mutate its input").toBe(before);
        if ("form" in c.expected) expect(result.form, "form").toBe(c.expected.form);

        // every scale of the instrument is pinned, so a case cannot silently skip one
        expect(result.scales.map((s) => s.scale).sort(), "scales").toEqual(Object.keys(c.expected.scales).sort());
        for (const [id, exp] of Object.entries(c.expected.scales)) {
          const got = result.scales.find((s) => s.scale === id)!;
          const where = `scale ${id}`;
          if (exp.score !== undefined) {
            if (exp.score === null) expect(got.score, `${where} score`).toBeNull();
            else {
              expect(got.score, `${where} score`).not.toBeNull();
              expect(got.score!, `${where} score`).toBeCloseTo(exp.score, 9);
            }
          }
          if (exp.status !== undefined) expect(got.status, `${where} status`).toBe(exp.status);
          if (exp.band !== undefined) expect(got.band?.id ?? null, `${where} band`).toBe(exp.band);
          if (exp.nAnswered !== undefined) expect(got.nAnswered, `${where} nAnswered`).toBe(exp.nAnswered);
          if (exp.nItems !== undefined) expect(got.nItems, `${where} nItems`).toBe(exp.nItems);
          if (exp.flags !== undefined) expect(sortedUnique(got.flags), `${where} flags`).toEqual(sortedUnique(exp.flags));
        }

        if (c.expected.classifications !== undefined) {
          const got = Object.fromEntries((result.classifications ?? []).map((x) => [x.item, x.code]));
          expect(got, "classifications").toEqual(c.expected.classifications);
        } else expect(result.classifications, "classifications").toBeUndefined();

        // the listed codes must all appear, and no other code may: a clean case lists none
        expect(sortedUnique(result.issues.map((i) => i.code)), "issue codes").toEqual(sortedUnique(c.expected.issueCodes ?? []));
      });
    }
  });
}
