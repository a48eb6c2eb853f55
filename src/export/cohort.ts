/**
 * The cohort CSV an evaluator hands on: one row per subject × instrument × scale × administration,
 * with the cutoff's provenance, pseudonymised by design, with a data dictionary beside it.
 */
import { parseDate, parseIsoDate, toDayNumber } from "../dates.js";
import { AtomicFile, checkOutputPath, commitTogether } from "../io/atomic.js";
import { CSV_DIALECTS, csvHeaderIn, csvLineIn, type CsvDialect } from "../io/csv.js";
import { checkInput, scoreFile, type Input, type ScoreSummary } from "../io/score-file.js";
import { FileError, META_COLUMNS } from "../io/rows.js";
import type { Registry } from "../registry/registry.js";
import type { Issue } from "../schema/results.js";
import { DICTIONARY_COLUMNS, dictionaryRows, exportTable, type ExportHead, type ExportTable, type ExportRow } from "../tables/export.js";
import { csvWriter } from "../tables/table.js";
import { pseudonym, PSEUDONYM_ALPHABET } from "./pseudonym.js";

export { pseudonym, PSEUDONYM_ALPHABET };

export interface ExportOptions {
  registry: Registry;
  /** how the cohort CSV and its dictionary are written (default standard: comma, LF, no BOM) */
  dialect?: CsvDialect;
  instrument?: string;
  out: string;
  /**
   * HMAC key (at least 16 bytes): subject ids become keyed pseudonyms, stable for the same key. Then only the
   * declared columns go out (grouping columns only when named in `keep`), and issues carry no input values.
   */
  pseudonymKey?: string | Uint8Array;
  /** replace dates by days since the subject's first administration in the file (also dates in kept columns) */
  relativeDates?: boolean;
  /** input columns carried into a pseudonymised export (without pseudonyms every grouping column is carried) */
  keep?: readonly string[];
  /** columns whose values may look like CPR numbers (e.g. a 10-digit case number); every other column is checked */
  allowCpr?: readonly string[];
  /** write nothing when the input has any error-level issue */
  strict?: boolean;
  /** a quote never closed, or one that swallows rows: report its lines as not read instead of refusing the file */
  skipBrokenQuotes?: boolean;
  onIssue?: (i: Issue) => void;
}

export class ExportError extends Error {
  override name = "ExportError";
}

// Full-width digits and the like become ASCII digits (NFKC); dashes of every kind, dots, slashes and spaces
// may separate the parts, or nothing.
const SEP = "[\\s.\\/\\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D_]";
/** Danish CPR: ddmmyy then 4 digits, with any or no separators between the parts, and a real day and month. */
// a lookahead, so that a candidate whose day or month is not real does not hide one overlapping it
const CPR = new RegExp(`(?<![0-9])(?=([0-3][0-9])${SEP}?([01][0-9])${SEP}?([0-9]{2})${SEP}{0,3}([0-9]{4})(?![0-9]))`, "gu");
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export function looksLikeCpr(value: string): boolean {
  if (typeof value !== "string") return false;
  // cheap test first: a CPR number needs 10 digits of some kind
  let digits = 0;
  for (let i = 0; i < value.length && digits < 10; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19) || c > 0x7f) digits++;
  }
  if (digits < 10) return false;
  const text = value.normalize("NFKC").replace(/\p{Nd}/gu, (d) => String(Number.parseInt(d, 10) || digitValue(d)));
  for (const m of text.matchAll(CPR)) {
    const day = Number(m[1]);
    const month = Number(m[2]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= DAYS[month - 1]!) return true;
  }
  return false;
}

/** the value of a decimal digit of any script (Arabic-Indic, Devanagari, …): its offset in its block of ten */
function digitValue(d: string): number {
  const c = d.codePointAt(0)!;
  for (let zero = c; zero > c - 10; zero--) if (!/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) return c - zero;
  return 0;
}

/** Bytes a pseudonymisation key needs at least. */
export const MIN_KEY_LENGTH = 16;

/** Why a key is not fit to pseudonymise with, or null. */
export function weakKey(key: string | Uint8Array): string | null {
  const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  if (bytes.length < MIN_KEY_LENGTH) return `a key must be at least ${MIN_KEY_LENGTH} bytes; this one has ${bytes.length}`;
  const make = "(make one with `trivsel key new <file>`)";
  if (new Set(bytes).size < 8) return `a key must not be a few characters repeated; this one has ${new Set(bytes).size} different bytes ${make}`;
  let step = true;
  for (let i = 2; i < bytes.length && step; i++) step = bytes[i]! - bytes[i - 1]! === bytes[1]! - bytes[0]!;
  if (step) return `a key must not be a run such as abcdef… or 123456… ${make}`;
  for (let p = 1; p <= bytes.length / 2; p++) if (bytes.every((b, i) => b === bytes[i % p])) return `a key must not be a short text repeated (this one repeats its first ${p} bytes) ${make}`;
  return null;
}

/**
 * An issue of a pseudonymised export, without anything from the input: no value, no id, no name. What is left
 * is the row, the column, the code and what was expected; `trivsel validate` on the input shows the values.
 */
export function withheld(i: Issue): Issue {
  const item = i.item !== undefined && looksLikeCpr(i.item) ? "(a column named like a CPR number)" : i.item;
  const out: Issue = {
    code: i.code,
    severity: i.severity,
    message: `${i.scale !== undefined ? `${i.scale}: ` : item !== undefined ? `${item}: ` : ""}${i.code.replace(/_/g, " ")}${i.expected !== undefined && !looksLikeCpr(i.expected) ? `; expected ${i.expected}` : ""} (values are not shown in a pseudonymised export; run \`trivsel validate\` on the input to see them)`,
  };
  // a row over several lines (see multiLine): nothing from the input in it but the column name
  if (i.severity === "info" && i.lines !== undefined) out.message = `${item !== undefined ? `${item}: ` : ""}a quoted cell holds line breaks: the row takes ${i.lines} lines of the file`;
  for (const k of ["instrument", "scale", "expected", "file", "row", "lines"] as const) if (i[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = i[k];
  if (item !== undefined) out.item = item;
  if (out.expected !== undefined && looksLikeCpr(out.expected)) delete out.expected;
  return out;
}

/** The data dictionary's path: beside the export, `cohort.csv` → `cohort.dictionary.csv`. */
export const dictionaryPath = (out: string): string => out.replace(/\.csv$/i, "") + ".dictionary.csv";

export interface DictionaryEntry {
  column: string;
  meaning: string;
  type: string;
  allowed: string;
}

/** The export's columns with their meaning, type and allowed values: the data dictionary, from the export's table. */
export function exportColumns(extras: readonly string[], opts: { pseudonymized: boolean; relativeDates: boolean }): DictionaryEntry[] {
  return exportTable(extras, opts).columns.map((c) => ({ column: c.name, meaning: c.meaning, type: c.type, allowed: c.allowed }));
}

/**
 * Scores `input` and writes the cohort CSV and `<out without .csv>.dictionary.csv`, both atomically: both appear,
 * or neither.
 *
 * Privacy by construction: the CPR guard looks at every value that goes out as it is in the input (the subject id
 * only when it is not replaced by a pseudonym) and at the column names; a pseudonymised export carries only the
 * declared columns and the columns named in `keep`, and its issues carry no input values (see withheld).
 * @throws {ExportError} when a CPR-like value would be exported (outside `allowCpr` columns), a kept column is not
 *   in the input, or the key is too short or too plain
 */
export async function exportCohort(input: Input, opts: ExportOptions): Promise<ScoreSummary & { rows: number; dictionary: string }> {
  const dialect = opts.dialect ?? CSV_DIALECTS.standard;
  if (opts === null || typeof opts !== "object" || typeof opts.out !== "string") throw new ExportError("exportCohort needs options: { registry, out, … } with out the path of the cohort CSV");
  checkInput(input);
  // before any work: the dictionary is opened only once the cohort file is written
  const dictPath = dictionaryPath(opts.out);
  checkOutputPath(opts.out);
  checkOutputPath(dictPath);
  const pseudonymized = opts.pseudonymKey !== undefined;
  if (pseudonymized) {
    const weak = weakKey(opts.pseudonymKey!);
    if (weak !== null) throw new ExportError(`the pseudonymisation key is not fit for use: ${weak}`);
  }
  const key = opts.pseudonymKey!;
  const allowCpr = new Set(opts.allowCpr ?? []);
  const keep = opts.keep ?? [];
  const base = {
    registry: opts.registry,
    ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}),
    ...(opts.skipBrokenQuotes ? { skipBrokenQuotes: true } : {}),
  };
  // nothing from the input in messages of a pseudonymised export, FileErrors included
  const report = (i: Issue) => opts.onIssue?.(pseudonymized ? withheld(i) : i);
  const guardFileError = (e: unknown): unknown => {
    if (!pseudonymized || !(e instanceof FileError)) return e;
    // a file-level message may quote header cells: one that looks like a CPR number is not repeated
    const where = `${input.name ?? ("path" in input ? input.path : "input")}${e.issue.row !== undefined ? `: row ${e.issue.row}` : ""}`;
    const message = looksLikeCpr(e.message) ? `${where}: the file cannot be read (${e.issue.code}); details are not shown because they hold a value that looks like a CPR number` : e.message;
    return new FileError(message, withheld(e.issue));
  };
  const firstDay = new Map<string, number>();
  if (opts.relativeDates) {
    try {
      await scoreFile(input, base, {
        issue() {},
        result({ result: r }) {
          const d = r.administeredOn ? parseIsoDate(r.administeredOn) : null;
          if (!d || r.subjectId === undefined) return;
          const n = toDayNumber(d);
          const prev = firstDay.get(r.subjectId);
          if (prev === undefined || n < prev) firstDay.set(r.subjectId, n);
        },
      });
    } catch (e) {
      throw guardFileError(e);
    }
  }
  const out = new AtomicFile(opts.out);
  let dict: AtomicFile | undefined;
  let rows = 0;
  let errors = 0;
  let extras: string[] = [];
  let table: ExportTable | undefined;
  let writer: ReturnType<typeof csvWriter<ExportRow>> | undefined;
  const cpr = (row: number | string, column: string) =>
    new ExportError(
      `${input.name ?? ("path" in input ? input.path : "input")}: row ${row}, column ${column}: a value looks like a Danish CPR number (ddmmyy-xxxx); export stopped and nothing was written. ` +
        `${pseudonymized ? "Leave the column out of --keep" : "Pseudonymise ids (--pseudonymize --key-file), remove the column,"} or pass --allow-cpr ${looksLikeCpr(column) ? "<column>" : column} if it is not a CPR number`,
    );
  try {
    const summary = await scoreFile(input, base, {
      begin(info) {
        if (pseudonymized) {
          const meta = keep.filter((k) => (META_COLUMNS as readonly string[]).includes(k));
          if (meta.length > 0)
            throw new ExportError(`--keep ${meta.join(", ")}: not a grouping column; ${meta.join(", ")} ${meta.length === 1 ? "is" : "are"} read by trivsel and exported only as the dictionary declares (e.g. dates as days with --relative-dates)`);
          const missing = keep.filter((k) => !info.extras.includes(k));
          if (missing.length > 0)
            throw new ExportError(`--keep ${missing.join(", ")}: no such grouping column in the input; the input has ${info.extras.filter((e) => !looksLikeCpr(e)).join(", ") || "none"}`);
          extras = info.extras.filter((e) => keep.includes(e));
        } else extras = info.extras;
        extras.forEach((e, k) => {
          if (looksLikeCpr(e) && !allowCpr.has(e))
            throw new ExportError(`the name of grouping column ${k + 1} of the export looks like a Danish CPR number; export stopped and nothing was written. Rename the column in the input${pseudonymized ? " or leave it out of --keep" : ""}`);
        });
        table = exportTable(extras, { pseudonymized, relativeDates: !!opts.relativeDates });
        writer = csvWriter(table, (b) => out.writeBytes(b), dialect);
        writer.header();
      },
      issue: (i) => {
        if (i.severity === "error") errors++;
        report(i);
      },
      result({ result: r, extras: ex }) {
        const row = r.source?.row ?? "?";
        let date: string | number | undefined = r.administeredOn;
        const first = r.subjectId !== undefined ? firstDay.get(r.subjectId) : undefined;
        if (opts.relativeDates) {
          const d = r.administeredOn ? parseIsoDate(r.administeredOn) : null;
          date = d && first !== undefined ? toDayNumber(d) - first : undefined;
        }
        // the guard sees input values before any is replaced: what goes out as it came in
        if (!pseudonymized && r.subjectId !== undefined && !allowCpr.has("subject_id") && looksLikeCpr(r.subjectId)) throw cpr(row, "subject_id");
        for (const [column, v] of [["respondent", r.respondent], ["phase", r.phase], ["form", r.form ?? undefined]] as const)
          if (v !== undefined && !allowCpr.has(column) && looksLikeCpr(v)) throw cpr(row, column);
        const kept = extras.map((e) => {
          const v = ex[e];
          if (v === undefined || v === "") return v;
          if (!allowCpr.has(e) && looksLikeCpr(v)) throw cpr(row, e);
          if (!opts.relativeDates) return v;
          // an absolute date in a kept column would undo --relative-dates
          const d = parseDate(v);
          return d ? (first !== undefined ? toDayNumber(d) - first : undefined) : v;
        });
        const subject = r.subjectId === undefined ? undefined : pseudonymized ? pseudonym(r.subjectId, key) : r.subjectId;
        const emit = (line: ExportRow) => {
          writer!.row(line);
          rows++;
        };
        // only the fields the table declares: the subject id in a row is the one made fit to go out above
        const head: ExportHead = { subject, date, result: { respondent: r.respondent, phase: r.phase, instrument: r.instrument, definitionVersion: r.definitionVersion, form: r.form }, kept };
        for (const scale of r.scales) emit({ head, scale });
        // a coder's classification: a row of its own, the code in `band` and its meaning in `band_rule`
        for (const classification of r.classifications ?? []) emit({ head, classification });
      },
    });
    writer?.end();
    if (opts.strict && errors > 0) throw new ExportError(`${errors} errors in the input and --strict: nothing was written`);
    dict = new AtomicFile(dictPath);
    dict.write(csvHeaderIn(dialect, [...DICTIONARY_COLUMNS]));
    for (const line of dictionaryRows(table ?? exportTable(extras, { pseudonymized, relativeDates: !!opts.relativeDates }))) dict.write(csvLineIn(dialect, line));
    commitTogether([out, dict]);
    return { ...summary, rows, dictionary: dictPath };
  } catch (e) {
    out.abort();
    dict?.abort();
    throw guardFileError(e);
  }
}
