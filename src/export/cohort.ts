/**
 * The cohort CSV an evaluator hands on: one row per subject × instrument × scale × administration,
 * with the cutoff's provenance, pseudonymised by design, with a data dictionary beside it.
 */
import { createHmac } from "node:crypto";
import { parseIsoDate, toDayNumber } from "../dates.js";
import { AtomicFile } from "../io/atomic.js";
import { csvLine } from "../io/csv.js";
import { scoreFile, type Input, type ScoreSummary } from "../io/score-file.js";
import type { Registry } from "../registry/registry.js";
import type { Issue } from "../schema/results.js";

export interface ExportOptions {
  registry: Registry;
  instrument?: string;
  out: string;
  /** HMAC key: subject ids become keyed pseudonyms, stable for the same key */
  pseudonymKey?: string;
  /** replace dates by days since the subject's first administration in the file */
  relativeDates?: boolean;
  /** export values that look like CPR numbers instead of stopping */
  allowCpr?: boolean;
  /** write nothing when the input has any error-level issue */
  strict?: boolean;
  onIssue?: (i: Issue) => void;
}

export class ExportError extends Error {
  override name = "ExportError";
}

/** Danish CPR: ddmmyy-xxxx or ddmmyyxxxx with a real day and month. */
const CPR = /(?<![0-9])(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])([0-9]{2})-?([0-9]{4})(?![0-9])/;
export function looksLikeCpr(value: string): boolean {
  const m = CPR.exec(value);
  if (!m) return false;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const maxDay = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= maxDay;
}

/** Keyed pseudonym of a subject id: HMAC-SHA-256, first 16 hex digits. Same key → same pseudonym. */
export const pseudonym = (subjectId: string, key: string): string => `p_${createHmac("sha256", key).update(subjectId, "utf8").digest("hex").slice(0, 16)}`;

export const MIN_KEY_LENGTH = 16;

/** The data dictionary's path: beside the export, `cohort.csv` → `cohort.dictionary.csv`. */
export const dictionaryPath = (out: string): string => out.replace(/\.csv$/i, "") + ".dictionary.csv";

export interface DictionaryEntry {
  column: string;
  meaning: string;
  type: string;
  allowed: string;
}

export function exportColumns(extras: readonly string[], opts: { pseudonymized: boolean; relativeDates: boolean }): DictionaryEntry[] {
  return [
    {
      column: "subject_id",
      meaning: opts.pseudonymized ? "keyed pseudonym of the subject id (HMAC-SHA-256 with the site's key; same key gives the same pseudonym)" : "subject id as in the input",
      type: "text",
      allowed: opts.pseudonymized ? "p_ followed by 16 hexadecimal digits" : "any",
    },
    opts.relativeDates
      ? { column: "day", meaning: "days since the subject's first administration in this file", type: "integer", allowed: "0 or more" }
      : { column: "administered_on", meaning: "date of the administration", type: "date", allowed: "yyyy-mm-dd" },
    { column: "respondent", meaning: "who answered or rated", type: "text", allowed: "as in the input, e.g. mother, father, health_visitor, family_consultant" },
    { column: "phase", meaning: "programme phase at the administration", type: "text", allowed: "as in the input, e.g. pregnancy, birth, intensive, support, phase_out" },
    ...extras.map((e) => ({ column: e, meaning: "grouping column carried over from the input", type: "text", allowed: "as in the input" })),
    { column: "instrument", meaning: "instrument id", type: "text", allowed: "see `trivsel instruments`" },
    { column: "definition_version", meaning: "version of the instrument definition used (+ overlay name when a site overlay was applied)", type: "text", allowed: "semantic version" },
    { column: "form", meaning: "form of the instrument (e.g. ASQ:SE-2 interval in months)", type: "text", allowed: "empty when the instrument has one form" },
    { column: "scale", meaning: "scale id within the instrument; on a classification row, the classification item (e.g. aairf_2)", type: "text", allowed: "see `trivsel instruments show <id>`" },
    { column: "direction", meaning: "whether a higher score is better", type: "text", allowed: "higher_is_better, higher_is_worse, none" },
    { column: "score", meaning: "scale score (up to 6 decimals); empty when not scorable", type: "number", allowed: "the scale's range" },
    { column: "status", meaning: "how the score was obtained", type: "text", allowed: "scored, prorated, not_scorable; on a classification row classified or not_classified (empty or unknown code)" },
    { column: "band", meaning: "band (cutoff range) the score falls in", type: "text", allowed: "band ids of the instrument; empty when the scale has no bands or no score; on a classification row, the coder's code (e.g. F, Ds, E, U, CC)" },
    { column: "band_concern", meaning: "whether the band calls for action or follow-up", type: "boolean", allowed: "true, false, empty" },
    { column: "band_rule", meaning: "the bounds of the band, e.g. ≥ 13; on a classification row, the code's meaning", type: "text", allowed: "any" },
    { column: "cutoff_provenance", meaning: "how sure the cutoff is (on a classification row: the code set)", type: "text", allowed: "published, secondary, provisional, policy" },
    { column: "cutoff_source", meaning: "reference id and locator of the cutoff", type: "text", allowed: "see instruments/README.md" },
    { column: "n_answered", meaning: "items answered", type: "integer", allowed: "0 or more" },
    { column: "n_items", meaning: "items on the scale", type: "integer", allowed: "1 or more" },
    { column: "flags", meaning: "item-level flags and provisional markers, separated by ;", type: "text", allowed: "e.g. self_harm, srs_item_below_9, provisional_cutoff, provisional_definition, coder_missing, coder_not_certified, coder_certification_unknown" },
    { column: "provisional", meaning: "a provisional number (cutoff, item count, age window) went into this row", type: "boolean", allowed: "true, false" },
  ];
}

/**
 * Scores `input` and writes the cohort CSV and `<out without .csv>.dictionary.csv`, both atomically.
 * @throws {ExportError} when a CPR-like value would be exported (unless allowCpr) or the key is too short
 */
export async function exportCohort(input: Input, opts: ExportOptions): Promise<ScoreSummary & { rows: number; dictionary: string }> {
  if (opts.pseudonymKey !== undefined && opts.pseudonymKey.length < MIN_KEY_LENGTH)
    throw new ExportError(`the pseudonymisation key must be at least ${MIN_KEY_LENGTH} characters; received ${opts.pseudonymKey.length}`);
  const base = { registry: opts.registry, ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}) };
  const firstDay = new Map<string, number>();
  if (opts.relativeDates) {
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
  }
  const dictPath = dictionaryPath(opts.out);
  const out = new AtomicFile(opts.out);
  let dict: AtomicFile | undefined;
  let rows = 0;
  let errors = 0;
  let extras: string[] = [];
  let columnNames: string[] = [];
  try {
    const summary = await scoreFile(input, base, {
      begin(info) {
        extras = info.extras;
        columnNames = exportColumns(extras, { pseudonymized: opts.pseudonymKey !== undefined, relativeDates: !!opts.relativeDates }).map((c) => c.column);
        out.write(csvLine(columnNames));
      },
      issue: (i) => {
        if (i.severity === "error") errors++;
        opts.onIssue?.(i);
      },
      result({ result: r, extras: ex }) {
        let date: string | number | undefined = r.administeredOn;
        if (opts.relativeDates) {
          const d = r.administeredOn ? parseIsoDate(r.administeredOn) : null;
          date = d && r.subjectId !== undefined ? toDayNumber(d) - firstDay.get(r.subjectId)! : undefined;
        }
        const subject = r.subjectId === undefined ? undefined : opts.pseudonymKey !== undefined ? pseudonym(r.subjectId, opts.pseudonymKey) : r.subjectId;
        const emit = (cells: (string | number | null | undefined)[]) => {
          if (!opts.allowCpr) {
            cells.forEach((c, k) => {
              if (typeof c === "string" && looksLikeCpr(c))
                throw new ExportError(
                  `${r.source?.file ?? "input"}: row ${r.source?.row ?? "?"}, column ${columnNames[k]}: a value looks like a Danish CPR number (ddmmyy-xxxx); export stopped and nothing was written. Pseudonymise ids (--pseudonymize --key-file), remove the column, or pass --allow-cpr if it is not a CPR number`,
                );
            });
          }
          out.write(csvLine(cells));
          rows++;
        };
        const head = [subject, date, r.respondent, r.phase, ...extras.map((e) => ex[e]), r.instrument, r.definitionVersion, r.form];
        for (const s of r.scales) {
          emit([
            ...head,
            s.scale,
            s.direction,
            s.score,
            s.status,
            s.band?.id,
            s.band ? String(s.band.concern) : undefined,
            s.band?.rule,
            s.band?.source.provenance,
            s.band ? [s.band.source.ref, s.band.source.locator].filter(Boolean).join(": ") : undefined,
            s.nAnswered,
            s.nItems,
            s.flags.join(";"),
            String(s.provisional),
          ]);
        }
        // a coder's classification: a row of its own, the code in `band` and its meaning in `band_rule`
        for (const c of r.classifications ?? [])
          emit([
            ...head,
            c.item,
            "none",
            undefined,
            c.code === null ? "not_classified" : "classified",
            c.code,
            undefined,
            c.meaning,
            c.source.provenance,
            [c.source.ref, c.source.locator].filter(Boolean).join(": "),
            c.code === null ? 0 : 1,
            1,
            c.flags.join(";"),
            String(c.source.provenance === "provisional"),
          ]);
      },
    });
    if (opts.strict && errors > 0) throw new ExportError(`${errors} errors in the input and --strict: nothing was written`);
    dict = new AtomicFile(dictPath);
    dict.write(csvLine(["column", "meaning", "type", "allowed_values"]));
    for (const c of exportColumns(extras, { pseudonymized: opts.pseudonymKey !== undefined, relativeDates: !!opts.relativeDates })) dict.write(csvLine([c.column, c.meaning, c.type, c.allowed]));
    out.commit();
    dict.commit();
    return { ...summary, rows, dictionary: dictPath };
  } catch (e) {
    out.abort();
    dict?.abort();
    throw e;
  }
}
