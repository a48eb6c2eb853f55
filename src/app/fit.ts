/**
 * The weekly FIT session as the app sees it: who rates on which instrument, the check of a submitted form
 * against the instrument definitions (the scorer's own response parser: no range is written here), and the
 * FIT analysis of stored sessions through the same scoring and fitSessions code as `trivsel fit`.
 */
import { formatDate, parseDate } from "../dates.js";
import { bandsFor, type Instrument } from "../registry/load.js";
import type { Registry } from "../registry/registry.js";
import { parseResponse } from "../scoring/responses.js";
import { scoreAdministration } from "../scoring/score.js";
import type { ResponseFormat } from "../schema/instrument.js";
import type { ScoreResult } from "../schema/results.js";
import { fitSessions, type FitFamily, type FitRule } from "../trend/fit.js";
import { num, TEXTS, type AlertData, type Lang } from "./i18n.js";
import type { Rating, Session } from "./storage/store.js";

export interface Rater {
  id: string;
  /** the well-being form: ORS, or CORS for a child */
  outcome: string;
  /** the session form, for those who rate the session (the parents, a child) */
  alliance: string | null;
}

/** The raters of the weekly session, in the order the form shows them. */
export const RATERS: readonly Rater[] = [
  { id: "mother", outcome: "ors", alliance: "srs" },
  { id: "father", outcome: "ors", alliance: "srs" },
  { id: "health_visitor", outcome: "ors", alliance: null },
  { id: "family_consultant", outcome: "ors", alliance: null },
  { id: "child", outcome: "cors", alliance: "csrs" },
];

export const FIT_INSTRUMENTS = ["ors", "srs", "cors", "csrs"] as const;
/** the child's forms are analysed by the same rules, with their own definitions' bands and reliable change */
const PAIRS = [
  { outcome: "ors", alliance: "srs" },
  { outcome: "cors", alliance: "csrs" },
] as const;

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
  for (const rater of RATERS) {
    for (const instId of [rater.outcome, rater.alliance]) {
      if (!instId) continue;
      const inst = registry.get(instId);
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
  outcome: string;
  alliance: string;
  fit: FitFamily;
  /** alerts at the family's latest session date, when this rater took part in it */
  current: AppAlert[];
}

function reliablePoints(inst: Instrument | undefined): number | undefined {
  return inst?.scales.find((s) => s.id === "total")?.def.reliableChange?.points;
}

/** The cutoff an SRS-like total is compared with, for the alert text: the first concern band's upper edge. */
function allianceCutoff(inst: Instrument | undefined): number | null {
  const scale = inst?.scales.find((s) => s.id === "total");
  const set = scale && inst ? bandsFor(scale, inst.forms[0]!) : undefined;
  const band = set?.bands.find((b) => b.concern && b.upper);
  return band?.upper?.value ?? null;
}

/**
 * The FIT analysis of one family: fitSessions per rater, for the ORS/SRS raters and (relabelled, with their own
 * definitions' reliable change and bands) for a child's CORS/CSRS. Alert texts are in the app's language.
 */
export function analyseFamily(registry: Registry, lang: Lang, subjectId: string, sessions: readonly Session[]): RaterSeries[] {
  const results = scoreSessions(registry, subjectId, sessions);
  const latest = sessions.length ? sessions[sessions.length - 1]!.date : null;
  const out: RaterSeries[] = [];
  for (const pair of PAIRS) {
    const outcomeInst = registry.has(pair.outcome) ? registry.get(pair.outcome) : undefined;
    const allianceInst = registry.has(pair.alliance) ? registry.get(pair.alliance) : undefined;
    const mine = results
      .filter((r) => r.instrument === pair.outcome || r.instrument === pair.alliance)
      // fitSessions reads the FIT pair under the names ors and srs
      .map((r) => ({ ...r, instrument: r.instrument === pair.outcome ? "ors" : "srs" }));
    if (!mine.length) continue;
    const points = reliablePoints(outcomeInst);
    const cutoff = allianceCutoff(allianceInst);
    const families = fitSessions(mine, {
      ...(points !== undefined ? { orsDefPoints: points } : {}),
      // an alliance form without a concern band (CSRS) raises no cutoff alert
      srsConcern: (_score, band) => (band ? band.concern : false),
    });
    for (const fit of families) {
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
          points: num(lang, points ?? 5),
          prevSrs: num(lang, prevSrs),
          cutoff: cutoff === null ? "" : num(lang, cutoff),
        };
        for (const a of last.alerts) current.push({ rule: a.rule, text: TEXTS[lang].rules[a.rule](data) });
      }
      out.push({ respondent: fit.respondent, outcome: pair.outcome, alliance: pair.alliance, fit, current });
    }
  }
  const order = (id: string) => {
    const i = RATERS.findIndex((r) => r.id === id);
    return i < 0 ? RATERS.length : i;
  };
  return out.sort((a, b) => order(a.respondent) - order(b.respondent) || a.respondent.localeCompare(b.respondent));
}

/** Totals per session, rater and instrument, for the table beside the chart. */
export function totals(results: readonly ScoreResult[]): Map<string, number | null> {
  const m = new Map<string, number | null>();
  for (const r of results) m.set(`${r.administeredOn}\u0000${r.respondent ?? ""}\u0000${r.instrument}`, r.scales.find((s) => s.scale === "total")?.score ?? null);
  return m;
}
