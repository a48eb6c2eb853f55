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
import type { BuiltRow } from "../io/fast-results.js";
import type { Instrument } from "../registry/load.js";
import { defaultRegistry } from "../registry/registry.js";
import { parseText } from "../io/csv.js";
import { formatDate, parseDate } from "../dates.js";
import { requireIterable } from "./input.js";
import { append, Interner, ManyStrings, NONE, NumberColumn, int32 } from "./columns.js";

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
  const best = nearestIntake(table, intake);
  const row = table.rows.find((r) => r.intake === best && r.session === session);
  return row ? { expected: row.expected, lower: row.lower, tableIntake: row.intake } : null;
}

/** The table's intake value nearest to `intake` (the lower one on a tie); null for a table without rows. */
function nearestIntake(table: EtrTable, intake: number): number | null {
  let best: number | null = null;
  for (const r of table.rows) {
    const d = Math.abs(r.intake - intake);
    if (best === null || d < Math.abs(best - intake) || (d === Math.abs(best - intake) && r.intake < best)) best = r.intake;
  }
  return best;
}

const EPS = 1e-9;

export function fitSessions(results: Iterable<ScoreResult>, opts: FitOptions = {}): FitFamily[] {
  requireIterable("fitSessions", "results", results, "an array of score results");
  const collector = new FitCollector(opts);
  for (const r of results) collector.add(r);
  return [...collector.families()];
}

/** what the alerts read of the alliance band */
type Band = { concern: boolean; label: string };
/** a rater series; `sibling`: the next series of the same subject (NONE: the last) */
type Fam = { subjectId: string; respondent: string; family: string; outcome: FitMeasure | null; alliance: FitMeasure | null; first: number; last: number; sibling: number };

/** bits of a record's kind */
const ALLIANCE = 1;
const SCORED = 2;
const BELOW9 = 4;
/** above the kind's bits: the alliance band's number + 1 (0: none) */
const BAND_SHIFT = 3;

/** What a rater series' alert messages read besides the session: the same for every session of the series. */
interface AlertContext {
  outcomeName: string;
  allianceName: string;
  points: number;
  reviewAt: number;
  drop: number;
  intakeOrs: number;
  etrName: string;
  itemFlag: string | undefined;
  /** srs_item_below_9's message, made once per series */
  below9?: string;
}

/**
 * An alert's message: from the rule, the series' context, the session it fired at, the previous SRS (srs_drop)
 * and the alliance band's label (srs_below_cutoff).
 */
function alertMessage(rule: FitRule, x: AlertContext, s: FitSession, prevSrs: number | null, label: string | null): string {
  switch (rule) {
    case "ors_below_intake":
      return `${x.outcomeName} ${s.ors} is ${-s.orsChange!} points below intake ${x.intakeOrs} (reliable: ≥ ${x.points})`;
    case "no_reliable_improvement":
      return `session ${s.session} (review from session ${x.reviewAt}): ${x.outcomeName} ${s.ors} is not ≥ ${x.points} points above intake ${x.intakeOrs}`;
    case "below_etr":
      return `${x.outcomeName} ${s.ors} is below the ETR lower boundary ${s.etr!.lower} for intake ${s.etr!.tableIntake}, session ${s.session} (${x.etrName})`;
    case "srs_below_cutoff":
      return `${x.allianceName} ${s.srs} (${label})`;
    case "srs_drop":
      return `${x.allianceName} ${s.srs} dropped ${Math.round((prevSrs! - s.srs!) * 10) / 10} from ${prevSrs} at the previous session (alert from a drop of ${x.drop})`;
    case "srs_item_below_9":
      return (x.below9 ??= `a ${x.allianceName} line is below the item cutoff (flag ${x.itemFlag})`);
  }
}

/**
 * An alert whose message is made when read (the CSV table reads only the rule), from its session's values at that
 * time; JSON gets both, as for a plain alert. Spread or Object.keys see only the rule: families() hands these
 * on only when asked ("lazy").
 */
class LazyAlert implements FitAlert {
  readonly #x: AlertContext;
  readonly #s: FitSession;
  readonly #prevSrs: number | null;
  readonly #label: string | null;
  constructor(
    readonly rule: FitRule,
    x: AlertContext,
    s: FitSession,
    prevSrs: number | null,
    label: string | null,
  ) {
    this.#x = x;
    this.#s = s;
    this.#prevSrs = prevSrs;
    this.#label = label;
  }
  get message(): string {
    return alertMessage(this.rule, this.#x, this.#s, this.#prevSrs, this.#label);
  }
  toJSON(): FitAlert {
    return { rule: this.rule, message: this.message };
  }
}

/** How families() makes alerts: plain objects with their message, or LazyAlerts for a reader of rules only. */
export type FitMessages = "eager" | "lazy";

/** etrFor's rows by session for each intake value met (a series' sessions all read the rows of one intake). */
class EtrIndex {
  private readonly byIntake = new Map<number, Map<number, EtrRow>>();
  constructor(private readonly table: EtrTable) {}

  /** etrFor(table, intake, session), without scanning the table each time */
  find(intake: number, session: number): { expected: number; lower: number; tableIntake: number } | null {
    let rows = this.byIntake.get(intake);
    if (rows === undefined) remember(this.byIntake, intake, (rows = this.rowsOf(nearestIntake(this.table, intake))), 10_000);
    const row = rows.get(session);
    return row ? { expected: row.expected, lower: row.lower, tableIntake: row.intake } : null;
  }

  /** the first row of each session with this intake, as etrFor's find takes it */
  private rowsOf(best: number | null): Map<number, EtrRow> {
    const out = new Map<number, EtrRow>();
    for (const r of this.table.rows) if (r.intake === best && !out.has(r.session)) out.set(r.session, r);
    return out;
  }
}

/**
 * fitSessions one result at a time: each result of a FIT measure is reduced on arrival to a record of numbers
 * (date, role, total, alliance band, item flag) chained per rater series, so the results need not be kept;
 * families() replays each series' records into its session cells, in fitSessions' order.
 */
export class FitCollector {
  /** each subject's first rater series (the others follow through Fam.sibling) */
  /** subjects by number (ManyStrings), and each one's first rater series */
  private readonly subjects = new ManyStrings();
  private readonly firstFam: number[] = [];
  private readonly list: Fam[] = [];
  private readonly measures: Map<string, FitMeasure>;
  /** each distinct date and alliance band once, referred to by number */
  private readonly dates = new Interner<string>();
  private readonly bands = new Interner<Band>();
  private n = 0;
  private readonly rec = { next: new NumberColumn(int32), date: new NumberColumn(int32), kind: new NumberColumn(int32), score: new NumberColumn((k) => new Float64Array(k)) };
  constructor(private readonly opts: FitOptions = {}) {
    this.measures = new Map((opts.measures ?? fitMeasures(defaultRegistry())).map((m) => [m.instrument, m]));
  }

  /** the number of rater series so far */
  get size(): number {
    return this.list.length;
  }

  add(r: ScoreResult): void {
    this.administration(r.instrument, r.subjectId, r.administeredOn, r.respondent ?? "", r.scales, 0, r.scales.length);
  }

  /** A row built on the fast path (src/io/fast-results.ts), as add() would read its results, without them. */
  addBuilt(v: BuiltRow): void {
    for (let k = 0; k < v.count; k++) this.administration(v.instrument[k]!, v.subjectId, v.administeredOn, v.respondent, v.scales, v.first[k]!, v.first[k + 1]!);
  }

  /** a result's fields, its scale results scales[from, to) */
  private administration(instrument: string, subjectId: string | undefined, administeredOn: string | undefined, respondent: string, scales: readonly ScaleResult[], from: number, to: number): void {
    const m = this.measures.get(instrument);
    if (!m || !subjectId || !administeredOn) return;
    let total: ScaleResult | undefined;
    for (let k = from; k < to; k++)
      if (scales[k]!.scale === m.scale) {
        total = scales[k];
        break;
      }
    if (!total) return;
    const date = this.dateId(administeredOn);
    if (date === NONE) return;
    // consecutive results are mostly of one rater and family (ORS then SRS): the last one is tried first
    const last = this.last;
    let f: number;
    if (subjectId === last.subjectId && respondent === last.respondent && m.family === last.family) f = last.fam;
    else {
      f = this.famId(subjectId, respondent, m.family);
      last.subjectId = subjectId;
      last.respondent = respondent;
      last.family = m.family;
      last.fam = f;
    }
    const fam = this.list[f]!;
    const i = this.n++;
    const rec = this.rec;
    append(rec.next, fam, i);
    rec.date.set(i, date);
    rec.score.set(i, total.score ?? 0);
    const scored = total.score !== null ? SCORED : 0;
    if (m.role === "outcome") {
      fam.outcome ??= m;
      rec.kind.set(i, scored);
    } else {
      fam.alliance ??= m;
      const b = total.band;
      const band = b === null ? NONE : this.bandId(b);
      rec.kind.set(i, ((band + 1) << BAND_SHIFT) | ALLIANCE | scored | (m.itemFlag !== undefined && total.flags.includes(m.itemFlag) ? BELOW9 : 0));
    }
  }

  private readonly last = { subjectId: "", respondent: "", family: "", fam: NONE };

  /** the rater series of subject × respondent × family, made when first met */
  private famId(subjectId: string, respondent: string, family: string): number {
    const f = this.list.length;
    const subject = this.subjects.id(subjectId);
    const first = this.firstFam[subject];
    if (first === undefined) this.firstFam[subject] = f;
    else
      for (let g = first; ; ) {
        const fam = this.list[g]!;
        if (fam.respondent === respondent && fam.family === family) return g;
        if (fam.sibling === NONE) {
          fam.sibling = f;
          break;
        }
        g = fam.sibling;
      }
    this.list.push({ subjectId, respondent, family, outcome: null, alliance: null, first: NONE, last: NONE, sibling: NONE });
    return f;
  }

  /** date texts read so far, each as its number in dates (written yyyy-mm-dd), NONE when not a date */
  private readonly dateIds = new Map<string, number>();
  /** the last date text and its number: a row's results share it */
  private lastDate = { text: "", id: NONE };

  private dateId(text: string): number {
    const last = this.lastDate;
    if (text === last.text) return last.id;
    let id = this.dateIds.get(text);
    if (id === undefined) {
      const ymd = parseDate(text);
      const date = ymd ? formatDate(ymd) : "";
      id = remember(this.dateIds, text, ymd ? this.dates.id(date, date) : NONE, 100_000);
    }
    last.text = text;
    last.id = id;
    return id;
  }

  /** each band object seen, by identity (results built on the fast path share them) */
  private readonly bandOf = new WeakMap<AppliedBand, number>();

  private bandId(b: AppliedBand): number {
    let k = this.bandOf.get(b);
    if (k === undefined) this.bandOf.set(b, (k = this.bands.id(`${b.concern}\u0000${b.label}`, { concern: b.concern, label: b.label })));
    return k;
  }

  /** a series' records in date order (file order within a date), reused from series to series */
  private readonly order: number[] = [];
  /** a series' session cells, column by column (reused): date number, totals, alliance band, item flag, repeats */
  private readonly cell = { date: [] as number[], ors: [] as (number | null)[], srs: [] as (number | null)[], band: [] as number[], below9: [] as boolean[], dupes: [] as number[] };

  /** each date's place among the dates read (by its yyyy-mm-dd text), made again when dates were added since */
  private rank = new Int32Array(0);

  private dateRanks(): Int32Array {
    const dates = this.dates.values;
    if (this.rank.length !== dates.length) {
      const ids = dates.map((_, i) => i).sort((a, b) => (dates[a]! < dates[b]! ? -1 : dates[a]! > dates[b]! ? 1 : 0));
      this.rank = new Int32Array(dates.length);
      ids.forEach((id, r) => (this.rank[id] = r));
    }
    return this.rank;
  }

  /** Fills `cell` with a rater series' sessions, in date order, from its records in file order; returns their number. */
  private cells(fam: Fam): number {
    const rec = this.rec;
    const rank = this.dateRanks();
    const order = this.order;
    let k = 0;
    // records come mostly in date order: an insertion sort, stable, so a date's records stay in file order
    for (let i = fam.first; i !== NONE; i = rec.next.get(i)) {
      const r = rank[rec.date.get(i)]!;
      let j = k++;
      for (; j > 0 && rank[rec.date.get(order[j - 1]!)]! > r; j--) order[j] = order[j - 1]!;
      order[j] = i;
    }
    const c = this.cell;
    let n = 0;
    let at = NONE;
    for (let j = 0; j < k; j++) {
      const i = order[j]!;
      const d = rec.date.get(i);
      if (d !== at) {
        at = d;
        c.date[n] = d;
        c.ors[n] = null;
        c.srs[n] = null;
        c.band[n] = NONE;
        c.below9[n] = false;
        c.dupes[n] = 0;
        n++;
      }
      const s = n - 1;
      const kind = rec.kind.get(i);
      const score = kind & SCORED ? rec.score.get(i) : null;
      // the last of same-day administrations wins (file order), and is reported
      if (!(kind & ALLIANCE)) {
        if (c.ors[s] !== null && score !== null) c.dupes[s]!++;
        if (score !== null) c.ors[s] = score;
      } else {
        if (c.srs[s] !== null && score !== null) c.dupes[s]!++;
        if (score !== null) {
          c.srs[s] = score;
          c.band[s] = (kind >> BAND_SHIFT) - 1;
        }
        c.below9[s] = (kind & BELOW9) !== 0;
      }
    }
    return n;
  }

  /**
   * The rater series with their sessions and alerts, in order of first appearance, each built when it is taken.
   * messages "lazy": each alert's message is made when read (for a reader of the rules only, e.g. the CSV table).
   */
  *families(messages: FitMessages = "eager"): Generator<FitFamily> {
    const etr = this.opts.etr ? new EtrIndex(this.opts.etr) : null;
    for (const fam of this.list) yield this.family(fam, etr, messages === "lazy");
  }

  /** One rater series with its sessions, alerts and notes. */
  private family(fam: Fam, etrIndex: EtrIndex | null, lazy: boolean): FitFamily {
    const opts = this.opts;
    const n = this.cells(fam);
    const c = this.cell;
    const dates = this.dates.values;
    const notes: string[] = [];
    const points = opts.orsPoints ?? fam.outcome?.points ?? FALLBACK_ORS_POINTS;
    const outcomeName = fam.outcome?.instrument.toUpperCase() ?? "outcome measure";
    const allianceName = fam.alliance?.instrument.toUpperCase() ?? "alliance measure";
    if (fam.outcome && opts.orsPoints === undefined && fam.outcome.points === undefined) notes.push(`${outcomeName} definition has no reliable-change size: the trivsel default of ${FALLBACK_ORS_POINTS} points is used`);
    let first = 0;
    while (first < n && c.ors[first] === null) first++;
    const intake = first < n ? { date: dates[c.date[first]!]!, ors: c.ors[first]! } : null;
    if (!intake) notes.push(`no ${fam.outcome ? outcomeName : "outcome measure (ORS, CORS)"}: outcome rules not applied`);
    if (fam.alliance && !fam.alliance.hasCutoff) notes.push(`${allianceName} has no cutoff in its definition: srs_below_cutoff not applied`);
    if (fam.alliance && fam.alliance.itemFlag === undefined) notes.push(`${allianceName} has no item rule in its definition: srs_item_below_9 not applied`);
    if (!opts.etr) notes.push("no ETR table in use: alerts rely on the reliable-change rules");
    const x: AlertContext = {
      outcomeName,
      allianceName,
      points,
      reviewAt: opts.sessions ?? DEFAULT_REVIEW_SESSIONS,
      drop: opts.srsDrop ?? DEFAULT_SRS_DROP,
      intakeOrs: intake ? intake.ors : 0,
      etrName: opts.etr ? opts.etr.name : "",
      itemFlag: fam.alliance?.itemFlag,
    };
    const sessions: FitSession[] = [];
    let prevSrs: number | null = null;
    for (let k = 0; k < n; k++) {
      const session = k + 1;
      const date = dates[c.date[k]!]!;
      const ors = c.ors[k] ?? null;
      const srs = c.srs[k] ?? null;
      if (c.dupes[k]) notes.push(`${date}: more than one ${outcomeName} or ${allianceName}; the last in the file is used`);
      // dates are distinct and in order: on or after the intake's date is k ≥ first
      const orsChange = ors !== null && k >= first ? ors - x.intakeOrs : null;
      const etr = etrIndex && intake && ors !== null ? etrIndex.find(intake.ors, session) : null;
      const alerts: FitAlert[] = [];
      const s: FitSession = { session, date, ors, srs, orsChange, srsItemBelow9: c.below9[k]!, etr, alerts };
      if (orsChange !== null && k > first) {
        if (orsChange <= -points + EPS) alerts.push(alert("ors_below_intake", x, s, null, null, lazy));
        else if (session >= x.reviewAt && orsChange < points - EPS) alerts.push(alert("no_reliable_improvement", x, s, null, null, lazy));
      }
      if (etr && ors! < etr.lower - EPS) alerts.push(alert("below_etr", x, s, null, null, lazy));
      if (srs !== null) {
        const band = c.band[k]! === NONE ? null : this.bands.values[c.band[k]!]!;
        if (band?.concern) alerts.push(alert("srs_below_cutoff", x, s, null, band.label, lazy));
        if (prevSrs !== null && prevSrs - srs >= x.drop - EPS) alerts.push(alert("srs_drop", x, s, prevSrs, null, lazy));
        prevSrs = srs;
      }
      if (c.below9[k]) alerts.push(alert("srs_item_below_9", x, s, null, null, lazy));
      sessions.push(s);
    }
    return {
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

/** an alert as families() hands it on: its message made now, or when read */
const alert = (rule: FitRule, x: AlertContext, s: FitSession, prevSrs: number | null, label: string | null, lazy: boolean): FitAlert =>
  lazy ? new LazyAlert(rule, x, s, prevSrs, label) : { rule, message: alertMessage(rule, x, s, prevSrs, label) };
