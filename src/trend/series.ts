/**
 * Time series from scored results: one per subject × instrument × scale × respondent (× form, for a scale
 * whose scoring depends on the form), ordered by date,
 * with time since a reference date (the subject's intake or the child's birth).
 */
import { remember } from "../memo.js";
import { parseDate, toDayNumber } from "../dates.js";
import type { AppliedBand, ScaleResult, ScoreResult } from "../schema/results.js";
import type { BuiltRow } from "../io/fast-results.js";
import { requireIterable } from "./input.js";
import { blockOf, blockSize, blockStart, entryOf, int32, Interner, ManyStrings, NONE, NumberColumn } from "./columns.js";

export interface SeriesPoint {
  date: string;
  score: number;
  band: AppliedBand | null;
  flags: readonly string[];
  form: string | null;
  phase?: string;
  /** days since the series' reference date (negative before it, e.g. pregnancy before birth) */
  days: number;
  weeks: number;
  /** position of the result in the input, so ties keep input order */
  inputIndex: number;
  row?: number;
}

export interface Reference {
  kind: "intake" | "birth";
  date: string;
}

export interface Series {
  subjectId: string;
  /** "" when the file gives no respondent */
  respondent: string;
  instrument: string;
  scale: string;
  /** the form every point was scored on, when the scale's scoring depends on the form; else null */
  form: string | null;
  direction: ScaleResult["direction"];
  reference: Reference;
  points: SeriesPoint[];
  /** dates on which this series has more than one administration; kept in input order */
  ties: string[];
  /** administrations of this family left out because the scale was not scorable */
  notScorable: number;
}

/**
 * What an analysis reads of a series (SeriesCollector.outlines()): its fields but the points, and of the points
 * (in date order) the first, the last, and each one's weeks and score.
 */
export interface SeriesOutline extends Omit<Series, "points"> {
  n: number;
  first: OutlinePoint | undefined;
  last: OutlinePoint | undefined;
  weeks: Float64Array;
  scores: Float64Array;
}

/** A point as an outline gives it: a SeriesPoint, but phase and row may be there as undefined. */
export type OutlinePoint = Omit<SeriesPoint, "phase" | "row"> & { phase?: string | undefined; row?: number | undefined };

export interface SeriesOptions {
  instrument?: string;
  scale?: string;
  /**
   * "intake" (default): days since the subject's first administration of any instrument in the input.
   * "birth": days since the birth date given in birthDates; subjects without one fall back to intake.
   */
  since?: "intake" | "birth";
  birthDates?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * true for scales whose scores on different forms are different scales (see scaleDependsOnForm):
   * their series are split per form, so a change is never taken across forms.
   */
  perForm?: (instrument: string, scale: string) => boolean;
  /** only administrations on this form */
  form?: string;
  /**
   * true when the series are read only as outlines (a summary: the trend table, cohort): points keep no input
   * index and no row (an outline's first and last point then have inputIndex -1 and no row), and series() throws
   */
  outlinesOnly?: boolean;
}

export interface SeriesSkip {
  reason: "no_subject" | "no_date" | "invalid_date";
  instrument: string;
  row?: number;
}

const dayOf = (iso: string): number | null => {
  const d = parseDate(iso);
  return d ? toDayNumber(d) : null;
};

/** Groups scored results into series. Results without subject or valid date are listed in `skipped`, not dropped silently. */
export function buildSeries(results: Iterable<ScoreResult>, opts: SeriesOptions = {}): { series: Series[]; skipped: SeriesSkip[] } {
  requireIterable("buildSeries", "results", results, "an array of score results");
  const collector = new SeriesCollector(opts);
  for (const r of results) collector.add(r);
  return { series: [...collector.series()], skipped: collector.skipped };
}

/**
 * Every series' points, 28 bytes each (20 without their input index and row), in blocks of typed arrays (memory grows with the data, never by copying
 * it; blocks as NumberColumn's), each series a chain through `next`: read one back with
 * `for (i = first; i !== NONE; i = next(i))`.
 */
class Points {
  private readonly nexts: Int32Array[] = [];
  private readonly scores: Float64Array[] = [];
  private readonly dates: Int32Array[] = [];
  private readonly attrs: Int32Array[] = [];
  private readonly rows: Int32Array[] = [];
  private readonly inputs: Int32Array[] = [];
  private n = 0;
  /** refs: each point keeps its input index and row (else 20 bytes a point, not 28) */
  constructor(readonly refs: boolean) {}

  /**
   * A new point after point `last` of its chain (NONE: the first), scored `from.score`; returns its number. The score
   * is read here, not handed over: a number that is not a small integer would be boxed on the way.
   */
  push(last: number, from: { readonly score: number | null }, date: number, attr: number, row: number, input: number): number {
    const i = this.n++;
    const b = blockOf(i);
    const o = i - blockStart(b);
    if (b === this.nexts.length) {
      // one buffer a block for its six columns: one allocation, not six
      const size = blockSize(b);
      const buf = new ArrayBuffer(size * (this.refs ? 28 : 20));
      this.scores.push(new Float64Array(buf, 0, size));
      this.nexts.push(new Int32Array(buf, size * 8, size));
      this.dates.push(new Int32Array(buf, size * 12, size));
      this.attrs.push(new Int32Array(buf, size * 16, size));
      if (this.refs) {
        this.rows.push(new Int32Array(buf, size * 20, size));
        this.inputs.push(new Int32Array(buf, size * 24, size));
      }
    }
    this.nexts[b]![o] = NONE;
    this.scores[b]![o] = from.score!;
    this.dates[b]![o] = date;
    this.attrs[b]![o] = attr;
    if (this.refs) {
      this.rows[b]![o] = row;
      this.inputs[b]![o] = input;
    }
    if (last !== NONE) {
      const lb = blockOf(last);
      this.nexts[lb]![last - blockStart(lb)] = i;
    }
    return i;
  }
  next(i: number): number {
    return entryOf(this.nexts, i);
  }
  score(i: number): number {
    return entryOf(this.scores, i);
  }
  date(i: number): number {
    return entryOf(this.dates, i);
  }
  attr(i: number): number {
    return entryOf(this.attrs, i);
  }
  /** the point's row (NONE: none, or not kept) */
  row(i: number): number {
    return this.refs ? entryOf(this.rows, i) : NONE;
  }
  /** the point's input index (NONE: not kept) */
  input(i: number): number {
    return this.refs ? entryOf(this.inputs, i) : NONE;
  }
}

/** What tells series of a subject apart: respondent, instrument, scale and form (null unless split per form). */
interface SeriesKey {
  respondent: string;
  instrument: string;
  scale: string;
  form: string | null;
}

/**
 * The series' heads as columns of numbers (a series is a number, in order of first appearance), so that many
 * series cost no objects: its subject, key (SeriesKey by number), direction, points left out as not scorable, its
 * first and last point, and the next series of its subject.
 */
class Heads {
  n = 0;
  readonly subject = new NumberColumn(int32);
  readonly key = new NumberColumn(int32);
  readonly direction = new NumberColumn(int32);
  readonly notScorable = new NumberColumn(int32);
  readonly first = new NumberColumn(int32);
  readonly last = new NumberColumn(int32);
  readonly sibling = new NumberColumn(int32);
  add(subject: number, key: number, direction: number): number {
    const k = this.n++;
    this.subject.set(k, subject);
    this.key.set(k, key);
    this.direction.set(k, direction);
    this.notScorable.set(k, 0);
    this.first.set(k, NONE);
    this.last.set(k, NONE);
    this.sibling.set(k, NONE);
    return k;
  }
}

/** What SeriesCollector works out of one scale result, kept by its id (addBuilt). */
interface KeptScale {
  instrument: string;
  /** whether its series is split per form (SeriesOptions.perForm) */
  perForm: boolean;
  band: number;
  flags: number;
  /** the point attribute (attrOf) for the last form and phase it was asked for (NONE - 1: none yet) */
  form: number;
  phase: number;
  attr: number;
  /** the series key (SeriesCollector.keyOf) for the last respondent and form it was asked for (undefined: none yet) */
  keyRespondent: string | undefined;
  keyForm: string | null | undefined;
  key: number;
}

/** the intake day of a subject numbered but not yet met by the collector: later than any */
const NO_DAY = 0x7fffffff;

const RECENT_BITS = 12;
const RECENT_DATES = 1 << RECENT_BITS;

/** series of one subject beyond which they are looked up by key */
const MANY_SERIES = 32;

/**
 * buildSeries one result at a time, in bounded memory: each result is reduced on arrival to what a SeriesPoint
 * holds (numbers in typed arrays, repeated strings, bands and flags kept once), so a caller can read a large
 * file without keeping its results, then take the series one by one (series()) in the order buildSeries gives.
 */
export class SeriesCollector {
  readonly skipped: SeriesSkip[] = [];
  /**
   * subjects by number; a GroupColumns of the same file may number subjects in it too (cohort), so a number met for
   * the first time may be past the next
   */
  readonly subjects = new ManyStrings();
  /** per subject number: its first day, that day's date (its number in dates), its first and last series, and how many */
  private readonly intakeDay = new NumberColumn(int32);
  private readonly intakeDate = new NumberColumn(int32);
  private readonly subjectFirst = new NumberColumn(int32);
  private readonly subjectLast = new NumberColumn(int32);
  private readonly subjectSeries = new NumberColumn(int32);
  /** the series of a subject with more than MANY_SERIES, by key */
  private readonly many = new Map<number, Map<number, number>>();
  private readonly strings = new Interner<string>();
  private readonly bands: AppliedBand[] = [];
  private readonly bandsByRule = new Map<string, number[]>();
  /** each band object seen, by identity */
  private readonly bandOf = new WeakMap<AppliedBand, number>();
  private readonly flagLists = new Interner<readonly string[]>();
  private readonly noFlags = this.flagLists.id("0:", []);
  private readonly heads = new Heads();
  /** series keys by number */
  private readonly keys = new Interner<SeriesKey>();
  private readonly directions = new Interner<ScaleResult["direction"]>();
  private index = 0;
  private readonly last: { subjectId: string; subject: number; date: string; dateId: number; form: string | undefined; formId: number; phase: string | undefined; phaseId: number } = { subjectId: "", subject: NONE, date: "", dateId: NONE, form: undefined, formId: NONE, phase: undefined, phaseId: NONE };
  /** the day number of each date (by its number in dates) */
  private readonly dayOfDate: number[] = [];
  /** dates, numbered from 0 up (so dayOfDate has no holes) */
  private readonly dates = new Interner<string>();
  /** a point's band, flags, form and phase, as one number: few distinct combinations occur */
  private readonly attrs: { band: number; flags: number; form: number; phase: number }[] = [];
  private readonly attrIds = new Map<number | string, number>();
  private readonly p: Points;

  constructor(private readonly opts: SeriesOptions = {}) {
    this.p = new Points(opts.outlinesOnly !== true);
  }

  /** dates read so far, each as its number in dates (NONE: not a date); a file holds a few thousand distinct dates */
  private readonly dateIds = new Map<string, number>();

  /** the date's number in dates, its day number in dayOfDate; NONE when the text is not a date */
  private dateId(text: string): number {
    const known = this.dateIds.get(text);
    if (known !== undefined) return known;
    const day = dayOf(text);
    const k = day === null ? NONE : this.dates.id(text, text);
    if (day !== null) this.dayOfDate[k] = day;
    return remember(this.dateIds, text, k, 100_000);
  }

  /** dateId() of the last dates given with their key (BuiltRow.dateKey), direct-mapped by key */
  private readonly keyOfDate = new Int32Array(RECENT_DATES).fill(-1);
  private readonly idOfDate = new Int32Array(RECENT_DATES);

  /** dateId(text) of a date whose digits are `key` (yyyymmdd), found by the number, not the text, mostly */
  private dateOfKey(key: number, text: string): number {
    const slot = Math.imul(key, 0x9e3779b1) >>> (32 - RECENT_BITS);
    if (this.keyOfDate[slot] === key) return this.idOfDate[slot]!;
    const id = this.dateId(text);
    this.keyOfDate[slot] = key;
    this.idOfDate[slot] = id;
    return id;
  }

  /** each flag list seen, by identity (results built on the fast path share them) */
  private readonly flagsOf = new WeakMap<readonly string[], number>();

  private flagsId(flags: readonly string[]): number {
    let k = this.flagsOf.get(flags);
    if (k === undefined) this.flagsOf.set(flags, (k = this.flagLists.id(`${flags.length}:${flags.join("\u0000")}`, flags)));
    return k;
  }

  /** the number of series so far */
  get size(): number {
    return this.heads.n;
  }

  add(r: ScoreResult): void {
    this.administration(r.subjectId, r.administeredOn, r.instrument, r.form, r.respondent ?? "", r.phase, r.source?.row, r.scales, 0, r.scales.length, null);
  }

  /**
   * per place of a scale result in a row (or result): the subject and key of the series the last one there went
   * to, and that series (rows of one rater mostly hold the same series at the same place)
   */
  private slotSubject = new Int32Array(8).fill(NONE);
  private slotKey = new Int32Array(8);
  private slotSeries = new Int32Array(8);

  /** the source of the scale ids addBuilt() has read; its ids are numbers in `kept` */
  private source: object | null = null;
  /** per scale id of `source`: what add() works out of that scale result, worked out once */
  private kept: (KeptScale | undefined)[] = [];

  /**
   * A row built on the fast path (src/io/fast-results.ts), as add() would read its results: the scale results
   * come with ids, so what add() works out of each (band, flags, whether its series is per form) is worked out once.
   */
  addBuilt(v: BuiltRow): void {
    if (v.source !== this.source) {
      this.source = v.source;
      this.kept = [];
    }
    const n = v.count;
    // a row without administrations gives no results: nothing to count, not even its date as an intake
    if (n === 0) return;
    const phase = v.phase === "" ? undefined : v.phase;
    // a row's administrations share its subject and date: looked up once (a row without them: each one skipped)
    const subject = v.subjectId && v.administeredOn ? this.subjectOn(v.subjectId, v.administeredOn, v.dateKey) : NONE;
    if (subject === NONE) {
      for (let k = 0; k < n; k++) this.administration(v.subjectId, v.administeredOn, v.instrument[k]!, v.form[k]!, v.respondent, phase, v.row, v.scales, v.first[k]!, v.first[k + 1]!, v.scaleIds);
      return;
    }
    const date = this.last.dateId;
    for (let k = 0; k < n; k++) this.scalesOf(this.index++, subject, date, v.instrument[k]!, v.form[k]!, v.respondent, phase, v.row, v.scales, v.first[k]!, v.first[k + 1]!, v.scaleIds);
  }

  /** a result's fields, its scale results scales[from, to) (with their ids in `ids`, or null) */
  private administration(subjectId: string | undefined, administeredOn: string | undefined, instrument: string, form: string | null, respondent: string, phase: string | undefined, row: number | undefined, scales: readonly ScaleResult[], from: number, to: number, ids: readonly number[] | null): void {
    const inputIndex = this.index++;
    if (!subjectId) return this.skip("no_subject", instrument, row);
    if (!administeredOn) return this.skip("no_date", instrument, row);
    const subject = this.subjectOn(subjectId, administeredOn);
    if (subject === NONE) return this.skip("invalid_date", instrument, row);
    this.scalesOf(inputIndex, subject, this.last.dateId, instrument, form, respondent, phase, row, scales, from, to, ids);
  }

  /** subjects numbered so far */
  private nSubjects = 0;

  /** the number of the subject of the last row or result added, when it is `subjectId` (else NONE) */
  subjectOf(subjectId: string): number {
    return this.last.subjectId === subjectId ? this.last.subject : NONE;
  }

  /**
   * The subject's number, its intake moved to this date if earlier, and the date's number in last.dateId; NONE (and
   * nothing changed but last.date) when the text is not a date.
   */
  private subjectOn(subjectId: string, administeredOn: string, dateKey = -1): number {
    const last = this.last;
    // consecutive results are mostly of one subject and date: the last one is tried first
    const date = administeredOn === last.date ? last.dateId : dateKey < 0 ? this.dateId(administeredOn) : this.dateOfKey(dateKey, administeredOn);
    last.date = administeredOn;
    last.dateId = date;
    if (date === NONE) return NONE;
    const day = this.dayOfDate[date]!;
    const subject = subjectId === last.subjectId ? last.subject : this.subjects.id(subjectId);
    last.subjectId = subjectId;
    last.subject = subject;
    if (subject >= this.nSubjects) {
      for (let k = this.nSubjects; k <= subject; k++) {
        this.subjectFirst.set(k, NONE);
        this.subjectLast.set(k, NONE);
        this.subjectSeries.set(k, 0);
        this.intakeDay.set(k, NO_DAY);
      }
      this.nSubjects = subject + 1;
    } else if (day >= this.intakeDay.get(subject)) return subject;
    this.intakeDay.set(subject, day);
    this.intakeDate.set(subject, date);
    return subject;
  }

  /** the points of an administration (input number inputIndex) of a subject on a date, as administration() reads it */
  private scalesOf(inputIndex: number, subject: number, date: number, instrument: string, form: string | null, respondent: string, phase: string | undefined, row: number | undefined, scales: readonly ScaleResult[], from: number, to: number, ids: readonly number[] | null): void {
    const last = this.last;
    const opts = this.opts;
    if (opts.instrument !== undefined && instrument !== opts.instrument) return;
    if (opts.form !== undefined && form !== opts.form) return;
    const formId = form === null ? NONE : form === last.form ? last.formId : this.formId(form);
    const phaseId = phase === undefined ? NONE : phase === last.phase ? last.phaseId : this.phaseId(phase);
    const p = this.p;
    const heads = this.heads;
    if (to > this.slotKey.length) this.growSlots(to);
    for (let j = from; j < to; j++) {
      const s = scales[j]!;
      if (opts.scale !== undefined && s.scale !== opts.scale) continue;
      const kept = ids === null ? undefined : this.keptScale(ids[j]!, instrument, s);
      let key: number;
      if (kept === undefined) key = this.keyAt(j, respondent, instrument, s.scale, opts.perForm?.(instrument, s.scale) === true ? form : null);
      else if (kept.keyRespondent === respondent && kept.keyForm === form) key = kept.key;
      else {
        key = kept.key = this.keyOf(respondent, instrument, s.scale, kept.perForm ? form : null);
        kept.keyRespondent = respondent;
        kept.keyForm = form;
      }
      let k: number;
      if (this.slotSubject[j] === subject && this.slotKey[j] === key) k = this.slotSeries[j]!;
      else {
        k = this.seriesOf(subject, key, s.direction);
        this.slotSubject[j] = subject;
        this.slotKey[j] = key;
        this.slotSeries[j] = k;
      }
      if (s.score === null) {
        heads.notScorable.set(k, heads.notScorable.get(k) + 1);
        continue;
      }
      let attr: number;
      if (kept === undefined) attr = this.attrOf(s.band === null ? NONE : this.bandId(s.band), s.flags.length === 0 ? this.noFlags : this.flagsId(s.flags), formId, phaseId);
      else if (kept.form === formId && kept.phase === phaseId) attr = kept.attr;
      else {
        attr = kept.attr = this.attrOf(kept.band, kept.flags, formId, phaseId);
        kept.form = formId;
        kept.phase = phaseId;
      }
      const before = heads.last.get(k);
      const i = p.push(before, s, date, attr, row === undefined ? NONE : row, inputIndex);
      if (before === NONE) heads.first.set(k, i);
      heads.last.set(k, i);
    }
  }

  private growSlots(n: number): void {
    const size = Math.max(n, 2 * this.slotKey.length);
    const subject = new Int32Array(size).fill(NONE);
    const key = new Int32Array(size);
    const series = new Int32Array(size);
    subject.set(this.slotSubject);
    key.set(this.slotKey);
    series.set(this.slotSeries);
    this.slotSubject = subject;
    this.slotKey = key;
    this.slotSeries = series;
  }

  /** What add() works out of scale result s (number id of the source) for an instrument's results, kept by id. */
  private keptScale(id: number, instrument: string, s: ScaleResult): KeptScale {
    const known = this.kept[id];
    // an id stands for one scale result object, hence one instrument: checked all the same, as it costs nothing
    if (known !== undefined && known.instrument === instrument) return known;
    const band = s.band === null ? NONE : this.bandId(s.band);
    const flags = s.flags.length === 0 ? this.noFlags : this.flagsId(s.flags);
    const kept: KeptScale = { instrument, perForm: this.opts.perForm?.(instrument, s.scale) === true, band, flags, form: NONE - 1, phase: NONE - 1, attr: NONE, keyRespondent: undefined, keyForm: undefined, key: NONE };
    this.kept[id] = kept;
    return kept;
  }

  /** per place of a scale result: the key keyAt() gave there last, and what it was asked */
  private readonly atKey: { respondent: string; instrument: string; scale: string; form: string | null; key: number }[] = [];

  /** keyOf() for the scale result at place j of a result (results of one rater mostly ask the same there) */
  private keyAt(j: number, respondent: string, instrument: string, scale: string, form: string | null): number {
    const l = this.atKey[j];
    if (l !== undefined && l.respondent === respondent && l.instrument === instrument && l.scale === scale && l.form === form) return l.key;
    const key = this.keyOf(respondent, instrument, scale, form);
    this.atKey[j] = { respondent, instrument, scale, form, key };
    return key;
  }

  /** the number of a series key */
  private keyOf(respondent: string, instrument: string, scale: string, form: string | null): number {
    return this.keys.id(JSON.stringify([respondent, instrument, scale, form]), { respondent, instrument, scale, form });
  }

  private skip(reason: SeriesSkip["reason"], instrument: string, row: number | undefined): void {
    this.skipped.push({ reason, instrument, ...(row !== undefined ? { row } : {}) });
  }

  private formId(form: string): number {
    this.last.form = form;
    return (this.last.formId = this.strings.id(form, form));
  }

  private phaseId(phase: string): number {
    this.last.phase = phase;
    return (this.last.phaseId = this.strings.id(phase, phase));
  }

  /**
   * The number of the subject's series with this key, a new one on its first point. A subject has a few series:
   * they are found along its chain, unless it has many (then by key, so the search stays short).
   */
  private seriesOf(subject: number, key: number, direction: ScaleResult["direction"]): number {
    const heads = this.heads;
    const many = this.subjectSeries.get(subject) > MANY_SERIES ? this.many.get(subject)! : undefined;
    if (many !== undefined) {
      const k = many.get(key);
      if (k !== undefined) return k;
    } else for (let g = this.subjectFirst.get(subject); g !== NONE; g = heads.sibling.get(g)) if (heads.key.get(g) === key) return g;
    const k = heads.add(subject, key, this.directions.id(direction, direction));
    const tail = this.subjectLast.get(subject);
    if (tail === NONE) this.subjectFirst.set(subject, k);
    else heads.sibling.set(tail, k);
    this.subjectLast.set(subject, k);
    const count = this.subjectSeries.get(subject) + 1;
    this.subjectSeries.set(subject, count);
    if (many !== undefined) many.set(key, k);
    else if (count > MANY_SERIES) {
      const byKey = new Map<number, number>();
      for (let g = this.subjectFirst.get(subject); g !== NONE; g = heads.sibling.get(g)) byKey.set(heads.key.get(g), g);
      this.many.set(subject, byKey);
    }
    return k;
  }

  /** The number of a combination of band, flags, form and phase (each -1 or a small number: packed into one key). */
  private attrOf(band: number, flags: number, form: number, phase: number): number {
    const small = band < 4095 && flags < 4095 && form < 4095 && phase < 4095;
    const key = small ? (((band + 1) * 4096 + flags + 1) * 4096 + form + 1) * 4096 + phase + 1 : `${band},${flags},${form},${phase}`;
    let k = this.attrIds.get(key);
    if (k === undefined) {
      k = this.attrs.length;
      this.attrs.push({ band, flags, form, phase });
      this.attrIds.set(key, k);
    }
    return k;
  }

  /**
   * Bands come as a new object per result: each distinct one is kept once. Candidates are found by id and rule and
   * then compared field by field, so two results share a band object only when their bands are equal.
   */
  private bandId(b: AppliedBand): number {
    // results built on the fast path share their band objects
    const same = this.bandOf.get(b);
    if (same !== undefined) return same;
    const k = this.bandIdOf(b);
    this.bandOf.set(b, k);
    return k;
  }

  private bandIdOf(b: AppliedBand): number {
    const key = `${b.id}\u0000${b.rule}`;
    let candidates = this.bandsByRule.get(key);
    if (candidates === undefined) this.bandsByRule.set(key, (candidates = []));
    for (const k of candidates) {
      const c = this.bands[k]!;
      if (c.label === b.label && c.concern === b.concern && c.source.ref === b.source.ref && c.source.locator === b.source.locator && c.source.provenance === b.source.provenance && c.id === b.id && c.rule === b.rule) return k;
    }
    candidates.push(this.bands.length);
    this.bands.push(b);
    return this.bands.length - 1;
  }

  /** the birth dates series() and outlines() take, as a map */
  private births(birthDates: SeriesOptions["birthDates"]): ReadonlyMap<string, string> {
    return birthDates instanceof Map ? birthDates : new Map(Object.entries(birthDates ?? {}));
  }

  /** the reference date of a subject's series; its day number in refDay */
  private referenceOf(subject: number, subjectId: string, births: ReadonlyMap<string, string>): Reference {
    let reference: Reference = { kind: "intake", date: this.dates.values[this.intakeDate.get(subject)]! };
    const birth = this.opts.since === "birth" ? births.get(subjectId) : undefined;
    if (birth !== undefined && dayOf(birth) !== null) reference = { kind: "birth", date: birth };
    this.refDay = this.opts.since === "birth" ? dayOf(reference.date)! : this.intakeDay.get(subject);
    return reference;
  }

  /** the day number of the reference referenceOf() gave last */
  private refDay = 0;

  /** point i of the collector as a SeriesPoint, days counted from refDay */
  private pointAt(i: number, refDay: number): SeriesPoint {
    const p = this.p;
    const str = this.strings.values;
    const date = p.date(i);
    const days = this.dayOfDate[date]! - refDay;
    const a = this.attrs[p.attr(i)]!;
    const point: SeriesPoint = { date: this.dates.values[date]!, score: p.score(i), band: a.band === NONE ? null : this.bands[a.band]!, flags: this.flagLists.values[a.flags]!, form: a.form === NONE ? null : str[a.form]!, days, weeks: days / 7, inputIndex: p.input(i) };
    if (a.phase !== NONE) point.phase = str[a.phase]!;
    if (p.row(i) !== NONE) point.row = p.row(i);
    return point;
  }

  /** pointAt() into `to`, an object of outlines() set again per series (phase and row undefined when none) */
  private pointInto(to: OutlinePoint, i: number, refDay: number): OutlinePoint {
    const p = this.p;
    const str = this.strings.values;
    const date = p.date(i);
    const days = this.dayOfDate[date]! - refDay;
    const a = this.attrs[p.attr(i)]!;
    const row = p.row(i);
    to.date = this.dates.values[date]!;
    to.score = p.score(i);
    to.band = a.band === NONE ? null : this.bands[a.band]!;
    to.flags = this.flagLists.values[a.flags]!;
    to.form = a.form === NONE ? null : str[a.form]!;
    to.days = days;
    to.weeks = days / 7;
    to.inputIndex = p.input(i);
    to.phase = a.phase === NONE ? undefined : str[a.phase]!;
    to.row = row === NONE ? undefined : row;
    return to;
  }

  /** per point of the series outlines() is at: its number, day and date (grown as needed, kept between series) */
  private scratch = { index: new Int32Array(64), days: new Float64Array(64), weeks: new Float64Array(64), scores: new Float64Array(64) };

  /**
   * series() without a SeriesPoint per point: each series' fields, its first and last point, and its points' weeks
   * and scores in date order. What a summary reads of a series. One outline object (with its points and views) is
   * set again for every series: it is valid until the next is taken, so copy what you keep.
   */
  *outlines(birthDates = this.opts.birthDates): Generator<SeriesOutline> {
    const p = this.p;
    const point = (): OutlinePoint => ({ date: "", score: 0, band: null, flags: [], form: null, days: 0, weeks: 0, inputIndex: 0, phase: undefined, row: undefined });
    const firstPoint = point();
    const lastPoint = point();
    // one object, set again per series, as the views are (a summary copies what it keeps)
    const o: SeriesOutline = { subjectId: "", respondent: "", instrument: "", scale: "", form: null, direction: "none", reference: { kind: "intake", date: "" }, ties: [], notScorable: 0, n: 0, first: undefined, last: undefined, weeks: new Float64Array(0), scores: new Float64Array(0) };
    const births = this.births(birthDates);
    for (let h = 0; h < this.heads.n; h++) {
      const c = this.walk(h, births);
      const n = c.n;
      const { index, days, weeks, scores } = this.scratch;
      for (let k = 0; k < n; k++) {
        weeks[k] = days[k]! / 7;
        scores[k] = p.score(index[k]!);
      }
      const views = this.viewsOf(n);
      const key = c.key;
      o.subjectId = c.subjectId;
      o.respondent = key.respondent;
      o.instrument = key.instrument;
      o.scale = key.scale;
      o.form = key.form;
      o.direction = c.direction;
      o.reference = c.reference;
      o.ties = c.ties;
      o.notScorable = c.notScorable;
      o.n = n;
      o.first = n > 0 ? this.pointInto(firstPoint, index[0]!, c.refDay) : undefined;
      o.last = n > 1 ? this.pointInto(lastPoint, index[n - 1]!, c.refDay) : o.first;
      o.weeks = views.weeks;
      o.scores = views.scores;
      yield o;
    }
  }

  /** What walk() sets for a series: what series() and outlines() read of it. */
  private readonly cursor = { subjectId: "", key: undefined as unknown as SeriesKey, direction: "none" as ScaleResult["direction"], notScorable: 0, reference: undefined as unknown as Reference, refDay: 0, n: 0, ties: [] as string[] };

  /** Series h into `cursor`, its points put in date order in the scratch (ordered()). */
  private walk(h: number, births: ReadonlyMap<string, string>): SeriesCollector["cursor"] {
    const heads = this.heads;
    const c = this.cursor;
    const subject = heads.subject.get(h);
    c.subjectId = this.subjects.values[subject]!;
    c.reference = this.referenceOf(subject, c.subjectId, births);
    c.refDay = this.refDay;
    c.n = this.ordered(heads.first.get(h), c.refDay);
    c.ties = this.ties;
    c.key = this.keys.values[heads.key.get(h)]!;
    c.direction = this.directions.values[heads.direction.get(h)]!;
    c.notScorable = heads.notScorable.get(h);
    return c;
  }

  /**
   * A series' points in date order, into scratch.index (and their days since refDay into scratch.days), stably:
   * administrations on one date stay in input order; returns how many. `ties`: the dates with more than one point.
   */
  private ordered(first: number, refDay: number): number {
    const p = this.p;
    const dayOfDate = this.dayOfDate;
    let { index, days } = this.scratch;
    let n = 0;
    // in date order unless a point is earlier than the one before; two points on one day may be a tie
    let sorted = true;
    let sameDay = false;
    let before = -Infinity;
    for (let i = first; i !== NONE; i = p.next(i)) {
      const d = dayOfDate[p.date(i)]! - refDay;
      if (d < before) sorted = false;
      else if (d === before) sameDay = true;
      before = d;
      if (n === index.length) ({ index, days } = this.growScratch());
      index[n] = i;
      days[n++] = d;
    }
    if (!sorted) sortByDays(index, days, n);
    this.ties = sorted && !sameDay ? [] : this.tiesAt(index, n);
    return n;
  }

  /** the ties of the series ordered() put in order last (a new array each time: it goes out with the series) */
  private ties: string[] = [];

  /** per length n: views of scratch.weeks and scratch.scores [0, n) (a subarray costs more than a series' sums) */
  private views: ({ weeks: Float64Array; scores: Float64Array } | undefined)[] = [];

  private viewsOf(n: number): { weeks: Float64Array; scores: Float64Array } {
    const known = this.views[n];
    if (known !== undefined) return known;
    const { weeks, scores } = this.scratch;
    return (this.views[n] = { weeks: weeks.subarray(0, n), scores: scores.subarray(0, n) });
  }

  private growScratch(): SeriesCollector["scratch"] {
    const s = this.scratch;
    const size = s.index.length * 2;
    const index = new Int32Array(size);
    const days = new Float64Array(size);
    index.set(s.index);
    days.set(s.days);
    // views of the old arrays would no longer be the scratch
    this.views = [];
    return (this.scratch = { index, days, weeks: new Float64Array(size), scores: new Float64Array(size) });
  }

  /** The dates with more than one point among index[0, n) (in date order), in order of first appearance. */
  private tiesAt(index: Int32Array, n: number): string[] {
    const counts = new Map<number, number>();
    for (let k = 0; k < n; k++) {
      const d = this.p.date(index[k]!);
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    return [...counts].filter(([, c]) => c > 1).map(([d]) => this.dates.values[d]!);
  }

  /** The series in order of first appearance, each built when it is taken; birthDates default to the options'. */
  *series(birthDates = this.opts.birthDates): Generator<Series> {
    if (!this.p.refs) throw new Error("SeriesCollector: made with outlinesOnly, its series can be read only as outlines()");
    const births = this.births(birthDates);
    for (let h = 0; h < this.heads.n; h++) {
      const c = this.walk(h, births);
      const index = this.scratch.index;
      const points: SeriesPoint[] = [];
      for (let k = 0; k < c.n; k++) points.push(this.pointAt(index[k]!, c.refDay));
      const key = c.key;
      yield { subjectId: c.subjectId, respondent: key.respondent, instrument: key.instrument, scale: key.scale, form: key.form, direction: c.direction, reference: c.reference, points, ties: c.ties, notScorable: c.notScorable };
    }
  }
}

/** Sorts index[0, n) and days[0, n) together by days, stably (short series by insertion: mostly in order). */
function sortByDays(index: Int32Array, days: Float64Array, n: number): void {
  if (n > 32) {
    // Array.prototype.sort is stable
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => days[a]! - days[b]!);
    const i = order.map((k) => index[k]!);
    const d = order.map((k) => days[k]!);
    index.set(i);
    days.set(d);
    return;
  }
  for (let k = 1; k < n; k++) {
    const d = days[k]!;
    const i = index[k]!;
    let j = k - 1;
    while (j >= 0 && days[j]! > d) {
      days[j + 1] = days[j]!;
      index[j + 1] = index[j]!;
      j--;
    }
    days[j + 1] = d;
    index[j + 1] = i;
  }
}
