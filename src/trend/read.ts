/**
 * Results for progression analysis from a file: a raw wide/long file is scored with scoreFile;
 * a long file written by `trivsel score` (its header starts with the LONG_SCORE_COLUMNS) is read back
 * as it is, with band concern and direction looked up in the registry.
 */
import { openSync, readSync, closeSync } from "node:fs";
import { formatDate, parseDate } from "../dates.js";
import { parseText, sniff, sniffFile, streamFile, type StreamHandlers } from "../io/csv.js";
import { LONG_SCORE_COLUMNS } from "../io/formats.js";
import { scoreFile, type Input } from "../io/score-file.js";
import { bandsFor } from "../registry/load.js";
import type { Registry } from "../registry/registry.js";
import type { Issue, ScaleStatus, ScoreResult } from "../schema/results.js";

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

function headOf(input: Input): string {
  if ("text" in input) return input.text.slice(0, 65536);
  const fd = openSync(input.path, "r");
  try {
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

async function parse(input: Input, h: Omit<StreamHandlers, "onQuoteError"> & { onQuoteError?: StreamHandlers["onQuoteError"] }): Promise<void> {
  const handlers: StreamHandlers = { onQuoteError: () => {}, ...h };
  if ("text" in input) parseText(input.text, input.name, handlers);
  else await streamFile(input.path, await sniffFile(input.path), handlers);
}

/** true when the header is the scored long format of `trivsel score` */
export function isScoredLong(input: Input): boolean {
  const head = headOf(input).replace(/^\uFEFF/, "");
  const s = sniff(Buffer.from(head, "utf8"), head.length);
  const first = head.split(/\r?\n/, 1)[0] ?? "";
  const cells = first.split(s.delimiter).map((c) => c.trim().replace(/^"|"$/g, ""));
  return LONG_SCORE_COLUMNS.every((c, i) => cells[i] === c);
}

export async function readResults(input: Input, registry: Registry, opts: { instrument?: string }, onIssue: (i: Issue) => void): Promise<ReadResults> {
  if (isScoredLong(input)) return readScoredLong(input, registry, opts, onIssue);
  const results: ScoreResult[] = [];
  const extras: Record<string, string>[] = [];
  const summary = await scoreFile(input, { registry, ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}) }, {
    result: ({ result, extras: x }) => {
      results.push(result);
      extras.push(x);
    },
    issue: onIssue,
  });
  // birth_date is read by the scorer but not carried on results; a light second pass collects it
  const birthDates = new Map<string, string>();
  let subjectCol = -1;
  let birthCol = -1;
  await parse(input, {
    onHeader: (f) => {
      const names = f.map((c) => c.trim().toLowerCase());
      subjectCol = names.indexOf("subject_id");
      birthCol = names.indexOf("birth_date");
    },
    onRecords: (rows) => {
      if (subjectCol < 0 || birthCol < 0) return;
      for (const { fields } of rows) {
        const id = fields[subjectCol]?.trim();
        const d = parseDate(fields[birthCol]?.trim() ?? "");
        if (id && d && !birthDates.has(id)) birthDates.set(id, formatDate(d));
      }
    },
  });
  return { results, extras, kind: "raw", birthDates, records: summary.records };
}

async function readScoredLong(input: Input, registry: Registry, opts: { instrument?: string }, onIssue: (i: Issue) => void): Promise<ReadResults> {
  const file = input.name ?? ("path" in input ? input.path : undefined);
  const results: ScoreResult[] = [];
  let current: ScoreResult | undefined;
  let currentKey = "";
  let records = 0;
  const warn = (row: number, message: string) => onIssue({ code: "invalid_value", severity: "warning", message, row, ...(file !== undefined ? { file } : {}) });
  await parse(input, {
    onHeader: () => {},
    onRecords: (rows) => {
      for (const { fields, row } of rows) {
        records++;
        const [subjectId, date, respondent, instrument, form, scale, score, status, band, nAnswered, nItems, flags] = fields.map((f) => f.trim());
        if (!instrument || !scale) continue;
        if (opts.instrument !== undefined && instrument !== opts.instrument) continue;
        if (!registry.has(instrument)) {
          warn(row, `instrument "${instrument}" is not known; row left out`);
          continue;
        }
        const inst = registry.get(instrument);
        const sc = inst.scales.find((s) => s.id === scale);
        if (!sc) {
          warn(row, `${instrument} has no scale "${scale}"; row left out`);
          continue;
        }
        const key = JSON.stringify([subjectId, date, respondent, instrument, form]);
        if (!current || key !== currentKey) {
          current = { instrument, instrumentName: inst.name, definitionVersion: inst.definitionVersion, form: form || null, formRule: "read from a scored file", scales: [], issues: [], provisional: false, source: { row, ...(file !== undefined ? { file } : {}) } };
          if (subjectId) current.subjectId = subjectId;
          if (date) current.administeredOn = date;
          if (respondent) current.respondent = respondent;
          results.push(current);
          currentKey = key;
        }
        const formDef = inst.forms.find((f) => f.id === (form || inst.forms[0]!.id)) ?? inst.forms[0]!;
        const b = band ? bandsFor(sc, formDef)?.bands.find((x) => x.id === band) : undefined;
        const set = bandsFor(sc, formDef);
        const value = score === "" || score === undefined ? null : Number(score);
        current.scales.push({
          scale,
          label: sc.def.label,
          score: value !== null && Number.isFinite(value) ? value : null,
          status: (status as ScaleStatus) || (value === null ? "not_scorable" : "scored"),
          band: b && set ? { id: b.id, label: b.label, concern: b.concern, rule: "read from a scored file", source: { ref: set.source.ref, provenance: set.source.provenance, ...(set.source.locator !== undefined ? { locator: set.source.locator } : {}) } } : null,
          nAnswered: Number(nAnswered) || 0,
          nItems: Number(nItems) || 0,
          flags: flags ? flags.split(";") : [],
          direction: sc.def.direction,
          rule: "read from a scored file",
          provisional: false,
        });
      }
    },
  });
  return { results, extras: results.map(() => ({})), kind: "scored", birthDates: new Map(), records };
}
