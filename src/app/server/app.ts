/** The app's routes: pages, form posts, import and export. All storage goes through the Store. */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { formatDate, parseDate } from "../../dates.js";
import { looksLikeCpr } from "../../export/cohort.js";
import type { Registry } from "../../registry/registry.js";
import { fitChartSvgs } from "../chart.js";
import { longCsv, readFitCsv } from "../csv.js";
import { analyseFamily, checkSession, fitNames, SUBJECT_ID, type FormErrors } from "../fit.js";
import { joinNames, TEXTS, type Lang } from "../i18n.js";
import { StoreError, type Family, type Store } from "../storage/store.js";
import { CSS, JS } from "../views/assets.js";
import { deleteFamilyPage, deleteSessionPage, familyPage, homePage, messagePage, namePage, sessionPage, sessionUrl, valuesOf, type FamilyFormState, type PageContext } from "../views/pages.js";
import { csrfOk, csrfToken, nameCookie, security, type Secrets } from "./security.js";

export interface AppOptions {
  store: Store;
  registry: Registry;
  lang: Lang;
  secrets: Secrets;
  /** the port being served, for the Host and Origin checks and cookie names */
  port: () => number;
}

const IMPORT_LIMIT = 50 * 1024 * 1024;

export function createApp(o: AppOptions): Hono {
  const { store, registry, lang, secrets } = o;
  const t = TEXTS[lang];
  const app = new Hono();

  const userOf = (c: Context): string | null => {
    const v = getCookie(c, nameCookie(o.port()));
    return v ? v.slice(0, 80) : null;
  };
  const ctxOf = (c: Context): PageContext => ({ lang, csrf: csrfToken(secrets), user: userOf(c), dbLocation: store.location });
  const page = (c: Context, body: string, status: 200 | 400 | 403 | 404 | 409 | 413 | 422 = 200) => c.html(body, status);

  app.use(
    "*",
    security({
      secrets,
      port: o.port,
      refuse: (status, kind) => {
        const ctx: PageContext = { lang, csrf: "", user: null, dbLocation: store.location };
        const msg = kind === "token" ? t.tokenNeeded : kind === "csrf" ? t.badCsrf : t.forbidden;
        return new Response(messagePage(ctx, t.forbidden, msg), { status, headers: { "content-type": "text/html; charset=utf-8" } });
      },
    }),
  );

  app.get("/static/app.css", (c) => c.body(CSS, 200, { "content-type": "text/css; charset=utf-8" }));
  app.get("/static/app.js", (c) => c.body(JS, 200, { "content-type": "text/javascript; charset=utf-8" }));

  /** A form body with a valid CSRF token, or a refusal. */
  const form = async (c: Context): Promise<Record<string, string | File> | Response> => {
    const body = (await c.req.parseBody()) as Record<string, string | File>;
    if (!csrfOk(secrets, body)) return page(c, messagePage(ctxOf(c), t.forbidden, t.badCsrf), 403);
    return body;
  };
  const str = (v: string | File | undefined) => (typeof v === "string" ? v : "");

  // every page but the name page needs a name: corrections are kept with it
  const needName = (c: Context): Response | null => (userOf(c) ? null : c.redirect(`/name?next=${encodeURIComponent(new URL(c.req.url).pathname + new URL(c.req.url).search)}`, 303));
  // only a path of this app: "//host" and "/\\host" would send the browser elsewhere
  const safeNext = (n: string) => (/^\/(?![\/\\])/.test(n) ? n : "/");

  app.get("/name", (c) => page(c, namePage(ctxOf(c), safeNext(c.req.query("next") ?? "/"))));
  app.post("/name", async (c) => {
    const body = await form(c);
    if (body instanceof Response) return body;
    const name = str(body.name).trim().replace(/\s+/g, " ");
    const next = safeNext(str(body.next));
    if (!name || name.length > 80) return page(c, namePage(ctxOf(c), next, name ? t.tooLong(80) : t.required), 422);
    setCookie(c, nameCookie(o.port()), name, { httpOnly: true, sameSite: "Strict", path: "/" });
    return c.redirect(next, 303);
  });

  const home = async (c: Context, form?: FamilyFormState, notice?: { ok: boolean; lines: string[] }, status: 200 | 422 = 200) =>
    page(c, homePage(ctxOf(c), await store.listFamilies(), await store.deletedFamilies(), form, notice), status);

  app.get("/", async (c) => {
    const nn = needName(c);
    if (nn) return nn;
    // the notice is read from the record of the deletion, so an address cannot make the page claim one
    const done = Number(c.req.query("deletedFamily"));
    const d = Number.isInteger(done) ? (await store.deletedFamilies()).find((x) => x.id === done) : undefined;
    return home(c, undefined, d ? { ok: true, lines: [t.familyDeleted(d.subjectId, d.sessions)] } : undefined);
  });

  app.post("/families", async (c) => {
    const body = await form(c);
    if (body instanceof Response) return body;
    const values = { subjectId: str(body.subjectId).trim(), birthDate: str(body.birthDate).trim(), phase: str(body.phase).trim() };
    const errors: FormErrors = {};
    if (!values.subjectId) errors.subjectId = t.required;
    else if (looksLikeCpr(values.subjectId)) errors.subjectId = t.cprRefused;
    else if (!SUBJECT_ID.test(values.subjectId)) errors.subjectId = t.badSubject;
    const birth = values.birthDate ? parseDate(values.birthDate) : null;
    if (values.birthDate && !birth) errors.birthDate = t.badDate;
    if (values.phase.length > 64) errors.phase = t.tooLong(64);
    if (!Object.keys(errors).length) {
      try {
        const f = await store.createFamily({ subjectId: values.subjectId, birthDate: birth ? formatDate(birth) : null, phase: values.phase || null }, userOf(c) ?? "");
        return c.redirect(`/f/${encodeURIComponent(f.subjectId)}`, 303);
      } catch (e) {
        if (!(e instanceof StoreError) || e.code !== "duplicate_family") throw e;
        errors.subjectId = t.duplicateFamily(values.subjectId);
      }
    }
    return home(c, { values, errors }, undefined, 422);
  });

  // the data are saved before a chart is drawn: a chart that fails costs the page its picture, nothing more
  const chartsOf = async (series: ReturnType<typeof analyseFamily>): Promise<string[] | null> => {
    try {
      return await fitChartSvgs({ series, registry, lang });
    } catch (e) {
      process.stderr.write(`trivsel app: the chart could not be drawn: ${(e as Error).message}\n`);
      return null;
    }
  };

  const family = async (c: Context): Promise<Family | null> => store.getFamily(c.req.param("id") ?? "");
  const notFound = (c: Context, message: string = t.notFound) => page(c, messagePage(ctxOf(c), t.notFound, message), 404);
  const noFamily = (c: Context) => notFound(c, t.noSuchFamily(c.req.param("id") ?? ""));

  app.get("/f/:id", async (c) => {
    const nn = needName(c);
    if (nn) return nn;
    const f = await family(c);
    if (!f) return noFamily(c);
    const sessions = await store.sessions(f.id);
    const deleted = await store.deletedSessions(f.id);
    const series = analyseFamily(registry, lang, f.subjectId, sessions);
    const charts = await chartsOf(series);
    const done = deleted.find((d) => String(d.id) === c.req.query("deletedSession"));
    return page(c, familyPage(ctxOf(c), registry, { family: f, sessions, series, charts, deleted, notice: done ? t.sessionDeleted(done.date) : null }));
  });

  // deleting asks first (GET shows what goes, never deletes), then takes a form post with the CSRF token
  app.get("/f/:id/session/delete", async (c) => {
    const nn = needName(c);
    if (nn) return nn;
    const f = await family(c);
    if (!f) return noFamily(c);
    const ymd = parseDate(c.req.query("date") ?? "");
    const date = ymd ? formatDate(ymd) : (c.req.query("date") ?? "");
    const session = ymd ? (await store.sessions(f.id)).find((s) => s.date === date) : undefined;
    if (!session) return notFound(c, date ? t.noSuchSession(f.subjectId, date) : t.notFound);
    return page(c, deleteSessionPage(ctxOf(c), registry, f, session));
  });

  app.post("/f/:id/session/delete", async (c) => {
    const body = await form(c);
    if (body instanceof Response) return body;
    const f = await family(c);
    if (!f) return noFamily(c);
    // the session the confirmation showed, by its number: one deleted and entered again meanwhile is not taken
    const session = (await store.sessions(f.id)).find((s) => String(s.id) === str(body.session));
    if (!session) return notFound(c, t.sessionGone(f.subjectId));
    const user = userOf(c);
    if (!user) return c.redirect(`/name?next=${encodeURIComponent(`/f/${encodeURIComponent(f.subjectId)}/session/delete?date=${session.date}`)}`, 303);
    const d = await store.deleteSession(session.id, user);
    return c.redirect(`/f/${encodeURIComponent(f.subjectId)}?deletedSession=${d.id}#deleted`, 303);
  });

  app.get("/f/:id/delete", async (c) => {
    const nn = needName(c);
    if (nn) return nn;
    const f = await family(c);
    if (!f) return noFamily(c);
    return page(c, deleteFamilyPage(ctxOf(c), f, (await store.sessions(f.id)).length));
  });

  app.post("/f/:id/delete", async (c) => {
    const body = await form(c);
    if (body instanceof Response) return body;
    const f = await family(c);
    if (!f) return noFamily(c);
    const typed = str(body.confirm).trim();
    // the id typed as shown: health data are deleted by a deliberate act, not by a slip of the mouse
    if (typed !== f.subjectId) return page(c, deleteFamilyPage(ctxOf(c), f, (await store.sessions(f.id)).length, typed, t.confirmWrong(f.subjectId)), 422);
    const user = userOf(c);
    if (!user) return c.redirect(`/name?next=${encodeURIComponent(`/f/${encodeURIComponent(f.subjectId)}/delete`)}`, 303);
    const d = await store.deleteFamily(f.id, user);
    return c.redirect(`/?deletedFamily=${d.id}`, 303);
  });

  app.get("/f/:id/session", async (c) => {
    const nn = needName(c);
    if (nn) return nn;
    const f = await family(c);
    if (!f) return noFamily(c);
    const ymd = parseDate(c.req.query("date") ?? "");
    const sessions = await store.sessions(f.id);
    if (!ymd) return c.redirect(`/f/${encodeURIComponent(f.subjectId)}`, 303);
    const date = formatDate(ymd);
    const current = sessions.find((s) => s.date === date);
    const saved = c.req.query("saved");
    const notice = saved === undefined ? null : Number(saved) > 0 ? t.savedChanges(Number(saved)) : t.saved;
    return renderSession(c, f, sessions, date, valuesOf(lang, current), current?.workPoints ?? "", {}, notice, 200);
  });

  app.post("/f/:id/session", async (c) => {
    const body = await form(c);
    if (body instanceof Response) return body;
    const f = await family(c);
    if (!f) return noFamily(c);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (k.startsWith("r.") && typeof v === "string") values[k] = v;
    const workPoints = str(body.workPoints).replace(/\r\n?/g, "\n");
    const checked = checkSession(registry, lang, { date: str(body.date), workPoints, values });
    if (Object.keys(checked.errors).length) {
      return renderSession(c, f, await store.sessions(f.id), checked.date, values, workPoints, checked.errors, null, 422);
    }
    const saved = await store.saveSession({ familyId: f.id, date: checked.date, workPoints: workPoints.trim(), ratings: checked.ratings }, userOf(c) ?? "");
    // after a POST the browser is sent on to a GET: reloading the page never saves twice
    return c.redirect(`${sessionUrl(f.subjectId, checked.date)}&saved=${saved.changes}`, 303);
  });

  async function renderSession(c: Context, f: Family, sessions: Awaited<ReturnType<Store["sessions"]>>, date: string, values: Record<string, string>, workPoints: string, errors: FormErrors, notice: string | null, status: 200 | 422) {
    const series = analyseFamily(registry, lang, f.subjectId, sessions);
    const charts = await chartsOf(series);
    const current = sessions.find((s) => s.date === date);
    const history = current ? await store.history(current.id) : [];
    return page(c, sessionPage(ctxOf(c), registry, { family: f, sessions, series, charts, date, values, workPoints, errors, history, notice }), status);
  }

  app.post("/import", bodyLimit({ maxSize: IMPORT_LIMIT, onError: (c) => page(c, messagePage(ctxOf(c), t.importRefused, t.fileTooLarge(IMPORT_LIMIT / 1024 / 1024)), 413) }), async (c) => {
    const body = await form(c);
    if (body instanceof Response) return body;
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return home(c, undefined, { ok: false, lines: [t.importRefused, t.required] }, 422);
    const text = await file.text();
    const read = readFitCsv(text, file.name || "upload.csv", registry);
    if (read.errors.length) return home(c, undefined, { ok: false, lines: [t.importRefused, ...read.errors.slice(0, 30), ...(read.errors.length > 30 ? [`… ${read.errors.length - 30}`] : [])] }, 422);
    if (!read.sessions.length) return home(c, undefined, { ok: false, lines: [t.importNoFit(joinNames(fitNames(registry), t.or))] }, 422);
    const sum = await store.importSessions(read.sessions, userOf(c) ?? "");
    return home(c, undefined, { ok: true, lines: [t.imported(sum.families, sum.sessionsCreated, sum.sessionsUpdated, sum.ratings)] });
  });

  app.get("/export.csv", async (c) => {
    const csv = longCsv(await store.exportRows());
    return c.body(csv, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="trivsel-fit-${new Date().toISOString().slice(0, 10)}.csv"` });
  });

  app.notFound((c) => notFound(c));
  app.onError((e, c) => {
    process.stderr.write(`trivsel app: ${e.stack ?? e.message}\n`);
    return c.html(messagePage(ctxOf(c), "Error", e.message), 500);
  });
  return app;
}
