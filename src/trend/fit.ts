/**
 * Feedback-Informed Treatment (FIT): per session the outcome (ORS, CORS) and alliance (SRS, CSRS) measure
 * of every rater, with alerts that each name the rule that fired. The measures are found by the role their
 * definition declares (scale.fit: outcome | alliance, with a family: ORS+SRS, CORS+CSRS), never by id.
 * Rule names keep the ORS/SRS names for every family. Rules (thresholds are trivsel defaults unless the
 * definition gives them):
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
import { remember } from "../memo.js";
import type { AppliedBand, ScaleResult, ScoreResult } from "../schema/results.js";
import type { Instrument } from "../registry/load.js";
import { defaultRegistry } from "../registry/registry.js";
import { parseText } from "../io/csv.js";
import { formatDate, parseDate } from "../dates.js";
import { requireIterable } from "./input.js";
import { append, Interner, NONE, NumberColumn, int32 } from "./columns.js";

export const DEFAULT_REVIEW_SESSIONS = 6;
export const DEFAULT_SRS_DROP = 1;
/** used only when the outcome definition has no reliableChange.points */
export const FALLBACK_ORS_POINTS = 5;

/** What `fit` needs of one measure, read from its definition's scale.fit. */
export interface FitMeasure {
  instrument: string;
  scale: string;
  role: "outcome" | "alliance";
  family: string;
  /** outcome: the definition's reliable-change points, if any */
  points?: number;
  /** alliance: the flag id that marks a line below the item cutoff */
  itemFlag?: string;
  /** alliance: whether the definition has a concern band (the cutoff) for the scale */
  hasCutoff: boolean;
}

/** The instruments that carry a FIT measure, so a reader can keep only their results and issues. */
export const fitInstruments = (measures: readonly FitMeasure[]): Set<string> => new Set(measures.map((m) => m.instrument));

/** The FIT measures of a registry: every scale whose definition declares a fit role. */
export function fitMeasures(registry: { list(): Instrument[] }): FitMeasure[] {
  const out: FitMeasure[] = [];
  for (const inst of registry.list())
    for (const sc of inst.scales) {
      const fit = sc.def.fit;
      if (!fit) continue;
      const hasCutoff = [sc.def.bands, ...inst.forms.map((f) => f.bands[sc.id])].some((b) => b?.bands.some((x) => x.concern));
      out.push({
        instrument: inst.id,
        scale: sc.id,
        role: fit.role,
        family: fit.family,
        ...(sc.def.reliableChange ? { points: sc.def.reliableChange.points } : {}),
        ...(fit.itemFlag !== undefined ? { itemFlag: fit.itemFlag } : {}),
        hasCutoff,
      });
    }
  return out;
}

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
  /** the FIT family (definition's scale.fit.family), e.g. adult (ORS+SRS) or child (CORS+CSRS) */
  family: string;
  /** instrument ids of the outcome and alliance measures found in this rater's data */
  outcomeInstrument: string | null;
  allianceInstrument: string | null;
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
  /** reliable-change points for the outcome measure; default: its definition's, else 5 */
  orsPoints?: number;
  /** the measures to look for; default: fitMeasures of the built-in instruments */
  measures?: readonly FitMeasure[];
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

export function fitSessions(results: Iterable<ScoreResult>, opts: FitOptions = {}): FitFamily[] {
  requireIterable("fitSessions", "results", results, "an array of score results");
  const collector = new FitCollector(opts);
  for (const r of results) collector.add(r);
  return [...collector.families()];
}

/** what the alerts read of the alliance band */
type Band = { concern: boolean; label: string } | null;
type Cell = { date: string; ors: number | null; srs: number | null; srsBand: Band; below9: boolean; dupes: number };
type Fam = { subjectId: string; respondent: string; family: string; outcome: FitMeasure | null; alliance: FitMeasure | null; first: number; last: number };

/** bits of a record's kind */
const ALLIANCE = 1;
const SCORED = 2;
const BELOW9 = 4;

/**
 * fitSessions one result at a time: each result of a FIT measure is reduced on arrival to a record of numbers
 * (date, role, total, alliance band, item flag) chained per rater series, so the results need not be kept;
 * families() replays each series' records into its session cells, in fitSessions' order.
 */
export class FitCollector {
  private readonly fams = new Map<string, number>();
  private readonly list: Fam[] = [];
  private readonly measures: Map<string, FitMeasure>;
  /** each distinct date and alliance band once, referred to by number */
  private readonly dates = new Interner<string>();
  private readonly bands = new Interner<NonNullable<Band>>();
  private n = 0;
  private readonly rec = { next: new NumberColumn(int32), date: new NumberColumn(int32), kind: new NumberColumn(int32), band: new NumberColumn(int32), score: new NumberColumn((k) => new Float64Array(k)) };
  constructor(private readonly opts: FitOptions = {}) {
    this.measures = new Map((opts.measures ?? fitMeasures(defaultRegistry())).map((m) => [m.instrument, m]));
  }

  /** the number of rater series so far */
  get size(): number {
    return this.list.length;
  }

  add(r: ScoreResult): void {
    const m = this.measures.get(r.instrument);
    if (!m || !r.subjectId || !r.administeredOn) return;
    let total: ScaleResult | undefined;
    for (const s of r.scales)
      if (s.scale === m.scale) {
        total = s;
        break;
      }
    if (!total) return;
    const date = this.dateId(r.administeredOn);
    if (date === NONE) return;
    const respondent = r.respondent ?? "";
    // consecutive results are mostly of one rater and family (ORS then SRS): the last one is tried first
    const last = this.last;
    let f: number;
    if (r.subjectId === last.subjectId && respondent === last.respondent && m.family === last.family) f = last.fam;
    else {
      const key = JSON.stringify([r.subjectId, respondent, m.family]);
      let found = this.fams.get(key);
      if (found === undefined) {
        found = this.list.length;
        this.fams.set(key, found);
        this.list.push({ subjectId: r.subjectId, respondent, family: m.family, outcome: null, alliance: null, first: NONE, last: NONE });
      }
      f = found;
      last.subjectId = r.subjectId;
      last.respondent = respondent;
      last.family = m.family;
      last.fam = f;
    }
    const fam = this.list[f]!;
    if (m.role === "outcome") fam.outcome ??= m;
    else fam.alliance ??= m;
    const i = this.n++;
    const rec = this.rec;
    append(rec.next, fam, i);
    rec.date.set(i, date);
    const b = total.band;
    rec.band.set(i, b === null ? NONE : this.bandId(b));
    rec.score.set(i, total.score ?? 0);
    rec.kind.set(i, (m.role === "outcome" ? 0 : ALLIANCE) | (total.score !== null ? SCORED : 0) | (m.itemFlag !== undefined && total.flags.includes(m.itemFlag) ? BELOW9 : 0));
  }

  private readonly last = { subjectId: "", respondent: "", family: "", fam: NONE };

  /** date texts read so far, each as its number in dates (written yyyy-mm-dd), NONE when not a date */
  private readonly dateIds = new Map<string, number>();

  private dateId(text: string): number {
    const known = this.dateIds.get(text);
    if (known !== undefined) return known;
    const ymd = parseDate(text);
    const date = ymd ? formatDate(ymd) : "";
    return remember(this.dateIds, text, ymd ? this.dates.id(date, date) : NONE, 100_000);
  }

  /** each band object seen, by identity (results built on the fast path share them) */
  private readonly bandOf = new WeakMap<AppliedBand, number>();

  private bandId(b: AppliedBand): number {
    let k = this.bandOf.get(b);
    if (k === undefined) this.bandOf.set(b, (k = this.bands.id(`${b.concern}\u0000${b.label}`, { concern: b.concern, label: b.label })));
    return k;
  }

  /** A rater series' session cells, from its records in file order. */
  private cells(fam: Fam): Map<string, Cell> {
    const cells = new Map<string, Cell>();
    const rec = this.rec;
    for (let i = fam.first; i !== NONE; i = rec.next.get(i)) {
      const date = this.dates.values[rec.date.get(i)]!;
      const kind = rec.kind.get(i);
      const score = kind & SCORED ? rec.score.get(i) : null;
      let cell = cells.get(date);
      if (!cell) cells.set(date, (cell = { date, ors: null, srs: null, srsBand: null, below9: false, dupes: 0 }));
      // the last of same-day administrations wins (file order), and is reported
      if (!(kind & ALLIANCE)) {
        if (cell.ors !== null && score !== null) cell.dupes++;
        if (score !== null) cell.ors = score;
      } else {
        if (cell.srs !== null && score !== null) cell.dupes++;
        if (score !== null) {
          cell.srs = score;
          cell.srsBand = rec.band.get(i) === NONE ? null : this.bands.values[rec.band.get(i)]!;
        }
        cell.below9 = (kind & BELOW9) !== 0;
      }
    }
    return cells;
  }

  /** The rater series with their sessions and alerts, in order of first appearance, each built when it is taken. */
  *families(): Generator<FitFamily> {
    const opts = this.opts;
    const reviewAt = opts.sessions ?? DEFAULT_REVIEW_SESSIONS;
    const drop = opts.srsDrop ?? DEFAULT_SRS_DROP;
    for (const fam of this.list) {
      const cells = [...this.cells(fam).values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
      const notes: string[] = [];
      const points = opts.orsPoints ?? fam.outcome?.points ?? FALLBACK_ORS_POINTS;
      const outcomeName = fam.outcome?.instrument.toUpperCase() ?? "outcome measure";
      const allianceName = fam.alliance?.instrument.toUpperCase() ?? "alliance measure";
      if (fam.outcome && opts.orsPoints === undefined && fam.outcome.points === undefined) notes.push(`${outcomeName} definition has no reliable-change size: the trivsel default of ${FALLBACK_ORS_POINTS} points is used`);
      const first = cells.find((c) => c.ors !== null);
      const intake = first ? { date: first.date, ors: first.ors! } : null;
      if (!intake) notes.push(`no ${fam.outcome ? outcomeName : "outcome measure (ORS, CORS)"}: outcome rules not applied`);
      if (fam.alliance && !fam.alliance.hasCutoff) notes.push(`${allianceName} has no cutoff in its definition: srs_below_cutoff not applied`);
      if (fam.alliance && fam.alliance.itemFlag === undefined) notes.push(`${allianceName} has no item rule in its definition: srs_item_below_9 not applied`);
      if (!opts.etr) notes.push("no ETR table in use: alerts rely on the reliable-change rules");
      let prevSrs: number | null = null;
      // the same for every session of the family: made once
      let below9: string | undefined;
      const sessions: FitSession[] = cells.map((c, i) => {
        const session = i + 1;
        const alerts: FitAlert[] = [];
        if (c.dupes) notes.push(`${c.date}: more than one ${outcomeName} or ${allianceName}; the last in the file is used`);
        const orsChange = c.ors !== null && intake && c.date >= intake.date ? c.ors - intake.ors : null;
        if (orsChange !== null && c.date > intake!.date) {
          if (orsChange <= -points + EPS) alerts.push({ rule: "ors_below_intake", message: `${outcomeName} ${c.ors} is ${-orsChange} points below intake ${intake!.ors} (reliable: ≥ ${points})` });
          else if (session >= reviewAt && orsChange < points - EPS)
            alerts.push({ rule: "no_reliable_improvement", message: `session ${session} (review from session ${reviewAt}): ${outcomeName} ${c.ors} is not ≥ ${points} points above intake ${intake!.ors}` });
        }
        let etr: FitSession["etr"] = null;
        if (opts.etr && intake && c.ors !== null) {
          etr = etrFor(opts.etr, intake.ors, session);
          if (etr && c.ors < etr.lower - EPS) alerts.push({ rule: "below_etr", message: `${outcomeName} ${c.ors} is below the ETR lower boundary ${etr.lower} for intake ${etr.tableIntake}, session ${session} (${opts.etr.name})` });
        }
        if (c.srs !== null) {
          if (c.srsBand?.concern) alerts.push({ rule: "srs_below_cutoff", message: `${allianceName} ${c.srs} (${c.srsBand.label})` });
          if (prevSrs !== null && prevSrs - c.srs >= drop - EPS) alerts.push({ rule: "srs_drop", message: `${allianceName} ${c.srs} dropped ${Math.round((prevSrs - c.srs) * 10) / 10} from ${prevSrs} at the previous session (alert from a drop of ${drop})` });
          prevSrs = c.srs;
        }
        if (c.below9) alerts.push({ rule: "srs_item_below_9", message: (below9 ??= `a ${allianceName} line is below the item cutoff (flag ${fam.alliance!.itemFlag})`) });
        return { session, date: c.date, ors: c.ors, srs: c.srs, orsChange, srsItemBelow9: c.below9, etr, alerts };
      });
      yield {
        subjectId: fam.subjectId,
        respondent: fam.respondent,
        family: fam.family,
        outcomeInstrument: fam.outcome?.instrument ?? null,
        allianceInstrument: fam.alliance?.instrument ?? null,
        intake,
        sessions,
        current: sessions[sessions.length - 1]?.alerts ?? [],
        notes,
      };
    }
  }
}
