/** The FIT session table: one row per subject × rater × FIT family × session (`trivsel fit`, fitSessions). */
import { remember } from "../memo.js";
import { FIT_RULES, type FitAlert, type FitFamily, type FitSession } from "../trend/fit.js";
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

/**
 * the alerts' rules joined by ";" (a row of the table each session: without arrays); the same list is the same
 * string, so the CSV writer finds its bytes without reading the text again
 */
function alertRules(alerts: readonly FitAlert[]): string {
  if (alerts.length < 2) return alerts.length === 0 ? "" : alerts[0]!.rule;
  // the few lists of rules a session has, each joined once: by their places in FIT_RULES as digits
  let key = 0;
  for (let i = 0; i < alerts.length && key >= 0; i++) {
    const k = RULE_DIGIT.get(alerts[i]!.rule);
    key = k === undefined || i >= MAX_JOINED ? -1 : key * 8 + k;
  }
  if (key < 0) return joinRules(alerts);
  return joined.get(key) ?? remember(joined, key, joinRules(alerts), 4096);
}

const RULE_DIGIT = new Map<string, number>(FIT_RULES.map((r, i) => [r, i + 1]));
/** lists of up to this many rules are remembered (beyond 17, keys of 3 bits a rule would lose digits) */
const MAX_JOINED = 10;
const joined = new Map<number, string>();

function joinRules(alerts: readonly FitAlert[]): string {
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
