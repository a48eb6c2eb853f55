import { describe, expect, it } from "vitest";
import { columns, describeColumns, toCsv, toRows, type Table } from "./table.js";

const t: Table<{ id: string; score: number | null }> = {
  row: "subject",
  columns: [
    { name: "subject_id", meaning: "the subject", get: (r) => r.id },
    { name: "score", meaning: "the score", unit: "points", get: (r) => r.score },
  ],
};

describe("tables as data", () => {
  it("names, rows, CSV and help come from one declaration", () => {
    const rows = [{ id: "F1", score: 3.5 }, { id: "F,2", score: null }];
    expect(columns(t)).toEqual(["subject_id", "score"]);
    expect(toRows(t, rows)).toEqual([{ subject_id: "F1", score: 3.5 }, { subject_id: "F,2", score: null }]);
    expect(toCsv(t, rows)).toBe('subject_id,score\nF1,3.5\n"F,2",\n');
    expect(describeColumns(t)).toBe("  subject_id: the subject\n  score: the score (points)");
  });
});
