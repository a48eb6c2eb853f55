/** The app's pages, rendered on the server; forms work without JavaScript. */
import type { Registry } from "../../registry/registry.js";
import { fieldName, RATERS, raterForms, totals, describe, type FormErrors, type RaterForms, type RaterSeries } from "../fit.js";
import { ITEM_LABELS_DA, joinNames, num, TEXTS, type Lang, type Texts } from "../i18n.js";
import type { DeletedFamily, DeletedSession, Family, FamilySummary, HistoryEntry, Session } from "../storage/store.js";
import { html, raw, type Html } from "./html.js";

export interface PageContext {
  lang: Lang;
  csrf: string;
  user: string | null;
  dbLocation: string;
}

const famUrl = (subjectId: string) => `/f/${encodeURIComponent(subjectId)}`;
export const sessionUrl = (subjectId: string, date: string) => `${famUrl(subjectId)}/session?date=${encodeURIComponent(date)}`;
const deleteSessionUrl = (subjectId: string, date: string) => `${famUrl(subjectId)}/session/delete?date=${encodeURIComponent(date)}`;
/** a stored UTC time as the pages show it */
const stamp = (iso: string) => iso.replace("T", " ").slice(0, 19);

function layout(ctx: PageContext, title: string, body: Html): string {
  const t = TEXTS[ctx.lang];
  return (
    "<!doctype html>" +
    html`<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · trivsel</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">trivsel</a>
  <span class="where">${t.dbLocation(ctx.dbLocation)}</span>
  ${ctx.user ? html`<span class="user">${t.signedInAs(ctx.user)} · <a href="/name">${t.change}</a></span>` : ""}
</header>
<main>
${body}
</main>
</body>
</html>
`.value
  );
}

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

const fieldError = (errors: FormErrors, name: string) => (errors[name] ? html`<span class="error" id="${`e-${name}`}">${errors[name]}</span>` : "");
const invalid = (errors: FormErrors, name: string) => (errors[name] ? html` aria-invalid="true" aria-describedby="${`e-${name}`}"` : "");

export function messagePage(ctx: PageContext, title: string, message: string, status: "error" | "info" = "error"): string {
  return layout(ctx, title, html`<h1>${title}</h1><p class="${status === "error" ? "banner bad" : "banner"}">${message}</p><p><a href="/">${TEXTS[ctx.lang].back}</a></p>`);
}

export function namePage(ctx: PageContext, next: string, error?: string): string {
  const t = TEXTS[ctx.lang];
  return layout(
    ctx,
    t.nameTitle,
    html`<h1>${t.nameTitle}</h1>
<form method="post" action="/name" class="card narrow">
  ${csrfField(ctx)}
  <input type="hidden" name="next" value="${next}">
  <label for="name">${t.yourName}</label>
  <input id="name" name="name" autocomplete="name" required maxlength="80" value="${ctx.user ?? ""}" autofocus${error ? raw(' aria-invalid="true" aria-describedby="e-name"') : ""}>
  ${error ? html`<span class="error" id="e-name">${error}</span>` : ""}
  <p class="hint">${t.nameHint}</p>
  <button type="submit">${t.continue}</button>
</form>`,
  );
}

export interface FamilyFormState {
  values: { subjectId: string; birthDate: string; phase: string };
  errors: FormErrors;
}

export function homePage(ctx: PageContext, families: FamilySummary[], deleted: readonly DeletedFamily[], form?: FamilyFormState, notice?: { ok: boolean; lines: string[] }): string {
  const t = TEXTS[ctx.lang];
  const v = form?.values ?? { subjectId: "", birthDate: "", phase: "" };
  const e = form?.errors ?? {};
  return layout(
    ctx,
    t.families,
    html`<h1>${t.families}</h1>
${notice ? html`<div class="${notice.ok ? "banner good" : "banner bad"}" role="status">${notice.lines.map((l) => html`<p>${l}</p>`)}</div>` : ""}
${
  families.length
    ? html`<table class="list">
<thead><tr><th>${t.subjectId}</th><th>${t.phase}</th><th>${t.sessions}</th><th>${t.lastSession}</th></tr></thead>
<tbody>${families.map((f) => html`<tr><td><a href="${famUrl(f.subjectId)}">${f.subjectId}</a></td><td>${f.phase ?? ""}</td><td class="num">${f.sessions}</td><td>${f.lastDate ?? ""}</td></tr>`)}</tbody>
</table>`
    : html`<p>${t.noFamilies}</p>`
}
<div class="row">
<form method="post" action="/families" class="card">
  <h2>${t.newFamily}</h2>
  ${csrfField(ctx)}
  <label for="subjectId">${t.subjectId}</label>
  <input id="subjectId" name="subjectId" required maxlength="64" value="${v.subjectId}"${invalid(e, "subjectId")}>
  ${fieldError(e, "subjectId")}
  <p class="hint">${t.subjectIdHint}</p>
  <label for="birthDate">${t.birthDate} <span class="hint">(${t.optional})</span></label>
  <input id="birthDate" name="birthDate" placeholder="${t.datePlaceholder}" value="${v.birthDate}"${invalid(e, "birthDate")}>
  ${fieldError(e, "birthDate")}
  <label for="phase">${t.phase} <span class="hint">(${t.optional})</span></label>
  <input id="phase" name="phase" maxlength="64" value="${v.phase}"${invalid(e, "phase")}>
  ${fieldError(e, "phase")}
  <button type="submit">${t.create}</button>
</form>
<div class="card">
  <form method="post" action="/import" enctype="multipart/form-data">
    <h2>${t.importTitle}</h2>
    ${csrfField(ctx)}
    <p class="hint">${t.importHint}</p>
    <label for="file">CSV</label>
    <input id="file" type="file" name="file" accept=".csv,.tsv,.txt,text/csv" required>
    <button type="submit">${t.importButton}</button>
  </form>
  <h2>${t.exportTitle}</h2>
  <p class="hint">${t.exportHint}</p>
  <p><a class="button" href="/export.csv" download>${t.exportButton}</a></p>
</div>
</div>
${
  deleted.length
    ? html`<section class="deleted" aria-labelledby="delfam-h"><h2 id="delfam-h">${t.deletedFamilies}</h2>
<table class="list"><thead><tr><th>${t.subjectId}</th><th>${t.sessions}</th><th>${t.deletedAt}</th><th>${t.by}</th></tr></thead>
<tbody>${deleted.map((d) => html`<tr><td>${d.subjectId}</td><td class="num">${d.sessions}</td><td>${stamp(d.deletedAt)}</td><td>${d.deletedBy}</td></tr>`)}</tbody></table></section>`
    : ""
}`,
  );
}

const itemLabel = (lang: Lang, id: string, label: string) => (lang === "da" ? (ITEM_LABELS_DA[id] ?? label) : label);
const respondentName = (t: Texts, id: string) => t.respondents[id] ?? (id || "—");

function alertsBlock(t: Texts, series: readonly RaterSeries[], latest: string | null): Html {
  const current = series.filter((s) => s.current.length);
  return html`<section class="alerts" aria-labelledby="alerts-h">
<h2 id="alerts-h">${t.alerts}</h2>
${latest ? html`<p class="hint">${t.alertsAt(latest)}</p>` : ""}
${
  current.length
    ? html`<ul>${current.flatMap((s) => s.current.map((a) => html`<li class="alert" data-rule="${a.rule}"><strong>${respondentName(t, s.respondent)}:</strong> ${a.text}</li>`))}</ul>`
    : html`<p class="ok">${t.noAlerts}</p>`
}
</section>`;
}

function workPointsBlock(t: Texts, sessions: readonly Session[], exceptDate: string | null): Html {
  const earlier = sessions.filter((s) => s.date !== exceptDate && s.workPoints.trim() !== "").reverse();
  return html`<section class="workpoints" aria-labelledby="wp-h">
<h2 id="wp-h">${t.workPointsPrev}</h2>
${earlier.length ? html`<dl>${earlier.map((s) => html`<dt>${s.date}</dt><dd>${s.workPoints}</dd>`)}</dl>` : html`<p class="hint">${t.noWorkPoints}</p>`}
</section>`;
}

function sessionTable(ctx: PageContext, registry: Registry, subjectId: string, sessions: readonly Session[]): Html {
  const t = TEXTS[ctx.lang];
  const tot = totals(registry, subjectId, sessions);
  const present = raterForms(registry).filter(({ rater }) => sessions.some((s) => s.ratings.some((x) => x.respondent === rater.id)));
  const cols = present.flatMap(({ rater, forms }) => forms.map((m) => ({ r: rater, inst: m.instrument })));
  if (!sessions.length) return html``;
  return html`<section aria-labelledby="tbl-h"><h2 id="tbl-h">${t.table}</h2>
<div class="scroll"><table class="list totals">
<thead><tr><th>${t.date}</th>${cols.map((c) => html`<th>${respondentName(t, c.r.id)}<br><span class="hint">${c.inst.toUpperCase()}</span></th>`)}<th>${t.workPoints}</th></tr></thead>
<tbody>${sessions.map(
      (s) => html`<tr><td class="date"><a href="${sessionUrl(subjectId, s.date)}">${s.date}</a></td>${cols.map((c) => html`<td class="num">${num(ctx.lang, tot.get(`${s.date}\u0000${c.r.id}\u0000${c.inst}`))}</td>`)}<td class="wp">${s.workPoints}</td></tr>`,
    )}</tbody>
</table></div></section>`;
}

function chartBlock(t: Texts, charts: string[] | null, hasSessions: boolean): Html {
  if (!hasSessions) return html``;
  return html`<section class="chart" aria-labelledby="chart-h"><h2 id="chart-h">${t.chart}</h2>${
    charts === null ? html`<p class="hint">${t.chartMissing}</p>` : charts.map((svg) => html`<figure class="fitchart">${raw(svg)}</figure>`)
  }</section>`;
}

export interface FamilyView {
  family: Family;
  sessions: Session[];
  series: RaterSeries[];
  /** SVG documents rendered by the server; null when the chart could not be drawn */
  charts: string[] | null;
}

export interface FamilyPageView extends FamilyView {
  deleted: DeletedSession[];
  notice: string | null;
}

/** today on this computer's calendar (not UTC's: a session just after midnight in Denmark is on the new day) */
const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

export function familyPage(ctx: PageContext, registry: Registry, v: FamilyPageView): string {
  const t = TEXTS[ctx.lang];
  const f = v.family;
  const latest = v.sessions.length ? v.sessions[v.sessions.length - 1]!.date : null;
  return layout(
    ctx,
    `${t.family} ${f.subjectId}`,
    html`<p><a href="/">← ${t.back}</a></p>
<h1>${t.family} ${f.subjectId}</h1>
${v.notice ? html`<div class="banner good" role="status" id="deleted-notice"><p>${v.notice}</p></div>` : ""}
<p class="meta">${f.birthDate ? html`${t.birthDate}: ${f.birthDate}. ` : ""}${f.phase ? html`${t.phase}: ${f.phase}.` : ""}</p>
<form method="get" action="${famUrl(f.subjectId)}/session" class="card inline">
  <label for="date">${t.sessionDate}</label>
  <input id="date" name="date" value="${today()}" required>
  <button type="submit">${t.newSession}</button>
</form>
<div class="columns">
<div>${chartBlock(t, v.charts, v.sessions.length > 0)}</div>
<aside>${alertsBlock(t, v.series, latest)}${workPointsBlock(t, v.sessions, null)}</aside>
</div>
${sessionTable(ctx, registry, f.subjectId, v.sessions)}
${
  v.deleted.length
    ? html`<section class="deleted" id="deleted" aria-labelledby="delses-h"><h2 id="delses-h">${t.deletedSessions}</h2>
${v.deleted.map((d) => html`<details class="deleted-session"><summary>${t.deletedSessionLine(d.date, stamp(d.deletedAt), d.deletedBy)}</summary>${historyTable(ctx, registry, d.history)}</details>`)}
</section>`
    : ""
}
<section class="danger"><p><a class="button danger" href="${famUrl(f.subjectId)}/delete">${t.deleteFamily}</a></p></section>`,
  );
}

/** Corrections (or a deleted session's values), newest first. */
function historyTable(ctx: PageContext, registry: Registry, entries: readonly HistoryEntry[]): Html {
  const t = TEXTS[ctx.lang];
  const value = (h: HistoryEntry, v: string | null) => (v === null ? t.empty : h.item === "work_points" ? v : num(ctx.lang, Number(v)));
  const field = (h: HistoryEntry) =>
    h.item === "work_points" ? t.workPoints : html`${respondentName(t, h.respondent)}: ${itemLabel(ctx.lang, h.item, (registry.has(h.instrument) ? registry.get(h.instrument).items.get(h.item)?.label : undefined) ?? h.item)}`;
  return html`<table class="list"><thead><tr><th>${t.when}</th><th>${t.by}</th><th>${t.field}</th><th>${t.before}</th><th>${t.after}</th></tr></thead>
<tbody>${entries.map((h) => html`<tr><td>${stamp(h.changedAt)}</td><td>${h.changedBy}</td><td>${field(h)}</td><td>${value(h, h.oldValue)}</td><td>${value(h, h.newValue)}</td></tr>`)}</tbody></table>`;
}

export interface SessionView extends FamilyView {
  date: string;
  /** raw field values: what was typed (after an error) or what is stored */
  values: Record<string, string>;
  workPoints: string;
  errors: FormErrors;
  history: HistoryEntry[];
  notice: string | null;
}

function raterFieldset(ctx: PageContext, registry: Registry, { rater, forms }: RaterForms, v: SessionView, saved: Map<string, number | null>): Html {
  const t = TEXTS[ctx.lang];
  const block = (instId: string, title: string) => {
    const inst = registry.get(instId);
    const items = [...inst.items.values()];
    const fmt = items[0]!.format;
    const range = fmt.kind === "decimal" || fmt.kind === "integer" ? { min: fmt.min, max: fmt.max, step: fmt.kind === "decimal" ? fmt.step : 1 } : null;
    return html`<div class="lines" role="group" aria-label="${`${respondentName(t, rater.id)}: ${title}`}">
<h4>${title}</h4>
${range ? html`<p class="hint">${t.lineHint(num(ctx.lang, range.min), num(ctx.lang, range.max), num(ctx.lang, range.step))}</p>` : html`<p class="hint">${describe(ctx.lang, fmt)}</p>`}
${items.map((it) => {
  const name = fieldName(rater.id, it.id);
  const id = `f-${rater.id}-${it.id}`;
  return html`<div class="line">
<label for="${id}">${itemLabel(ctx.lang, it.id, it.label)}</label>
<input id="${id}" name="${name}" class="val" inputmode="decimal" autocomplete="off" size="4" value="${v.values[name] ?? ""}"${range ? html` data-min="${range.min}" data-max="${range.max}" data-step="${range.step}"` : ""}${invalid(v.errors, name)}>
${fieldError(v.errors, name)}
</div>`;
})}
${(() => {
  // the saved total, shown only while the form holds what is saved
  const total = Object.keys(v.errors).length ? undefined : saved.get(`${v.date}\u0000${rater.id}\u0000${instId}`);
  return total === undefined || total === null ? "" : html`<p class="total">${t.total}: <strong>${num(ctx.lang, total)}</strong></p>`;
})()}
</div>`;
  };
  const body = html`<legend>${respondentName(t, rater.id)}</legend>
${forms.map((m) => block(m.instrument, t.lines[m.role](m.instrument.toUpperCase())))}`;
  return html`<fieldset class="rater" id="${`rater-${rater.id}`}">${body}</fieldset>`;
}

export function sessionPage(ctx: PageContext, registry: Registry, v: SessionView): string {
  const t = TEXTS[ctx.lang];
  const f = v.family;
  const latest = v.sessions.length ? v.sessions[v.sessions.length - 1]!.date : null;
  const hasErrors = Object.keys(v.errors).length > 0;
  const raters = raterForms(registry);
  const saved = totals(registry, f.subjectId, v.sessions.filter((s) => s.date === v.date));
  // a saved session keeps its date: changing it here would start another session, not move this one
  const exists = v.sessions.some((s) => s.date === v.date);
  // a folded rater's lines open when they hold something (typed, or saved)
  const filled = (id: string) => Object.keys(v.values).some((k) => k.startsWith(fieldName(id, "")) && v.values[k] !== "");
  const summary = (rf: RaterForms) => `${t.folded[rf.rater.id] ?? respondentName(t, rf.rater.id)} (${joinNames(rf.forms.map((m) => m.instrument.toUpperCase()), t.and)})`;
  return layout(
    ctx,
    `${f.subjectId} · ${t.sessionOf(v.date)}`,
    html`<p><a href="${famUrl(f.subjectId)}">← ${t.toFamily}</a></p>
<h1>${t.family} ${f.subjectId} · ${t.sessionOf(v.date)}</h1>
${hasErrors ? html`<div class="banner bad" role="alert"><p>${t.fixErrors}</p>${v.errors.form ? html`<p>${v.errors.form}</p>` : ""}</div>` : ""}
${v.notice ? html`<div class="banner good" role="status" id="saved"><p>${v.notice}</p></div>` : ""}
<div class="columns">
<form method="post" action="${famUrl(f.subjectId)}/session" class="session" novalidate>
  ${csrfField(ctx)}
  <div class="line">
    <label for="date">${t.sessionDate}</label>
    <input id="date" name="date" value="${v.date}" required${exists ? raw(" readonly") : ""}${invalid(v.errors, "date")}>
    ${fieldError(v.errors, "date")}
  </div>
  <p class="hint">${t.notPresent}</p>
  ${raters.filter((rf) => !rf.rater.folded).map((rf) => raterFieldset(ctx, registry, rf, v, saved))}
  ${raters.filter((rf) => rf.rater.folded).map((rf) => html`<details${filled(rf.rater.id) ? raw(" open") : ""}><summary>${summary(rf)}</summary>${raterFieldset(ctx, registry, rf, v, saved)}</details>`)}
  <label for="workPoints" class="wp-label">${t.workPoints}</label>
  <textarea id="workPoints" name="workPoints" rows="5"${invalid(v.errors, "workPoints")}>${v.workPoints}</textarea>
  ${fieldError(v.errors, "workPoints")}
  <button type="submit" class="primary">${t.save}</button>
</form>
<aside>
${alertsBlock(t, v.series, latest)}
${chartBlock(t, v.charts, v.sessions.length > 0)}
${workPointsBlock(t, v.sessions, v.date)}
</aside>
</div>
${sessionTable(ctx, registry, f.subjectId, v.sessions)}
<section class="history" aria-labelledby="hist-h">
<h2 id="hist-h">${t.history}</h2>
${v.history.length ? historyTable(ctx, registry, v.history) : html`<p class="hint">${t.noHistory}</p>`}
</section>
${exists ? html`<section class="danger"><p><a class="button danger" href="${deleteSessionUrl(f.subjectId, v.date)}">${t.deleteSession}</a></p></section>` : ""}`,
  );
}

/** Asks before a session is deleted, showing what goes: the date, each rater's forms and totals, the work points. */
export function deleteSessionPage(ctx: PageContext, registry: Registry, family: Family, session: Session): string {
  const t = TEXTS[ctx.lang];
  const tot = totals(registry, family.subjectId, [session]);
  const groups: { respondent: string; instrument: string; lines: number }[] = [];
  for (const r of session.ratings) {
    const g = groups.find((x) => x.respondent === r.respondent && x.instrument === r.instrument);
    if (g) g.lines++;
    else groups.push({ respondent: r.respondent, instrument: r.instrument, lines: 1 });
  }
  // in the form's order of raters; one the form does not know (from an import) after them
  const order = (id: string) => {
    const i = RATERS.findIndex((r) => r.id === id);
    return i < 0 ? RATERS.length : i;
  };
  groups.sort((a, b) => order(a.respondent) - order(b.respondent));
  return layout(
    ctx,
    `${family.subjectId} · ${t.deleteSessionTitle(session.date)}`,
    html`<p><a href="${sessionUrl(family.subjectId, session.date)}">← ${t.cancel}</a></p>
<h1>${t.family} ${family.subjectId} · ${t.deleteSessionTitle(session.date)}</h1>
<p>${t.deleteSessionWhat}</p>
<dl class="card what">
<dt>${t.date}</dt><dd>${session.date}</dd>
<dt>${t.ratingsAndTotals}</dt><dd>${
      groups.length
        ? html`<table class="list"><thead><tr><th>${t.rater}</th><th>${t.form}</th><th>${t.linesCount}</th><th>${t.total}</th></tr></thead>
<tbody>${groups.map((g) => html`<tr><td>${respondentName(t, g.respondent)}</td><td>${g.instrument.toUpperCase()}</td><td class="num">${g.lines}</td><td class="num">${num(ctx.lang, tot.get(`${session.date}\u0000${g.respondent}\u0000${g.instrument}`))}</td></tr>`)}</tbody></table>`
        : t.noRatings
    }</dd>
<dt>${t.workPoints}</dt><dd class="wp">${session.workPoints || t.empty}</dd>
</dl>
<p>${t.deleteSessionKept}</p>
<form method="post" action="${famUrl(family.subjectId)}/session/delete" class="inline-actions">
  ${csrfField(ctx)}
  <input type="hidden" name="session" value="${session.id}">
  <button type="submit" class="danger">${t.deleteSessionButton}</button>
  <a href="${sessionUrl(family.subjectId, session.date)}">${t.cancel}</a>
</form>`,
  );
}

/** Asks before a family is deleted: names it, counts its sessions, and has the family id typed to confirm. */
export function deleteFamilyPage(ctx: PageContext, family: Family, sessions: number, typed = "", error?: string): string {
  const t = TEXTS[ctx.lang];
  return layout(
    ctx,
    t.deleteFamilyTitle(family.subjectId),
    html`<p><a href="${famUrl(family.subjectId)}">← ${t.cancel}</a></p>
<h1>${t.deleteFamilyTitle(family.subjectId)}</h1>
${error ? html`<div class="banner bad" role="alert"><p>${error}</p></div>` : ""}
<p>${t.deleteFamilyWhat(family.subjectId, sessions)}</p>
<p>${t.deleteFamilyKept(family.subjectId)}</p>
<form method="post" action="${famUrl(family.subjectId)}/delete" class="card narrow">
  ${csrfField(ctx)}
  <label for="confirm">${t.confirmFamily(family.subjectId)}</label>
  <input id="confirm" name="confirm" required autocomplete="off" spellcheck="false" value="${typed}"${error ? raw(' aria-invalid="true"') : ""}>
  <button type="submit" class="danger">${t.deleteFamilyButton}</button>
</form>
<p><a href="${famUrl(family.subjectId)}">${t.cancel}</a></p>`,
  );
}

/** Stored ratings as form values, in the language's number format. */
export function valuesOf(lang: Lang, session: Session | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of session?.ratings ?? []) out[fieldName(r.respondent, r.item)] = num(lang, r.value);
  return out;
}
