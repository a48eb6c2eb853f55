// The library example in README.md, run as written, so the README cannot drift from the code.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseTrends, defaultRegistry, getInstrument, loadInstrument, readResults, scoreAdministration } from "../src/index.js";
import { progressionChart, renderPng, renderSvg } from "../src/charts/index.js";
import { inProc, ROOT } from "./helpers/cli.js";

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

describe("README export example and privacy section", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

  it("makes the key with trivsel key new, and has a Privacy and data safety section", () => {
    expect(readme).not.toContain("/dev/urandom");
    expect(readme).toContain("## Privacy and data safety");
    expect(readme).toMatch(/npx trivsel key new site\.key/);
  });

  it("runs the export example as written: a key of 32 bytes with mode 600, then a pseudonymised export with municipality kept", async () => {
    const block = /```sh\n(npx trivsel key new[^`]*)```/.exec(readme)![1]!;
    const commands = block
      .replace(/\\\n\s*/g, "")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.replace(/\s+#.*$/, "").replace(/^npx trivsel /, "").split(/\s+/));
    const d = mkdtempSync(join(tmpdir(), "trivsel-readme-"));
    try {
      const abs = (a: string) => (a.startsWith("datasets/") ? join(ROOT, a) : a);
      const key = await inProc(commands[0]!.map(abs), d);
      expect(key.code).toBe(0);
      expect(statSync(join(d, "site.key")).size).toBe(32);
      const r = await inProc(commands[1]!.map(abs), d);
      // the demo cohort holds deliberate entry errors: exit 2, and the export is written
      expect(r.code).toBe(2);
      const header = readFileSync(join(d, "cohort.csv"), "utf8").split("\n")[0];
      expect(header).toBe(
        "subject_id,day,respondent,phase,municipality,instrument,definition_version,form,scale,direction,score,status,band,band_concern,band_rule,cutoff_provenance,cutoff_source,n_answered,n_items,flags,provisional",
      );
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
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
