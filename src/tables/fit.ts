/** The FIT session table: one row per subject × rater × FIT family × session (`trivsel fit`, fitSessions). */
import type { FitAlert, FitFamily, FitSession } from "../trend/fit.js";
import { respondentColumn, subjectColumn, type Table } from "./table.js";

export interface FitRow {
  family: FitFamily;
  session: FitSession;
}

/** The rows of fitSessions' families, in order. */
export const fitRows = (families: readonly FitFamily[]): FitRow[] => families.flatMap((family) => family.sessions.map((session) => ({ family, session })));

/** fitRows as the families come (each built when taken). */
export function* eachFitRow(families: Iterable<FitFamily>): Generator<FitRow> {
  for (const family of families) for (const session of family.sessions) yield { family, session };
}

/** a list of rules joined, and the lists that continue it (the rules are few: the lists met stay few) */
interface Joined {
  text: string;
  next: Map<string, Joined>;
}
const joined: Joined = { text: "", next: new Map() };

/**
 * the alerts' rules joined by ";" (a row of the table each session: without arrays); the same list is the same
 * string, so the CSV writer finds its bytes without reading the text again
 */
function alertRules(alerts: readonly FitAlert[]): string {
  let node = joined;
  for (let i = 0; i < alerts.length; i++) {
    const rule = alerts[i]!.rule;
    let next = node.next.get(rule);
    if (next === undefined) node.next.set(rule, (next = { text: i === 0 ? rule : node.text + ";" + rule, next: new Map() }));
    node = next;
  }
  return node.text;
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
