/** Output formats for scored results. The long CSV columns are a public contract. */
import type { Registry } from "../registry/registry.js";
import type { Issue, ScoreResult } from "../schema/results.js";
import { csvCell, csvLine } from "./csv.js";

export const LONG_SCORE_COLUMNS = [
  "subject_id",
  "administered_on",
  "respondent",
  "instrument",
  "form",
  "scale",
  "score",
  "status",
  "band",
  "n_answered",
  "n_items",
  "flags",
] as const;

export const ISSUE_COLUMNS = ["file", "row", "column", "value", "code", "severity", "message"] as const;

/** What csvLine gives for the LONG_SCORE_COLUMNS of each scale; the administration's cells are quoted once. */
export function longScoreLines(r: ScoreResult): string {
  if (r.scales.length === 0) return "";
  const head = `${csvCell(r.subjectId)},${csvCell(r.administeredOn)},${csvCell(r.respondent)},${csvCell(r.instrument)},${csvCell(r.form)},`;
  let out = "";
  for (const s of r.scales)
    out += `${head}${csvCell(s.scale)},${csvCell(s.score)},${csvCell(s.status)},${csvCell(s.band?.id)},${csvCell(s.nAnswered)},${csvCell(s.nItems)},${csvCell(s.flags.join(";"))}\n`;
  return out;
}

/** Wide output: one row per administration, score/status/band columns per instrument scale in the file. */
export function wideLayout(registry: Registry, instruments: readonly string[]) {
  const cols = instruments.flatMap((id) => registry.get(id).scales.map((s) => ({ id, scale: s.id })));
  const header = csvLine([
    "subject_id",
    "administered_on",
    "respondent",
    "phase",
    "instrument",
    "form",
    "source_row",
    ...cols.flatMap((c) => [`${c.id}.${c.scale}.score`, `${c.id}.${c.scale}.status`, `${c.id}.${c.scale}.band`, `${c.id}.${c.scale}.flags`]),
  ]);
  const line = (r: ScoreResult) => {
    const cells: (string | number | null | undefined)[] = [r.subjectId, r.administeredOn, r.respondent, r.phase, r.instrument, r.form, r.source?.row];
    for (const c of cols) {
      const s = c.id === r.instrument ? r.scales.find((x) => x.scale === c.scale) : undefined;
      cells.push(s?.score, s?.status, s?.band?.id, s?.flags.join(";"));
    }
    return csvLine(cells);
  };
  return { header, line };
}

export const issueLine = (i: Issue): string => csvLine([i.file, i.row, i.item, i.received, i.code, i.severity, i.message]);

/** One line for a terminal: file:row: severity [code] message */
export function formatIssue(i: Issue): string {
  const where = [i.file, i.row !== undefined ? `row ${i.row}` : undefined, i.item !== undefined ? `column ${i.item}` : undefined].filter(Boolean).join(", ");
  return `${where ? `${where}: ` : ""}${i.severity} [${i.code}] ${i.instrument && i.scale ? `${i.instrument}.` : ""}${i.message}`;
}
