import { describe, expect, it } from "vitest";
import { exportColumns } from "../export/cohort.js";
import type { ClassificationResult, ScaleResult } from "../schema/results.js";
import { dictionaryRows, exportTable, type ExportHead } from "./export.js";
import { columns, csvRow } from "./table.js";

const head: ExportHead = { subject: "p_bcdf", date: 3, result: { respondent: "mother", phase: undefined, instrument: "aai", definitionVersion: "1.0.0", form: null }, kept: ["north"] };

describe("the export's table", () => {
  it("places the kept columns after phase and names the date column by the date mode", () => {
    expect(columns(exportTable(["municipality"], { pseudonymized: true, relativeDates: true })).slice(0, 6)).toEqual(["subject_id", "day", "respondent", "phase", "municipality", "instrument"]);
    expect(columns(exportTable([], { pseudonymized: false, relativeDates: false }))[1]).toBe("administered_on");
  });

  it("is the data dictionary: exportColumns and the dictionary rows come from the same declaration", () => {
    const opts = { pseudonymized: true, relativeDates: false };
    const t = exportTable(["site"], opts);
    expect(dictionaryRows(t)).toEqual(exportColumns(["site"], opts).map((c) => [c.column, c.meaning, c.type, c.allowed]));
  });

  it("writes a classification row with the code in band and its meaning in band_rule", () => {
    const classification: ClassificationResult = { item: "aairf_2", label: "x", code: "Ds", meaning: "dismissing", flags: [], source: { ref: "main", provenance: "published" } };
    const t = exportTable(["site"], { pseudonymized: true, relativeDates: true });
    expect(csvRow(t, { head, classification })).toBe("p_bcdf,3,mother,,north,aai,1.0.0,,aairf_2,none,,classified,Ds,,dismissing,published,main,1,1,,false\n");
  });

  it("writes a scale row", () => {
    const scale = { scale: "total", direction: "higher_is_worse", score: 12.5, status: "scored", band: undefined, nAnswered: 4, nItems: 4, flags: ["a", "b"], provisional: true } as unknown as ScaleResult;
    const t = exportTable([], { pseudonymized: false, relativeDates: false });
    expect(csvRow(t, { head: { ...head, date: "2024-01-02", kept: [] }, scale })).toBe("p_bcdf,2024-01-02,mother,,aai,1.0.0,,total,higher_is_worse,12.5,scored,,,,,,4,4,\"a;b\",true\n");
  });
});
