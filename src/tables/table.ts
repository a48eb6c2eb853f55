/**
 * Output tables as data: each table is one declaration of its columns (name, getter, meaning, unit). The CSV and
 * JSON writers, the data dictionary, the `--help` column lists and the readers of the table all use it, so a
 * column is named in one place.
 */
import { CsvBytes } from "../io/csv-bytes.js";
import { CSV_DIALECTS, csvCell, csvHeaderIn, csvLineIn, type CsvDialect } from "../io/csv.js";

export type Cell = string | number | boolean | null | undefined;

export interface Column<R> {
  name: string;
  /** what the column holds, for the data dictionary and --help */
  meaning: string;
  /** unit of a number, e.g. "points", "weeks", "%" */
  unit?: string;
  get(row: R): Cell;
}

export interface Table<R> {
  /** one row of the table is one … (e.g. "subject × respondent × instrument × scale × form") */
  row: string;
  columns: readonly Column<R>[];
}

/** Columns several tables hold with the same meaning, declared once. */
export const subjectColumn = <R>(get: (r: R) => Cell): Column<R> => ({ name: "subject_id", meaning: "the family", get });
/** `meaning` for a table that says more of its respondents (e.g. that raters are never pooled). */
export const respondentColumn = <R>(get: (r: R) => Cell, meaning = "who answered"): Column<R> => ({ name: "respondent", meaning, get });
export const instrumentColumn = <R>(get: (r: R) => Cell): Column<R> => ({ name: "instrument", meaning: "instrument id", get });
export const scaleColumn = <R>(get: (r: R) => Cell): Column<R> => ({ name: "scale", meaning: "scale id", get });
/** instrument and scale, side by side, for rows that carry both. */
export const measureColumns = <R extends { instrument?: string | undefined; scale?: string | undefined }>(): Column<R>[] => [instrumentColumn((r) => r.instrument), scaleColumn((r) => r.scale)];

/** The column names, in order. */
export const columns = <R>(t: Table<R>): string[] => t.columns.map((c) => c.name);

/** Each row as an object keyed by column name, in column order. */
export const toRows = <R>(t: Table<R>, rows: Iterable<R>): Record<string, Cell>[] => [...rows].map((r) => Object.fromEntries(t.columns.map((c) => [c.name, c.get(r)])));

/** The CSV header line (with the dialect's byte-order mark, if any). */
export const csvHeader = <R>(t: Table<R>, d: CsvDialect = CSV_DIALECTS.standard): string => csvHeaderIn(d, columns(t));

/** One CSV line per row. */
export function csvRow<R>(t: Table<R>, r: R, d: CsvDialect = CSV_DIALECTS.standard): string {
  if (d.name !== "standard") return csvLineIn(d, t.columns.map((c) => c.get(r)));
  // csvLine's text, without an array of cells per row
  const columns = t.columns;
  let line = "";
  for (let i = 0; i < columns.length; i++) line += i === 0 ? csvCell(columns[i]!.get(r)) : "," + csvCell(columns[i]!.get(r));
  return line + "\n";
}

/** The whole table as CSV text, in the standard dialect unless `d` says otherwise (e.g. excel-da). */
export function toCsv<R>(t: Table<R>, rows: Iterable<R>, d: CsvDialect = CSV_DIALECTS.standard): string {
  let out = csvHeader(t, d);
  for (const r of rows) out += csvRow(t, r, d);
  return out;
}

/**
 * A table's CSV as UTF-8 bytes, row by row: the bytes of csvHeader and csvRow's text, written into a reused buffer
 * and handed to `sink` in pieces of at most 64 kB (see CsvBytes). end() hands on the rest.
 */
export function csvWriter<R>(t: Table<R>, sink: (bytes: Uint8Array) => void, d: CsvDialect = CSV_DIALECTS.standard) {
  const out = new CsvBytes(d, sink);
  // the getters alone: columns made in different places have different shapes
  const gets = t.columns.map((c) => c.get);
  return {
    header(): void {
      out.text(csvHeader(t, d));
    },
    row(r: R): void {
      for (let i = 0; i < gets.length; i++) out.cell(gets[i]!(r));
      out.endLine();
    },
    end(): void {
      out.flush();
    },
  };
}

/**
 * toCsv's bytes written as the rows come (an iterable that builds each row when taken), so neither the rows nor
 * the text of a large table are held at once.
 */
export function writeCsv<R>(sink: (bytes: Uint8Array) => void, t: Table<R>, rows: Iterable<R>, d: CsvDialect = CSV_DIALECTS.standard): void {
  const w = csvWriter(t, sink, d);
  w.header();
  for (const r of rows) w.row(r);
  w.end();
}

/** The columns for a help text: one `name: meaning (unit)` per line, indented. */
export const describeColumns = <R>(t: Table<R>): string => t.columns.map((c) => `  ${c.name}: ${c.meaning}${c.unit ? ` (${c.unit})` : ""}`).join("\n");
