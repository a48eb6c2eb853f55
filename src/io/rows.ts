/**
 * Rows → administrations, for wide files (one administration occasion per row) and long files
 * (one response per row). Knows column names, dates and decimal commas; knows nothing of scoring.
 *
 *   header ─► plan (meta columns, items per instrument, unknown/duplicate columns)
 *   row    ─► per instrument with any answered cell: one Administration (+ row issues)
 */
import { remember } from "../memo.js";
import { formatDate, parseDate, parseIsoDate } from "../dates.js";
import type { Registry } from "../registry/registry.js";
import type { Instrument } from "../registry/load.js";
import { makeIssue } from "../scoring/issues.js";
import { lineBreaks } from "./csv.js";
import type { Administration, Issue } from "../schema/results.js";
import type { ResponseColumns } from "../scoring/score.js";

export const META_COLUMNS = [
  "subject_id",
  "administered_on",
  "respondent",
  "phase",
  "age_months",
  "birth_date",
  "gestational_weeks",
  "form",
  "sex",
  // coded ratings (issue 15)
  "coder_id",
  "coder_certified",
] as const;
export const LONG_COLUMNS = ["subject_id", "administered_on", "respondent", "instrument", "item", "value"] as const;

export interface ReadOptions {
  registry: Registry;
  /** only this instrument is read; other instruments' columns are reported and skipped */
  instrument?: string;
  /** file name for issues */
  file?: string;
  /** the file's delimiter: decimal commas are read as decimal points when it is not a comma */
  delimiter: string;
}

/** A problem that makes the whole file unreadable: reported instead of scoring anything. */
export class FileError extends Error {
  override name = "FileError";
  constructor(
    message: string,
    readonly issue: Issue,
  ) {
    super(message);
  }
}

export interface AdministrationWithExtras extends Administration {
  /** values of columns that are neither meta nor items, carried through for grouping (no prototype: a column may be named constructor) */
  extras: Record<string, string>;
}

/** An administration from a wide row: its responses as columns (score it with scoreColumns). */
export interface WideAdministration extends Omit<AdministrationWithExtras, "responses"> {
  columns: ResponseColumns;
}

export interface Plan {
  meta: Partial<Record<(typeof META_COLUMNS)[number], number>>;
  instruments: { inst: Instrument; columns: { name: string; index: number }[] }[];
  extras: { name: string; index: number }[];
  /** columns with an empty header cell (spreadsheets often save trailing ones): their cells must be empty */
  unnamed: number[];
  /** header names by column index */
  names: string[];
  nColumns: number;
}

const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;
const MAX_HEADER_CELL = 200;

function fileIssue(code: Issue["code"], opts: ReadOptions, fields: Parameters<typeof makeIssue>[2], row = 1): Issue {
  const issue = makeIssue(code, "error", fields);
  if (opts.file !== undefined) issue.file = opts.file;
  issue.row = row;
  return issue;
}

const at = (opts: ReadOptions, row: number, column?: string) =>
  `${opts.file ?? "input"}: row ${row}${column ? `, column ${column}` : ""}`;

const KNOWN = new Set<string>([...META_COLUMNS, ...LONG_COLUMNS]);

/**
 * A header cell as trivsel names it: `Subject ID` or `Subject_ID` is read as subject_id, `EPDS_1` as epds_1 (case
 * and white space ignored, spaces read as _), with an info issue; a name that matches nothing is kept as it is.
 */
function knownName(n: string, opts: ReadOptions, issues: Issue[]): string {
  if (n === "" || KNOWN.has(n)) return n;
  const c = n.toLowerCase().replace(/\s+/g, "_");
  if (c === n || !(KNOWN.has(c) || opts.registry.byColumn(c)?.columns.includes(c))) return n;
  if (opts.registry.byColumn(n)?.columns.includes(n)) return n;
  issues.push(fileIssue("column_renamed", opts, { item: c, received: n }));
  issues[issues.length - 1]!.severity = "info";
  return c;
}

/** Reads one header row; throws FileError when the file cannot be read as a trivsel file at all. */
export function planHeader(header: readonly string[], opts: ReadOptions): { plan: Plan; issues: Issue[]; long: boolean } {
  const issues: Issue[] = [];
  const names = header.map((h) => knownName(h.trim(), opts, issues));
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n.length > MAX_HEADER_CELL || /[\u0000-\u0008\uFFFD]/.test(n)) {
      const shown = n.length > 40 ? `${n.slice(0, 40)}…` : n;
      const issue = fileIssue("invalid_value", opts, { received: shown, expected: `a header row of column names (this cell has ${n.length} characters)` });
      throw new FileError(`${at(opts, 1)}: column ${i + 1} is not a column name; expected a header row such as subject_id,administered_on,…`, issue);
    }
    if (n === "") return;
    if (seen.has(n)) {
      const issue = fileIssue("duplicate_column", opts, { item: n });
      throw new FileError(`${at(opts, 1)}: column "${n}" appears twice (columns ${seen.get(n)! + 1} and ${i + 1}); which one holds the data cannot be decided`, issue);
    }
    seen.set(n, i);
  });
  const long = LONG_COLUMNS.every((c) => seen.has(c));
  const required = long ? LONG_COLUMNS : (["subject_id", "administered_on"] as const);
  for (const c of required) {
    if (!seen.has(c)) {
      const issue = fileIssue("missing_column", opts, { item: c });
      const hint = names.length === 1 ? "; the header has one column: is the delimiter , ; or tab?" : "";
      throw new FileError(`${at(opts, 1)}: required column "${c}" is missing${hint} (found: ${names.slice(0, 12).join(", ")}${names.length > 12 ? ", …" : ""})`, issue);
    }
  }
  const plan: Plan = { meta: {}, instruments: [], extras: [], unnamed: [], names, nColumns: names.length };
  const byInst = new Map<Instrument, { name: string; index: number }[]>();
  const longNames = new Set<string>(LONG_COLUMNS);
  names.forEach((n, i) => {
    if (n === "") {
      plan.unnamed.push(i);
      return;
    }
    if ((META_COLUMNS as readonly string[]).includes(n)) {
      plan.meta[n as (typeof META_COLUMNS)[number]] = i;
      return;
    }
    if (long && longNames.has(n)) return;
    const inst = long ? undefined : opts.registry.byColumn(n);
    if (inst) {
      if (!inst.columns.includes(n)) {
        issues.push(fileIssue("unknown_column", opts, { item: n, instrument: inst.id, detail: `${inst.id} has columns ${inst.columns[0]} … ${inst.columns[inst.columns.length - 1]}; its values are not read` }));
        return;
      }
      if (opts.instrument !== undefined && inst.id !== opts.instrument) {
        const issue = fileIssue("unknown_column", opts, { item: n, instrument: opts.instrument, detail: `it belongs to ${inst.id}, which is not read because --instrument ${opts.instrument} was given` });
        issue.severity = "info";
        if (!issues.some((x) => x.code === "unknown_column" && x.message.includes(`belongs to ${inst.id},`))) issues.push(issue);
        return;
      }
      if (!byInst.has(inst)) byInst.set(inst, []);
      byInst.get(inst)!.push({ name: n, index: i });
      return;
    }
    const issue = fileIssue("unknown_column", opts, { item: n, detail: "kept as a grouping column in exports" });
    issue.severity = "warning";
    issues.push(issue);
    plan.extras.push({ name: n, index: i });
  });
  plan.instruments = [...byInst.entries()].map(([inst, columns]) => ({ inst, columns }));
  if (!long && plan.instruments.length === 0) {
    const wanted = opts.instrument ? `items of ${opts.instrument}` : "item columns of any instrument";
    const issue = fileIssue("missing_column", opts, { item: "(items)", detail: `no ${wanted} (e.g. pss_1, epds_1, ors_1)` });
    throw new FileError(`${at(opts, 1)}: found no ${wanted}; item columns are named <prefix><n>, e.g. pss_1, epds_1, ors_1`, issue);
  }
  return { plan, issues, long };
}

/** A cell as trivsel reads it: trimmed, decimal comma → point in non-comma files. */
export function cellValue(raw: string | undefined, delimiter: string): string {
  if (raw === undefined) return "";
  const n = raw.length;
  if (n === 0) return raw;
  // printable ASCII at both ends: nothing to trim; and no decimal comma in a comma file or under 3 characters
  const a = raw.charCodeAt(0);
  const b = raw.charCodeAt(n - 1);
  if (a > 32 && a < 127 && b > 32 && b < 127 && (delimiter === "," || n < 3)) return raw;
  if (delimiter !== "," && DECIMAL_COMMA.test(raw)) return raw.trim().replace(",", ".");
  return raw.trim();
}

/** An administration's details as one row gives them. */
export type RowMeta = Omit<Administration, "instrument" | "responses" | "source">;

function metaIssue(issues: Issue[], opts: ReadOptions, row: number, code: Issue["code"], column: string, received: string, expected: string): void {
  const issue = makeIssue(code, "error", { item: column, received, expected });
  if (opts.file !== undefined) issue.file = opts.file;
  issue.row = row;
  issues.push(issue);
}

const DATE_COLUMNS = [
  ["administered_on", "administeredOn"],
  ["birth_date", "birthDate"],
] as const;
const TEXT_COLUMNS = [
  ["respondent", "respondent"],
  ["phase", "phase"],
  ["form", "form"],
  ["gestational_weeks", "gestationalWeeks"],
  ["coder_id", "coderId"],
] as const;

// Dates repeat across rows (a few thousand distinct ones in a large file): parse each text once.
const dateCache = new Map<string, string | null>();
// yyyy-mm-dd with year 1900–2200, month 01–12, day 01–31: 1 = a real date, 2 = not, 0 = not yet asked
const isoKnown = new Uint8Array(301 * 12 * 31);
/** the place in isoKnown of a yyyy-mm-dd date of these digits, or -1 (then not a date isoKnown holds) */
function isoIndex(y: number, m: number, d: number): number {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return -1;
  return ((y - 1900) * 12 + m - 1) * 31 + d - 1;
}
/** isoKnown[k], asked of the date's text first when it was not yet (the text is made only then) */
const isoKnownState = (k: number, text: string): number => (isoKnown[k] = parseIsoDate(text) ? 1 : 2);

/**
 * 1 when text[a, b) is a real yyyy-mm-dd date with year 1900–2200 (readMeta takes it as it is), 2 when it has
 * that shape but is not a real date, 0 when it has not that shape (then parseDate decides).
 */
export function isoDateState(text: string, a = 0, b = text.length): number {
  if (b - a !== 10 || text.charCodeAt(a + 4) !== 45 || text.charCodeAt(a + 7) !== 45) return 0;
  let y = 0;
  let m = 0;
  let d = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = text.charCodeAt(a + i) - 48;
    if (c < 0 || c > 9) return 0;
    if (i < 4) y = y * 10 + c;
    else if (i < 7) m = m * 10 + c;
    else d = d * 10 + c;
  }
  const k = isoIndex(y, m, d);
  return k < 0 ? 0 : isoKnown[k] !== 0 ? isoKnown[k]! : isoKnownState(k, text.slice(a, b));
}

/** isoDateState of UTF-8 bytes[a, b) */
export function isoDateBytesState(bytes: Buffer, a: number, b: number): number {
  if (b - a !== 10 || bytes[a + 4] !== 45 || bytes[a + 7] !== 45) return 0;
  let y = 0;
  let m = 0;
  let d = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = bytes[a + i]! - 48;
    if (c < 0 || c > 9) return 0;
    if (i < 4) y = y * 10 + c;
    else if (i < 7) m = m * 10 + c;
    else d = d * 10 + c;
  }
  const k = isoIndex(y, m, d);
  return k < 0 ? 0 : isoKnown[k] !== 0 ? isoKnown[k]! : isoKnownState(k, bytes.toString("latin1", a, b));
}

function isoDate(text: string): string | null {
  // An ISO date is its own normal form (formatDate(parseDate(text)) === text), so it needs only its
  // validity, asked of parseIsoDate once per calendar day, without hashing the text.
  const state = isoDateState(text);
  if (state !== 0) return state === 1 ? text : null;
  let iso = dateCache.get(text);
  if (iso === undefined) {
    const d = parseDate(text);
    iso = remember(dateCache, text, d ? formatDate(d) : null, 10_000);
  }
  return iso;
}

/** Accepted codes of the sex column (English and Danish, as in CPR: K/M), case-insensitive. */
const SEX_CODES: Readonly<Record<string, "female" | "male">> = {
  female: "female",
  f: "female",
  girl: "female",
  k: "female",
  kvinde: "female",
  pige: "female",
  male: "male",
  m: "male",
  boy: "male",
  mand: "male",
  dreng: "male",
};

/** Accepted answers of the coder_certified column (English and Danish), case-insensitive. */
const YES_NO: Readonly<Record<string, boolean>> = { yes: true, y: true, ja: true, j: true, true: true, "1": true, no: false, n: false, nej: false, false: false, "0": false };

/** Meta columns of one row, with issues for empty ids and unreadable dates, ages or sex codes. */
export function readMeta(get: (col: string) => string | undefined, row: number, opts: ReadOptions, issues: Issue[]): RowMeta {
  const meta: RowMeta = {};
  const subject = get("subject_id");
  if (subject) meta.subjectId = subject;
  else metaIssue(issues, opts, row, "invalid_value", "subject_id", subject ?? "", "a subject id (the cell is empty)");
  for (const [col, key] of DATE_COLUMNS) {
    const v = get(col);
    if (v === undefined || v === "") {
      if (col === "administered_on") metaIssue(issues, opts, row, "invalid_date", col, "", "a date: yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy");
      continue;
    }
    const d = isoDate(v);
    if (d !== null) meta[key] = d;
    else metaIssue(issues, opts, row, "invalid_date", col, v, "a real date: yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy");
  }
  for (const [col, key] of TEXT_COLUMNS) {
    const v = get(col);
    if (v) meta[key] = v;
  }
  const sex = get("sex");
  if (sex) {
    const v = SEX_CODES[sex.trim().toLowerCase()];
    if (v !== undefined) meta.sex = v;
    else metaIssue(issues, opts, row, "invalid_value", "sex", sex, `the child's sex: ${Object.keys(SEX_CODES).join(", ")} (or empty)`);
  }
  const certified = get("coder_certified");
  if (certified) {
    const v = YES_NO[certified.trim().toLowerCase()];
    if (v !== undefined) meta.coderCertified = v;
    else metaIssue(issues, opts, row, "invalid_value", "coder_certified", certified, `whether the coder is certified: ${Object.keys(YES_NO).join(", ")} (or empty)`);
  }
  const age = get("age_months");
  if (age) {
    const n = Number(age);
    if (/^\d+(\.\d+)?$/.test(age) && Number.isFinite(n)) meta.ageMonths = n;
    else metaIssue(issues, opts, row, "invalid_value", "age_months", age, "age in months, a non-negative number such as 5.5");
  }
  return meta;
}

function toAdministration(inst: Instrument, meta: RowMeta, responses: Record<string, string>, extras: Record<string, string>, row: number, opts: ReadOptions): AdministrationWithExtras {
  const a: AdministrationWithExtras = { instrument: inst.id, responses, extras, source: opts.file !== undefined ? { file: opts.file, row } : { row } };
  return withMeta(a, meta);
}

function withMeta<A extends Omit<Administration, "responses">>(a: A, meta: RowMeta): A {
  if (meta.subjectId !== undefined) a.subjectId = meta.subjectId;
  if (meta.administeredOn !== undefined) a.administeredOn = meta.administeredOn;
  if (meta.respondent !== undefined) a.respondent = meta.respondent;
  if (meta.phase !== undefined) a.phase = meta.phase;
  if (meta.form !== undefined) a.form = meta.form;
  if (meta.ageMonths !== undefined) a.ageMonths = meta.ageMonths;
  if (meta.birthDate !== undefined) a.birthDate = meta.birthDate;
  if (meta.gestationalWeeks !== undefined) a.gestationalWeeks = meta.gestationalWeeks;
  if (meta.sex !== undefined) a.sex = meta.sex;
  if (meta.coderId !== undefined) a.coderId = meta.coderId;
  if (meta.coderCertified !== undefined) a.coderCertified = meta.coderCertified;
  return a;
}

/**
 * Cells no reader would take silently: a value under an empty header cell, and text that was not
 * UTF-8 (decoded as U+FFFD, e.g. a Windows-1252 "CSV (semikolonsepareret)" file with æ, ø or å).
 */
function cellProblems(fields: readonly string[], plan: Plan, row: number, opts: ReadOptions, replacementSeen: boolean): Issue[] | null {
  // null, not a new empty array, for the usual row without problems; no per-row closure
  let issues: Issue[] | null = null;
  for (const i of plan.unnamed)
    if (fields[i] !== undefined && fields[i]!.trim() !== "")
      (issues ??= []).push(cellIssue(`${i + 1} (no header)`, fields[i]!, "an empty cell: this column has no name in the header row", row, opts));
  // the search runs only once the file has shown a U+FFFD somewhere: it cost more than scoring the row
  if (replacementSeen)
    for (let i = 0; i < fields.length; i++)
      if (fields[i]!.includes("\uFFFD"))
        (issues ??= []).push(cellIssue(plan.names[i] || `${i + 1}`, fields[i]!, "UTF-8 text: save the file as CSV UTF-8 (this looks like another encoding, e.g. Windows-1252)", row, opts));
  return issues;
}

/**
 * A row without the header's number of fields. A line break inside it (outside quotes) means the line endings
 * change in the file: the lines it took are named, and the message says so instead of blaming a delimiter.
 */
function fieldCountIssue(fields: readonly string[], plan: Plan, row: number, opts: ReadOptions, what: string): Issue {
  let breaks = 0;
  for (const f of fields) breaks += lineBreaks(f);
  // a CRLF row in an LF file ends in a CR, and the last row of a file may end in a line break: not lines of their own
  if (breaks > 0 && /(\r\n|\r|\n)$/.test(fields[fields.length - 1] ?? "")) breaks--;
  const issue =
    breaks > 0
      ? makeIssue("invalid_value", "error", { received: `${fields.length} fields over ${breaks + 1} lines`, expected: `one row per line: the line endings change inside this row (e.g. CRLF and LF mixed); save the file again with one kind of line ending (${what})` })
      : makeIssue("invalid_value", "error", {
          received: `${fields.length} fields`,
          expected: `${plan.nColumns} fields as in the header (${what}: a short row may be truncated, a long one may hold an unquoted delimiter)`,
        });
  if (opts.file !== undefined) issue.file = opts.file;
  issue.row = row;
  if (breaks > 0) issue.lines = breaks + 1;
  return issue;
}

/** Shared by every row of a file without grouping columns; nothing writes to it. */
const NO_EXTRAS: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

/** a row's grouping values: an object without prototype, so that `constructor` or `__proto__` is a column like any other */
export const newExtras = (plan: Plan): Record<string, string> => (plan.extras.length === 0 ? NO_EXTRAS : (Object.create(null) as Record<string, string>));

function cellIssue(column: string, received: string, expected: string, row: number, opts: ReadOptions): Issue {
  const issue = makeIssue("invalid_value", "error", { item: column, received, expected });
  if (opts.file !== undefined) issue.file = opts.file;
  issue.row = row;
  return issue;
}

/** Reader for a wide file, one row at a time: bounded memory whatever the file size. */
export function wideRowReader(plan: Plan, opts: ReadOptions) {
  // built once per file, not per row: the row being read, and each instrument's column names
  let fields: readonly string[] = [];
  const get = (col: string) => {
    const i = plan.meta[col as (typeof META_COLUMNS)[number]];
    return i === undefined ? undefined : cellValue(fields[i], opts.delimiter);
  };
  const instruments = plan.instruments.map(({ inst, columns }) => ({ inst, columns, names: columns.map((c) => c.name) }));
  /** `replacementSeen`: false when the text read so far holds no U+FFFD (see StreamHandlers.onRecord) */
  return (rowFields: readonly string[], row: number, replacementSeen = true): { administrations: WideAdministration[]; issues: Issue[] } => {
    const issues: Issue[] = [];
    if (rowFields.length !== plan.nColumns) return { administrations: [], issues: [fieldCountIssue(rowFields, plan, row, opts, "row not scored")] };
    fields = rowFields;
    const bad = cellProblems(rowFields, plan, row, opts, replacementSeen);
    if (bad !== null) return { administrations: [], issues: bad };
    const extras = newExtras(plan);
    for (const e of plan.extras) extras[e.name] = cellValue(fields[e.index], opts.delimiter);
    const administrations: WideAdministration[] = [];
    let meta: RowMeta | undefined;
    for (const { inst, columns, names } of instruments) {
      let any = false;
      const values: string[] = new Array<string>(columns.length);
      for (let k = 0; k < columns.length; k++) {
        const v = cellValue(fields[columns[k]!.index], opts.delimiter);
        values[k] = v;
        if (v !== "") any = true;
      }
      if (!any) continue;
      meta ??= readMeta(get, row, opts, issues);
      const a: WideAdministration = { instrument: inst.id, columns: { names, values }, extras, source: opts.file !== undefined ? { file: opts.file, row } : { row } };
      administrations.push(withMeta(a, meta));
    }
    // with --instrument, rows holding only other instruments are expected (the header's info issue says they are
    // not read); without it, a row that answers nothing is worth a warning
    if (administrations.length === 0 && opts.instrument === undefined && fields.some((f) => f.trim() !== "")) {
      const issue = makeIssue("missing_item", "warning", { item: "(all items)" });
      issue.message = "row has no answered item of any instrument; nothing to score";
      if (opts.file !== undefined) issue.file = opts.file;
      issue.row = row;
      issues.push(issue);
    }
    return { administrations, issues };
  };
}

/** Administrations a long file may have open (begun, not yet scored) at once; see longRowReader. */
export const LONG_OPEN_ADMINISTRATIONS = 10_000;

/**
 * An open administration of a long file held by the long fast path (src/io/long-fast.ts) instead of
 * longReader: the rows it was given, from which longReader builds what it would have built itself.
 */
export interface CompactAdministration {
  /** its first row's fields */
  fields: string[];
  firstRow: number;
  lastRow: number;
  /** each row's item, value (as cellValue gives it) and row number, in the order of the rows */
  items: { item: string; value: string; row: number }[];
  /** its place in longReader's order (what begin() returned) */
  position: number;
}

/**
 * The long fast path's administrations: open ones (in longReader's order, see begin()) and those handed on, by
 * the cells of their key as readMeta gives them (subject, date, respondent or "", instrument).
 */
export interface CompactStore {
  /** open compact administrations */
  readonly size: number;
  /** the open one with this key, taken out of the store's lookup (its slot stays until release()), or -1 */
  detach(subject: string | undefined, date: string | undefined, respondent: string, instrument: string): number;
  /** the last row of the one with this key that was handed on, or undefined */
  handedOn(subject: string | undefined, date: string | undefined, respondent: string, instrument: string): number | undefined;
  /** longReader holds an administration with this key (open or handed on): rows with it are longReader's */
  general(subject: string | undefined, date: string | undefined, respondent: string, instrument: string): void;
  /** the slot is handed on (to score() or release()): its key is kept to recognise a later row */
  handOut(slot: number): void;
  /** a slot's rows as read; the slot is freed */
  release(slot: number): CompactAdministration;
}

/** What a long reader hands on: an administration, or the slot of a compact one (with a CompactStore) */
export type HandedOn = AdministrationWithExtras | number;
/** take() between hand-ons (most rows): no new array */
const NOTHING: readonly HandedOn[] = Object.freeze([]);

/**
 * Reader for a long file: responses are grouped by subject, date, respondent and instrument. An
 * administration's rows need not be adjacent, but once `window` administrations have begun after it, it is
 * handed on (take()) to be scored, oldest first, so memory does not grow with the file. A row for an
 * administration already handed on is an error that names both rows. What is kept per finished administration
 * is its key and last row, to recognise such a row.
 */
export function longRowReader(plan: Plan, header: readonly string[], opts: ReadOptions, window = LONG_OPEN_ADMINISTRATIONS) {
  const r = longReader(plan, header, opts, window);
  return { push: r.push, take: r.take as () => readonly AdministrationWithExtras[], finish: r.finish as () => AdministrationWithExtras[] };
}

/**
 * longRowReader, with the administrations a CompactStore holds in the same order and window: begin() opens
 * one for the store, a row the store did not take turns its administration into the general form (as if this
 * reader had read all its rows), and take() and finish() hand on its slot, which `general` turns into the
 * administration when the store cannot score it.
 */
export function longReader(plan: Plan, header: readonly string[], opts: ReadOptions, window = LONG_OPEN_ADMINISTRATIONS, compact?: CompactStore) {
  const idx = new Map(header.map((h, i) => [h.trim(), i]));
  /** open administrations: their first and last row, and each item's row (an object without prototype, handed on as it is) */
  type Group = { a: AdministrationWithExtras; firstRow: number; lastRow: number; itemRows: Record<string, number>; meta: string };
  const groups = new Map<string, Group>();
  /** administrations handed on: key → their last row (the store keeps those it held) */
  const handedOn = new Map<string, number>();
  /** open administrations in order of arrival, from `head` on: their keys, or the store's slots */
  let order: (string | number)[] = [];
  let head = 0;
  /** entries of `order` dropped from its start */
  let base = 0;
  // built once, not per row (a long file has a row per item): the row being read, and a scratch issue list
  let cur: readonly string[] = [];
  const get = (col: string) => {
    const i = idx.get(col);
    return i === undefined ? undefined : cellValue(cur[i], opts.delimiter);
  };
  const scratch: Issue[] = [];
  const NONE: Issue[] = [];
  const err = (issues: Issue[], row: number, code: Issue["code"], column: string, received: string, expected: string): Issue => {
    const issue = makeIssue(code, "error", { item: column, received, expected });
    if (opts.file !== undefined) issue.file = opts.file;
    issue.row = row;
    issues.push(issue);
    return issue;
  };
  /** a text's length before it, so that joined texts cannot be confused */
  const part = (v: string | number | undefined) => (v === undefined ? "~" : `${String(v).length}:${v}`);
  /** the administration's details that must be the same on each of its rows (of the row in `cur`) */
  const metaKeyOf = (meta: RowMeta): string => {
    let metaKey = part(meta.phase) + part(meta.form) + part(meta.ageMonths) + part(meta.birthDate) + part(meta.gestationalWeeks) + part(meta.sex) + part(meta.coderId) + part(meta.coderCertified === undefined ? undefined : String(meta.coderCertified));
    for (const e of plan.extras) metaKey += part(cellValue(cur[e.index], opts.delimiter));
    return metaKey;
  };
  /** a new administration from its first row (in `cur`) */
  const open = (inst: Instrument, meta: RowMeta, metaKey: string, row: number): Group => {
    const extras = newExtras(plan);
    for (const e of plan.extras) extras[e.name] = cellValue(cur[e.index], opts.delimiter);
    return { a: toAdministration(inst, meta, {}, extras, row, opts), firstRow: row, lastRow: row, itemRows: Object.create(null) as Record<string, number>, meta: metaKey };
  };
  /** a compact administration as push() would have built it from the same rows (which it took without an issue) */
  const expand = (c: CompactAdministration): Group => {
    // push() may be reading another row
    const row = cur;
    cur = c.fields;
    const meta = readMeta(get, c.firstRow, opts, []);
    const g = open(opts.registry.get(get("instrument") ?? ""), meta, metaKeyOf(meta), c.firstRow);
    cur = row;
    for (const { item, value, row } of c.items) {
      g.itemRows[item] = row;
      (g.a.responses as Record<string, string>)[item] = value;
    }
    g.lastRow = c.lastRow;
    return g;
  };
  const push = (fields: readonly string[], row: number, replacementSeen = true): Issue[] => {
    if (fields.length !== plan.nColumns) return [fieldCountIssue(fields, plan, row, opts, "row not read")];
    const bad = cellProblems(fields, plan, row, opts, replacementSeen);
    if (bad !== null) return bad;
    cur = fields;
    const instId = get("instrument") ?? "";
    if (!opts.registry.has(instId)) return [err([], row, "unknown_instrument", "instrument", instId, opts.registry.ids().join(", "))];
    if (opts.instrument !== undefined && instId !== opts.instrument) return NONE;
    const inst = opts.registry.get(instId);
    const item = get("item") ?? "";
    if (!inst.columns.includes(item)) {
      const issue = err([], row, "unknown_column", "item", item, `an item of ${inst.id} (${inst.columns[0]} … ${inst.columns[inst.columns.length - 1]})`);
      issue.message = `item ${JSON.stringify(item)} is not an item of ${inst.id}; expected ${inst.columns[0]} … ${inst.columns[inst.columns.length - 1]}`;
      return [issue];
    }
    scratch.length = 0;
    const meta = readMeta(get, row, opts, scratch);
    const issues = scratch.length > 0 ? scratch.slice() : [];
    const key = part(meta.subjectId) + part(meta.administeredOn) + part(meta.respondent ?? "") + instId;
    const metaKey = metaKeyOf(meta);
    let g = groups.get(key);
    if (!g && compact !== undefined) {
      // the store's administration goes on here, in its place in the order
      const s = compact.detach(meta.subjectId, meta.administeredOn, meta.respondent ?? "", instId);
      if (s >= 0) {
        const c = compact.release(s);
        groups.set(key, (g = expand(c)));
        order[c.position - base] = key;
        compact.general(meta.subjectId, meta.administeredOn, meta.respondent ?? "", instId);
      }
    }
    if (!g) {
      const last = handedOn.get(key) ?? compact?.handedOn(meta.subjectId, meta.administeredOn, meta.respondent ?? "", instId);
      if (last !== undefined) {
        const issue = err(issues, row, "invalid_value", "(row)", `${meta.subjectId ?? ""}, ${meta.administeredOn ?? ""}, ${meta.respondent ?? ""}, ${instId}`, `an administration's rows within ${window.toLocaleString("en")} administrations of each other`);
        issue.message =
          `row not read: it belongs to an administration (${meta.subjectId}, ${meta.administeredOn}, ${meta.respondent || "no respondent"}, ${instId}) that was scored from its rows up to row ${last}, ` +
          `because ${window.toLocaleString("en")} other administrations began after those; put each administration's rows near each other (sort the file by subject_id, administered_on, respondent, instrument)`;
        return issues;
      }
      g = open(inst, meta, metaKey, row);
      groups.set(key, g);
      order.push(key);
      compact?.general(meta.subjectId, meta.administeredOn, meta.respondent ?? "", instId);
    } else if (g.meta !== metaKey) {
      err(issues, row, "invalid_value", "(row)", "other phase, form, age or grouping values", `the same values on every row of this administration (as on row ${g.firstRow})`);
      return issues;
    }
    const first = g.itemRows[item];
    if (first !== undefined) {
      const issue = err(issues, row, "duplicate_column", "item", item, `one response per item per administration (already on row ${first})`);
      issue.message = `item ${JSON.stringify(item)} is given twice for this administration (first on row ${first}); which answer holds cannot be decided`;
      return issues;
    }
    g.itemRows[item] = row;
    (g.a.responses as Record<string, string>)[item] = get("value") ?? "";
    g.lastRow = row;
    return issues.length > 0 ? issues : NONE;
  };
  const withItemRows = (g: Group): AdministrationWithExtras => {
    if (g.a.source !== undefined) g.a.source = { ...g.a.source, itemRows: g.itemRows };
    return g.a;
  };
  const handOn = (key: string | number): HandedOn => {
    if (typeof key === "number") {
      compact!.handOut(key);
      return key;
    }
    const g = groups.get(key)!;
    groups.delete(key);
    handedOn.set(key, g.lastRow);
    return withItemRows(g);
  };
  const openCount = () => groups.size + (compact?.size ?? 0);
  /** the oldest administrations beyond the window, to be scored now */
  const take = (): readonly HandedOn[] => {
    if (openCount() <= window) return NOTHING;
    const out: HandedOn[] = [];
    // a Map's first keys are slow to reach once many were deleted, so the order of arrival is kept apart
    while (openCount() > window) out.push(handOn(order[head++]!));
    if (head > 4096 && head * 2 > order.length) {
      order = order.slice(head);
      base += head;
      head = 0;
    }
    return out;
  };
  const finish = (): HandedOn[] => order.slice(head).map(handOn);
  /** opens an administration for the store, in slot `slot`: its place in the order */
  const begin = (slot: number): number => order.push(slot) - 1 + base;
  /** this reader holds an administration with this key (see CompactStore.general) */
  const known = (key: string): boolean => groups.has(key) || handedOn.has(key);
  /** a handed-on compact administration the store could not score, as take() would have handed it on */
  const general = (slot: number): AdministrationWithExtras => withItemRows(expand(compact!.release(slot)));
  return { push, take, finish, begin, known, general };
}
