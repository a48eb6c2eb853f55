/**
 * The app's files are the CLI's files: import reads a FIT CSV (long or wide) with trivsel's own readers and
 * scorer, export writes the long format `subject_id,administered_on,respondent,instrument,item,value`.
 */
import { formatDate, parseDate } from "../dates.js";
import { csvLine, formatNumber, parseText, sniff, strayQuoteText } from "../io/csv.js";
import { formatIssue } from "../io/formats.js";
import { FileError, LONG_COLUMNS, longRowReader, planHeader, wideRowReader, type ReadOptions } from "../io/rows.js";
import type { Registry } from "../registry/registry.js";
import { scoreAdministration } from "../scoring/score.js";
import type { Administration, Issue } from "../schema/results.js";
import { appMeasures, SUBJECT_ID } from "./fit.js";
import type { ImportSession, LongRow, Rating } from "./storage/store.js";

export interface ImportRead {
  sessions: ImportSession[];
  /** errors that refuse the file, as `file, row n, column c: message` lines */
  errors: string[];
  /** administrations of other instruments, which the app does not keep */
  skipped: number;
}

/**
 * Reads a FIT file: every administration of a FIT measure (ORS, SRS, CORS, CSRS) is checked by the scorer exactly as
 * `trivsel validate` checks it. Any error (a value out of range, a missing line, a row without a date) refuses
 * the whole file, so an import is never half done.
 */
export function readFitCsv(text: string, name: string, registry: Registry): ImportRead {
  // the instruments the app keeps: the FIT measures the definitions declare
  const FIT = new Set(appMeasures(registry).map((m) => m.instrument));
  const errors: string[] = [];
  const admins: Administration[] = [];
  let skipped = 0;
  const issue = (i: Issue) => {
    if (i.severity === "error" && (i.instrument === undefined || FIT.has(i.instrument))) errors.push(formatIssue(i));
  };
  const take = (a: Administration) => {
    if (!FIT.has(a.instrument)) {
      skipped++;
      return;
    }
    const r = scoreAdministration(registry.get(a.instrument), a);
    r.issues.forEach(issue);
    if (!a.subjectId) errors.push(`${name}, row ${a.source?.row ?? "?"}: no subject_id`);
    else if (!SUBJECT_ID.test(a.subjectId)) errors.push(`${name}, row ${a.source?.row ?? "?"}: subject_id ${JSON.stringify(a.subjectId)}: use letters, digits, ".", "-" and "_" only (at most 64)`);
    else if (!a.administeredOn || !parseDate(a.administeredOn)) errors.push(`${name}, row ${a.source?.row ?? "?"}: no valid administered_on date`);
    else admins.push(a);
  };
  let onRecord: (fields: string[], row: number) => void = () => {};
  let finish = () => {};
  let headerSeen = false;
  let header: readonly string[] = [];
  try {
    // sniffed before parsing, as scoreFile does, so the header handler knows the delimiter
    const delimiter = sniff(Buffer.from(text.slice(0, 65536), "utf8"), Buffer.byteLength(text), name).delimiter;
    parseText(text, name, {
      onHeader(fields) {
        headerSeen = true;
        header = fields;
        const opts: ReadOptions = { registry, delimiter, file: name };
        const { plan, issues, long } = planHeader(fields, opts);
        issues.forEach(issue);
        if (long) {
          const reader = longRowReader(plan, fields, opts);
          onRecord = (f, row) => {
            reader.push(f, row, true).forEach(issue);
            reader.take().forEach(take);
          };
          finish = () => reader.finish().forEach(take);
        } else {
          const reader = wideRowReader(plan, opts);
          onRecord = (f, row) => {
            const out = reader(f, row, true);
            out.issues.forEach(issue);
            for (const a of out.administrations) {
              const responses: Record<string, string> = {};
              a.columns.names.forEach((n, i) => (responses[n] = String(a.columns.values[i] ?? "")));
              const { columns: _columns, ...rest } = a;
              take({ ...rest, responses });
            }
          };
        }
      },
      onRecord: (f, row) => onRecord(f, row),
      onQuoteError: (row, message) => errors.push(`${name}, row ${row}: ${message}`),
      // the other readers warn and read such a cell as written; an import is refused instead, as for any doubt
      onStrayQuote: (row, column, value) => errors.push(`${name}, row ${row}, column ${header[column]?.trim() || column + 1}: ${strayQuoteText(value)}`),
    });
  } catch (e) {
    if (e instanceof FileError) return { sessions: [], errors: [e.message], skipped };
    throw e;
  }
  if (!headerSeen) return { sessions: [], errors: [`${name}: no header row`], skipped };
  finish();
  if (errors.length) return { sessions: [], errors, skipped };
  const bySession = new Map<string, ImportSession>();
  for (const a of admins) {
    const date = formatDate(parseDate(a.administeredOn!)!);
    const k = `${a.subjectId}\u0000${date}`;
    let s = bySession.get(k);
    if (!s) {
      const birth = a.birthDate ? parseDate(a.birthDate) : null;
      s = { subjectId: a.subjectId!, date, ratings: [], ...(birth ? { birthDate: formatDate(birth) } : {}), ...(a.phase ? { phase: a.phase } : {}) };
      bySession.set(k, s);
    }
    const inst = registry.get(a.instrument);
    for (const [item, raw] of Object.entries(a.responses)) {
      const it = inst.items.get(item);
      if (!it || raw === "" || raw === null || raw === undefined) continue;
      const value = Number(String(raw).trim().replace(",", "."));
      const rating: Rating = { respondent: a.respondent ?? "", instrument: a.instrument, item, value };
      // the last of same-day rows wins, as in `trivsel fit`
      const at = s.ratings.findIndex((r) => r.respondent === rating.respondent && r.instrument === rating.instrument && r.item === item);
      if (at >= 0) s.ratings[at] = rating;
      else s.ratings.push(rating);
    }
  }
  return { sessions: [...bySession.values()], errors: [], skipped };
}

/** The long CSV that every trivsel command reads. */
export function longCsv(rows: readonly LongRow[]): string {
  let out = csvLine([...LONG_COLUMNS]);
  for (const r of rows) out += csvLine([r.subjectId, r.date, r.respondent, r.instrument, r.item, formatNumber(r.value)]);
  return out;
}
