// --dialect excel-da and TRIVSEL_DIALECT: semicolon, decimal comma, UTF-8 BOM, CRLF for every CSV output.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../src/cli/io.js";
import { run } from "../src/cli/run.js";
import { csvLineIn, CSV_DIALECTS } from "../src/io/csv.js";
import { inProc, ROOT } from "./helpers/cli.js";

const DEMO = ["datasets/demo-cohort.csv", "--overlay", "datasets/demo-asq-se-2-overlay.json", "--quiet"];

describe("CSV dialects", () => {
  it("excel-da: semicolon, decimal comma, CRLF; cells with a semicolon are quoted", () => {
    expect(csvLineIn(CSV_DIALECTS["excel-da"], ["F1", 2.5, null, "a;b", 3])).toBe('F1;2,5;;"a;b";3\r\n');
    expect(csvLineIn(CSV_DIALECTS.standard, ["F1", 2.5, null, "a;b", 3])).toBe('F1,2.5,,"a;b",3\n');
  });

  it.each(["score", "trend", "fit", "cohort"])("%s --dialect excel-da writes BOM, semicolons and CRLF; the standard output is the same table", async (cmd) => {
    const da = await inProc([cmd, ...DEMO, "--dialect", "excel-da"]);
    const std = await inProc([cmd, ...DEMO]);
    expect(da.out.startsWith("\uFEFF")).toBe(true);
    const daLines = da.out.slice(1).split("\r\n");
    const stdLines = std.out.split("\n");
    expect(daLines.length).toBe(stdLines.length);
    expect(daLines[0]).toBe(stdLines[0]!.replaceAll(",", ";"));
  });

  it("TRIVSEL_DIALECT makes excel-da the default, for the issues file too; a wrong value is a usage error", async () => {
    const d = mkdtempSync(join(tmpdir(), "trivsel-dialect-"));
    const io = Object.assign(memoryIo(), { cwd: ROOT, env: { TRIVSEL_DIALECT: "excel-da" } });
    expect(await run(["validate", ...DEMO, "--issues", join(d, "issues.csv")], io)).toBe(2);
    const issues = readFileSync(join(d, "issues.csv"), "utf8");
    expect(issues).toMatch(/^\uFEFFfile;row;column;/);
    expect(issues).toContain("\r\n");
    const bad = Object.assign(memoryIo(), { cwd: ROOT, env: { TRIVSEL_DIALECT: "excel" } });
    expect(await run(["trend", ...DEMO], bad)).toBe(1);
    expect(bad.err).toMatch(/TRIVSEL_DIALECT must be one of standard, excel-da; received "excel"/);
  });
});
