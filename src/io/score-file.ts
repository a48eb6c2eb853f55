/**
 * A whole file through the pipeline, streaming: sniff ─► header plan ─► rows ─► administrations ─►
 * scoreAdministration ─► sink. Memory stays bounded: wide rows are scored as they come, and long files hold
 * at most LONG_OPEN_ADMINISTRATIONS administrations open at once.
 */
import type { Registry } from "../registry/registry.js";
import { scoreAdministration, scoreColumns } from "../scoring/score.js";
import type { Issue, ScoreResult } from "../schema/results.js";
import { makeIssue } from "../scoring/issues.js";
import { parseText, sniff, sniffFile, streamChunks, streamFile, strayQuoteText, swallowedRows, type FilePart, type Sniffed, type StreamHandlers } from "./csv.js";
import { FAST_PIECE_BYTES, fastLongRows } from "./fast-long.js";
import { builtRows, FastResults, type BuiltRow } from "./fast-results.js";
import { DECLINED, fastLongInput, OPENED } from "./long-fast.js";
import { FileError, LONG_OPEN_ADMINISTRATIONS, longReader, planHeader, wideRowReader, type AdministrationWithExtras, type HandedOn, type WideAdministration } from "./rows.js";

export interface ScoredAdministration {
  result: ScoreResult;
  extras: Record<string, string>;
}

export interface ScoreSink {
  /** once, after the header is read: the instruments and grouping columns the file holds */
  begin?(info: { instruments: string[]; extras: string[]; long: boolean; delimiter: string }): void;
  result(r: ScoredAdministration): void;
  issue(i: Issue): void;
  /**
   * Optional: every record as read (after the quote checks), with the trimmed header, before it is scored: for a
   * reader that wants a column results do not carry (birth_date per subject) without reading the file again.
   * A sink with it never gets longBytes' fast path.
   */
  record?(fields: readonly string[], header: readonly string[]): void;
  progress?(bytesRead: number): void;
  /**
   * Offered only by a sink that writes the long CSV format: wide rows on the fast path (src/io/fast-long.ts)
   * hand over what longScoreLines would give for their results, as UTF-8 bytes of whole lines, instead of
   * result() per administration. The bytes must be used (copied) before the call returns.
   */
  longBytes?(utf8: Uint8Array): void;
  /**
   * Offered by a sink that reads results and, of each record, only its subject_id and birth_date: wide rows the
   * fast path takes then come as results built without scoring them again (src/io/fast-results.ts), and for each
   * such row this is called instead of record(), with those two cells as the reader reads them; not called when the
   * file has no birth_date column (record() would have given an empty date).
   */
  fastRecord?(subjectId: string, birthDate: string): void;
  /**
   * With fastRecord: true when the sink reads each result and its extras during result() and neither keeps nor
   * changes them; the results built from the fast path then reuse their objects from row to row.
   */
  transientResults?: boolean;
  /**
   * With fastRecord: each row built on the fast path comes to `row` as one BuiltRow (src/io/fast-results.ts),
   * instead of result() per administration; `extras` false: the sink does not read the grouping columns.
   */
  built?: { row(view: BuiltRow): void; extras: boolean; cells?: boolean };
}

export interface ScoreFileOptions {
  registry: Registry;
  instrument?: string;
  /** false: every row takes the full path (tests and the benchmark compare the two); also TRIVSEL_NO_FAST_PATH=1 */
  fastPath?: boolean;
  /**
   * A quote never closed, or one that swallows rows, refuses the file (FileError) unless this is true: then the
   * lines it took are reported as not read and reading goes on.
   */
  skipBrokenQuotes?: boolean;
  /** administrations a long file may hold open (LONG_OPEN_ADMINISTRATIONS; tests make it small) */
  longWindow?: number;
  /**
   * Only this part of a { path } input (src/io/results-thread.ts shares a wide file out between threads): a part
   * after the first gives no issue of the header, which the first part gives; no part says the file has no data
   * rows, which only the whole can tell (noDataRows()).
   */
  part?: FilePart;
}

export interface ScoreSummary {
  records: number;
  administrations: number;
  errors: number;
  warnings: number;
  delimiter: string;
}

/** A file (path, shown in messages as `name` when given) or text already in memory. */
export type Input = { path: string; name?: string } | { text: string; name?: string };
/** What scoreFile reads: an Input, or bytes as they arrive (standard input), read once. */
export type ScoreInput = Input | { chunks: AsyncIterable<Uint8Array>; name?: string };

/** An info issue for a row that took several lines (a quoted cell with line breaks), so that every line is named. */
export function multiLine(file: string | undefined, row: number, lines: number, fields: readonly string[], header: readonly string[]): Issue {
  const k = fields.findIndex((f) => f.includes("\n") || f.includes("\r"));
  const column = k < 0 ? undefined : header[k] || `${k + 1}`;
  return {
    code: "invalid_value",
    severity: "info",
    message: `row ${row} takes ${lines} lines of the file: a quoted cell${column !== undefined ? ` in column ${column}` : ""} holds line breaks`,
    row,
    lines,
    ...(column !== undefined ? { item: column } : {}),
    ...(file !== undefined ? { file } : {}),
  };
}

/**
 * A warning for a cell that holds a quote without starting with one (`mot"her`): read as written, quote included,
 * so that a typing slip does not quietly become, say, another rater.
 */
export function strayQuote(file: string | undefined, row: number, column: number, value: string, header: readonly string[]): Issue {
  const item = header[column]?.trim() || `${column + 1}`;
  return {
    code: "invalid_value",
    severity: "warning",
    message: `${strayQuoteText(value)}. It is read as written, quote included; check that the quote is meant`,
    row,
    item,
    received: value,
    expected: "a quote only inside a quoted cell, doubled",
    ...(file !== undefined ? { file } : {}),
  };
}

/** The error of a file with a header and nothing else. */
export function noDataRows(file: string | undefined): Issue {
  return { code: "missing_item", severity: "error", message: "the file has a header but no data rows", row: 2, ...(file !== undefined ? { file } : {}) };
}

/** Throws a FileError with a structured issue for an input of the wrong type (from JavaScript or JSON). */
export function checkInput(input: unknown): asserts input is ScoreInput {
  const ok =
    input !== null &&
    typeof input === "object" &&
    (typeof (input as { path?: unknown }).path === "string" || typeof (input as { text?: unknown }).text === "string" || typeof (input as { chunks?: { [Symbol.asyncIterator]?: unknown } }).chunks?.[Symbol.asyncIterator] === "function");
  if (ok) return;
  const received = input === null ? "null" : Array.isArray(input) ? "an array" : typeof input === "object" ? `an object with ${Object.keys(input).slice(0, 5).join(", ") || "no keys"}` : typeof input;
  const issue = makeIssue("invalid_value", "error", { received, expected: "an input: { path } of a file, { text } of CSV text, or { chunks } of bytes" });
  throw new FileError(`input: ${issue.message}`, issue);
}

/**
 * What a quote that swallowed rows does: refuses the file (FileError), or with `skip` reports the row and the lines
 * it took as not read. The message names the row, the column where the cell opened and the lines.
 */
export function brokenQuotes(file: string | undefined, skip: boolean, header: () => readonly string[], emit: (i: Issue) => void, counted: () => void) {
  return (row: number, column: number | undefined, lines: number, what: string): void => {
    const name = column === undefined ? undefined : header()[column] || `${column + 1}`;
    const where = `row ${row}${name !== undefined ? `, column ${name}` : ""}`;
    if (!skip) {
      const issue: Issue = { code: "invalid_value", severity: "error", message: `${what}; the file was not read`, row, lines, ...(name !== undefined ? { item: name } : {}), ...(file !== undefined ? { file } : {}) };
      throw new FileError(
        `${file ?? "input"}: ${where}: ${what}. Close or remove the quote (a quote inside a cell is written "" in CSV), or run again with --skip-broken-quotes to read the other rows and report ${lines === 1 ? "this line" : `these ${lines} lines`} as not read`,
        issue,
      );
    }
    counted();
    emit({ code: "invalid_value", severity: "error", message: `row not read: ${what}; ${lines === 1 ? "its line was" : `its ${lines} lines were`} not read`, row, lines, ...(name !== undefined ? { item: name } : {}), ...(file !== undefined ? { file } : {}) });
  };
}

/** An issue with the subject, date and instrument of its administration, so the issues file traces it back. */
function traced(i: Issue, a: { subjectId?: string | undefined; administeredOn?: string | undefined; instrument?: string }): Issue {
  const out = { ...i };
  if (out.subjectId === undefined && a.subjectId) out.subjectId = a.subjectId;
  if (out.administeredOn === undefined && a.administeredOn) out.administeredOn = a.administeredOn;
  if (out.instrument === undefined && a.instrument !== undefined) out.instrument = a.instrument;
  return out;
}

/** Reads, scores and hands every result and issue to `sink`; throws FileError if the file is unreadable. */
export async function scoreFile(input: ScoreInput, opts: ScoreFileOptions, sink: ScoreSink): Promise<ScoreSummary> {
  checkInput(input);
  const file = input.name ?? ("path" in input ? input.path : undefined);
  const summary: ScoreSummary = { records: 0, administrations: 0, errors: 0, warnings: 0, delimiter: "," };
  const emit = (i: Issue) => {
    if (i.severity === "error") summary.errors++;
    else if (i.severity === "warning") summary.warnings++;
    sink.issue(i);
  };
  const score = (a: AdministrationWithExtras) => {
    summary.administrations++;
    const result = scoreAdministration(opts.registry.get(a.instrument), a);
    for (const i of result.issues) emit(traced(i, result));
    sink.result({ result, extras: a.extras });
  };
  const scoreWide = (a: WideAdministration): ScoredAdministration => {
    summary.administrations++;
    const result = scoreColumns(opts.registry.get(a.instrument), a, a.columns);
    for (const i of result.issues) emit(traced(i, result));
    const scored = { result, extras: a.extras };
    sink.result(scored);
    return scored;
  };
  let onRecord: (fields: string[], row: number, replacementSeen: boolean) => void = () => {};
  let header: string[] = [];
  const broken = brokenQuotes(file, opts.skipBrokenQuotes === true, () => header, emit, () => summary.records++);
  let onLine: ((bytes: Buffer, start: number, end: number, row: number, replacementSeen: boolean) => boolean) | undefined;
  let finish: () => void = () => {};
  /** hands on the fast path's gathered lines */
  let flushFast: () => void = () => {};
  let sniffed: Sniffed | undefined;
  const handlers: StreamHandlers = {
    onHeader(fields: string[]) {
      header = fields.map((f) => f.trim());
      const readOpts = { registry: opts.registry, delimiter: sniffed!.delimiter, ...(file !== undefined ? { file } : {}), ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}) };
      const { plan, issues, long } = planHeader(fields, readOpts);
      sink.begin?.({ instruments: plan.instruments.map((p) => p.inst.id), extras: plan.extras.map((e) => e.name), long, delimiter: sniffed!.delimiter });
      if (opts.part === undefined || opts.part.start === 0) for (const i of issues) emit(i);
      // a sink that reads every record (birth dates) takes no fast path: those lines never reach onRecord
      const longBytes = sink.record ? undefined : sink.longBytes?.bind(sink);
      const fastOn = opts.fastPath !== false && process.env.TRIVSEL_NO_FAST_PATH !== "1";
      const fastPath = longBytes !== undefined && fastOn;
      // results built from the fast path's scorers (wide input only), for a sink that asks for them
      const fastResults = fastOn && longBytes === undefined && sink.fastRecord !== undefined;
      if (long) {
        // quote-free lines that read plainly are held compact (src/io/long-fast.ts), in the reader's order
        const fast = fastPath ? fastLongInput(plan, readOpts) : null;
        const reader = longReader(plan, plan.names, readOpts, opts.longWindow ?? LONG_OPEN_ADMINISTRATIONS, fast ?? undefined);
        const flush = () => fast !== null && fast.pending > 0 && longBytes!(fast.take());
        const handOn = (handed: readonly HandedOn[]) => {
          for (let k = 0; k < handed.length; k++) {
            const h = handed[k]!;
            if (typeof h !== "number") {
              // the full path's output comes after the lines gathered so far
              flush();
              score(h);
            } else if (fast!.score(h)) {
              summary.administrations++;
              const issues = fast!.issues;
              for (let j = 0; j < issues.length; j++) emit(issues[j]!);
              if (fast!.pending >= FAST_PIECE_BYTES) flush();
            } else {
              flush();
              score(reader.general(h));
            }
          }
        };
        if (fast !== null) {
          fast.attach(reader);
          flushFast = flush;
          onLine = (bytes, start, end, row, replacementSeen) => {
            const taken = fast.line(bytes, start, end, replacementSeen, row);
            if (taken === DECLINED) return false;
            summary.records++;
            // only a new administration can take the reader beyond its window
            if (taken === OPENED) handOn(reader.take());
            return true;
          };
        }
        onRecord = (fields, row, replacementSeen) => {
          summary.records++;
          for (const i of reader.push(fields, row, replacementSeen)) emit(i);
          handOn(reader.take());
        };
        finish = () => {
          handOn(reader.finish());
          flush();
        };
      } else {
        const reader = wideRowReader(plan, readOpts);
        let lineDeclined = false;
        const fast = fastPath ? fastLongRows(plan, readOpts) : fastResults ? fastLongRows(plan, readOpts, false) : null;
        const built = fastResults && fast !== null ? new FastResults(plan, readOpts, fast, sink.transientResults === true) : null;
        // without the column every row's birth date is empty: nothing for fastRecord to read
        const births = plan.meta.birth_date !== undefined;
        /** the row fast last took, built: each result after its issues, as scoreWide hands them on */
        // a sink that keeps nothing is handed one object, set again per result
        const handed: { result: ScoreResult; extras: Record<string, string> } | null = sink.transientResults === true ? { result: undefined as unknown as ScoreResult, extras: {} } : null;
        const handOnBuilt = (): void => {
          builtRows.count++;
          summary.administrations += fast!.administrations;
          const issues = fast!.issues;
          if (sink.built !== undefined) {
            for (let j = 0; j < issues.length; j++) emit(issues[j]!);
            return sink.built.row(built!.view(sink.built.extras, sink.built.cells === true));
          }
          built!.fill();
          const ends = fast!.taken.issueEnd;
          let j = 0;
          for (let k = 0; k < built!.results.length; k++) {
            for (const end = ends[k]!; j < end; j++) emit(issues[j]!);
            if (handed === null) sink.result({ result: built!.results[k]!, extras: built!.extras });
            else {
              handed.result = built!.results[k]!;
              handed.extras = built!.extras;
              sink.result(handed);
            }
          }
        };
        if (built !== null) {
          onLine = (bytes, start, end, row, replacementSeen) => {
            if (!fast!.line(bytes, start, end, replacementSeen, row)) {
              lineDeclined = true;
              return false;
            }
            // a line not known yet: the same row comes to onRecord, which scores it by the full path and learns it
            if (!built.build(row)) return false;
            summary.records++;
            if (births) sink.fastRecord!(built.cell("subject_id"), built.cell("birth_date"));
            handOnBuilt();
            return true;
          };
        } else if (fast !== null) {
          flushFast = () => fast.pending > 0 && longBytes!(fast.take());
          onLine = (bytes, start, end, row, replacementSeen) => {
            if (!fast.line(bytes, start, end, replacementSeen, row)) {
              // the same row comes to onRecord next: not asked again there
              lineDeclined = true;
              return false;
            }
            summary.records++;
            summary.administrations += fast.administrations;
            for (const i of fast.issues) emit(i);
            if (fast.pending >= FAST_PIECE_BYTES) longBytes!(fast.take());
            return true;
          };
        }
        onRecord = (fields, row, replacementSeen) => {
          summary.records++;
          let learn = false;
          if (built !== null) {
            const declined = lineDeclined;
            lineDeclined = false;
            if (!declined && fast!.row(fields, replacementSeen, row)) {
              if (built.build(row)) return handOnBuilt();
              learn = true;
            }
          } else if (fast !== null) {
            const declined = lineDeclined;
            lineDeclined = false;
            if (!declined && fast.row(fields, replacementSeen, row)) {
              summary.administrations += fast.administrations;
              for (const i of fast.issues) emit(i);
              if (fast.pending >= FAST_PIECE_BYTES) longBytes!(fast.take());
              return;
            }
            // the full path's output comes after the lines gathered so far
            if (fast.pending > 0) longBytes!(fast.take());
          }
          const out = reader(fields, row, replacementSeen);
          const subjectId = plan.meta.subject_id === undefined ? undefined : fields[plan.meta.subject_id]?.trim();
          for (const i of out.issues) emit(subjectId ? traced(i, { subjectId }) : i);
          if (learn) built!.learn(row, out.administrations.map(scoreWide));
          else for (const a of out.administrations) scoreWide(a);
        };
      }
    },
    onRecord: (fields: string[], row: number, replacementSeen: boolean, lines: number) => {
      if (lines > 1) {
        const why = swallowedRows(fields, lines, header.length, sniffed!.delimiter);
        if (why !== null) return broken(row, why.column, lines, `a quoted cell runs over ${lines} lines and ${why.reason}, so a quote is missing or stray`);
        emit(multiLine(file, row, lines, fields, header));
      }
      sink.record?.(fields, header);
      onRecord(fields, row, replacementSeen);
    },
    onLine: (bytes: Buffer, start: number, end: number, row: number, replacementSeen: boolean) => onLine !== undefined && onLine(bytes, start, end, row, replacementSeen),
    onStrayQuote: (row: number, column: number, value: string) => emit(strayQuote(file, row, column, value, header)),
    onQuoteError(row, message, info) {
      const lines = info?.lines ?? 1;
      if (info?.unclosed || lines > 1) return broken(row, info?.column, lines, info?.unclosed ? `a quote opened here is never closed: it takes the rest of the file, ${lines === 1 ? "1 line" : `${lines} lines`}` : `${message}, over ${lines} lines`);
      summary.records++;
      emit({ code: "invalid_value", severity: "error", message: `row not read: ${message} (a quote is not closed or not escaped)`, row, ...(file !== undefined ? { file } : {}) });
    },
    ...(sink.progress ? { onProgress: sink.progress } : {}),
  };
  let headerSeen = false;
  const guarded = { ...handlers, onHeader: (f: string[]) => ((headerSeen = true), handlers.onHeader(f)) };
  if ("path" in input) {
    const s = await sniffFile(input.path, file);
    sniffed = s;
    await streamFile(input.path, s, guarded, file, opts.part);
  } else if ("chunks" in input) {
    await streamChunks(input.chunks, file, guarded, (s) => (sniffed = s));
  } else {
    // sniff before parsing so the header handler knows the delimiter
    sniffed = sniff(Buffer.from(input.text.slice(0, 65536), "utf8"), Buffer.byteLength(input.text), file);
    parseText(input.text, file, guarded);
  }
  flushFast();
  if (!headerSeen) throw new FileError(`${file ?? "input"}: no header row`, { code: "missing_column", severity: "error", message: "no header row" });
  finish();
  if (summary.records === 0 && opts.part === undefined) emit(noDataRows(file));
  summary.delimiter = sniffed!.delimiter;
  return summary;
}
