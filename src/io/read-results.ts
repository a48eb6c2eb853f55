/**
 * Results for progression analysis from a file: a raw wide/long file is scored with scoreFile;
 * a long file written by `trivsel score` (its header starts with the LONG_SCORE_COLUMNS) is read back
 * as it is, with band concern and direction looked up in the registry. The file is read once (after a look
 * at its header): eachResult hands each result on as it comes, readResults keeps them all.
 */
import { openSync, readSync, closeSync } from "node:fs";
import { formatDate, parseDate } from "../dates.js";
import { decodeText, parseText, sniff, sniffFile, streamFile, swallowedRows, utf16Bom, type FilePart, type StreamHandlers } from "./csv.js";
import { LONG_SCORE_COLUMNS } from "./formats.js";
import { brokenQuotes, checkInput, multiLine, scoreFile, strayQuote, type Input } from "./score-file.js";
import type { BuiltRow } from "./fast-results.js";
import { bandsFor, scaleRange } from "../registry/load.js";
import { makeIssue } from "../scoring/issues.js";
import { cellValue, FileError, isoDateState } from "./rows.js";
import type { Registry } from "../registry/registry.js";
import type { Issue, ScaleStatus, ScoreResult } from "../schema/results.js";

/** Where each field the reader needs sits in a long score file, by the table's column names. */
const LONG_INDEX = ["subject_id", "administered_on", "respondent", "instrument", "form", "scale", "score", "status", "band", "n_answered", "n_items", "flags"].map((c) => {
  const k = LONG_SCORE_COLUMNS.indexOf(c);
  if (k < 0) throw new Error(`read-results: the long score table has no column ${c}`);
  return k;
});

export interface ReadResults {
  results: ScoreResult[];
  /** grouping columns (e.g. municipality) per result, parallel to results; empty for scored files */
  extras: Record<string, string>[];
  /** "raw": scored now; "scored": read from a `trivsel score` long file */
  kind: "raw" | "scored";
  /** birth_date per subject when the raw file has that column (first valid value wins) */
  birthDates: Map<string, string>;
  records: number;
}

/** What eachResult tells after handing on every result: as ReadResults, with the number of results instead of them. */
export type ResultsRead = Omit<ReadResults, "results" | "extras"> & { count: number };

export interface EachResultOptions {
  instrument?: string;
  skipBrokenQuotes?: boolean;
  /**
   * true for a caller that only reads the results it is given: wide rows on the fast path then come as results
   * built from kept scale results (src/io/fast-results.ts), whose scale results, bands and flag lists are shared
   * between results; equal to the full path's, but not to be changed
   */
  sharedScales?: boolean;
  /**
   * with sharedScales: true for a caller that reads each result and its extras in the callback and keeps neither
   * (it may keep their strings): results built on the fast path are then the same objects from row to row
   */
  transient?: boolean;
  /**
   * with sharedScales: rows built on the fast path come here as one BuiltRow each (src/io/fast-results.ts), not as
   * results; `extras` false when the caller does not read the grouping columns; `cells` true: the row's cells as
   * bytes (BuiltRow.cells) in place of its strings
   */
  built?: { row(view: BuiltRow): void; extras: boolean; cells?: boolean };
  /** only this part of a raw { path } input (scoreFile's `part`) */
  part?: FilePart;
}

/** A result as it is read, with its grouping columns (empty for a scored file). */
export type OnResult = (result: ScoreResult, extras: Record<string, string>) => void;

function headOf(input: Input): string {
  if ("text" in input) return input.text.slice(0, 65536);
  const fd = openSync(input.path, "r");
  try {
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return decodeText(buf.subarray(0, n - (utf16Bom(buf) ? n % 2 : 0)));
  } finally {
    closeSync(fd);
  }
}

/** The reader's records, with quotes checked as scoreFile checks them: a quote that swallowed rows refuses the file. */
async function parse(input: Input, h: Omit<StreamHandlers, "onQuoteError">, onIssue: (i: Issue) => void, skipBrokenQuotes = false, sniffed?: (delimiter: string) => void): Promise<void> {
  const file = input.name ?? ("path" in input ? input.path : undefined);
  let header: string[] = [];
  let delimiter = ",";
  const broken = brokenQuotes(file, skipBrokenQuotes, () => header, onIssue, () => {});
  const handlers: StreamHandlers = {
    ...h,
    onHeader: (f) => {
      header = f.map((c) => c.trim());
      h.onHeader(f);
    },
    onRecords: (rows) => {
      const kept = rows.filter(({ fields, row, lines }) => {
        if (lines === undefined || lines <= 1) return true;
        const why = swallowedRows(fields, lines, header.length, delimiter);
        if (why === null) {
          onIssue(multiLine(file, row, lines, fields, header));
          return true;
        }
        broken(row, why.column, lines, `a quoted cell runs over ${lines} lines and ${why.reason}, so a quote is missing or stray`);
        return false;
      });
      if (kept.length) h.onRecords?.(kept);
    },
    onStrayQuote: (row, column, value) => onIssue(strayQuote(file, row, column, value, header)),
    onQuoteError: (row, message, info) => {
      const lines = info?.lines ?? 1;
      if (info?.unclosed || lines > 1) return broken(row, info?.column, lines, info?.unclosed ? `a quote opened here is never closed: it takes the rest of the file, ${lines === 1 ? "1 line" : `${lines} lines`}` : `${message}, over ${lines} lines`);
      onIssue({ code: "invalid_value", severity: "error", message: `row not read: ${message} (a quote is not closed or not escaped)`, row, ...(file !== undefined ? { file } : {}) });
    },
  };
  if ("text" in input) {
    delimiter = sniff(Buffer.from(input.text.slice(0, 65536), "utf8"), Buffer.byteLength(input.text), file).delimiter;
    sniffed?.(delimiter);
    parseText(input.text, input.name, handlers);
  } else {
    const s = await sniffFile(input.path, file);
    delimiter = s.delimiter;
    sniffed?.(delimiter);
    await streamFile(input.path, s, handlers, file);
  }
}

/** true when the header is the scored long format of `trivsel score` */
export function isScoredLong(input: Input): boolean {
  const head = headOf(input).replace(/^\uFEFF/, "");
  // the file's name, so that a file the sniffer refuses (empty, no delimiter) is named as scoreFile names it
  const s = sniff(Buffer.from(head, "utf8"), head.length, input.name ?? ("path" in input ? input.path : undefined));
  const first = head.split(/\r?\n/, 1)[0] ?? "";
  const cells = first.split(s.delimiter).map((c) => c.trim().replace(/^"|"$/g, ""));
  return LONG_SCORE_COLUMNS.every((c, i) => cells[i] === c);
}

/** Every result of the file in memory (the report and chart commands); eachResult hands them on instead. */
export async function readResults(input: Input, registry: Registry, opts: { instrument?: string; skipBrokenQuotes?: boolean }, onIssue: (i: Issue) => void): Promise<ReadResults> {
  const results: ScoreResult[] = [];
  const extras: Record<string, string>[] = [];
  const { kind, birthDates, records } = await eachResult(input, registry, opts, onIssue, (r, x) => {
    results.push(r);
    extras.push(x);
  });
  return { results, extras, kind, birthDates, records };
}

/**
 * Reads the file once, handing each result to `onResult` as it is scored (or read back from a scored file), so
 * a caller keeps only what it needs of them. A raw file's birth_date column is gathered in the same pass.
 */
export async function eachResult(input: Input, registry: Registry, opts: EachResultOptions, onIssue: (i: Issue) => void, onResult: OnResult): Promise<ResultsRead> {
  checkInput(input);
  if ("chunks" in input) throw new FileError("input: progression analysis reads its input twice; give a file or text", { code: "invalid_value", severity: "error", message: "expected { path } or { text }" });
  opts ??= {};
  if (isScoredLong(input)) return readScoredLong(input, registry, opts, onIssue, onResult);
  const birthDates = new Map<string, string>();
  let count = 0;
  let columns: { subject: number; birth: number } | undefined;
  const birth = (subject: string | undefined, date: string | undefined): void => {
    // most rows have no birth date, or one of a subject already known
    if (!date) return;
    const id = subject?.trim();
    if (!id || birthDates.has(id)) return;
    const d = parseDate(date.trim());
    if (d) birthDates.set(id, formatDate(d));
  };
  const summary = await scoreFile(input, { registry, ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}), ...(opts.skipBrokenQuotes ? { skipBrokenQuotes: true } : {}), ...(opts.part !== undefined ? { part: opts.part } : {}) }, {
    result: ({ result, extras }) => {
      count++;
      onResult(result, extras);
    },
    issue: onIssue,
    // birth_date is read by the scorer but not carried on results: each record gives it here, first valid value wins
    record: (fields, header) => {
      if (columns === undefined) {
        const names = header.map((c) => c.toLowerCase().replace(/\s+/g, "_"));
        columns = { subject: names.indexOf("subject_id"), birth: names.indexOf("birth_date") };
      }
      if (columns.subject < 0 || columns.birth < 0) return;
      birth(fields[columns.subject], fields[columns.birth]);
    },
    // a row on the fast path: its two cells as the reader reads them (a plain id, and an empty or yyyy-mm-dd date)
    ...(opts.sharedScales === true ? { fastRecord: (subjectId: string, birthDate: string) => birth(subjectId, birthDate), transientResults: opts.transient === true } : {}),
    ...(opts.sharedScales === true && opts.built !== undefined ? { built: countBuilt(opts.built, (n) => (count += n)) } : {}),
  });
  return { kind: "raw", birthDates, records: summary.records, count };
}

/** `built`, counting the administrations of each row it is given */
function countBuilt(built: NonNullable<EachResultOptions["built"]>, count: (n: number) => void): NonNullable<EachResultOptions["built"]> {
  return {
    row: (v) => {
      count(v.count);
      built.row(v);
    },
    extras: built.extras,
    ...(built.cells === true ? { cells: true } : {}),
  };
}

const STATUSES: readonly string[] = ["scored", "prorated", "not_scorable"];
const DECIMAL = /^-?\d+(\.\d+)?$/;
const COUNT = /^\d+$/;

/**
 * A `trivsel score` long file, checked as the raw reader checks its cells: every row is either a scale of a result
 * or an error naming its row, column, value and what was expected. Rows of one administration are adjacent.
 */
async function readScoredLong(input: Input, registry: Registry, opts: { instrument?: string; skipBrokenQuotes?: boolean }, onIssue: (i: Issue) => void, onResult: OnResult): Promise<ResultsRead> {
  const file = input.name ?? ("path" in input ? input.path : undefined);
  let count = 0;
  let current: ScoreResult | undefined;
  let currentKey = "";
  let records = 0;
  let delimiter = ",";
  const bad = (row: number, code: Issue["code"], column: string, received: string, expected: string, lines?: number): void => {
    const issue = makeIssue(code, "error", { item: column, received, expected });
    issue.message = `row not read: ${issue.message}`;
    issue.row = row;
    if (file !== undefined) issue.file = file;
    if (lines !== undefined && lines > 1) issue.lines = lines;
    onIssue(issue);
  };
  await parse(
    input,
    {
      onHeader: () => {},
      onRecords: (rows) => {
        for (const { fields, row, lines } of rows) {
          records++;
          if (fields.length !== LONG_SCORE_COLUMNS.length) {
            bad(row, "invalid_value", "(row)", `${fields.length} fields`, `${LONG_SCORE_COLUMNS.length} fields as in the header`, lines);
            continue;
          }
          const cells = fields.map((f) => cellValue(f, delimiter));
          const [subjectId, date, respondent, instrument, form, scale, score, status, band, nAnswered, nItems, flags] = LONG_INDEX.map((k) => cells[k]);
          if (opts.instrument !== undefined && instrument !== opts.instrument) continue;
          if (!registry.has(instrument!)) {
            bad(row, "unknown_instrument", "instrument", instrument!, registry.ids().join(", "));
            continue;
          }
          const inst = registry.get(instrument!);
          const sc = inst.scales.find((s) => s.id === scale);
          if (!sc) {
            bad(row, "invalid_value", "scale", scale!, `a scale of ${inst.id}: ${inst.scales.map((x) => x.id).join(", ")}`);
            continue;
          }
          const formDef = form ? inst.forms.find((f) => f.id === form) : inst.forms[0]!;
          if (!formDef) {
            bad(row, "form_unknown", "form", form!, `a form of ${inst.id}: ${inst.forms.map((f) => f.id).join(", ")}`);
            continue;
          }
          if (!subjectId) {
            bad(row, "invalid_value", "subject_id", "", "a subject id (the cell is empty)");
            continue;
          }
          if (isoDateState(date!) !== 1) {
            bad(row, "invalid_date", "administered_on", date!, "a real date, yyyy-mm-dd, as `trivsel score` writes it");
            continue;
          }
          const range = scaleRange(inst, sc, formDef);
          const value = score === "" ? null : DECIMAL.test(score!) ? Number(score) : NaN;
          if (Number.isNaN(value)) {
            bad(row, "not_a_number", "score", score!, "a decimal number such as 12 or 2.5, or empty when not scorable");
            continue;
          }
          if (value !== null && range && (value < range.min - 1e-9 || value > range.max + 1e-9)) {
            bad(row, "out_of_range", "score", score!, `a score from ${range.min} to ${range.max} (${inst.id} ${sc.id})`);
            continue;
          }
          if (!STATUSES.includes(status!) || (value === null) !== (status === "not_scorable")) {
            bad(row, "invalid_value", "status", status!, value === null ? "not_scorable (the score is empty)" : "scored or prorated (the row has a score)");
            continue;
          }
          const set = bandsFor(sc, formDef);
          const b = band ? set?.bands.find((x) => x.id === band) : undefined;
          if (band && !b) {
            bad(row, "invalid_value", "band", band, set ? `a band of ${inst.id} ${sc.id}: ${set.bands.map((x) => x.id).join(", ")}` : `empty (${inst.id} ${sc.id} has no bands)`);
            continue;
          }
          if (!COUNT.test(nItems!) || !COUNT.test(nAnswered!) || Number(nAnswered) > Number(nItems)) {
            const column = COUNT.test(nItems!) ? "n_answered" : "n_items";
            bad(row, "invalid_value", column, column === "n_items" ? nItems! : nAnswered!, "a whole number, n_answered at most n_items");
            continue;
          }
          const key = JSON.stringify([subjectId, date, respondent, instrument, form]);
          if (!current || key !== currentKey) {
            // rows of one administration are adjacent: the one before is complete
            if (current) {
              count++;
              onResult(current, {});
            }
            current = { instrument: inst.id, instrumentName: inst.name, definitionVersion: inst.definitionVersion, form: form || null, formRule: "read from a scored file", scales: [], issues: [], provisional: false, source: { row, ...(file !== undefined ? { file } : {}) } };
            current.subjectId = subjectId;
            current.administeredOn = date!;
            if (respondent) current.respondent = respondent;
            currentKey = key;
          }
          current.scales.push({
            scale: sc.id,
            label: sc.def.label,
            score: value,
            status: status as ScaleStatus,
            band: b && set ? { id: b.id, label: b.label, concern: b.concern, rule: "read from a scored file", source: { ref: set.source.ref, provenance: set.source.provenance, ...(set.source.locator !== undefined ? { locator: set.source.locator } : {}) } } : null,
            nAnswered: Number(nAnswered),
            nItems: Number(nItems),
            flags: flags ? flags.split(";") : [],
            direction: sc.def.direction,
            rule: "read from a scored file",
            provisional: false,
          });
        }
      },
    },
    onIssue,
    opts.skipBrokenQuotes === true,
    (d) => (delimiter = d),
  );
  if (current) {
    count++;
    onResult(current, {});
  }
  return { kind: "scored", birthDates: new Map(), records, count };
}
