import { describe, expect, it } from "vitest";
import { assessChange, changeBasis, jacobsonTruax, jacobsonTruaxCutoffs, getInstrument, rci } from "../../src/index.js";

const def = (inst: string, scale = "total") => getInstrument(inst).scales.find((s) => s.id === scale)!.def;

describe("Jacobson–Truax reliable change", () => {
  // Worked by hand from JT 1991: S_diff = SD·√2·√(1−r) = 5·1.41421·0.44721 = 3.16228;
  // RCI = (20 − 30)/3.16228 = −3.16228; threshold 1.96·3.16228 = 6.19806.
  it("sd 5, r .8: S_diff 3.1623, before 30 after 20 → RCI −3.162", () => {
    const jt = jacobsonTruax(5, 0.8);
    expect(jt.sDiff).toBeCloseTo(3.16228, 5);
    expect(jt.threshold).toBeCloseTo(6.19806, 5);
    expect(rci(30, 20, jt.sDiff)).toBeCloseTo(-3.16228, 5);
  });

  it("reads a 10-point drop as improvement on a higher-is-worse scale and as worsening on a higher-is-better one", () => {
    const { basis } = changeBasis(undefined, { sd: 5, reliability: 0.8 });
    expect(basis).not.toBeNull();
    expect(assessChange(30, 20, basis!, "higher_is_worse")).toMatchObject({ change: -10, reliable: true, verdict: "improved" });
    expect(assessChange(30, 20, basis!, "higher_is_better")).toMatchObject({ change: -10, reliable: true, verdict: "worsened" });
    expect(assessChange(30, 20, basis!, "none")).toMatchObject({ verdict: "changed" });
    // 6 points < threshold 6.198: not reliable
    expect(assessChange(30, 24, basis!, "higher_is_worse")).toMatchObject({ reliable: false, verdict: "none" });
  });

  it("ORS uses the definition's fixed 5 points (no RCI); EPDS 4 points", () => {
    const o = changeBasis(def("ors"));
    expect(o.basis).toMatchObject({ kind: "points", points: 5 });
    expect(assessChange(20, 25, o.basis!, "higher_is_better")).toEqual({ change: 5, rci: null, reliable: true, verdict: "improved" });
    expect(assessChange(20, 24.9, o.basis!, "higher_is_better").reliable).toBe(false);
    const e = changeBasis(def("epds"));
    expect(e.basis).toMatchObject({ kind: "points", points: 4 });
    expect(assessChange(14, 10, e.basis!, "higher_is_worse").verdict).toBe("improved");
  });

  it("says what is missing instead of inventing norms", () => {
    // PSS has reliability .83 (berry1995) but no SD in its definition
    const pss = changeBasis(def("pss"));
    expect(pss.basis).toBeNull();
    expect("reason" in pss && pss.reason).toMatch(/no norms.*reliability 0\.83.*no published SD; give --sd, or --norms sample/);
    const madbb = changeBasis(def("m-adbb"));
    expect("reason" in madbb && madbb.reason).toBe("no norms for reliable change: the definition has no published reliability for this scale; give --sd and --reliability");
    // --sd completes the definition's reliability: S_diff = 8·√2·√0.17 = 4.66476
    const withSd = changeBasis(def("pss"), { sd: 8 });
    expect(withSd.basis).toMatchObject({ kind: "jacobson_truax", reliability: 0.83, reliabilityFrom: "norm berry1995 (alpha); published", norms: { kind: "user", provisional: false } });
    expect(withSd.basis!.kind === "jacobson_truax" && withSd.basis!.sDiff).toBeCloseTo(4.66476, 5);
  });
});

describe("Jacobson–Truax cutoffs", () => {
  // Hand-worked: clinical M 30 SD 6, functional M 15 SD 4 (higher is worse):
  // a = 30 − 2·6 = 18; b = 15 + 2·4 = 23; c = (6·15 + 4·30)/(6 + 4) = 210/10 = 21.
  it("a, b, c for a higher-is-worse scale", () => {
    expect(jacobsonTruaxCutoffs({ mean: 30, sd: 6 }, { mean: 15, sd: 4 }, "higher_is_worse")).toEqual({ a: 18, b: 23, c: 21 });
  });
  // Mirror: clinical M 20 SD 5, functional M 32 SD 3 (higher is better): a = 30, b = 26, c = (5·32 + 3·20)/8 = 27.5
  it("a, b, c for a higher-is-better scale", () => {
    expect(jacobsonTruaxCutoffs({ mean: 20, sd: 5 }, { mean: 32, sd: 3 }, "higher_is_better")).toEqual({ a: 30, b: 26, c: 27.5 });
  });
});

describe("formatNormsSource", () => {
  it("writes kind, n= and provisional, in that order, whatever was written before (its texts are remembered per kind)", async () => {
    const { formatNormsSource } = await import("../../src/index.js");
    const cases: [Parameters<typeof formatNormsSource>[0], string][] = [
      [{ kind: "definition", provisional: false }, "definition"],
      [{ kind: "definition", provisional: true }, "definition provisional"],
      [{ kind: "sample", n: 12, provisional: false }, "sample n=12"],
      [{ kind: "sample", n: 0, provisional: true }, "sample n=0 provisional"],
      [{ kind: "user", provisional: true }, "user provisional"],
      [{ kind: "none", provisional: false }, "none"],
    ];
    // twice, in both orders: a remembered text never stands for another source
    for (const list of [cases, [...cases].reverse(), cases]) for (const [s, text] of list) expect(formatNormsSource(s)).toBe(text);
  });
});
