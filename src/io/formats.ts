/** Output formats for scored results. The long CSV columns are a public contract. */
import type { Registry } from "../registry/registry.js";
import type { Issue, ScoreResult } from "../schema/results.js";
import { csvCell, CSV_DIALECTS, csvHeaderIn, csvLineIn, type CsvDialect } from "./csv.js";
import { ISSUE_TABLE } from "../tables/issues.js";
import { LONG_SCORE_TABLE, longScaleTail } from "../tables/scores.js";
import { columns, csvRow } from "../tables/table.js";

/** The long CSV columns, from the table's declaration (src/tables/scores.ts). */
export const LONG_SCORE_COLUMNS = columns(LONG_SCORE_TABLE);

export const ISSUE_COLUMNS = columns(ISSUE_TABLE);

/** csvRow of LONG_SCORE_TABLE for each scale, written by hand for speed (the administration's cells are quoted once); tests/tables.test.ts holds them equal. */
export function longScoreLines(r: ScoreResult): string {
  if (r.scales.length === 0) return "";
  const head = `${csvCell(r.subjectId)},${csvCell(r.administeredOn)},${csvCell(r.respondent)},`;
  const instrumentForm = `${csvCell(r.instrument)},${csvCell(r.form)},`;
  let out = "";
  for (const s of r.scales) out += head + longScaleTail(instrumentForm, s, csvCell);
  return out;
}

/**
 * Wide output: one row per administration, score/status/band columns per instrument scale in the file;
 * for coded instruments also the coder and a code column per classification item.
 */
export function wideLayout(registry: Registry, instruments: readonly string[], d: CsvDialect = CSV_DIALECTS.standard) {
  const cols = instruments.flatMap((id) => registry.get(id).scales.map((s) => ({ id, scale: s.id })));
  const coded = instruments.flatMap((id) => {
    const inst = registry.get(id);
    const items = [...inst.items.values()].filter((it) => it.format.kind === "category").map((it) => it.id);
    return inst.def.coding || items.length > 0 ? [{ id, coder: !!inst.def.coding, items }] : [];
  });
  const header = csvHeaderIn(d, [
    "subject_id",
    "administered_on",
    "respondent",
    "phase",
    "instrument",
    "form",
    "source_row",
    ...cols.flatMap((c) => [`${c.id}.${c.scale}.score`, `${c.id}.${c.scale}.status`, `${c.id}.${c.scale}.band`, `${c.id}.${c.scale}.flags`]),
    ...coded.flatMap((c) => [...(c.coder ? [`${c.id}.coder_id`, `${c.id}.coder_certified`] : []), ...c.items.map((it) => `${c.id}.${it}.code`)]),
  ]);
  const line = (r: ScoreResult) => {
    const cells: (string | number | null | undefined)[] = [r.subjectId, r.administeredOn, r.respondent, r.phase, r.instrument, r.form, r.source?.row];
    for (const c of cols) {
      const s = c.id === r.instrument ? r.scales.find((x) => x.scale === c.scale) : undefined;
      cells.push(s?.score, s?.status, s?.band?.id, s?.flags.join(";"));
    }
    for (const c of coded) {
      const mine = c.id === r.instrument;
      if (c.coder) cells.push(mine ? r.coderId : undefined, mine && r.coderCertified !== undefined ? (r.coderCertified ? "yes" : "no") : undefined);
      for (const it of c.items) cells.push(mine ? r.classifications?.find((x) => x.item === it)?.code : undefined);
    }
    return csvLineIn(d, cells);
  };
  return { header, line };
}

/**
 * A scoreFile sink writing one output format: long (with the byte-level fast path's lines passed through),
 * wide or json. `end` closes the json array.
 */
export function scoreWriter(format: "long" | "wide" | "json", registry: Registry, write: (s: string) => void, writeBytes: (b: Uint8Array) => void, d: CsvDialect = CSV_DIALECTS.standard) {
  const standard = d.name === "standard";
  let wide: ReturnType<typeof wideLayout> | undefined;
  let n = 0;
  return {
    begin(info: { instruments: readonly string[] }) {
      if (format === "long") write(csvHeaderIn(d, LONG_SCORE_COLUMNS));
      if (format === "wide") {
        wide = wideLayout(registry, info.instruments, d);
        write(wide.header);
      }
      if (format === "json") write("[");
    },
    result({ result }: { result: ScoreResult }) {
      if (format === "long") write(standard ? longScoreLines(result) : result.scales.map((scale) => csvRow(LONG_SCORE_TABLE, { result, scale }, d)).join(""));
      else if (format === "wide") write(wide!.line(result));
      else write((n === 0 ? "\n" : ",\n") + JSON.stringify(result));
      n++;
    },
    // the byte-level fast path writes the standard dialect only
    ...(format === "long" && standard ? { longBytes: writeBytes } : {}),
    end() {
      if (format === "json") write("\n]\n");
    },
  };
}

export const issueLine = (i: Issue, d: CsvDialect = CSV_DIALECTS.standard): string => csvRow(ISSUE_TABLE, i, d);

/** One line for a terminal: file:row: severity [code] message */
export function formatIssue(i: Issue): string {
  const where = [i.file, i.row !== undefined ? `row ${i.row}` : undefined, i.item !== undefined ? `column ${i.item}` : undefined].filter(Boolean).join(", ");
  return `${where ? `${where}: ` : ""}${i.severity} [${i.code}] ${i.instrument && i.scale ? `${i.instrument}.` : ""}${i.message}`;
}
