/**
 * Time series from scored results: one per subject × instrument × scale × respondent (× form, for a scale
 * whose scoring depends on the form), ordered by date,
 * with time since a reference date (the subject's intake or the child's birth).
 */
import { parseDate, toDayNumber } from "../dates.js";
import type { AppliedBand, ScaleResult, ScoreResult } from "../schema/results.js";

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
  const skipped: SeriesSkip[] = [];
  const intake = new Map<string, { day: number; date: string }>();
  const kept: { r: ScoreResult; day: number; index: number }[] = [];
  let index = 0;
  for (const r of results) {
    const i = index++;
    const row = r.source?.row;
    const skip = (reason: SeriesSkip["reason"]) => skipped.push({ reason, instrument: r.instrument, ...(row !== undefined ? { row } : {}) });
    if (!r.subjectId) {
      skip("no_subject");
      continue;
    }
    if (!r.administeredOn) {
      skip("no_date");
      continue;
    }
    const day = dayOf(r.administeredOn);
    if (day === null) {
      skip("invalid_date");
      continue;
    }
    const first = intake.get(r.subjectId);
    if (!first || day < first.day) intake.set(r.subjectId, { day, date: r.administeredOn });
    if (opts.instrument !== undefined && r.instrument !== opts.instrument) continue;
    if (opts.form !== undefined && r.form !== opts.form) continue;
    kept.push({ r, day, index: i });
  }
  const births = opts.birthDates instanceof Map ? opts.birthDates : new Map(Object.entries(opts.birthDates ?? {}));
  const bySeries = new Map<string, Series & { entries: { day: number; point: SeriesPoint }[] }>();
  for (const { r, day, index: inputIndex } of kept) {
    const subjectId = r.subjectId!;
    let reference: Reference = { kind: "intake", date: intake.get(subjectId)!.date };
    const birth = opts.since === "birth" ? births.get(subjectId) : undefined;
    if (birth !== undefined && dayOf(birth) !== null) reference = { kind: "birth", date: birth };
    const refDay = dayOf(reference.date)!;
    for (const s of r.scales) {
      if (opts.scale !== undefined && s.scale !== opts.scale) continue;
      const form = opts.perForm?.(r.instrument, s.scale) ? r.form : null;
      const key = JSON.stringify([subjectId, r.respondent ?? "", r.instrument, s.scale, form]);
      let series = bySeries.get(key);
      if (!series) {
        series = { subjectId, respondent: r.respondent ?? "", instrument: r.instrument, scale: s.scale, form, direction: s.direction, reference, points: [], ties: [], notScorable: 0, entries: [] };
        bySeries.set(key, series);
      }
      if (s.score === null) {
        series.notScorable++;
        continue;
      }
      const days = day - refDay;
      const point: SeriesPoint = { date: r.administeredOn!, score: s.score, band: s.band, flags: s.flags, form: r.form, days, weeks: days / 7, inputIndex };
      if (r.phase !== undefined) point.phase = r.phase;
      if (r.source?.row !== undefined) point.row = r.source.row;
      series.entries.push({ day, point });
    }
  }
  const series: Series[] = [];
  for (const { entries, ...s } of bySeries.values()) {
    // Array.prototype.sort is stable, so administrations on the same date stay in input order
    entries.sort((a, b) => a.day - b.day);
    s.points = entries.map((e) => e.point);
    const counts = new Map<string, number>();
    for (const p of s.points) counts.set(p.date, (counts.get(p.date) ?? 0) + 1);
    s.ties = [...counts].filter(([, n]) => n > 1).map(([d]) => d);
    series.push(s);
  }
  return { series, skipped };
}
