// Output tables as data: the hand-written fast writers agree with the declarations, and every table's CSV
// header is its declaration's column list.
import { describe, expect, it } from "vitest";
import { columns, FIT_TABLE, GOAL_TABLE, LONG_SCORE_COLUMNS, longScoreLines, readResults, defaultRegistry, TREND_TABLE, cohortTable, toRows } from "../src/index.js";
import { LONG_SCORE_TABLE, longScoreRows } from "../src/tables/scores.js";
import { csvRow, describeColumns } from "../src/tables/table.js";
import { ROOT } from "./helpers/cli.js";
import { inProc } from "./helpers/cli.js";

describe("tables as data", () => {
  it("longScoreLines writes exactly the rows of LONG_SCORE_TABLE", async () => {
    const { results } = await readResults({ path: `${ROOT}datasets/demo-cohort.csv` }, defaultRegistry(), {}, () => {});
    expect(results.length).toBeGreaterThan(100);
    for (const r of results) expect(longScoreLines(r)).toBe(longScoreRows([r]).map((row) => csvRow(LONG_SCORE_TABLE, row)).join(""));
    expect(LONG_SCORE_COLUMNS).toEqual(columns(LONG_SCORE_TABLE));
  });

  it.each([
    ["trend", TREND_TABLE],
    ["fit", FIT_TABLE],
    ["goals", GOAL_TABLE],
    ["cohort", cohortTable()],
  ] as const)("%s: the CSV header is the declaration's columns, and --help lists each with its meaning", async (cmd, table) => {
    const argv = [cmd, "datasets/demo-cohort.csv", "--overlay", "datasets/demo-asq-se-2-overlay.json", "--quiet", ...(cmd === "goals" ? ["--goals", "datasets/demo-goals.yaml"] : [])];
    const out = (await inProc(argv)).out;
    expect(out.split("\n")[0]).toBe(columns(table as never).join(","));
    if (cmd !== "fit") expect((await inProc([cmd, "--help"])).out).toContain(describeColumns(table as never).split("\n")[1]!);
  });

  it("toRows gives objects keyed by column name", () => {
    const rows = toRows(cohortTable(["municipality"]), []);
    expect(rows).toEqual([]);
    expect(columns(cohortTable(["municipality", "phase"])).slice(0, 3)).toEqual(["municipality", "phase", "instrument"]);
  });
});
