/**
 * The weekly FIT session as the app sees it: who rates on which instrument (found by the FIT role and family
 * in the definitions, never by id), the check of a submitted form against the instrument definitions (the
 * scorer's own response parser: no range is written here), and the FIT analysis of stored sessions through the same scoring and fitSessions code as `trivsel fit`.
 */
import { formatDate, parseDate } from "../dates.js";
import { bandsFor } from "../registry/load.js";
import type { Registry } from "../registry/registry.js";
import { parseResponse } from "../scoring/responses.js";
import { scoreAdministration } from "../scoring/score.js";
import type { ResponseFormat } from "../schema/instrument.js";
import type { ScoreResult } from "../schema/results.js";
import { FALLBACK_ORS_POINTS, fitMeasures, fitSessions, type FitFamily, type FitMeasure, type FitRule } from "../trend/fit.js";
import { num, TEXTS, type AlertData, type Lang } from "./i18n.js";
import type { Rating, Session } from "./storage/store.js";

export interface Rater {
  id: string;
  /** the FIT family (the definitions' scale.fit.family) whose forms this rater fills in */
  family: string;
  /** whether the rater also rates the session on the family's alliance form: the parents and a child do, the professionals do not */
  ratesAlliance: boolean;
  /** shown folded, below the others: a child who rates is the exception in these families */
  folded?: boolean;
}

/** The raters of the weekly session, in the order the form shows them. Which instruments they fill in comes from the definitions. */
export const RATERS: readonly Rater[] = [
  { id: "mother", family: "adult", ratesAlliance: true },
  { id: "father", family: "adult", ratesAlliance: true },
  { id: "health_visitor", family: "adult", ratesAlliance: false },
  { id: "family_consultant", family: "adult", ratesAlliance: false },
  { id: "child", family: "child", ratesAlliance: true, folded: true },
];

// the registry does not change while the app runs
const measureCache = new WeakMap<Registry, FitMeasure[]>();

/** The registry's FIT measures (found by their role in the definitions), only those it can score. */
export function appMeasures(registry: Registry): FitMeasure[] {
  let m = measureCache.get(registry);
  if (!m) measureCache.set(registry, (m = fitMeasures(registry).filter((x) => registry.has(x.instrument))));
  return m;
}

const familyMeasure = (measures: readonly FitMeasure[], family: string, role: FitMeasure["role"]) => measures.find((m) => m.family === family && m.role === role);

export interface RaterForms {
  rater: Rater;
  /** the outcome form first, then the alliance form for a rater who rates the session */
  forms: FitMeasure[];
}

/** What each rater fills in: the outcome measure of the rater's FIT family, and its alliance measure when the rater rates the session. */
export function raterForms(registry: Registry): RaterForms[] {
  const measures = appMeasures(registry);
  const out: RaterForms[] = [];
  for (const rater of RATERS) {
    const outcome = familyMeasure(measures, rater.family, "outcome");
    const alliance = rater.ratesAlliance ? familyMeasure(measures, rater.family, "alliance") : undefined;
    const forms = [outcome, alliance].filter((m): m is FitMeasure => m !== undefined);
    if (forms.length) out.push({ rater, forms });
  }
  return out;
}

/** The FIT instruments' names, those on the form first (ORS, SRS, CORS, CSRS), for texts. */
export function fitNames(registry: Registry): string[] {
  const ids = [...raterForms(registry).flatMap((r) => r.forms), ...appMeasures(registry)].map((m) => m.instrument.toUpperCase());
  return [...new Set(ids)];
}

export const WORK_POINTS_MAX = 5000;

/** Family ids as the app takes them: they appear in addresses, so letters, digits, ".", "-" and "_" only. */
export const SUBJECT_ID = /^[\p{L}\p{N}_.-]{1,64}$/u;

export const fieldName = (respondent: string, item: string) => `r.${respondent}.${item}`;

export function describe(lang: Lang, f: ResponseFormat): string {
  const t = TEXTS[lang];
  if (f.kind === "decimal") return t.formatDecimal(num(lang, f.min), num(lang, f.max), num(lang, f.step));
  if (f.kind === "integer") return t.formatInteger(num(lang, f.min), num(lang, f.max));
  return Object.keys(f.codes).join(", ");
}

export interface SessionForm {
  date: string;
  workPoints: string;
  /** field name → raw text as typed */
  values: Record<string, string>;
}

export type FormErrors = Record<string, string>;

/**
 * Checks a submitted session. Every problem is reported beside its field; ratings come back only when there
 * is none, so a session is saved whole or not at all.
 */
export function checkSession(registry: Registry, lang: Lang, form: SessionForm): { ratings: Rating[]; date: string; errors: FormErrors } {
  const t = TEXTS[lang];
  const errors: FormErrors = {};
  const ratings: Rating[] = [];
  const ymd = parseDate(form.date);
  if (!form.date.trim()) errors.date = t.required;
  else if (!ymd) errors.date = t.badDate;
  if (form.workPoints.length > WORK_POINTS_MAX) errors.workPoints = t.tooLong(WORK_POINTS_MAX);
  for (const { rater, forms } of raterForms(registry)) {
    for (const measure of forms) {
      const inst = registry.get(measure.instrument);
      const items = [...inst.items.values()];
      const raw = items.map((it) => (form.values[fieldName(rater.id, it.id)] ?? "").trim());
      const filled = raw.filter((r) => r !== "").length;
      if (filled === 0) continue;
      items.forEach((it, i) => {
        const name = fieldName(rater.id, it.id);
        const text = raw[i]!;
        if (text === "") {
          errors[name] = t.allLinesOrNone(items.length);
          return;
        }
        // typed on a Danish keyboard: 7,3 is 7.3
        const parsed = parseResponse(/^\d*,\d+$/.test(text) ? text.replace(",", ".") : text, it.format, it.id, undefined);
        if (parsed.kind === "ok") ratings.push({ respondent: rater.id, instrument: inst.id, item: it.id, value: parsed.points });
        else if (parsed.kind === "invalid") {
          const expected = describe(lang, it.format);
          const code = parsed.issue.code;
          errors[name] = code === "out_of_range" ? t.outOfRange(expected) : code === "off_step" || code === "not_an_integer" ? t.offStep(expected) : t.notANumber(expected);
        }
      });
    }
  }
  if (!Object.keys(errors).length && ratings.length === 0 && form.workPoints.trim() === "") errors.form = t.nothingEntered;
  return { ratings: Object.keys(errors).length ? [] : ratings, date: ymd ? formatDate(ymd) : form.date, errors };
}

/** The stored sessions as scored administrations, one per rater × instrument × date. */
export function scoreSessions(registry: Registry, subjectId: string, sessions: readonly Session[]): ScoreResult[] {
  const out: ScoreResult[] = [];
  for (const s of sessions) {
    const groups = new Map<string, { respondent: string; instrument: string; responses: Record<string, number> }>();
    for (const r of s.ratings) {
      const k = `${r.respondent}\u0000${r.instrument}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { respondent: r.respondent, instrument: r.instrument, responses: {} }));
      g.responses[r.item] = r.value;
    }
    for (const g of groups.values()) {
      if (!registry.has(g.instrument)) continue;
      out.push(scoreAdministration(registry.get(g.instrument), { instrument: g.instrument, subjectId, administeredOn: s.date, respondent: g.respondent, responses: g.responses }));
    }
  }
  return out;
}

export interface AppAlert {
  rule: FitRule;
  text: string;
}

export interface RaterSeries {
  respondent: string;
  family: string;
  /** the measures of this rater's FIT family: the ones in the data, else the definitions' */
  outcome: FitMeasure | null;
  alliance: FitMeasure | null;
  fit: FitFamily;
  /** alerts at the family's latest session date, when this rater took part in it */
  current: AppAlert[];
}

/** The cutoff an alliance total is compared with, for the alert text: the first concern band's upper edge. */
function allianceCutoff(registry: Registry, m: FitMeasure | null): number | null {
  if (!m?.hasCutoff) return null;
  const inst = registry.get(m.instrument);
  const scale = inst.scales.find((s) => s.id === m.scale);
  const band = scale ? bandsFor(scale, inst.forms[0]!)?.bands.find((b) => b.concern && b.upper) : undefined;
  return band?.upper?.value ?? null;
}

/**
 * The FIT analysis of one family: fitSessions with the registry's FIT measures, one series per rater and FIT
 * family (ORS+SRS; a child's CORS+CSRS with their own definitions' reliable change and bands). Alert texts
 * are in the app's language.
 */
export function analyseFamily(registry: Registry, lang: Lang, subjectId: string, sessions: readonly Session[]): RaterSeries[] {
  const measures = appMeasures(registry);
  const results = scoreSessions(registry, subjectId, sessions);
  const latest = sessions.length ? sessions[sessions.length - 1]!.date : null;
  const out: RaterSeries[] = [];
  const measureOf = (fit: FitFamily, role: FitMeasure["role"]) => {
    const used = role === "outcome" ? fit.outcomeInstrument : fit.allianceInstrument;
    return measures.find((m) => m.instrument === used && m.role === role) ?? familyMeasure(measures, fit.family, role) ?? null;
  };
  for (const fit of fitSessions(results, { measures })) {
    const outcome = measureOf(fit, "outcome");
    const alliance = measureOf(fit, "alliance");
    // the size fitSessions used: the definition's, else its default
    const points = outcome?.points ?? FALLBACK_ORS_POINTS;
    const cutoff = allianceCutoff(registry, alliance);
    const last = fit.sessions[fit.sessions.length - 1];
    const current: AppAlert[] = [];
    if (last && last.date === latest) {
      const idx = fit.sessions.length - 1;
      const prevSrs = [...fit.sessions.slice(0, idx)].reverse().find((s) => s.srs !== null)?.srs ?? null;
      const data: AlertData = {
        session: last.session,
        ors: num(lang, last.ors),
        srs: num(lang, last.srs),
        intake: num(lang, fit.intake?.ors),
        diff: num(lang, last.orsChange === null ? null : -last.orsChange),
        points: num(lang, points),
        prevSrs: num(lang, prevSrs),
        cutoff: cutoff === null ? "" : num(lang, cutoff),
      };
      for (const a of last.alerts) current.push({ rule: a.rule, text: TEXTS[lang].rules[a.rule](data) });
    }
    out.push({ respondent: fit.respondent, family: fit.family, outcome, alliance, fit, current });
  }
  const order = (id: string) => {
    const i = RATERS.findIndex((r) => r.id === id);
    return i < 0 ? RATERS.length : i;
  };
  const famOrder = (f: string) => {
    const i = RATERS.findIndex((r) => r.family === f);
    return i < 0 ? RATERS.length : i;
  };
  return out.sort((a, b) => order(a.respondent) - order(b.respondent) || a.respondent.localeCompare(b.respondent) || famOrder(a.family) - famOrder(b.family) || a.family.localeCompare(b.family));
}

/** Totals per session, rater and instrument (each FIT measure's own scale), for the table and beside the lines. */
export function totals(registry: Registry, subjectId: string, sessions: readonly Session[]): Map<string, number | null> {
  const scaleOf = new Map(appMeasures(registry).map((m) => [m.instrument, m.scale]));
  const m = new Map<string, number | null>();
  for (const r of scoreSessions(registry, subjectId, sessions)) {
    const scale = scaleOf.get(r.instrument);
    m.set(`${r.administeredOn}\u0000${r.respondent ?? ""}\u0000${r.instrument}`, r.scales.find((s) => s.scale === scale)?.score ?? null);
  }
  return m;
}
