/** The issues table (`--issues <file>`): one row per issue. */
import type { Issue } from "../schema/results.js";
import { measureColumns, type Table } from "./table.js";

export const ISSUE_TABLE: Table<Issue> = {
  row: "issue",
  columns: [
    { name: "file", meaning: "the input file", get: (i) => i.file },
    { name: "row", meaning: "the row as a spreadsheet numbers it (the header is row 1)", get: (i) => i.row },
    { name: "column", meaning: "the column (or item) the issue is about", get: (i) => i.item },
    { name: "subject_id", meaning: "the administration's subject (never in a pseudonymised export)", get: (i) => i.subjectId },
    { name: "administered_on", meaning: "the administration's date (never in a pseudonymised export)", get: (i) => i.administeredOn },
    ...measureColumns(),
    { name: "code", meaning: "the issue's code", get: (i) => i.code },
    { name: "severity", meaning: "error, warning or info", get: (i) => i.severity },
    { name: "value", meaning: "the value found (never in a pseudonymised export)", get: (i) => i.received },
    { name: "expected", meaning: "what was expected", get: (i) => i.expected },
    { name: "message", meaning: "what is wrong and what was expected", get: (i) => i.message },
  ],
};
