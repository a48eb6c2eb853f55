/** The FIT session table: one row per subject × rater × FIT family × session (`trivsel fit`, fitSessions). */
import type { FitAlert, FitFamily, FitSession } from "../trend/fit.js";
import { respondentColumn, subjectColumn, type Table } from "./table.js";

export interface FitRow {
  family: FitFamily;
  session: FitSession;
}

/** The rows of fitSessions' families, in order. */
export const fitRows = (families: readonly FitFamily[]): FitRow[] => families.flatMap((family) => family.sessions.map((session) => ({ family, session })));

/**
 * fitRows as the families come (each built when taken), each family shown to `see` first. Every row is one
 * object, set again for the next: for a writer that reads a row before it takes the next (writeCsv).
 */
export function* eachFitRow(families: Iterable<FitFamily>, see?: (family: FitFamily) => void): Generator<FitRow> {
  let row: FitRow | undefined;
  for (const family of families) {
    see?.(family);
    for (const session of family.sessions) {
      if (row === undefined) row = { family, session };
      else {
        row.family = family;
        row.session = session;
      }
      yield row;
    }
  }
}

/** the alerts' rules joined by ";" (a row of the table each session: without arrays) */
function alertRules(alerts: readonly FitAlert[]): string {
  let out = "";
  for (let i = 0; i < alerts.length; i++) out += i === 0 ? alerts[i]!.rule : ";" + alerts[i]!.rule;
  return out;
}

export const FIT_TABLE: Table<FitRow> = {
  row: "subject × rater × FIT family × session",
  columns: [
    subjectColumn((r) => r.family.subjectId),
    respondentColumn((r) => r.family.respondent, "the rater"),
    { name: "session", meaning: "the rater's distinct dates with an outcome or alliance measure; 1 is the intake", get: (r) => r.session.session },
    { name: "date", meaning: "the session's date", get: (r) => r.session.date },
    { name: "ors", meaning: "the outcome measure's total (ORS, CORS, …)", unit: "points", get: (r) => r.session.ors },
    { name: "ors_change", meaning: "outcome total − intake", unit: "points", get: (r) => r.session.orsChange },
    { name: "srs", meaning: "the alliance measure's total (SRS, CSRS, …)", unit: "points", get: (r) => r.session.srs },
    { name: "etr_expected", meaning: "expected outcome at this session from the --etr table", unit: "points", get: (r) => r.session.etr?.expected },
    { name: "etr_lower", meaning: "the --etr table's lower boundary", unit: "points", get: (r) => r.session.etr?.lower },
    { name: "alerts", meaning: "the rules that fired, separated by ;", get: (r) => alertRules(r.session.alerts) },
    { name: "outcome_measure", meaning: "the outcome instrument", get: (r) => r.family.outcomeInstrument },
    { name: "alliance_measure", meaning: "the alliance instrument", get: (r) => r.family.allianceInstrument },
  ],
};
