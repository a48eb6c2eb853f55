/**
 * Feedback-Informed Treatment (FIT): per session the ORS and SRS of every rater, with alerts that
 * each name the rule that fired. Rules (thresholds are trivsel defaults unless the definition gives them):
 *  no_reliable_improvement   from session N on (default 6: a commonly used FIT review point; a trivsel
 *                            default, configurable) the ORS is not ≥ reliable-change points (5) above intake
 *  ors_below_intake          ORS ≤ intake − reliable-change points (5)
 *  srs_below_cutoff          SRS total in a concern band of the SRS definition (< 36)
 *  srs_item_below_9          any SRS line below 9 (the scorer's flag srs_item_below_9)
 *  srs_drop                  SRS total at least 1 point below the rater's previous SRS (trivsel default: a
 *                            drop of under a point is within the 0.1-cm reading noise of the lines)
 *  below_etr                 ORS below the lower boundary of a user-supplied expected-treatment-response table
 * The intake is the rater's first session with an ORS; sessions are the rater's distinct dates with an
 * ORS or SRS, numbered from 1 (intake).
 */
import type { ScoreResult } from "../schema/results.js";
import { parseText } from "../io/csv.js";
import { formatDate, parseDate } from "../dates.js";

export const DEFAULT_REVIEW_SESSIONS = 6;
export const DEFAULT_SRS_DROP = 1;
/** used only when the ORS definition has no reliableChange.points */
const FALLBACK_ORS_POINTS = 5;
const SRS_CUTOFF_FALLBACK = 36;

export const FIT_RULES = ["no_reliable_improvement", "ors_below_intake", "srs_below_cutoff", "srs_item_below_9", "srs_drop", "below_etr"] as const;
export type FitRule = (typeof FIT_RULES)[number];

export interface FitAlert {
  rule: FitRule;
  message: string;
}

export interface EtrRow {
  intake: number;
  session: number;
  expected: number;
  lower: number;
}

export interface EtrTable {
  rows: EtrRow[];
  name: string;
}

export interface FitSession {
  session: number;
  date: string;
  ors: number | null;
  srs: number | null;
  orsChange: number | null;
  srsItemBelow9: boolean;
  etr: { expected: number; lower: number; tableIntake: number } | null;
  alerts: FitAlert[];
}

export interface FitFamily {
  subjectId: string;
  respondent: string;
  intake: { date: string; ors: number } | null;
  sessions: FitSession[];
  /** alerts of the latest session: what to talk about now */
  current: FitAlert[];
  notes: string[];
}

export interface FitOptions {
  sessions?: number;
  srsDrop?: number;
  etr?: EtrTable;
  /** reliable-change points for the ORS; default: the ORS definition's, else 5 */
  orsPoints?: number;
}

/** Reads an ETR table: CSV with columns intake,session,expected,lower (any order; extra columns ignored). */
export function parseEtrTable(text: string, name = "ETR table"): EtrTable {
  const rows: EtrRow[] = [];
  let idx: Record<string, number> = {};
  const errors: string[] = [];
  parseText(text, name, {
    onHeader: (f) => {
      const names = f.map((c) => c.trim().toLowerCase());
      idx = Object.fromEntries(["intake", "session", "expected", "lower"].map((c) => [c, names.indexOf(c)]));
      const missing = Object.entries(idx).filter(([, i]) => i < 0).map(([c]) => c);
      if (missing.length) errors.push(`${name}: missing column(s) ${missing.join(", ")}; expected intake,session,expected,lower`);
    },
    onRecords: (recs) => {
      if (errors.length) return;
      for (const { fields, row } of recs) {
        const v = (c: string) => Number((fields[idx[c]!] ?? "").trim().replace(",", "."));
        const r = { intake: v("intake"), session: v("session"), expected: v("expected"), lower: v("lower") };
        if (!Object.values(r).every(Number.isFinite) || !Number.isInteger(r.session) || r.session < 1) errors.push(`${name}: row ${row} needs numbers (session a whole number ≥ 1)`);
        else if (r.lower > r.expected) errors.push(`${name}: row ${row}: lower ${r.lower} is above expected ${r.expected}`);
        else rows.push(r);
      }
    },
    onQuoteError: (row) => errors.push(`${name}: row ${row} has an unclosed quote`),
  });
  if (!errors.length && rows.length === 0) errors.push(`${name}: no rows`);
  if (errors.length) throw new RangeError(errors.slice(0, 5).join("\n"));
  return { rows, name };
}

/** The table rows for the intake value nearest to `intake` (the lower one on a tie). */
export function etrFor(table: EtrTable, intake: number, session: number): { expected: number; lower: number; tableIntake: number } | null {
  let best: number | null = null;
  for (const r of table.rows) {
    const d = Math.abs(r.intake - intake);
    if (best === null || d < Math.abs(best - intake) || (d === Math.abs(best - intake) && r.intake < best)) best = r.intake;
  }
  const row = table.rows.find((r) => r.intake === best && r.session === session);
  return row ? { expected: row.expected, lower: row.lower, tableIntake: row.intake } : null;
}

const EPS = 1e-9;

export function fitSessions(
  results: Iterable<ScoreResult>,
  opts: FitOptions & { orsDefPoints?: number; srsConcern?: (score: number, band: ScoreResult["scales"][number]["band"]) => boolean } = {},
): FitFamily[] {
  const reviewAt = opts.sessions ?? DEFAULT_REVIEW_SESSIONS;
  const drop = opts.srsDrop ?? DEFAULT_SRS_DROP;
  const points = opts.orsPoints ?? opts.orsDefPoints ?? FALLBACK_ORS_POINTS;
  type Cell = { date: string; ors: number | null; srs: number | null; srsBand: ScoreResult["scales"][number]["band"]; below9: boolean; dupes: number };
  const fams = new Map<string, { subjectId: string; respondent: string; cells: Map<string, Cell> }>();
  for (const r of results) {
    if ((r.instrument !== "ors" && r.instrument !== "srs") || !r.subjectId || !r.administeredOn) continue;
    const total = r.scales.find((s) => s.scale === "total");
    const ymd = parseDate(r.administeredOn);
    if (!total || !ymd) continue;
    const date = formatDate(ymd);
    const key = JSON.stringify([r.subjectId, r.respondent ?? ""]);
    let fam = fams.get(key);
    if (!fam) fams.set(key, (fam = { subjectId: r.subjectId, respondent: r.respondent ?? "", cells: new Map() }));
    let cell = fam.cells.get(date);
    if (!cell) fam.cells.set(date, (cell = { date, ors: null, srs: null, srsBand: null, below9: false, dupes: 0 }));
    // the last of same-day administrations wins (file order), and is reported
    if (r.instrument === "ors") {
      if (cell.ors !== null && total.score !== null) cell.dupes++;
      if (total.score !== null) cell.ors = total.score;
    } else {
      if (cell.srs !== null && total.score !== null) cell.dupes++;
      if (total.score !== null) {
        cell.srs = total.score;
        cell.srsBand = total.band;
      }
      cell.below9 = total.flags.includes("srs_item_below_9");
    }
  }
  const srsConcern = opts.srsConcern ?? ((score: number, band: Cell["srsBand"]) => (band ? band.concern : score < SRS_CUTOFF_FALLBACK));
  const out: FitFamily[] = [];
  for (const fam of fams.values()) {
    const cells = [...fam.cells.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const notes: string[] = [];
    const first = cells.find((c) => c.ors !== null);
    const intake = first ? { date: first.date, ors: first.ors! } : null;
    if (!intake) notes.push("no ORS: ORS rules not applied");
    if (!opts.etr) notes.push("no ETR table in use: alerts rely on the reliable-change rules");
    let prevSrs: number | null = null;
    const sessions: FitSession[] = cells.map((c, i) => {
      const session = i + 1;
      const alerts: FitAlert[] = [];
      if (c.dupes) notes.push(`${c.date}: more than one ORS or SRS; the last in the file is used`);
      const orsChange = c.ors !== null && intake && c.date >= intake.date ? c.ors - intake.ors : null;
      if (orsChange !== null && c.date > intake!.date) {
        if (orsChange <= -points + EPS) alerts.push({ rule: "ors_below_intake", message: `ORS ${c.ors} is ${-orsChange} points below intake ${intake!.ors} (reliable: ≥ ${points})` });
        else if (session >= reviewAt && orsChange < points - EPS)
          alerts.push({ rule: "no_reliable_improvement", message: `session ${session} (review from session ${reviewAt}): ORS ${c.ors} is not ≥ ${points} points above intake ${intake!.ors}` });
      }
      let etr: FitSession["etr"] = null;
      if (opts.etr && intake && c.ors !== null) {
        etr = etrFor(opts.etr, intake.ors, session);
        if (etr && c.ors < etr.lower - EPS) alerts.push({ rule: "below_etr", message: `ORS ${c.ors} is below the ETR lower boundary ${etr.lower} for intake ${etr.tableIntake}, session ${session} (${opts.etr.name})` });
      }
      if (c.srs !== null) {
        if (srsConcern(c.srs, c.srsBand)) alerts.push({ rule: "srs_below_cutoff", message: `SRS ${c.srs}${c.srsBand ? ` (${c.srsBand.label})` : ` < ${SRS_CUTOFF_FALLBACK}`}` });
        if (prevSrs !== null && prevSrs - c.srs >= drop - EPS) alerts.push({ rule: "srs_drop", message: `SRS ${c.srs} dropped ${Math.round((prevSrs - c.srs) * 10) / 10} from ${prevSrs} at the previous session (alert from a drop of ${drop})` });
        prevSrs = c.srs;
      }
      if (c.below9) alerts.push({ rule: "srs_item_below_9", message: "an SRS line is below 9" });
      return { session, date: c.date, ors: c.ors, srs: c.srs, orsChange, srsItemBelow9: c.below9, etr, alerts };
    });
    out.push({ subjectId: fam.subjectId, respondent: fam.respondent, intake, sessions, current: sessions[sessions.length - 1]?.alerts ?? [], notes });
  }
  return out;
}
