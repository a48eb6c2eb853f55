// trivsel/charts as a package subpath: built for import and require, with vega loaded only when a chart
// is rendered, so that require("trivsel") never meets vega's top-level await (tests/api.test.ts).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

describe("trivsel/charts", () => {
  it("is exported with types for import and require", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(pkg.exports["./charts"]).toEqual({
      import: { types: "./dist/charts.d.ts", default: "./dist/charts.js" },
      require: { types: "./dist/charts.d.cts", default: "./dist/charts.cjs" },
      default: "./dist/charts.js",
    });
  });

  it("renders an SVG through require() and through import (dist is built by pretest)", () => {
    const script = (load: string) =>
      `${load}; const spec = c.progressionChart({ instrument: t.getInstrument("pss"), scale: "total", analyses: [] }, { lang: "en" }); c.renderSvg(spec).then((s) => console.log(s.slice(0, 4), s.includes("Parental stress")))`;
    const cjs = execFileSync(process.execPath, ["-e", script(`const c = require("trivsel/charts"), t = require("trivsel")`)], { cwd: ROOT, encoding: "utf8" });
    expect(cjs.trim()).toBe("<svg true");
    const esm = execFileSync(process.execPath, ["--input-type=module", "-e", script(`const c = await import("trivsel/charts"), t = await import("trivsel")`)], { cwd: ROOT, encoding: "utf8" });
    expect(esm.trim()).toBe("<svg true");
  });

  it("keeps vega out of the main entry", () => {
    for (const f of ["dist/index.js", "dist/index.cjs"]) expect(readFileSync(`${ROOT}/${f}`, "utf8")).not.toMatch(/from ["']vega|require\(["']vega/);
  });
});
