/**
 * The goal-review report: one self-contained HTML page per family and an index page, from scored
 * results in memory (no file access here; the `report` command writes the pages).
 *
 *   results ──► per family: goals (evaluateGoals), measures (analyseTrends per instrument × scale,
 *               per form where the score differs by form), FIT sessions (fitSessions)
 *           ──► chart specs (progressionChart, fitChart) ──► SVG (renderSvg) ──► HTML (escaped)
 */
import { parseDate, formatDate } from "../dates.js";
import type { Registry } from "../registry/registry.js";
import { bandsFor, scaleDependsOnForm, type Instrument } from "../registry/load.js";
import type { Issue, ScoreResult } from "../schema/results.js";
import { analyseTrends, type TrendAnalysis } from "../trend/classify.js";
import { fitMeasures, fitSessions, type EtrTable, type FitFamily } from "../trend/fit.js";
import { evaluateGoals, type Goal, type GoalEvaluation } from "../trend/goals.js";
import { progressionChart } from "../charts/progression.js";
import { fitChart } from "../charts/fit.js";
import { cohortCategoryChart, cohortChangeChart } from "../charts/cohort.js";
import { cohortSummary } from "../trend/cohort.js";
import { renderSvg } from "../charts/render.js";
import { scaleInfo } from "../charts/scale-info.js";
import { goalTargetText } from "../charts/goal-text.js";
import {
  alertLabel,
  bandLabel,
  categoryLabel,
  formatDateLong,
  formatNumberLocale,
  formLabel,
  goalStatusLabel,
  phaseLabel,
  respondentLabel,
  scaleLabel,
  verdictLabel,
  type Lang,
} from "../charts/labels.js";
import { esc, figure, html, Html, join, page } from "./html.js";
import { issueText, noteText, severityText } from "./danish.js";
import { words } from "./words.js";


export interface ReportInput {
  results: readonly ScoreResult[];
  registry: Registry;
  goals?: readonly Goal[];
  /** birth_date per subject (readResults gives them): charts in weeks since birth use them */
  birthDates?: ReadonlyMap<string, string>;
  /** issues found while reading the file; those on a family's rows go on its page */
  issues?: readonly Issue[];
  etr?: EtrTable;
  /** the input's name, shown on the index page */
  source?: string;
}

export interface ReportOptions {
  lang?: Lang;
  /** status as of this date: later administrations are left out and goals are evaluated on it */
  at?: string;
  /** only these subjects (default: every subject in the results) */
  subjects?: readonly string[];
  x?: "date" | "weeks";
}

export interface ReportPage {
  file: string;
  subjectId: string | null;
  html: string;
}

export interface Report {
  pages: ReportPage[];
  families: number;
  charts: number;
}

const iso = (s: string | undefined): string | null => {
  const d = s === undefined ? null : parseDate(s);
  return d ? formatDate(d) : null;
};

/** A file name for a subject's page that is safe on every file system, and unique in the report. */
export function familyFile(subjectId: string, taken: Set<string>): string {
  const safe = subjectId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 60) || "family";
  let name = `family-${safe}.html`;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `family-${safe}-${i}.html`;
  taken.add(name.toLowerCase());
  return name;
}

export async function buildReport(input: ReportInput, opts: ReportOptions = {}): Promise<Report> {
  const lang = opts.lang ?? "da";
  const at = opts.at !== undefined ? iso(opts.at) : null;
  if (opts.at !== undefined && at === null) throw new RangeError(`at must be a date (yyyy-mm-dd); received ${JSON.stringify(opts.at)}`);
  const results = input.results.filter((r) => {
    if (!r.subjectId) return false;
    const d = iso(r.administeredOn);
    return at === null || (d !== null && d <= at);
  });
  const bySubject = new Map<string, ScoreResult[]>();
  for (const r of results) {
    const list = bySubject.get(r.subjectId!) ?? [];
    if (!list.length) bySubject.set(r.subjectId!, list);
    list.push(r);
  }
  let subjects = [...bySubject.keys()].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  if (opts.subjects) {
    const missing = opts.subjects.filter((s) => !bySubject.has(s));
    if (missing.length) throw new RangeError(`no administrations for subject(s) ${missing.map((s) => JSON.stringify(s)).join(", ")}${at ? ` by ${at}` : ""}`);
    subjects = subjects.filter((s) => opts.subjects!.includes(s));
  }
  // issues reach a family's page through the rows its administrations came from
  const rowSubject = new Map<string, string>();
  for (const r of input.results) if (r.subjectId && r.source?.row !== undefined) rowSubject.set(`${r.source.file ?? ""}:${r.source.row}`, r.subjectId);
  const issuesOf = new Map<string, Issue[]>();
  const unplaced: Issue[] = [];
  for (const i of input.issues ?? []) {
    const s = i.row !== undefined ? rowSubject.get(`${i.file ?? ""}:${i.row}`) : undefined;
    if (s === undefined) unplaced.push(i);
    else issuesOf.set(s, [...(issuesOf.get(s) ?? []), i]);
  }

  const taken = new Set<string>(["index.html"]);
  const pages: ReportPage[] = [];
  const summaries: FamilySummary[] = [];
  let charts = 0;
  for (const subjectId of subjects) {
    const file = familyFile(subjectId, taken);
    const fam = await familyPage({ subjectId, results: bySubject.get(subjectId)!, input, lang, at, x: opts.x ?? "date", issues: issuesOf.get(subjectId) ?? [] });
    charts += fam.charts;
    pages.push({ file, subjectId, html: fam.html });
    summaries.push({ ...fam.summary, file });
  }
  // the cohort of the families in this report, as `trivsel cohort` summarises it
  const chosen = new Set(subjects);
  const { analyses } = analyseTrends(
    results.filter((r) => chosen.has(r.subjectId!)),
    input.registry,
    input.birthDates ? { birthDates: input.birthDates } : {},
  );
  const rows = cohortSummary(analyses);
  const scaleNames = new Map(rows.map((r) => [`${r.instrument}.${r.scale}`, scaleName(input.registry, r.instrument, r.scale, lang)]));
  const cohortFigures: Html[] = [];
  if (rows.length) {
    const category = cohortCategoryChart({ rows, scaleNames }, { lang, title: false });
    const change = cohortChangeChart({ rows, scaleNames }, { lang, title: false });
    cohortFigures.push(figure(await renderSvg(category), "k1", (category as { description?: string }).description ?? "", words[lang].cohortCategories));
    cohortFigures.push(figure(await renderSvg(change), "k2", (change as { description?: string }).description ?? "", words[lang].cohortChange));
    charts += 2;
  }
  pages.unshift({ file: "index.html", subjectId: null, html: indexPage(summaries, unplaced, input, lang, at, cohortFigures) });
  return { pages, families: subjects.length, charts };
}

interface FamilySummary {
  subjectId: string;
  file: string;
  first: string | null;
  last: string | null;
  phase: string | null;
  goals: GoalEvaluation[];
  alerts: number;
  concerns: number;
}

interface FamilyContext {
  subjectId: string;
  results: ScoreResult[];
  input: ReportInput;
  lang: Lang;
  at: string | null;
  x: "date" | "weeks";
  issues: Issue[];
}

interface Measure {
  instrument: Instrument;
  scale: string;
  form: string | undefined;
  /** one of several groups by form (a score that differs by form) */
  split: boolean;
  analyses: TrendAnalysis[];
  results: ScoreResult[];
}

async function familyPage(ctx: FamilyContext): Promise<{ html: string; summary: Omit<FamilySummary, "file">; charts: number }> {
  const { subjectId, results, input, lang } = ctx;
  const w = words[lang];
  const reg = input.registry;
  const formOf = formNamer(reg, lang);
  const dates = results.map((r) => iso(r.administeredOn)).filter((d): d is string => d !== null).sort();
  const first = dates[0] ?? null;
  const last = dates[dates.length - 1] ?? null;
  const phased = results.filter((r) => r.phase && iso(r.administeredOn)).map((r) => ({ date: iso(r.administeredOn)!, phase: r.phase! }));
  phased.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const phase = phased[phased.length - 1]?.phase ?? null;
  const since = input.birthDates?.has(subjectId) ? "birth" : "intake";
  const trendOpts = { since, ...(input.birthDates ? { birthDates: input.birthDates } : {}) } as const;
  let charts = 0;
  let figureNo = 0;
  const chart = async (spec: Parameters<typeof renderSvg>[0], caption?: string): Promise<Html> => {
    charts++;
    const svg = await renderSvg(spec);
    return figure(svg, `c${++figureNo}`, (spec as { description?: string }).description ?? "", caption);
  };

  // goals
  const scaleDef = (i: string, s: string) => (reg.has(i) ? reg.get(i).scales.find((x) => x.id === s)?.def : undefined);
  const goals = (input.goals ?? []).filter((g) => g.subjectId === subjectId);
  const evals = evaluateGoals(goals, results, scaleDef, ctx.at ? { at: ctx.at } : {});
  const goalParts: Html[] = [];
  for (const e of evals) {
    const g = e.goal;
    const known = reg.has(g.measure.instrument) && reg.get(g.measure.instrument).scales.some((s) => s.id === g.measure.scale);
    let fig = html``;
    let bandsForText: ReturnType<typeof scaleInfo>["bands"];
    if (known) {
      const inst = reg.get(g.measure.instrument);
      const mine = results.filter((r) => r.instrument === inst.id && (g.measure.respondent === undefined || (r.respondent ?? "") === g.measure.respondent));
      const choice = chartForm(inst, g.measure.scale, mine);
      // a score that differs by form: the chart shows the form of the latest measurement
      const scoredDates = mine.filter((r) => r.scales.some((x) => x.scale === g.measure.scale && x.score !== null)).sort((a, b) => ((iso(a.administeredOn) ?? "") < (iso(b.administeredOn) ?? "") ? -1 : 1));
      const latestForm = scoredDates[scoredDates.length - 1]?.form ?? undefined;
      const form = choice.split ? { form: latestForm, split: true } : choice;
      // from the goal's baseline on, so the chart's first point and reliable-change box are the goal's
      const scoped = (form.split ? mine.filter((r) => r.form === form.form) : mine).filter((r) => !e.baseline || (iso(r.administeredOn) ?? "") >= e.baseline.date);
      bandsForText = scaleInfo(inst, g.measure.scale, form.form !== undefined && inst.forms.some((f) => f.id === form.form) ? form.form : undefined).bands;
      const { analyses } = analyseTrends(scoped, reg, { instrument: inst.id, scale: g.measure.scale, ...trendOpts });
      if (analyses.some((a) => a.n > 0))
        fig = await chart(progressionChart({ instrument: inst, scale: g.measure.scale, ...(form.form !== undefined ? { form: form.form } : {}), analyses, phases: phased, goals: [e] }, { lang, x: ctx.x, title: false }));
    }
    const measureName = known ? scaleLabel(g.measure.instrument, g.measure.scale, reg.get(g.measure.instrument).scales.find((s) => s.id === g.measure.scale)!.def.label, lang) : `${g.measure.instrument} ${g.measure.scale}`;
    const point = (p: GoalEvaluation["baseline"]) => (p ? `${formatNumberLocale(p.score, lang, 2)} (${formatDateLong(p.date, lang)})` : "–");
    goalParts.push(html`<article class="goal">
<h3>${g.goal} ${badge(e.status, lang)}</h3>
<p class="plain">${goalSentence(e, lang, goalTargetText(g.target, lang, bandsForText))}</p>
<table><caption class="small">${w.goalEvidence}</caption>
<tr><th scope="row">${w.measure}</th><td>${measureName}${g.measure.respondent ? ` · ${respondentLabel(g.measure.respondent, lang)}` : ""}</td></tr>
<tr><th scope="row">${w.target}</th><td>${goalTargetText(g.target, lang, bandsForText)}</td></tr>
<tr><th scope="row">${w.period}</th><td>${formatDateLong(g.start, lang)} – ${formatDateLong(g.review, lang)} (${w.evaluatedAt} ${formatDateLong(e.at, lang)})</td></tr>
<tr><th scope="row">${w.baseline}</th><td>${point(e.baseline)}</td></tr>
<tr><th scope="row">${w.latest}</th><td>${point(e.latest)}</td></tr>
<tr><th scope="row">${w.change}</th><td>${e.change === null ? "–" : signed(e.change, lang)}${e.reliable ? ` (${verdictLabel(e.reliable.verdict, lang)})` : e.change !== null ? ` (${w.changeNoNorms})` : ""}</td></tr>
${e.notes.length ? html`<tr><th scope="row">${w.notes}</th><td>${e.notes.map((n) => noteText(n, lang)).join("; ")}</td></tr>` : ""}
</table>
${fig}
</article>`);
  }

  // measures, except the FIT pair, which has its own section
  // the FIT measures are found by their role in the definitions (ORS+SRS, CORS+CSRS), as `trivsel fit` finds them
  const fitMs = fitMeasures(reg);
  const fitIds = new Set<string>(fitMs.map((m) => m.instrument));
  const measures: Measure[] = [];
  const present = new Set(results.map((r) => r.instrument));
  for (const id of reg.ids()) {
    if (!present.has(id)) continue;
    const inst = reg.get(id);
    const mine = results.filter((r) => r.instrument === id);
    for (const s of inst.scales) {
      const form = chartForm(inst, s.id, mine);
      const groups = form.split ? [...new Set(mine.map((r) => r.form ?? ""))].sort((a, b) => a.localeCompare(b, "en", { numeric: true })).map((f) => ({ form: f || undefined, rs: mine.filter((r) => (r.form ?? "") === f) })) : [{ form: form.form, rs: mine }];
      for (const grp of groups) {
        const { analyses } = analyseTrends(grp.rs, reg, { instrument: id, scale: s.id, ...trendOpts });
        measures.push({ instrument: inst, scale: s.id, form: grp.form, split: form.split, analyses, results: grp.rs });
      }
    }
  }
  const measureParts: Html[] = [];
  // the latest band per measure and respondent (of forms, the latest one's), grouped by measure and band
  const latestBand = new Map<string, { date: string; name: string; who: string; band: string; concern: boolean }>();
  const notes = new Set<string>();
  const provisional = new Map<string, string>();
  for (const m of measures) {
    const info = scaleInfo(m.instrument, m.scale, m.form !== undefined && m.instrument.forms.some((f) => f.id === m.form) ? m.form : undefined);
    const name = scaleLabel(m.instrument.id, m.scale, info.scale.def.label, lang);
    const formText = m.split && m.form !== undefined ? ` · ${formLabel(m.instrument, m.form, lang)}` : "";
    for (const a of m.analyses) for (const n of a.notes) notes.add(`${name}${formText} (${respondentLabel(a.respondent, lang)}): ${noteText(n, lang)}`);
    if (info.bands?.source.provenance === "provisional") provisional.set(`${m.instrument.id}.${m.scale}.${m.form ?? ""}`, `${name}${formText}: ${w.provisionalCutoffs} (${info.bands.source.ref}${info.bands.source.locator ? `, ${info.bands.source.locator}` : ""})`);
    const rows = measureRows(m, lang);
    for (const r of rows) {
      const key = `${m.instrument.id}.${m.scale}.${r.who}`;
      const prev = latestBand.get(key);
      if (!prev || r.lastDate > prev.date) latestBand.set(key, { date: r.lastDate, name, who: r.who, band: r.band, concern: r.concern });
    }
    if (fitIds.has(m.instrument.id)) continue;
    const scored = m.analyses.filter((a) => a.n > 0);
    if (!scored.length) continue;
    // a line needs two measurements; single measurements and records are read from the table
    const fig =
      scored.some((a) => a.n >= 2) && !recordOnly(m.instrument, m.scale)
        ? await chart(progressionChart({ instrument: m.instrument, scale: m.scale, ...(m.form !== undefined && m.instrument.hasForms ? { form: m.form } : {}), analyses: scored, phases: phased, goals: evals }, { lang, x: ctx.x, title: false }))
        : html``;
    measureParts.push(html`<article class="measure"><h3>${name}${formText}</h3>${fig}${measureTable(rows, lang)}</article>`);
  }

  const concernGroups = new Map<string, string[]>();
  for (const b of latestBand.values()) if (b.concern) concernGroups.set(`${b.name}: ${b.band}`, [...(concernGroups.get(`${b.name}: ${b.band}`) ?? []), b.who]);
  const concerns = [...concernGroups].map(([what, who]) => `${what} (${who.join(", ")})`);

  // FIT
  const fitResults = results.filter((r) => fitIds.has(r.instrument));
  const fams: FitFamily[] = fitResults.length ? fitSessions(fitResults, { ...(input.etr ? { etr: input.etr } : {}), measures: fitMs }) : [];
  let fitPart = html``;
  let alerts = 0;
  // one chart per FIT family present (adult ORS+SRS, child CORS+CSRS), each drawn with its own definitions
  const fitFigs: Html[] = [];
  const fitPairs: string[] = [];
  for (const family of [...new Set(fams.map((f) => f.family))].sort()) {
    const mine = fams.filter((f) => f.family === family);
    const idOf = (role: "outcome" | "alliance") => fitMs.find((m) => m.family === family && m.role === role)?.instrument;
    const oId = idOf("outcome");
    const aId = idOf("alliance");
    if (oId === undefined || aId === undefined || !reg.has(oId) || !reg.has(aId)) continue;
    const outcome = reg.get(oId);
    fitPairs.push(`${oId.toUpperCase()} ${w.fitAnd} ${aId.toUpperCase()}`);
    const oForm = chartForm(outcome, "total", fitResults.filter((r) => r.instrument === outcome.id));
    fitFigs.push(await chart(fitChart({ families: mine, outcome: { instrument: outcome, ...(oForm.form !== undefined ? { form: oForm.form } : {}) }, alliance: { instrument: reg.get(aId) } }, { lang, title: false })));
  }
  if (fitFigs.length) {
    const fig = html`${fitFigs}`;
    const current = fams.filter((f) => f.current.length);
    alerts = current.reduce((n, f) => n + f.current.length, 0);
    const alertRows = fams.flatMap((f) => f.sessions.filter((s) => s.alerts.length).map((s) => ({ f, s })));
    const fitMeasureRows = measures.filter((m) => fitIds.has(m.instrument.id)).map((m) => ({ m, rows: measureRows(m, lang) }));
    for (const f of fams) for (const n of f.notes) notes.add(`FIT (${respondentLabel(f.respondent, lang)}): ${noteText(n, lang)}`);
    fitPart = html`<section class="part" id="fit"><h2>${w.fitTitle} (${fitPairs.join(", ")})</h2>
<p>${w.fitIntro}</p>
${fig}
${fitMeasureRows.map(({ m, rows }) => html`<h3>${scaleLabel(m.instrument.id, m.scale, m.instrument.name, lang)}</h3>${measureTable(rows, lang)}`)}
<h3>${w.alertsTitle}</h3>
${
  alertRows.length
    ? html`<table><caption class="small">${w.alertsCaption}</caption><thead><tr><th scope="col">${w.respondent}</th><th scope="col">${w.session}</th><th scope="col">${w.date}</th><th scope="col">${fitHead(fams, "outcomeInstrument")}</th><th scope="col">${fitHead(fams, "allianceInstrument")}</th><th scope="col">${w.alerts}</th></tr></thead><tbody>
${alertRows.map(({ f, s }) => html`<tr><td>${respondentLabel(f.respondent, lang)}</td><td class="num">${s.session}</td><td>${formatDateLong(s.date, lang)}</td><td class="num">${num(s.ors, lang)}</td><td class="num">${num(s.srs, lang)}</td><td class="alert">${s.alerts.map((a) => (lang === "en" ? `${alertLabel(a.rule, lang)}: ${a.message}` : alertLabel(a.rule, lang))).join("; ")}</td></tr>`)}
</tbody></table>`
    : html`<p>${w.noAlerts}</p>`
}
</section>`;
  }

  // provenance
  const missing = results.flatMap((r) => r.scales.filter((s) => s.status !== "scored").map((s) => ({ r, s })));
  for (const r of results) for (const s of r.scales) if (s.provisional && s.band?.source.provenance === "provisional") provisional.set(`${r.instrument}.${s.scale}.${r.form ?? ""}`, `${scaleLabel(r.instrument, s.scale, s.label, lang)}${r.form && reg.has(r.instrument) && reg.get(r.instrument).hasForms ? ` · ${formLabel(reg.get(r.instrument), r.form, lang)}` : ""}: ${w.provisionalCutoffs} (${s.band.source.ref}${s.band.source.locator ? `, ${s.band.source.locator}` : ""})`);
  const versions = [...present].filter((id) => reg.has(id)).map((id) => reg.get(id)).map((i) => `${i.name} (${i.id} ${i.definitionVersion})`);
  const provenancePart = html`<section class="part" id="provenance"><h2>${w.provenanceTitle}</h2>
<p class="small">${w.provenanceIntro}</p>
<h3>${w.provisionalTitle}</h3>
${provisional.size ? html`<ul>${[...provisional.values()].map((p) => html`<li class="provisional">${p}</li>`)}</ul>` : html`<p>${w.none}</p>`}
<h3>${w.missingTitle}</h3>
${
  missing.length
    ? html`<table><thead><tr><th scope="col">${w.date}</th><th scope="col">${w.measure}</th><th scope="col">${w.respondent}</th><th scope="col">${w.answered}</th><th scope="col">${w.status}</th></tr></thead><tbody>
${missing.map(({ r, s }) => html`<tr><td>${r.administeredOn ? formatDateLong(r.administeredOn, lang) : "–"}</td><td>${scaleLabel(r.instrument, s.scale, s.label, lang)}</td><td>${respondentLabel(r.respondent ?? "", lang)}</td><td class="num">${s.nAnswered} / ${s.nItems}</td><td>${s.status === "prorated" ? w.prorated : w.notScorable}${s.reason ? `: ${noteText(s.reason, lang, (f) => formOf(r.instrument, f))}` : ""}</td></tr>`)}
</tbody></table>`
    : html`<p>${w.none}</p>`
}
<h3>${w.issuesTitle}</h3>
${
  ctx.issues.length
    ? html`<table><thead><tr><th scope="col">${w.row}</th><th scope="col">${w.column}</th><th scope="col">${w.severity}</th><th scope="col">${w.message}</th></tr></thead><tbody>
${ctx.issues.map((i) => html`<tr><td class="num">${i.row ?? ""}</td><td>${i.item ?? ""}</td><td>${severityText(i.severity, lang)}</td><td>${issueText(i, lang, formOf)}</td></tr>`)}
</tbody></table>`
    : html`<p>${w.none}</p>`
}
<h3>${w.notesTitle}</h3>
${notes.size ? html`<ul class="small">${[...notes].map((n) => html`<li>${n}</li>`)}</ul>` : html`<p>${w.none}</p>`}
<h3>${w.definitionsTitle}</h3>
<ul class="small">${versions.map((v) => html`<li>${v}</li>`)}</ul>
</section>`;

  const fitNow = fams.filter((f) => f.current.length);
  const glance = html`<section class="glance" aria-labelledby="glance-h"><h2 id="glance-h">${w.glanceTitle}</h2>
${evals.length ? html`<p><strong>${w.goalsTitle}</strong></p><ul>${evals.map((e) => html`<li>${badge(e.status, lang)} ${e.goal.goal}</li>`)}</ul>` : html`<p>${w.noGoals}</p>`}
${fitNow.length ? html`<p><strong>${w.fitNow}</strong></p><ul>${fitAlertGroups(fitNow, lang).map(([alert, who]) => html`<li><span class="alert">${alert}</span> (${who.join(", ")})</li>`)}</ul>` : ""}
${concerns.length ? html`<p><strong>${w.concernNow}</strong></p><ul>${concerns.map((c) => html`<li class="concern">${c}</li>`)}</ul>` : html`<p>${w.noConcern}</p>`}
</section>`;

  const title = `${w.family} ${subjectId}`;
  const body = html`<nav class="back"><a href="index.html">${w.back}</a></nav>
<header class="page"><h1>${title}</h1>
<p class="meta">${w.period}: ${first ? formatDateLong(first, lang) : "–"} – ${last ? formatDateLong(last, lang) : "–"}${phase ? html` · ${w.phase}: <strong>${phaseLabel(phase, lang)}</strong>` : ""}${ctx.at ? ` · ${w.statusAt} ${formatDateLong(ctx.at, lang)}` : ""}</p>
</header>
<main>
${glance}
${evals.length ? html`<section class="part" id="goals"><h2>${w.goalsTitle}</h2>${join(goalParts)}</section>` : ""}
<section class="part" id="measures"><h2>${w.measuresTitle}</h2><p class="small">${w.measuresIntro}</p>${measureParts.length ? join(measureParts) : html`<p>${w.none}</p>`}</section>
${fitPart}
${provenancePart}
</main>`;
  return { html: page(lang, title, body), summary: { subjectId, first, last, phase, goals: evals, alerts, concerns: concerns.length }, charts };
}

/**
 * Which form a chart of this scale is drawn for: the instrument's only form, or the one form in the results.
 * `split` (one chart per form) when the results span forms on which the score itself differs (a sum over
 * each form's own items, ASQ:SE-2), or forms with their own bands used side by side on one date (ORS adult
 * and adolescent in one family). Forms that follow one another in time (EPDS in pregnancy, then after the
 * birth) stay one chart, which draws each form's bands over the span of its points (progressionChart).
 */
export function chartForm(inst: Instrument, scale: string, results: readonly ScoreResult[]): { form: string | undefined; split: boolean } {
  if (!inst.hasForms) return { form: undefined, split: false };
  const scored = results.filter((r) => r.scales.some((s) => s.scale === scale && s.score !== null) && !!r.form && inst.forms.some((x) => x.id === r.form));
  const forms = [...new Set(scored.map((r) => r.form!))];
  if (forms.length === 1) return { form: forms[0], split: false };
  const sc = inst.scales.find((s) => s.id === scale);
  if (forms.length === 0 || sc === undefined) return { form: undefined, split: false };
  if (scaleDependsOnForm(inst, sc)) return { form: undefined, split: true };
  if (scaleInfo(inst, scale).bands !== undefined) return { form: undefined, split: false };
  const onDate = new Map<string, Set<string>>();
  for (const r of scored) {
    const d = iso(r.administeredOn);
    if (d !== null) onDate.set(d, new Set([...(onDate.get(d) ?? []), r.form!]));
  }
  return { form: undefined, split: [...onDate.values()].some((f) => f.size > 1) };
}

/**
 * A record rather than a measure: no better end, no bands on any form and nothing to judge a change by
 * (no reliable-change size, no norms), as the NBO's count of the observations done in a session. A line
 * over time would invite reading progress into it; its table says what was recorded.
 */
export function recordOnly(inst: Instrument, scale: string): boolean {
  const sc = inst.scales.find((s) => s.id === scale);
  if (!sc || sc.def.direction !== "none") return false;
  return !inst.forms.some((f) => bandsFor(sc, f) !== undefined) && sc.def.reliableChange === undefined && !(sc.def.norms ?? []).length;
}

interface MeasureRow {
  who: string;
  lastDate: string;
  n: number;
  first: string;
  latest: string;
  band: string;
  concern: boolean;
  change: string;
  verdict: string;
  category: string;
}

function measureRows(m: Measure, lang: Lang): MeasureRow[] {
  return m.analyses
    .filter((a) => a.n > 0)
    .map((a) => {
      const lastResult = [...m.results].reverse().find((r) => (r.respondent ?? "") === a.respondent && iso(r.administeredOn) === iso(a.lastDate ?? undefined) && r.scales.some((s) => s.scale === m.scale && s.score !== null));
      const band = lastResult?.scales.find((s) => s.scale === m.scale)?.band ?? null;
      const bandText = band ? `${bandLabel(band.id, band.label, lang)}${band.source.provenance === "provisional" ? ` (${lang === "da" ? "foreløbig" : "provisional"})` : ""}` : "–";
      return {
        who: respondentLabel(a.respondent, lang),
        lastDate: iso(a.lastDate ?? undefined) ?? "",
        n: a.n,
        first: a.baseline === null ? "–" : `${formatNumberLocale(a.baseline, lang, 2)} (${formatDateLong(a.firstDate!, lang)})`,
        latest: a.latest === null ? "–" : `${formatNumberLocale(a.latest, lang, 2)} (${formatDateLong(a.lastDate!, lang)})`,
        band: bandText,
        concern: band?.concern === true,
        change: a.change === null ? "–" : signed(a.change, lang),
        verdict: a.reliableChange ? verdictLabel(a.reliableChange, lang) : "–",
        category: categoryLabel(a.category, lang),
      };
    });
}

function measureTable(rows: MeasureRow[], lang: Lang): Html {
  const w = words[lang];
  return html`<table><thead><tr><th scope="col">${w.respondent}</th><th scope="col">${w.n}</th><th scope="col">${w.baseline}</th><th scope="col">${w.latest}</th><th scope="col">${w.band}</th><th scope="col">${w.change}</th><th scope="col">${w.reliable}</th><th scope="col">${w.verdict}</th></tr></thead><tbody>
${rows.map((r) => html`<tr><th scope="row">${r.who}</th><td class="num">${r.n}</td><td>${r.first}</td><td>${r.latest}</td><td${r.concern ? new Html(' class="concern"') : ""}>${r.band}</td><td class="num">${r.change}</td><td>${r.verdict}</td><td>${r.category}</td></tr>`)}
</tbody></table>`;
}


const signed = (x: number, lang: Lang) => (x > 0 ? "+" : "") + formatNumberLocale(x, lang, 2);
const num = (x: number | null, lang: Lang) => (x === null ? "–" : formatNumberLocale(x, lang, 1));

/** Alerts at the latest session, each with the raters it fired for. */
/** the alert table's measure headings: the measures the raters used, e.g. "ORS / CORS" */
const fitHead = (fams: readonly FitFamily[], k: "outcomeInstrument" | "allianceInstrument"): string =>
  [...new Set(fams.map((f) => f[k]).filter((id): id is string => id !== null))].map((id) => id.toUpperCase()).join(" / ");

function fitAlertGroups(fams: readonly FitFamily[], lang: Lang): [string, string[]][] {
  const by = new Map<string, string[]>();
  for (const f of fams) for (const a of f.current) by.set(alertLabel(a.rule, lang), [...(by.get(alertLabel(a.rule, lang)) ?? []), respondentLabel(f.respondent, lang)]);
  return [...by];
}

/** The goal's status in one plain sentence, for the parents. */
function goalSentence(e: GoalEvaluation, lang: Lang, target: string): string {
  const da = lang === "da";
  const v = (p: GoalEvaluation["latest"]) => (p ? formatNumberLocale(p.score, lang, 2) : "–");
  const fromTo = da ? `fra ${v(e.baseline)} til ${v(e.latest)}` : `from ${v(e.baseline)} to ${v(e.latest)}`;
  switch (e.status) {
    case "met":
      return da ? `Målet (${target}) er nået ved seneste måling: ${v(e.latest)} den ${formatDateLong(e.latest!.date, lang)}.` : `The goal (${target}) is met at the latest measurement: ${v(e.latest)} on ${formatDateLong(e.latest!.date, lang)}.`;
    case "progressing":
      return da ? `På vej mod målet (${target}): ${fromTo}.` : `Moving toward the goal (${target}): ${fromTo}.`;
    case "not_progressing":
      return da ? `Endnu ingen bevægelse mod målet (${target}): ${fromTo}.` : `No movement toward the goal (${target}) yet: ${fromTo}.`;
    case "worsened":
      return da ? `Målingerne er gået den anden vej (${fromTo}), og ændringen er stor nok til at være sikker.` : `The measurements went the other way (${fromTo}), by more than measurement error.`;
    default:
      return da ? "Der er endnu ikke målinger nok til at vurdere målet." : "There are not yet enough measurements to judge the goal.";
  }
}

const STATUS_MARK: Record<string, string> = { met: "✓", progressing: "↗", not_progressing: "→", worsened: "↘", no_data: "–" };
function badge(status: string, lang: Lang): Html {
  return html`<span class="badge s-${status.replace(/[^a-z_]/g, "")}">${STATUS_MARK[status] ?? ""} ${goalStatusLabel(status, lang)}</span>`;
}

const scaleName = (reg: Registry, instrument: string, scale: string, lang: Lang): string => {
  const def = reg.has(instrument) ? reg.get(instrument).scales.find((s) => s.id === scale)?.def : undefined;
  return scaleLabel(instrument, scale, def?.label ?? `${instrument} ${scale}`, lang);
};

/** what a page calls a form of an instrument (the form's id for an instrument the registry does not have) */
const formNamer =
  (reg: Registry, lang: Lang) =>
  (instrument: string, form: string): string =>
    reg.has(instrument) ? formLabel(reg.get(instrument), form, lang) : lang === "da" ? `skema ${form}` : `form ${form}`;

function indexPage(families: FamilySummary[], unplaced: Issue[], input: ReportInput, lang: Lang, at: string | null, cohort: readonly Html[]): string {
  const formOf = formNamer(input.registry, lang);
  const w = words[lang];
  const body = html`<header class="page"><h1>${w.indexTitle}</h1>
<p class="meta">${input.source ? html`${w.source}: <code>${input.source}</code> · ` : ""}${families.length} ${w.families}${at ? ` · ${w.statusAt} ${formatDateLong(at, lang)}` : ""}</p></header>
<main>
<table><caption>${w.familiesCaption}</caption><thead><tr><th scope="col">${w.family}</th><th scope="col">${w.period}</th><th scope="col">${w.phase}</th><th scope="col">${w.goalsTitle}</th><th scope="col">${w.alertsNow}</th><th scope="col">${w.concernCount}</th></tr></thead><tbody>
${families.map((f) => html`<tr><th scope="row"><a href="${f.file}">${f.subjectId}</a></th><td>${f.first ? formatDateLong(f.first, lang) : "–"} – ${f.last ? formatDateLong(f.last, lang) : "–"}</td><td>${f.phase ? phaseLabel(f.phase, lang) : "–"}</td><td>${f.goals.length ? f.goals.map((g) => badge(g.status, lang)) : "–"}</td><td class="num${f.alerts ? " alert" : ""}">${f.alerts}</td><td class="num">${f.concerns}</td></tr>`)}
</tbody></table>
${
  unplaced.length
    ? html`<section id="issues"><h2>${w.issuesTitle}</h2><p class="small">${w.unplacedIntro}</p><table><thead><tr><th scope="col">${w.row}</th><th scope="col">${w.column}</th><th scope="col">${w.severity}</th><th scope="col">${w.message}</th></tr></thead><tbody>
${unplaced.map((i) => html`<tr><td class="num">${i.row ?? ""}</td><td>${i.item ?? ""}</td><td>${severityText(i.severity, lang)}</td><td>${issueText(i, lang, formOf)}</td></tr>`)}
</tbody></table></section>`
    : ""
}
${cohort.length ? html`<section class="part" id="cohort"><h2>${w.cohortTitle}</h2><p class="small">${w.cohortIntro}</p>${join([...cohort])}</section>` : ""}
<p class="small">${w.privacy}</p>
</main>`;
  return page(lang, w.indexTitle, body);
}

