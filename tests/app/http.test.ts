/**
 * The app over HTTP, as a child process on loopback (issue #12): what a request must carry to be answered,
 * what a save leaves in the database, and that a kill -9 in the middle of 200 saves loses no answered save.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProc } from "../helpers/cli.js";
import { Client, http, lines, spawnApp, type AppProcess } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "trivsel-app-http-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("security of the local app", () => {
  let app: AppProcess;
  let c: Client;
  beforeAll(async () => {
    app = await spawnApp(join(dir, "sec.sqlite"));
    c = await Client.signIn(app);
  });
  afterAll(async () => {
    await app.stop();
  });

  it("prints a link on 127.0.0.1 with a random token, and the database file is mode 0600", () => {
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    expect(statSync(join(dir, "sec.sqlite")).mode & 0o777).toBe(0o600);
  });

  it("refuses a request without the token cookie, or with a wrong token", async () => {
    const none = await http(app.port, { path: "/" });
    expect(none.status).toBe(401);
    expect(none.body).toContain("link printed");
    const wrong = await http(app.port, { path: "/?token=not-the-token" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers["set-cookie"]).toBeUndefined();
    const forged = await http(app.port, { path: "/", headers: { cookie: `trivsel_auth_${app.port}=${app.token}` } });
    expect(forged.status).toBe(401);
  });

  it("refuses a second app on the same database file, saying which process has it", async () => {
    const second = spawnApp(join(dir, "sec.sqlite"));
    await expect(second).rejects.toThrow(`app exited with 2 before it printed its link`);
    await expect(second).rejects.toThrow(`sec.sqlite is in use by another trivsel app (process ${app.proc.pid}); stop that one first`);
  });

  it("sends the browser on only to a path of this app after the name is given", async () => {
    for (const next of ["//evil.example/", "/\\evil.example/", "http://evil.example/"]) {
      const r = await c.post("/name", { name: "Test User", next });
      expect(r.status).toBe(303);
      expect(r.headers.location, next).toBe("/");
    }
    expect((await c.post("/name", { name: "Test User", next: "/f/x?date=2026-01-01" })).headers.location).toBe("/f/x?date=2026-01-01");
  });

  it("refuses a form post without the cookie", async () => {
    const r = await http(app.port, { method: "POST", path: "/families", body: `_csrf=${c.csrf}&subjectId=NOCOOKIE`, headers: { origin: app.base, "content-type": "application/x-www-form-urlencoded" } });
    expect(r.status).toBe(401);
    expect((await c.get("/")).body).not.toContain("NOCOOKIE");
  });

  it("exchanges the token for an HttpOnly SameSite=Strict cookie and takes the token out of the address", async () => {
    const r = await http(app.port, { path: `/f/x?token=${app.token}` });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe("/f/x");
    expect(String(r.headers["set-cookie"])).toMatch(new RegExp(`^trivsel_auth_${app.port}=[\\w-]+; Path=/; HttpOnly; SameSite=Strict$`));
  });

  it("refuses a foreign Host (DNS rebinding) even with the cookie", async () => {
    const ok = await c.get("/");
    expect(ok.status).toBe(200);
    for (const host of [`evil.example:${app.port}`, "127.0.0.1", `127.0.0.1:${app.port + 1}`]) {
      const r = await c.get("/", { host });
      expect(r.status, host).toBe(400);
      expect(r.body).not.toContain("Families");
    }
    expect((await c.get("/", { host: `localhost:${app.port}` })).status).toBe(200);
  });

  it("refuses a state-changing request with a wrong or missing CSRF token, or a foreign or missing Origin", async () => {
    const wrongCsrf = await c.post("/families", { subjectId: "CSRF1", _csrf: "x" });
    expect(wrongCsrf.status).toBe(403);
    const noCsrf = await http(app.port, { method: "POST", path: "/families", body: "subjectId=CSRF2", headers: { cookie: `trivsel_auth_${app.port}=${c.cookies.get(`trivsel_auth_${app.port}`)}`, origin: app.base, "content-type": "application/x-www-form-urlencoded" } });
    expect(noCsrf.status).toBe(403);
    const foreign = await c.post("/families", { subjectId: "CSRF3" }, { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    const noOrigin = await c.post("/families", { subjectId: "CSRF4" }, { origin: "" });
    expect(noOrigin.status).toBe(403);
    const list = await c.get("/");
    for (const id of ["CSRF1", "CSRF2", "CSRF3", "CSRF4"]) expect(list.body).not.toContain(id);
    // and the same request with both tokens is accepted
    expect((await c.post("/families", { subjectId: "CSRF5" })).status).toBe(303);
  });

  it("sends a strict Content-Security-Policy, loads nothing external and escapes user text", async () => {
    const made = await c.post("/families", { subjectId: "ESC1" });
    expect(made.status).toBe(303);
    const s = await c.post("/f/ESC1/session", { date: "2026-03-02", workPoints: `<script>alert("x")</script> & "quotes"`, ...lines("mother", "ors", "5") });
    expect(s.status).toBe(303);
    const page = await c.get("/f/ESC1/session?date=2026-03-02");
    expect(page.headers["content-security-policy"]).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(page.body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;");
    expect(page.body).not.toContain('<script>alert("x")');
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const bad = await c.post("/families", { subjectId: `<img src=x onerror=alert(1)>` });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain("value=\"&lt;img src=x onerror=alert(1)&gt;\"");
  });
});

describe("saving sessions", () => {
  let app: AppProcess;
  let c: Client;
  beforeAll(async () => {
    app = await spawnApp(join(dir, "save.sqlite"));
    c = await Client.signIn(app, "Hanne");
    expect((await c.post("/families", { subjectId: "S1" })).status).toBe(303);
  });
  afterAll(async () => {
    await app.stop();
  });

  it("refuses a value out of range beside its field and saves nothing of the session", async () => {
    const r = await c.post("/f/S1/session", { date: "2026-04-01", workPoints: "x", ...lines("mother", "ors", ["5", "10.1", "5", "5"]), ...lines("father", "ors", "6") });
    expect(r.status).toBe(422);
    expect(r.body).toContain('id="e-r.mother.ors_2">Out of range; expected a number from 0 to 10 in steps of 0.1.</span>');
    expect(r.body).toContain('name="r.mother.ors_2" class="val" inputmode="decimal" autocomplete="off" size="4" value="10.1"');
    expect(r.body).toContain("Nothing was saved.");
    const csv = (await c.get("/export.csv")).body;
    expect(csv).toBe("subject_id,administered_on,respondent,instrument,item,value\n");
  });

  it("refuses three lines of four and a finer step than the definition's", async () => {
    const r = await c.post("/f/S1/session", { date: "2026-04-01", ...lines("mother", "srs", ["9", "9", "9", ""]), ...lines("father", "ors", ["6.25", "6", "6", "6"]) });
    expect(r.status).toBe(422);
    expect(r.body).toContain('id="e-r.mother.srs_4">Fill in all 4 lines, or none for a rater who was not there.</span>');
    expect(r.body).toContain('id="e-r.father.ors_1">Too fine; expected a number from 0 to 10 in steps of 0.1.</span>');
  });

  it("saves a session, shows the alerts at once and keeps corrections with the old value, when and by whom", async () => {
    const s1 = await c.post("/f/S1/session", { date: "01-04-2026", workPoints: "Bath time together", ...lines("mother", "ors", "5"), ...lines("mother", "srs", "9.5"), ...lines("health_visitor", "ors", "6") });
    expect(s1.status).toBe(303);
    expect(s1.headers.location).toBe("/f/S1/session?date=2026-04-01&saved=0");
    const s2 = await c.post("/f/S1/session", { date: "2026-04-08", workPoints: "Call the midwife", ...lines("mother", "ors", "3"), ...lines("mother", "srs", "8"), ...lines("health_visitor", "ors", "6,5") });
    expect(s2.status).toBe(303);
    const page = await c.get("/f/S1/session?date=2026-04-08&saved=0");
    // mother: ORS 12 is 8 below her intake 20; SRS 32 is below 36 and 6 below her previous 38
    expect(page.body).toContain("<strong>Mother:</strong> Well-being 12 is 8 points below the first session (20); a reliable change is 5 points.");
    expect(page.body).toContain("<strong>Mother:</strong> Session rating 32 is below 36: talk about the cooperation.");
    expect(page.body).toContain("<strong>Mother:</strong> Session rating dropped from 38 to 32.");
    expect(page.body).not.toContain("<strong>Health visitor:</strong>");
    // each rater's saved totals beside the lines: mother ORS 12, SRS 32; health visitor 6.5 × 4
    expect(page.body.match(/<p class="total">Total: <strong>[\d.]+<\/strong><\/p>/g)).toEqual(["<p class=\"total\">Total: <strong>12</strong></p>", "<p class=\"total\">Total: <strong>32</strong></p>", "<p class=\"total\">Total: <strong>26</strong></p>"]);
    // the FIT chart of src/charts, drawn on the server: both raters' ORS points are in it
    expect(page.body).toMatch(/<figure class="fitchart"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(page.body).toContain('aria-label="Session: 2; score: 12; Who answered: Mother"');
    // the earlier session's work points beside the form, not this session's own
    expect(page.body).toMatch(/<dt>2026-04-01<\/dt><dd>Bath time together<\/dd>/);
    const fix = await c.post("/f/S1/session", { date: "2026-04-01", workPoints: "Bath time together", ...lines("mother", "ors", ["6.2", "5", "5", "5"]), ...lines("mother", "srs", "9.5"), ...lines("health_visitor", "ors", "6") });
    expect(fix.headers.location).toBe("/f/S1/session?date=2026-04-01&saved=1");
    const fixed = await c.get("/f/S1/session?date=2026-04-01&saved=1");
    expect(fixed.body).toContain("Saved. 1 value corrected; see the history below.");
    // a saved session keeps its date; a new one's can be typed
    expect(fixed.body).toContain('<input id="date" name="date" value="2026-04-01" required readonly>');
    expect((await c.get("/f/S1/session?date=2026-04-15")).body).toContain('<input id="date" name="date" value="2026-04-15" required>');
    expect(fixed.body).toMatch(/<tr><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/td><td>Hanne<\/td><td>Mother: individual well-being<\/td><td>5<\/td><td>6.2<\/td><\/tr>/);
    const csv = (await c.get("/export.csv")).body.split("\n");
    expect(csv[0]).toBe("subject_id,administered_on,respondent,instrument,item,value");
    expect(csv).toContain("S1,2026-04-01,mother,ors,ors_1,6.2");
    expect(csv).toContain("S1,2026-04-08,health_visitor,ors,ors_4,6.5");
    expect(csv.filter((l) => l.startsWith("S1,")).length).toBe(2 * (4 + 4 + 4));
  });
});

describe("import, export and a child who rates", () => {
  let app: AppProcess;
  let c: Client;
  beforeAll(async () => {
    app = await spawnApp(join(dir, "import.sqlite"));
    c = await Client.signIn(app, "Importer");
  });
  afterAll(async () => {
    await app.stop();
  });

  const header = "subject_id,administered_on,respondent,instrument,item,value\n";
  const rows = (subject: string, date: string, respondent: string, inst: string, values: string[]) => values.map((v, i) => `${subject},${date},${respondent},${inst},${inst}_${i + 1},${v}\n`).join("");

  it("refuses a file with an error in a FIT answer, naming row and column, and imports nothing", async () => {
    const bad = header + rows("IM1", "2026-01-05", "mother", "ors", ["5", "5", "5", "5"]) + rows("IM2", "2026-01-05", "mother", "srs", ["9", "12", "9", "9"]);
    const r = await c.upload("/import", "file", "fit.csv", bad);
    expect(r.status).toBe(422);
    expect(r.body).toContain("Nothing was imported: the file has problems.");
    // the message of `trivsel validate` on the same file, word for word: srs_2 is on row 7
    expect(r.body).toContain("fit.csv, row 7, column srs_2: error [out_of_range] srs_2: &quot;12&quot; is out of range; expected a number from 0 to 10 in steps of 0.1");
    expect((await c.get("/export.csv")).body).toBe(header);
  });

  it("imports a long file, exports it as the same rows, and a second import changes nothing", async () => {
    const good = header + rows("IM1", "05-01-2026", "mother", "ors", ["5", "5.5", "6", "4"]) + rows("IM1", "2026-01-05", "mother", "srs", ["9", "9", "9", "8.5"]) + rows("IM1", "2026-01-12", "father", "ors", ["7", "7", "7", "7"]) + rows("IM1", "2026-01-12", "mother", "pss", ["1", "2"]);
    const r = await c.upload("/import", "file", "fit.csv", good);
    expect(r.status).toBe(200);
    expect(r.body).toContain("Imported: 1 new families, 2 new sessions, 0 sessions corrected, 12 values read.");
    const csv = (await c.get("/export.csv")).body;
    expect(csv).toBe(header + rows("IM1", "2026-01-05", "mother", "ors", ["5", "5.5", "6", "4"]) + rows("IM1", "2026-01-05", "mother", "srs", ["9", "9", "9", "8.5"]) + rows("IM1", "2026-01-12", "father", "ors", ["7", "7", "7", "7"]));
    const again = await c.upload("/import", "file", "fit.csv", good);
    expect(again.body).toContain("Imported: 0 new families, 0 new sessions, 0 sessions corrected, 12 values read.");
    expect((await c.get("/export.csv")).body).toBe(csv);
  });

  it("analyses a child's CORS and CSRS with their own definitions, in a chart of their own", async () => {
    expect((await c.post("/families", { subjectId: "CH1" })).status).toBe(303);
    expect((await c.post("/f/CH1/session", { date: "2026-02-02", ...lines("child", "cors", "8"), ...lines("child", "csrs", "9"), ...lines("mother", "ors", "6") })).status).toBe(303);
    expect((await c.post("/f/CH1/session", { date: "2026-02-09", ...lines("child", "cors", "6.5"), ...lines("child", "csrs", "7"), ...lines("mother", "ors", "6") })).status).toBe(303);
    const page = await c.get("/f/CH1");
    // CORS 26 is 6 below the child's intake 32; CSRS has no cutoff band, so only the drop is an alert
    expect(page.body).toContain("<strong>Child:</strong> Well-being 26 is 6 points below the first session (32); a reliable change is 5 points.");
    expect(page.body).toContain("<strong>Child:</strong> Session rating dropped from 36 to 28.");
    expect(page.body).not.toMatch(/<strong>Child:<\/strong> Session rating 28 is below/);
    expect(page.body.match(/<figure class="fitchart"><svg/g)?.length).toBe(2);
  });
});

describe("deleting a session and a family", () => {
  let app: AppProcess;
  let c: Client;
  const auth = () => `trivsel_auth_${app.port}=${c.cookies.get(`trivsel_auth_${app.port}`)}`;
  const exported = async () => (await c.get("/export.csv")).body;
  beforeAll(async () => {
    app = await spawnApp(join(dir, "delete.sqlite"));
    c = await Client.signIn(app, "Hanne");
    expect((await c.post("/families", { subjectId: "DEL1" })).status).toBe(303);
    // entered on the wrong date first: the session of 2026-05-01 is a mistake
    expect((await c.post("/f/DEL1/session", { date: "2026-05-01", workPoints: "Mistaken plan", ...lines("mother", "ors", "5"), ...lines("mother", "srs", "9.5"), ...lines("father", "ors", "6") })).status).toBe(303);
    expect((await c.post("/f/DEL1/session", { date: "2026-05-08", workPoints: "Real plan", ...lines("mother", "ors", "3"), ...lines("mother", "srs", "9") })).status).toBe(303);
  });
  afterAll(async () => {
    await app.stop();
  });

  it("the session page links to a confirmation that shows the date, raters, totals and work points, and deletes nothing", async () => {
    const s = await c.get("/f/DEL1/session?date=2026-05-01");
    expect(s.body).toContain('<a class="button danger" href="/f/DEL1/session/delete?date=2026-05-01">Delete session</a>');
    // a new session has nothing to delete
    expect((await c.get("/f/DEL1/session?date=2026-06-01")).body).not.toContain("Delete session");
    const confirm = await c.get("/f/DEL1/session/delete?date=01-05-2026");
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain("<h1>Family DEL1 · Delete the session of 2026-05-01?</h1>");
    // in the form's order of raters
    expect(confirm.body).toContain(
      '<tbody><tr><td>Mother</td><td>ORS</td><td class="num">4</td><td class="num">20</td></tr><tr><td>Mother</td><td>SRS</td><td class="num">4</td><td class="num">38</td></tr><tr><td>Father</td><td>ORS</td><td class="num">4</td><td class="num">24</td></tr></tbody>',
    );
    expect(confirm.body).toContain('<dd class="wp">Mistaken plan</dd>');
    expect(confirm.body).toMatch(/<form method="post" action="\/f\/DEL1\/session\/delete" class="inline-actions">\s*<input type="hidden" name="_csrf" value="[\w-]+">\s*<input type="hidden" name="session" value="\d+">/);
    expect(await exported()).toContain("DEL1,2026-05-01,");
    // a GET to the post's address is not a deletion either
    expect((await c.get("/f/DEL1/session/delete")).status).toBe(404);
    expect(await exported()).toContain("DEL1,2026-05-01,");
  });

  it("gives a clear 404 for an unknown family, date or session", async () => {
    const fam = await c.get("/f/NOPE/session/delete?date=2026-05-01");
    expect(fam.status).toBe(404);
    expect(fam.body).toContain("There is no family with id NOPE. It may have been deleted.");
    const date = await c.get("/f/DEL1/session/delete?date=2026-05-02");
    expect(date.status).toBe(404);
    expect(date.body).toContain("Family DEL1 has no session of 2026-05-02. It may have been deleted.");
    expect((await c.get("/f/NOPE")).body).toContain("There is no family with id NOPE.");
    expect((await c.get("/f/NOPE/delete")).status).toBe(404);
    expect((await c.post("/f/DEL1/session/delete", { session: "99999" })).status).toBe(404);
    expect((await c.post("/f/NOPE/session/delete", { session: "1" })).status).toBe(404);
    expect((await c.post("/f/NOPE/delete", { confirm: "NOPE" })).status).toBe(404);
  });

  it("refuses the deletion without the CSRF token, with a wrong one, or from a foreign origin", async () => {
    const id = /name="session" value="(\d+)"/.exec((await c.get("/f/DEL1/session/delete?date=2026-05-01")).body)![1]!;
    expect((await c.post("/f/DEL1/session/delete", { session: id, _csrf: "wrong" })).status).toBe(403);
    const none = await http(app.port, { method: "POST", path: "/f/DEL1/session/delete", body: `session=${id}`, headers: { cookie: auth(), origin: app.base, "content-type": "application/x-www-form-urlencoded" } });
    expect(none.status).toBe(403);
    expect((await c.post("/f/DEL1/session/delete", { session: id }, { origin: "http://evil.example" })).status).toBe(403);
    expect(await exported()).toContain("DEL1,2026-05-01,");
  });

  it("deletes the session: out of the table, chart, alerts, numbering, export and `trivsel fit`; the family page says who deleted it and keeps its values", async () => {
    const before = await c.get("/f/DEL1");
    // mother's ORS 12 is 8 below the first session's 20
    expect(before.body).toContain("<strong>Mother:</strong> Well-being 12 is 8 points below the first session (20)");
    expect(before.body).toContain("Session: 2; score: 12");
    const id = /name="session" value="(\d+)"/.exec((await c.get("/f/DEL1/session/delete?date=2026-05-01")).body)![1]!;
    const r = await c.post("/f/DEL1/session/delete", { session: id });
    expect(r.status).toBe(303);
    expect(r.headers.location).toMatch(/^\/f\/DEL1\?deletedSession=\d+#deleted$/);
    const page = await c.get(r.headers.location as string);
    expect(page.body).toContain("The session of 2026-05-01 was deleted. Its values are kept under Deleted sessions below.");
    expect(page.body).toMatch(/<summary>Session 2026-05-01: deleted \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by Hanne<\/summary>/);
    expect(page.body).toMatch(/<tr><td>[\d: -]+<\/td><td>Hanne<\/td><td>Work points for the coming week<\/td><td>Mistaken plan<\/td><td>\(empty\)<\/td><\/tr>/);
    expect(page.body).toMatch(/<tr><td>[\d: -]+<\/td><td>Hanne<\/td><td>Father: individual well-being<\/td><td>6<\/td><td>\(empty\)<\/td><\/tr>/);
    // the session of 2026-05-08 is now the first: no alert, numbered 1, alone in the table
    expect(page.body).not.toContain("below the first session");
    expect(page.body).toContain("Session: 1; score: 12");
    expect(page.body).not.toContain("Session: 2;");
    expect(page.body).not.toContain('href="/f/DEL1/session?date=2026-05-01"');
    expect(page.body).not.toContain("<dd>Mistaken plan</dd>");
    // the notice comes from the record: another number shows none
    expect((await c.get("/f/DEL1?deletedSession=999")).body).not.toContain("was deleted");
    const csv = await exported();
    expect(csv).not.toContain("DEL1,2026-05-01,");
    expect(csv).toContain("DEL1,2026-05-08,mother,ors,ors_1,3\n");
    writeFileSync(join(dir, "after-delete.csv"), csv);
    const fit = await inProc(["fit", "after-delete.csv", "--quiet"], dir);
    expect(fit.code).toBe(0);
    expect(fit.out).toContain("2026-05-08");
    expect(fit.out).not.toContain("2026-05-01");
    // sent again, it finds nothing to delete
    const again = await c.post("/f/DEL1/session/delete", { session: id });
    expect(again.status).toBe(404);
    expect(again.body).toContain("This session of family DEL1 no longer exists. It may have been deleted.");
  });

  it("deletes a family only when its id is typed; the front page lists the deletion; the id can be used again", async () => {
    expect((await c.post("/families", { subjectId: "TYPO-7" })).status).toBe(303);
    expect((await c.post("/f/TYPO-7/session", { date: "2026-05-01", workPoints: "x", ...lines("mother", "ors", "5") })).status).toBe(303);
    expect((await c.post("/f/TYPO-7/session", { date: "2026-05-08", ...lines("mother", "ors", "5") })).status).toBe(303);
    expect((await c.get("/f/TYPO-7")).body).toContain('<a class="button danger" href="/f/TYPO-7/delete">Delete family</a>');
    const confirm = await c.get("/f/TYPO-7/delete");
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain("<h1>Delete family TYPO-7?</h1>");
    expect(confirm.body).toContain("Family TYPO-7 will be deleted with its 2 sessions");
    expect(confirm.body).toContain('<label for="confirm">Type the family id, TYPO-7, to confirm</label>');
    for (const typed of ["", "typo-7", "TYPO-", "DEL1"]) {
      const r = await c.post("/f/TYPO-7/delete", { confirm: typed });
      expect(r.status, typed).toBe(422);
      expect(r.body).toContain("Nothing was deleted: type the family id exactly as shown (TYPO-7).");
    }
    expect((await c.post("/f/TYPO-7/delete", { confirm: "TYPO-7", _csrf: "wrong" })).status).toBe(403);
    const none = await http(app.port, { method: "POST", path: "/f/TYPO-7/delete", body: "confirm=TYPO-7", headers: { cookie: auth(), origin: app.base, "content-type": "application/x-www-form-urlencoded" } });
    expect(none.status).toBe(403);
    expect(await exported()).toContain("TYPO-7,2026-05-08,");
    const r = await c.post("/f/TYPO-7/delete", { confirm: " TYPO-7 " });
    expect(r.status).toBe(303);
    expect(r.headers.location).toMatch(/^\/\?deletedFamily=\d+$/);
    const home = await c.get(r.headers.location as string);
    expect(home.body).toContain("<p>Family TYPO-7 and its 2 sessions were deleted.</p>");
    expect(home.body).toContain('<h2 id="delfam-h">Deleted families</h2>');
    expect(home.body).toMatch(/<tr><td>TYPO-7<\/td><td class="num">2<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/td><td>Hanne<\/td><\/tr>/);
    expect(home.body).not.toContain('href="/f/TYPO-7"');
    expect((await c.get("/?deletedFamily=12345")).body).not.toContain("were deleted.");
    expect((await c.get("/f/TYPO-7")).status).toBe(404);
    expect(await exported()).not.toContain("TYPO-7");
    expect((await c.post("/f/TYPO-7/delete", { confirm: "TYPO-7" })).status).toBe(404);
    expect((await c.post("/families", { subjectId: "TYPO-7" })).status).toBe(303);
    expect((await c.get("/f/TYPO-7")).body).not.toContain("2026-05-08");
  });
});

describe("in Danish", () => {
  it("says everything in Danish, takes and shows decimal commas", async () => {
    const app = await spawnApp(join(dir, "da.sqlite"), "da");
    try {
      const c = await Client.signIn(app, "Mette");
      expect((await c.get("/")).body).toContain("<h1>Familier</h1>");
      expect((await c.post("/families", { subjectId: "DK1" })).status).toBe(303);
      const bad = await c.post("/f/DK1/session", { date: "31-02-2026", ...lines("mother", "ors", ["5,5", "10,5", "5", "5"]) });
      expect(bad.status).toBe(422);
      expect(bad.body).toContain('id="e-date">Ikke en dato; skriv den som 01-03-2026 eller 2026-03-01.</span>');
      expect(bad.body).toContain('id="e-r.mother.ors_2">Uden for skalaen; forventet et tal fra 0 til 10 i trin på 0,1.</span>');
      expect((await c.post("/f/DK1/session", { date: "02-03-2026", workPoints: "Gåtur", ...lines("mother", "ors", ["5,5", "6", "5", "5"]) })).status).toBe(303);
      const page = await c.get("/f/DK1/session?date=2026-03-02&saved=0");
      expect(page.body).toContain('<html lang="da">');
      expect(page.body).toContain("<p>Gemt.</p>");
      expect(page.body).toContain('<a class="button danger" href="/f/DK1/session/delete?date=2026-03-02">Slet session</a>');
      expect((await c.get("/f/DK1/delete")).body).toContain("Familie DK1 slettes med sin ene session");
      expect(page.body).toContain('name="r.mother.ors_1" class="val" inputmode="decimal" autocomplete="off" size="4" value="5,5"');
      expect(page.body).toContain('<td class="num">21,5</td>');
      expect(page.body).toContain('<p class="total">I alt: <strong>21,5</strong></p>');
      expect((await c.get("/export.csv")).body).toContain("DK1,2026-03-02,mother,ors,ors_1,5.5\n");
    } finally {
      await app.stop();
    }
  });
});

describe("kill -9 during a burst of 200 saves", () => {
  it("loses no session whose save was answered, and the file still opens", async () => {
    const db = join(dir, "burst.sqlite");
    const app = await spawnApp(db);
    const c = await Client.signIn(app, "Burst");
    expect((await c.post("/families", { subjectId: "B1" })).status).toBe(303);
    const answered: string[] = [];
    const dates = Array.from({ length: 200 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
    let next = 0;
    let killed = false;
    // four saves in flight at once; the app is killed as soon as 80 have been answered
    const worker = async () => {
      while (next < dates.length) {
        const date = dates[next++]!;
        try {
          const r = await c.post("/f/B1/session", { date, workPoints: `wp ${date}`, ...lines("mother", "ors", "5"), ...lines("father", "ors", "6") });
          if (r.status === 303) answered.push(date);
          else throw new Error(`save ${date}: ${r.status}`);
        } catch (e) {
          if (!killed) throw e;
          return;
        }
        if (answered.length >= 80 && !killed) {
          killed = true;
          app.proc.kill("SIGKILL");
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(await app.stop()).toBe(null);
    expect(killed).toBe(true);
    expect(answered.length).toBeGreaterThanOrEqual(80);
    expect(answered.length).toBeLessThan(200);
    expect(readFileSync(db).subarray(0, 16).toString("latin1")).toBe("SQLite format 3\0");
    // the lock left by the killed app is taken over
    const again = await spawnApp(db);
    try {
      const c2 = await Client.signIn(again, "After");
      const csv = (await c2.get("/export.csv")).body;
      const saved = new Set(csv.split("\n").slice(1).filter(Boolean).map((l) => l.split(",")[1]));
      for (const d of answered) expect(saved.has(d), d).toBe(true);
      // every saved session is whole: 8 lines
      const perDate = new Map<string, number>();
      for (const l of csv.split("\n").slice(1).filter(Boolean)) perDate.set(l.split(",")[1]!, (perDate.get(l.split(",")[1]!) ?? 0) + 1);
      for (const n of perDate.values()) expect(n).toBe(8);
    } finally {
      await again.stop();
    }
  });
});
