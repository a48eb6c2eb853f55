// The library example in README.md, run as written, so the README cannot drift from the code.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseTrends, defaultRegistry, getInstrument, loadInstrument, readResults, scoreAdministration } from "../src/index.js";
import { progressionChart, renderPng, renderSvg } from "../src/charts/index.js";

describe("README library example", () => {
  it("scores the EPDS example as the README says", () => {
    const epds = getInstrument("epds");
    const result = scoreAdministration(epds, {
      instrument: "epds",
      subjectId: "F001",
      administeredOn: "2026-03-02",
      birthDate: "2025-12-01",
      responses: { epds_1: 1, epds_2: 1, epds_3: 2, epds_4: 2, epds_5: 2, epds_6: 2, epds_7: 2, epds_8: 2, epds_9: 2, epds_10: 2 },
    });
    const total = result.scales.find((s) => s.scale === "total")!;
    // 1 + 1 + (3−2) + 2 + (3−2)×6 = 11 (Cox et al. 1987 scoring: items 3, 5–10 reversed)
    expect(total.score).toBe(11);
    expect(total.band?.id).toBe("possible_depression");
    expect(total.flags).toEqual(["self_harm"]);
    expect(result).toMatchObject({ form: "postnatal", issues: [] });
  });

  it("shows the same responses in README.md as this test", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain("epds_1: 1, epds_2: 1, epds_3: 2, epds_4: 2, epds_5: 2, epds_6: 2, epds_7: 2, epds_8: 2, epds_9: 2, epds_10: 2");
    expect(readme).toContain("total.score;        // 11");
    expect(readme).toContain('birthDate: "2025-12-01"');
  });

  it("loads the user definition the README points to", () => {
    const json = JSON.parse(readFileSync(new URL("./fixtures/user-definitions/demo-4.json", import.meta.url), "utf8"));
    expect(loadInstrument(json, { file: "demo-4.json" }).id).toBe("demo-4");
  });
});

describe("README chart example", () => {
  it("writes the SVG and PNG as the README says, with the lines the README shows", async () => {
    const out = mkdtempSync(join(tmpdir(), "trivsel-readme-"));
    const registry = defaultRegistry();
    const { results } = await readResults({ path: "datasets/demo-cohort.csv" }, registry, { instrument: "epds" }, () => {});
    const f005 = results.filter((r) => r.subjectId === "F005");
    const { analyses } = analyseTrends(f005, registry, { instrument: "epds", scale: "total" });
    const spec = progressionChart({ instrument: registry.get("epds"), scale: "total", analyses }, { lang: "en" });
    writeFileSync(join(out, "F005-epds.svg"), await renderSvg(spec));
    writeFileSync(join(out, "F005-epds.png"), await renderPng(spec));
    const svg = readFileSync(join(out, "F005-epds.svg"), "utf8");
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain("Depressive symptoms");
    expect(readFileSync(join(out, "F005-epds.png")).subarray(1, 4).toString()).toBe("PNG");
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const line of [
      `const { results } = await readResults({ path: "datasets/demo-cohort.csv" }, registry, { instrument: "epds" }, () => {});`,
      `const { analyses } = analyseTrends(f005, registry, { instrument: "epds", scale: "total" });`,
      `const spec = progressionChart({ instrument: registry.get("epds"), scale: "total", analyses }, { lang: "en" });`,
      `writeFileSync("F005-epds.svg", await renderSvg(spec));`,
    ])
      expect(readme).toContain(line);
  });
});
