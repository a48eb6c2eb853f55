import { describe, expect, it } from "vitest";
import { analyseTrends, defaultRegistry } from "../../src/index.js";
import { run } from "../../src/cli/run.js";
import { memoryIo } from "../../src/cli/io.js";
import { fake } from "./helpers.js";

const pss = (id: string, d: string, s: number, respondent = "mother") => fake("pss", "total", id, d, s, { respondent });

describe("--norms sample (SD of the baselines in the file, R clinicalsignificance's convention)", () => {
  // baselines 30, 40, 50: sample SD = 10 (n − 1). PSS reliability .83 (berry1995, alpha).
  // S_diff = 10·√2·√0.17 = 5.830952; reliable when |change| > 1.96·5.830952 = 11.42867
  const data = [pss("F1", "2024-01-01", 30), pss("F1", "2024-04-01", 18), pss("F2", "2024-01-01", 40), pss("F2", "2024-04-01", 35), pss("F3", "2024-01-01", 50), pss("F3", "2024-04-01", 62)];

  it("gives a verdict for a scale with a published reliability but no SD, and names the sample", () => {
    const { analyses } = analyseTrends(data, defaultRegistry(), { normsFrom: "sample" });
    const by = Object.fromEntries(analyses.map((a) => [a.subjectId, a]));
    expect(by.F1!.rci).toBeCloseTo(-12 / 5.830952, 5); // −2.05798
    expect(by.F1).toMatchObject({ reliableChange: "improved", category: "improved", norms: { kind: "sample", n: 3, provisional: false } });
    expect(by.F2).toMatchObject({ reliableChange: "none", category: "unchanged" });
    expect(by.F3).toMatchObject({ reliableChange: "worsened", category: "deteriorated" });
    expect(by.F1!.basis).toMatchObject({ kind: "jacobson_truax", sd: 10, reliability: 0.83, sdFrom: "sample: SD of 3 baselines in the file" });
  });

  it("without the flag the same series say no_norms, never insufficient_data", () => {
    const { analyses } = analyseTrends(data, defaultRegistry());
    expect(analyses.map((a) => a.category)).toEqual(["no_norms", "no_norms", "no_norms"]);
    expect(analyses.every((a) => a.norms.kind === "none")).toBe(true);
  });

  it("one baseline, or baselines with no spread, give no SD: no_norms with the reason", () => {
    const one = analyseTrends(data.slice(0, 2), defaultRegistry(), { normsFrom: "sample" }).analyses[0]!;
    expect(one.category).toBe("no_norms");
    expect(one.notes).toContain("--norms sample: only 1 baseline in the file; an SD needs at least 2");
    // 4.3 + 5.2 + ... style float noise must not pass for spread: two baselines of exactly 30
    const flat = analyseTrends([pss("F1", "2024-01-01", 30), pss("F1", "2024-02-01", 20), pss("F2", "2024-01-01", 30), pss("F2", "2024-02-01", 31)], defaultRegistry(), { normsFrom: "sample" }).analyses;
    expect(flat.map((a) => a.category)).toEqual(["no_norms", "no_norms"]);
    expect(flat[0]!.notes).toContain("--norms sample: the 2 baselines in the file are all equal (SD 0)");
  });

  it("respondents get their own sample SD (raters are never pooled)", () => {
    const mixed = [...data, pss("F1", "2024-01-01", 20, "father"), pss("F1", "2024-04-01", 22, "father")];
    const father = analyseTrends(mixed, defaultRegistry(), { normsFrom: "sample" }).analyses.find((a) => a.respondent === "father")!;
    expect(father.category).toBe("no_norms");
  });

  it("a scale with a fixed reliable-change size keeps its definition basis under --norms sample", () => {
    const epds = [fake("epds", "total", "F1", "2024-01-01", 14), fake("epds", "total", "F1", "2024-02-01", 9), fake("epds", "total", "F2", "2024-01-01", 12), fake("epds", "total", "F2", "2024-02-01", 12)];
    const a = analyseTrends(epds, defaultRegistry(), { normsFrom: "sample" }).analyses[0]!;
    expect(a).toMatchObject({ category: "improved", norms: { kind: "definition" }, basis: { kind: "points", points: 4 } });
  });

  it("trivsel trend --norms sample writes the norms column; a bad value is a usage error", async () => {
    const cols = Array.from({ length: 18 }, (_, i) => `pss_${i + 1}`).join(",");
    // all 2s: items 1,2,5,6,7,8,17,18 reversed (6 − 2 = 4): 10·2 + 8·4 = 52; all 3s: 54; all 4s: 10·4 + 8·2 = 56
    const row = (id: string, d: string, v: number) => `${id},${d},mother,${Array(18).fill(v).join(",")}`;
    const text = [`subject_id,administered_on,respondent,${cols}`, row("F1", "2024-01-01", 2), row("F1", "2024-03-01", 4), row("F2", "2024-01-01", 4), row("F2", "2024-03-01", 4)].join("\n") + "\n";
    const io = memoryIo(text);
    expect(await run(["trend", "-", "--norms", "sample", "--quiet"], io)).toBe(0);
    // baselines 52 and 56: SD = 2.828427; S_diff = 2.828427·√2·√0.17 = 1.649242; F1 +4 → RCI 2.425356; slope 4 points over 60 days = 4·7/60 per week
    expect(io.out.split("\n")[1]).toBe("F1,mother,pss,total,,2,2024-01-01,2024-03-01,52,56,4,2.425356,worsened,deteriorated,0.466667,sample n=2");
    const bad = memoryIo(text);
    expect(await run(["trend", "-", "--norms", "published"], bad)).toBe(1);
    expect(bad.err).toMatch(/--norms must be sample; received "published"/);
  });
});
