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

/** The ETR row a session reads. */
export interface EtrHit {
  expected: number;
  lower: number;
  tableIntake: number;
}

/**
 * The rules a session can fire, in the order its alerts list them: bit i of an alerts mask (FitSeries.alerts) is
 * ALERT_ORDER[i]. ors_below_intake and no_reliable_improvement never fire together.
 */
const ALERT_ORDER = ["ors_below_intake", "no_reliable_improvement", "below_etr", "srs_below_cutoff", "srs_drop", "srs_item_below_9"] as const satisfies readonly FitRule[];
const BELOW_INTAKE = 1;
const NO_IMPROVEMENT = 2;
const BELOW_ETR = 4;
const BELOW_CUTOFF = 8;
const SRS_DROP = 16;
const ITEM_BELOW = 32;

/** The rules of an alerts mask (FitSeries.alerts), in the order a session's alerts list them. */
export function fitAlertRules(mask: number): FitRule[] {
  const out: FitRule[] = [];
  for (let i = 0; i < ALERT_ORDER.length; i++) if (mask & (1 << i)) out.push(ALERT_ORDER[i]!);
  return out;
}

/**
 * One rater series' sessions as columns, as FitCollector.series() hands them on: what families() makes its
 * FitFamily of, without an object per session. Session k + 1 is at k; the object is filled again for the next series.
 */
export interface FitSeries {
  readonly subjectId: string;
  readonly respondent: string;
  readonly outcomeInstrument: string | null;
  readonly allianceInstrument: string | null;
  /** the number of sessions */
  readonly count: number;
  /** the dates read, yyyy-mm-dd, by number: the same number is the same date in every series */
  readonly dates: readonly string[];
  dateNumber(k: number): number;
  ors(k: number): number | null;
  orsChange(k: number): number | null;
  srs(k: number): number | null;
  /** shared between sessions: read only */
  etr(k: number): Readonly<EtrHit> | null;
  /** the rules that fired, a bit each (fitAlertRules) */
  alerts(k: number): number;
}

/** bits of SessionColumns.has: what a session holds */
const HAS_ORS = 1;
const HAS_SRS = 2;
const HAS_CHANGE = 4;
const HAS_BELOW9 = 8;
const HAS_DUPES = 16;

/** FitSeries in typed columns, reused from series to series (grown when a series has more records than room). */
class SessionColumns implements FitSeries {
  subjectId = "";
  respondent = "";
  outcomeInstrument: string | null = null;
  allianceInstrument: string | null = null;
  count = 0;
  dates: readonly string[] = [];
  /** the intake's index: the first session with an outcome total (count when none) */
  intakeAt = 0;
  date = new Int32Array(16);
  orsValue = new Float64Array(16);
  srsValue = new Float64Array(16);
  change = new Float64Array(16);
  /** the SRS of the session before (what srs_drop's message reads) */
  prevSrs = new Float64Array(16);
  band = new Int32Array(16);
  has = new Uint8Array(16);
  mask = new Uint8Array(16);
  hit: (EtrHit | null)[] = [];

  /** room for n sessions (what is there need not be kept: a series is filled from the start) */
  reserve(n: number): void {
    if (n <= this.date.length) return;
    const size = Math.max(n, 2 * this.date.length);
    this.date = new Int32Array(size);
    this.orsValue = new Float64Array(size);
    this.srsValue = new Float64Array(size);
    this.change = new Float64Array(size);
    this.prevSrs = new Float64Array(size);
    this.band = new Int32Array(size);
    this.has = new Uint8Array(size);
    this.mask = new Uint8Array(size);
  }
  dateNumber(k: number): number {
    return this.date[k]!;
  }
  ors(k: number): number | null {
    return this.has[k]! & HAS_ORS ? this.orsValue[k]! : null;
  }
  orsChange(k: number): number | null {
    return this.has[k]! & HAS_CHANGE ? this.change[k]! : null;
  }
  srs(k: number): number | null {
    return this.has[k]! & HAS_SRS ? this.srsValue[k]! : null;
  }
  etr(k: number): EtrHit | null {
    return this.hit[k]!;
  }
  alerts(k: number): number {
    return this.mask[k]!;
  }
}

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
  private readonly byIntake = new Map<number, Map<number, EtrHit>>();
  constructor(private readonly table: EtrTable) {}

  /** etrFor(table, intake, session), without scanning the table each time; one object per table row, shared */
  hit(intake: number, session: number): EtrHit | null {
    let rows = this.byIntake.get(intake);
    if (rows === undefined) remember(this.byIntake, intake, (rows = this.rowsOf(nearestIntake(this.table, intake))), 10_000);
    return rows.get(session) ?? null;
  }

  /** the first row of each session with this intake, as etrFor's find takes it */
  private rowsOf(best: number | null): Map<number, EtrHit> {
    const out = new Map<number, EtrHit>();
    for (const r of this.table.rows) if (r.intake === best && !out.has(r.session)) out.set(r.session, { expected: r.expected, lower: r.lower, tableIntake: r.intake });
    return out;
  }
}

/**
 * fitSessions one result at a time: each result of a FIT measure is reduced on arrival to a record of numbers
 * (date, role, total, alliance band, item flag) chained per rater series, so the results need not be kept;
 * families() and series() replay each series' records into its session columns, in fitSessions' order.
 */
export class FitCollector {
  /** subjects by number (ManyStrings), and each one's first rater series (the others follow through Fam.sibling) */
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
    const m = this.measures.get(r.instrument);
    if (!m || !r.subjectId || !r.administeredOn) return;
    const total = r.scales.find((s) => s.scale === m.scale);
    if (!total) return;
    const date = this.dateId(r.administeredOn);
    if (date === NONE) return;
    this.record(m, this.famOf(r.subjectId, r.respondent ?? "", m.family), date, total.score ?? 0, this.kindOf(m, total));
  }

  /** the BuiltRow source whose scale-result numbers `facts` holds */
  private factsSource: object | null = null;
  /** per scale-result number (BuiltRow.scaleIds): the measure its facts are for, its record kind (NONE: not the measure's scale) and score */
  private factMeasure: (FitMeasure | undefined)[] = [];
  private factKind: number[] = [];
  private factScore: number[] = [];
  /** per administration's place in a row: the instrument last there and its measure (a file's rows repeat them) */
  private readonly placeInstrument: string[] = [];
  private readonly placeMeasure: (FitMeasure | undefined)[] = [];

  /**
   * A row built on the fast path (src/io/fast-results.ts), as add() would read its results, without them: what a
   * shared scale result gives (the measure's total or not, kind, score) is worked out once per scale-result number.
   */
  addBuilt(v: BuiltRow): void {
    if (v.source !== this.factsSource) {
      this.factsSource = v.source;
      this.factMeasure = [];
      this.factKind = [];
      this.factScore = [];
    }
    if (!v.subjectId || !v.administeredOn) return;
    const ids = v.scaleIds;
    let date = UNREAD;
    for (let k = 0; k < v.count; k++) {
      const instrument = v.instrument[k]!;
      let m = this.placeMeasure[k];
      if (instrument !== this.placeInstrument[k]) {
        m = this.placeMeasure[k] = this.measures.get(instrument);
        this.placeInstrument[k] = instrument;
      }
      if (m === undefined) continue;
      // the first of the administration's scale results that is the measure's scale
      let total = NONE;
      for (let j = v.first[k]!, end = v.first[k + 1]!; j < end; j++) {
        const id = ids[j]!;
        if (this.factMeasure[id] !== m) this.learn(id, v.scales[j]!, m);
        if (this.factKind[id] !== NONE) {
          total = id;
          break;
        }
      }
      if (total === NONE) continue;
      // a row's administrations share its date
      if (date === UNREAD) date = this.dateId(v.administeredOn);
      if (date === NONE) return;
      this.record(m, this.famOf(v.subjectId, v.respondent, m.family), date, this.factScore[total]!, this.factKind[total]!);
    }
  }

  /** the facts of scale result number `id` for measure m */
  private learn(id: number, s: ScaleResult, m: FitMeasure): void {
    this.factMeasure[id] = m;
    this.factKind[id] = s.scale === m.scale ? this.kindOf(m, s) : NONE;
    this.factScore[id] = s.score ?? 0;
  }

  /** a total's record kind: role, scored, and for an alliance measure its band and item flag */
  private kindOf(m: FitMeasure, total: ScaleResult): number {
    const scored = total.score !== null ? SCORED : 0;
    if (m.role === "outcome") return scored;
    const band = total.band === null ? NONE : this.bandId(total.band);
    return ((band + 1) << BAND_SHIFT) | ALLIANCE | scored | (m.itemFlag !== undefined && total.flags.includes(m.itemFlag) ? BELOW9 : 0);
  }

  /** a record of measure m in rater series f */
  private record(m: FitMeasure, f: number, date: number, score: number, kind: number): void {
    const fam = this.list[f]!;
    const i = this.n++;
    const rec = this.rec;
    append(rec.next, fam, i);
    rec.date.set(i, date);
    rec.score.set(i, score);
    rec.kind.set(i, kind);
    if (m.role === "outcome") fam.outcome ??= m;
    else fam.alliance ??= m;
  }

  private readonly last = { subjectId: "", respondent: "", family: "", fam: NONE };

  /** the rater series' number; consecutive results are mostly of one rater and family (ORS then SRS): the last one is tried first */
  private famOf(subjectId: string, respondent: string, family: string): number {
    const last = this.last;
    if (subjectId === last.subjectId && respondent === last.respondent && family === last.family) return last.fam;
    last.subjectId = subjectId;
    last.respondent = respondent;
    last.family = family;
    return (last.fam = this.famId(subjectId, respondent, family));
  }

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

  /** a series' records in date order (file order within a date), and their dates' ranks, reused from series to series */
  private readonly order: number[] = [];
  private readonly orderRank: number[] = [];
  /** the sessions of the series last filled */
  private readonly columns = new SessionColumns();

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

  /** A rater series' sessions, in date order, from its records in file order, with the values its alerts read. */
  private fill(fam: Fam, etr: EtrIndex | null): SessionColumns {
    const rec = this.rec;
    const rank = this.dateRanks();
    const order = this.order;
    const ranks = this.orderRank;
    let k = 0;
    // records come mostly in date order: an insertion sort, stable, so a date's records stay in file order
    for (let i = fam.first; i !== NONE; i = rec.next.get(i)) {
      const r = rank[rec.date.get(i)]!;
      let j = k++;
      for (; j > 0 && ranks[j - 1]! > r; j--) {
        order[j] = order[j - 1]!;
        ranks[j] = ranks[j - 1]!;
      }
      order[j] = i;
      ranks[j] = r;
    }
    const c = this.columns;
    c.reserve(k);
    c.subjectId = fam.subjectId;
    c.respondent = fam.respondent;
    c.outcomeInstrument = fam.outcome?.instrument ?? null;
    c.allianceInstrument = fam.alliance?.instrument ?? null;
    c.dates = this.dates.values;
    let n = 0;
    let at = NONE;
    for (let j = 0; j < k; j++) {
      const i = order[j]!;
      const d = rec.date.get(i);
      if (d !== at) {
        at = d;
        c.date[n] = d;
        c.has[n] = 0;
        c.band[n] = NONE;
        n++;
      }
      const s = n - 1;
      const kind = rec.kind.get(i);
      let has = c.has[s]!;
      // the last of same-day administrations wins (file order), and is reported
      if (!(kind & ALLIANCE)) {
        if (kind & SCORED) {
          has |= (has & HAS_ORS ? HAS_DUPES : 0) | HAS_ORS;
          c.orsValue[s] = rec.score.get(i);
        }
      } else {
        if (kind & SCORED) {
          has |= (has & HAS_SRS ? HAS_DUPES : 0) | HAS_SRS;
          c.srsValue[s] = rec.score.get(i);
          c.band[s] = (kind >> BAND_SHIFT) - 1;
        }
        has = kind & BELOW9 ? has | HAS_BELOW9 : has & ~HAS_BELOW9;
      }
      c.has[s] = has;
    }
    c.count = n;
    this.alertsOf(fam, c, etr);
    return c;
  }

  /** The columns' intake, changes, ETR rows and alerts (the rules in the file's header). */
  private alertsOf(fam: Fam, c: SessionColumns, etr: EtrIndex | null): void {
    const opts = this.opts;
    const n = c.count;
    const points = opts.orsPoints ?? fam.outcome?.points ?? FALLBACK_ORS_POINTS;
    const reviewAt = opts.sessions ?? DEFAULT_REVIEW_SESSIONS;
    const drop = opts.srsDrop ?? DEFAULT_SRS_DROP;
    let first = 0;
    while (first < n && !(c.has[first]! & HAS_ORS)) first++;
    c.intakeAt = first;
    const intakeOrs = first < n ? c.orsValue[first]! : 0;
    let prevSrs = 0;
    let hasPrev = false;
    for (let k = 0; k < n; k++) {
      const session = k + 1;
      let has = c.has[k]!;
      let mask = 0;
      const ors = c.orsValue[k]!;
      // dates are distinct and in order: on or after the intake's date is k ≥ first
      if (has & HAS_ORS && k >= first) {
        const change = ors - intakeOrs;
        c.change[k] = change;
        has |= HAS_CHANGE;
        if (k > first) {
          if (change <= -points + EPS) mask |= BELOW_INTAKE;
          else if (session >= reviewAt && change < points - EPS) mask |= NO_IMPROVEMENT;
        }
      }
      const hit = etr !== null && first < n && has & HAS_ORS ? etr.hit(intakeOrs, session) : null;
      c.hit[k] = hit;
      if (hit !== null && ors < hit.lower - EPS) mask |= BELOW_ETR;
      if (has & HAS_SRS) {
        const srs = c.srsValue[k]!;
        const band = c.band[k]!;
        if (band !== NONE && this.bands.values[band]!.concern) mask |= BELOW_CUTOFF;
        if (hasPrev && prevSrs - srs >= drop - EPS) mask |= SRS_DROP;
        c.prevSrs[k] = prevSrs;
        prevSrs = srs;
        hasPrev = true;
      }
      if (has & HAS_BELOW9) mask |= ITEM_BELOW;
      c.has[k] = has;
      c.mask[k] = mask;
    }
  }

  /**
   * The rater series as session columns, in families()' order, each filled when it is taken: for a writer of the
   * table that needs no FitFamily (src/tables/fit-csv.ts). The object is filled again for the next series.
   */
  *series(): Generator<FitSeries> {
    const etr = this.opts.etr ? new EtrIndex(this.opts.etr) : null;
    for (const fam of this.list) yield this.fill(fam, etr);
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
  private family(fam: Fam, etr: EtrIndex | null, lazy: boolean): FitFamily {
    const opts = this.opts;
    const c = this.fill(fam, etr);
    const n = c.count;
    const dates = this.dates.values;
    const notes: string[] = [];
    const outcomeName = fam.outcome?.instrument.toUpperCase() ?? "outcome measure";
    const allianceName = fam.alliance?.instrument.toUpperCase() ?? "alliance measure";
    if (fam.outcome && opts.orsPoints === undefined && fam.outcome.points === undefined) notes.push(`${outcomeName} definition has no reliable-change size: the trivsel default of ${FALLBACK_ORS_POINTS} points is used`);
    const first = c.intakeAt;
    const intake = first < n ? { date: dates[c.date[first]!]!, ors: c.orsValue[first]! } : null;
    if (!intake) notes.push(`no ${fam.outcome ? outcomeName : "outcome measure (ORS, CORS)"}: outcome rules not applied`);
    if (fam.alliance && !fam.alliance.hasCutoff) notes.push(`${allianceName} has no cutoff in its definition: srs_below_cutoff not applied`);
    if (fam.alliance && fam.alliance.itemFlag === undefined) notes.push(`${allianceName} has no item rule in its definition: srs_item_below_9 not applied`);
    if (!opts.etr) notes.push("no ETR table in use: alerts rely on the reliable-change rules");
    const x: AlertContext = {
      outcomeName,
      allianceName,
      points: opts.orsPoints ?? fam.outcome?.points ?? FALLBACK_ORS_POINTS,
      reviewAt: opts.sessions ?? DEFAULT_REVIEW_SESSIONS,
      drop: opts.srsDrop ?? DEFAULT_SRS_DROP,
      intakeOrs: intake ? intake.ors : 0,
      etrName: opts.etr ? opts.etr.name : "",
      itemFlag: fam.alliance?.itemFlag,
    };
    const sessions: FitSession[] = [];
    for (let k = 0; k < n; k++) {
      const date = dates[c.date[k]!]!;
      const has = c.has[k]!;
      if (has & HAS_DUPES) notes.push(`${date}: more than one ${outcomeName} or ${allianceName}; the last in the file is used`);
      const hit = c.hit[k]!;
      const alerts: FitAlert[] = [];
      const s: FitSession = { session: k + 1, date, ors: c.ors(k), srs: c.srs(k), orsChange: c.orsChange(k), srsItemBelow9: (has & HAS_BELOW9) !== 0, etr: hit && { expected: hit.expected, lower: hit.lower, tableIntake: hit.tableIntake }, alerts };
      const mask = c.mask[k]!;
      for (let b = 0; b < ALERT_ORDER.length; b++) {
        if (!(mask & (1 << b))) continue;
        const rule = ALERT_ORDER[b]!;
        const prevSrs = rule === "srs_drop" ? c.prevSrs[k]! : null;
        const label = rule === "srs_below_cutoff" ? this.bands.values[c.band[k]!]!.label : null;
        alerts.push(lazy ? new LazyAlert(rule, x, s, prevSrs, label) : { rule, message: alertMessage(rule, x, s, prevSrs, label) });
      }
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

/** a date not read yet (addBuilt reads a row's date once, when an administration needs it) */
const UNREAD = -2;
