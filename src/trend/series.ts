/**
 * Time series from scored results: one per subject × instrument × scale × respondent (× form, for a scale
 * whose scoring depends on the form), ordered by date,
 * with time since a reference date (the subject's intake or the child's birth).
 */
import { parseDate, toDayNumber } from "../dates.js";
import type { AppliedBand, ScaleResult, ScoreResult } from "../schema/results.js";
import { requireIterable } from "./input.js";

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

/** Strings seen many times (subjects, dates, forms, phases) kept once and referred to by number. */
class Interner<T> {
  private readonly index = new Map<string, number>();
  readonly values: T[] = [];
  id(key: string, value: T): number {
    let k = this.index.get(key);
    if (k === undefined) {
      k = this.values.length;
      this.values.push(value);
      this.index.set(key, k);
    }
    return k;
  }
}

/** A growable column of numbers: a typed array doubled when full. */
class NumberColumn<A extends Int32Array | Float64Array> {
  constructor(public data: A) {}
  set(i: number, x: number): void {
    if (i >= this.data.length) {
      const grown = new (this.data.constructor as new (n: number) => A)(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[i] = x;
  }
}

interface SeriesHead {
  subject: number;
  respondent: string;
  instrument: string;
  scale: string;
  form: string | null;
  direction: ScaleResult["direction"];
  notScorable: number;
  /** first and last point of the series in input order (a chain through PointColumns.next), -1 when none */
  first: number;
  last: number;
}

const NONE = -1;

/**
 * buildSeries one result at a time, in bounded memory: each result is reduced on arrival to what a SeriesPoint
 * holds (numbers in typed arrays, repeated strings, bands and flags kept once), so a caller can read a large
 * file without keeping its results, then take the series one by one (series()) in the order buildSeries gives.
 */
export class SeriesCollector {
  readonly skipped: SeriesSkip[] = [];
  private readonly subjects = new Interner<string>();
  /** per subject number: its first day and that day's date as written */
  private readonly intakeDay: number[] = [];
  private readonly intakeDate: string[] = [];
  private readonly strings = new Interner<string>();
  private readonly bands = new Interner<AppliedBand>();
  private readonly flagLists = new Interner<readonly string[]>();
  private readonly keys = new Map<string, number>();
  private readonly heads: SeriesHead[] = [];
  private n = 0;
  private index = 0;
  private readonly p = {
    next: new NumberColumn(new Int32Array(1024)),
    day: new NumberColumn(new Int32Array(1024)),
    score: new NumberColumn(new Float64Array(1024)),
    date: new NumberColumn(new Int32Array(1024)),
    band: new NumberColumn(new Int32Array(1024)),
    flags: new NumberColumn(new Int32Array(1024)),
    form: new NumberColumn(new Int32Array(1024)),
    phase: new NumberColumn(new Int32Array(1024)),
    row: new NumberColumn(new Int32Array(1024)),
    input: new NumberColumn(new Int32Array(1024)),
  };

  constructor(private readonly opts: SeriesOptions = {}) {}

  /** the number of series so far */
  get size(): number {
    return this.heads.length;
  }

  add(r: ScoreResult): void {
    const inputIndex = this.index++;
    const row = r.source?.row;
    const skip = (reason: SeriesSkip["reason"]): void => void this.skipped.push({ reason, instrument: r.instrument, ...(row !== undefined ? { row } : {}) });
    if (!r.subjectId) return skip("no_subject");
    if (!r.administeredOn) return skip("no_date");
    const day = dayOf(r.administeredOn);
    if (day === null) return skip("invalid_date");
    const subject = this.subjects.id(r.subjectId, r.subjectId);
    if (subject === this.intakeDay.length || day < this.intakeDay[subject]!) {
      this.intakeDay[subject] = day;
      this.intakeDate[subject] = r.administeredOn;
    }
    const opts = this.opts;
    if (opts.instrument !== undefined && r.instrument !== opts.instrument) return;
    if (opts.form !== undefined && r.form !== opts.form) return;
    const respondent = r.respondent ?? "";
    for (const s of r.scales) {
      if (opts.scale !== undefined && s.scale !== opts.scale) continue;
      const form = opts.perForm?.(r.instrument, s.scale) ? r.form : null;
      const key = JSON.stringify([r.subjectId, respondent, r.instrument, s.scale, form]);
      let k = this.keys.get(key);
      if (k === undefined) {
        k = this.heads.length;
        this.keys.set(key, k);
        this.heads.push({ subject, respondent, instrument: r.instrument, scale: s.scale, form, direction: s.direction, notScorable: 0, first: NONE, last: NONE });
      }
      const head = this.heads[k]!;
      if (s.score === null) {
        head.notScorable++;
        continue;
      }
      const i = this.n++;
      const p = this.p;
      p.next.set(i, NONE);
      if (head.last === NONE) head.first = i;
      else p.next.data[head.last] = i;
      head.last = i;
      p.day.set(i, day);
      p.score.set(i, s.score);
      p.date.set(i, this.strings.id(r.administeredOn, r.administeredOn));
      p.band.set(i, s.band === null ? NONE : this.bands.id(JSON.stringify(s.band), s.band));
      p.flags.set(i, this.flagLists.id(`${s.flags.length}:${s.flags.join("\u0000")}`, s.flags));
      p.form.set(i, r.form === null ? NONE : this.strings.id(r.form, r.form));
      p.phase.set(i, r.phase === undefined ? NONE : this.strings.id(r.phase, r.phase));
      p.row.set(i, row === undefined ? NONE : row);
      p.input.set(i, inputIndex);
    }
  }

  /** The series in order of first appearance, each built when it is taken; birthDates default to the options'. */
  *series(birthDates = this.opts.birthDates): Generator<Series> {
    const births = birthDates instanceof Map ? birthDates : new Map(Object.entries(birthDates ?? {}));
    const p = this.p;
    const str = this.strings.values;
    for (const h of this.heads) {
      const subjectId = this.subjects.values[h.subject]!;
      let reference: Reference = { kind: "intake", date: this.intakeDate[h.subject]! };
      const birth = this.opts.since === "birth" ? births.get(subjectId) : undefined;
      if (birth !== undefined && dayOf(birth) !== null) reference = { kind: "birth", date: birth };
      const refDay = dayOf(reference.date)!;
      const entries: { day: number; point: SeriesPoint }[] = [];
      for (let i = h.first; i !== NONE; i = p.next.data[i]!) {
        const day = p.day.data[i]!;
        const days = day - refDay;
        const point: SeriesPoint = { date: str[p.date.data[i]!]!, score: p.score.data[i]!, band: p.band.data[i] === NONE ? null : this.bands.values[p.band.data[i]!]!, flags: this.flagLists.values[p.flags.data[i]!]!, form: p.form.data[i] === NONE ? null : str[p.form.data[i]!]!, days, weeks: days / 7, inputIndex: p.input.data[i]! };
        if (p.phase.data[i] !== NONE) point.phase = str[p.phase.data[i]!]!;
        if (p.row.data[i] !== NONE) point.row = p.row.data[i]!;
        entries.push({ day, point });
      }
      // Array.prototype.sort is stable, so administrations on the same date stay in input order
      entries.sort((a, b) => a.day - b.day);
      const points = entries.map((e) => e.point);
      const counts = new Map<string, number>();
      for (const pt of points) counts.set(pt.date, (counts.get(pt.date) ?? 0) + 1);
      const ties = [...counts].filter(([, n]) => n > 1).map(([d]) => d);
      yield { subjectId, respondent: h.respondent, instrument: h.instrument, scale: h.scale, form: h.form, direction: h.direction, reference, points, ties, notScorable: h.notScorable };
    }
  }
}
