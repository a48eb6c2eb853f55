/**
 * The app's storage and files (issue #12), in-process: the SQLite file, its schema version and lock, the
 * history of corrections, backup, and import/export as the files every trivsel command reads.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { longCsv, readFitCsv } from "../../src/app/csv.js";
import { SqliteStore, backupDatabase } from "../../src/app/storage/sqlite.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/app/storage/migrations.js";
import { defaultRegistry } from "../../src/registry/registry.js";
import { inProc, ROOT } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "trivsel-app-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const registry = defaultRegistry();
const ors = (respondent: string, v: number[]) => v.map((value, i) => ({ respondent, instrument: "ors", item: `ors_${i + 1}`, value }));

async function sqlite(file: string, sql: string): Promise<unknown[][]> {
  const init = (await import("sql.js")).default as unknown as () => Promise<{ Database: new (b: Uint8Array) => { exec(s: string): { values: unknown[][] }[]; close(): void } }>;
  const SQL = await init();
  const db = new SQL.Database(readFileSync(file));
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

describe("the database file", () => {
  it("is created on first open as an SQLite file of the current schema version, mode 0600", async () => {
    const f = join(dir, "new.sqlite");
    const s = await SqliteStore.open(f);
    await s.close();
    expect(readFileSync(f).subarray(0, 16).toString("latin1")).toBe("SQLite format 3\0");
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(await sqlite(f, "PRAGMA user_version")).toEqual([[SCHEMA_VERSION]]);
    expect((await sqlite(f, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).flat()).toEqual(["deleted_families", "deleted_sessions", "families", "history", "ratings", "sessions"]);
  });

  it("refuses a file that is not an SQLite database and leaves it as it was", async () => {
    const f = join(dir, "notes.sqlite");
    writeFileSync(f, "subject_id,administered_on\n");
    await expect(SqliteStore.open(f)).rejects.toThrow("exists and is not an SQLite database; trivsel will not overwrite it");
    expect(readFileSync(f, "utf8")).toBe("subject_id,administered_on\n");
  });

  it("refuses another program's SQLite database and leaves it as it was", async () => {
    const f = join(dir, "other.sqlite");
    const init = (await import("sql.js")).default as unknown as () => Promise<{ Database: new () => { exec(s: string): unknown; export(): Uint8Array; close(): void } }>;
    const other = new (await init()).Database();
    other.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me')");
    writeFileSync(f, other.export());
    other.close();
    const before = readFileSync(f);
    await expect(SqliteStore.open(f)).rejects.toThrow("is an SQLite database of another program (it has tables but no trivsel schema); trivsel will not change it");
    expect(readFileSync(f).equals(before)).toBe(true);
    expect(await sqlite(f, "SELECT text FROM notes")).toEqual([["keep me"]]);
  });

  it("refuses a database made by a newer trivsel", async () => {
    const f = join(dir, "newer.sqlite");
    const s = await SqliteStore.open(f);
    await s.close();
    const init = (await import("sql.js")).default as unknown as () => Promise<{ Database: new (b: Uint8Array) => { exec(s: string): unknown; export(): Uint8Array; close(): void } }>;
    const db = new (await init()).Database(readFileSync(f));
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    writeFileSync(f, db.export());
    db.close();
    await expect(SqliteStore.open(f)).rejects.toThrow(`schema version ${SCHEMA_VERSION + 1}, made by a newer trivsel`);
  });

  it("is used by one app at a time; a lock left by a killed app is taken over", async () => {
    const f = join(dir, "locked.sqlite");
    const a = await SqliteStore.open(f);
    await expect(SqliteStore.open(f)).rejects.toThrow(`is in use by another trivsel app (process ${process.pid})`);
    await a.close();
    // a process that has ended leaves its pid in the lock
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writeFileSync(`${f}.lock`, dead);
    const b = await SqliteStore.open(f);
    expect(readFileSync(`${f}.lock`, "utf8")).toBe(String(process.pid));
    await b.close();
  });
});

describe("sessions and corrections", () => {
  it("keeps every changed, added and removed value with the old value, when and by whom", async () => {
    const s = await SqliteStore.open(join(dir, "hist.sqlite"));
    const f = await s.createFamily({ subjectId: "H1", birthDate: "2026-01-05", phase: null }, "Ann");
    await expect(s.createFamily({ subjectId: "H1", birthDate: null, phase: null }, "Ann")).rejects.toThrow("a family with id H1 already exists");
    const first = await s.saveSession({ familyId: f.id, date: "2026-02-01", workPoints: "sleep", ratings: [...ors("mother", [5, 5, 5, 5]), ...ors("father", [6, 6, 6, 6])] }, "Ann");
    expect(first).toMatchObject({ created: true, changes: 0 });
    const again = await s.saveSession({ familyId: f.id, date: "2026-02-01", workPoints: "sleep", ratings: [...ors("mother", [5, 5, 5, 5]), ...ors("father", [6, 6, 6, 6])] }, "Bo");
    expect(again.changes).toBe(0);
    const fixed = await s.saveSession({ familyId: f.id, date: "2026-02-01", workPoints: "sleep and food", ratings: [...ors("mother", [5.3, 5, 5, 5])] }, "Bo");
    expect(fixed).toMatchObject({ created: false, changes: 6 });
    expect(fixed.session.ratings.map((r) => `${r.respondent}.${r.item}=${r.value}`)).toEqual(["mother.ors_1=5.3", "mother.ors_2=5", "mother.ors_3=5", "mother.ors_4=5"]);
    expect(fixed.session.updatedBy).toBe("Bo");
    const h = await s.history(fixed.session.id);
    expect(h.map((e) => [e.respondent, e.item, e.oldValue, e.newValue, e.changedBy])).toEqual([
      ["", "work_points", "sleep", "sleep and food", "Bo"],
      ["father", "ors_4", "6", null, "Bo"],
      ["father", "ors_3", "6", null, "Bo"],
      ["father", "ors_2", "6", null, "Bo"],
      ["father", "ors_1", "6", null, "Bo"],
      ["mother", "ors_1", "5", "5.3", "Bo"],
    ]);
    expect(h[0]!.changedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await s.listFamilies()).toEqual([{ id: f.id, subjectId: "H1", birthDate: "2026-01-05", phase: null, sessions: 1, lastDate: "2026-02-01" }]);
    await s.close();
  });

  it("a transaction that fails leaves neither the database nor the file changed", async () => {
    const file = join(dir, "tx.sqlite");
    const s = await SqliteStore.open(file);
    const f = await s.createFamily({ subjectId: "T1", birthDate: null, phase: null }, "Ann");
    const before = readFileSync(file);
    await expect(s.importSessions([{ subjectId: "T2", date: "2026-01-01", ratings: ors("mother", [1, 2, 3, 4]) }, { subjectId: "T3", date: "2026-01-01", ratings: [{ respondent: "mother", instrument: "ors", item: "ors_1", value: Number.NaN }] }], "Ann")).rejects.toThrow();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect((await s.listFamilies()).map((x) => x.subjectId)).toEqual(["T1"]);
    expect(await s.sessions(f.id)).toEqual([]);
    await s.close();
  });
});

describe("deleting", () => {
  const srs = (respondent: string, v: number[]) => v.map((value, i) => ({ respondent, instrument: "srs", item: `srs_${i + 1}`, value }));

  it("a deleted session leaves the sessions, the export and the analysis; its values and corrections stay in its history", async () => {
    const file = join(dir, "del-session.sqlite");
    const s = await SqliteStore.open(file);
    const f = await s.createFamily({ subjectId: "D1", birthDate: null, phase: null }, "Ann");
    const keep = await s.saveSession({ familyId: f.id, date: "2026-02-01", workPoints: "walks", ratings: ors("mother", [5, 5, 5, 5]) }, "Ann");
    const wrong = await s.saveSession({ familyId: f.id, date: "2026-02-08", workPoints: "wrong family", ratings: [...ors("mother", [3, 3, 3, 3]), ...srs("mother", [9, 9, 9, 9.5])] }, "Ann");
    await s.saveSession({ familyId: f.id, date: "2026-02-08", workPoints: "wrong family", ratings: [...ors("mother", [3.2, 3, 3, 3]), ...srs("mother", [9, 9, 9, 9.5])] }, "Bo");
    const del = await s.deleteSession(wrong.session.id, "Cai");
    expect(del).toMatchObject({ familyId: f.id, sessionId: wrong.session.id, date: "2026-02-08", deletedBy: "Cai" });
    expect(del.deletedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // the deletion, newest first: every value as old → null, the work points too; then the earlier correction
    expect(del.history.map((e) => [e.respondent, e.instrument, e.item, e.oldValue, e.newValue, e.changedBy])).toEqual([
      ["", "", "work_points", "wrong family", null, "Cai"],
      ["mother", "srs", "srs_4", "9.5", null, "Cai"],
      ["mother", "srs", "srs_3", "9", null, "Cai"],
      ["mother", "srs", "srs_2", "9", null, "Cai"],
      ["mother", "srs", "srs_1", "9", null, "Cai"],
      ["mother", "ors", "ors_4", "3", null, "Cai"],
      ["mother", "ors", "ors_3", "3", null, "Cai"],
      ["mother", "ors", "ors_2", "3", null, "Cai"],
      ["mother", "ors", "ors_1", "3.2", null, "Cai"],
      ["mother", "ors", "ors_1", "3", "3.2", "Bo"],
    ]);
    expect(del.history.every((e) => e.sessionId === wrong.session.id)).toBe(true);
    expect(del.history[0]!.changedAt).toBe(del.deletedAt);
    expect(await s.deletedSessions(f.id)).toEqual([del]);
    expect((await s.sessions(f.id)).map((x) => x.date)).toEqual(["2026-02-01"]);
    expect((await s.exportRows()).map((r) => r.date)).toEqual(["2026-02-01", "2026-02-01", "2026-02-01", "2026-02-01"]);
    expect(await s.listFamilies()).toMatchObject([{ subjectId: "D1", sessions: 1, lastDate: "2026-02-01" }]);
    expect(await s.history(keep.session.id)).toEqual([]);
    // a new session takes the freed number, but not the deleted session's history
    const again = await s.saveSession({ familyId: f.id, date: "2026-02-08", workPoints: "", ratings: ors("mother", [6, 6, 6, 6]) }, "Ann");
    expect(again.created).toBe(true);
    expect(await s.history(again.session.id)).toEqual([]);
    expect((await s.deletedSessions(f.id))[0]!.history).toHaveLength(10);
    await expect(s.deleteSession(9999, "Cai")).rejects.toMatchObject({ code: "no_such_session" });
    await s.close();
    expect(await sqlite(file, "PRAGMA foreign_key_check")).toEqual([]);
  });

  it("a deleted family leaves only a record of its id, its number of sessions, when and by whom; nothing of its data stays in the file", async () => {
    const file = join(dir, "del-family.sqlite");
    const s = await SqliteStore.open(file);
    const other = await s.createFamily({ subjectId: "KEEP1", birthDate: null, phase: null }, "Ann");
    await s.saveSession({ familyId: other.id, date: "2026-02-01", workPoints: "other family's plan", ratings: ors("mother", [5, 5, 5, 5]) }, "Ann");
    const f = await s.createFamily({ subjectId: "TYPO1", birthDate: "2025-12-24", phase: "intensive" }, "Ann");
    await s.saveSession({ familyId: f.id, date: "2026-02-01", workPoints: "Zebra-secret plan", ratings: ors("mother", [7.7, 7, 7, 7]) }, "Ann");
    await s.saveSession({ familyId: f.id, date: "2026-02-01", workPoints: "Zebra-secret plan, corrected", ratings: ors("mother", [7.7, 7, 7, 7]) }, "Ann");
    const gone = await s.saveSession({ familyId: f.id, date: "2026-02-08", workPoints: "Yak-secret plan", ratings: ors("father", [4, 4, 4, 4]) }, "Ann");
    await s.saveSession({ familyId: f.id, date: "2026-02-15", workPoints: "", ratings: ors("father", [4, 4, 4, 4]) }, "Ann");
    await s.deleteSession(gone.session.id, "Ann");
    const del = await s.deleteFamily(f.id, "Bo");
    expect(del).toMatchObject({ subjectId: "TYPO1", sessions: 2, deletedBy: "Bo" });
    expect(await s.deletedFamilies()).toEqual([del]);
    expect(await s.getFamily("TYPO1")).toBe(null);
    expect((await s.listFamilies()).map((x) => x.subjectId)).toEqual(["KEEP1"]);
    expect(new Set((await s.exportRows()).map((r) => r.subjectId))).toEqual(new Set(["KEEP1"]));
    await expect(s.deleteFamily(f.id, "Bo")).rejects.toMatchObject({ code: "no_such_family" });
    // the id can be used again, for a family that starts empty
    const fresh = await s.createFamily({ subjectId: "TYPO1", birthDate: null, phase: null }, "Ann");
    expect(await s.sessions(fresh.id)).toEqual([]);
    expect(await s.deletedSessions(fresh.id)).toEqual([]);
    await s.close();
    const count = async (sql: string) => (await sqlite(file, sql))[0]![0];
    expect(await count("SELECT COUNT(*) FROM sessions")).toBe(1);
    expect(await count("SELECT COUNT(*) FROM ratings")).toBe(4);
    expect(await count("SELECT COUNT(*) FROM history")).toBe(0);
    expect(await count("SELECT COUNT(*) FROM deleted_sessions")).toBe(0);
    expect(await sqlite(file, "SELECT subject_id, sessions, deleted_by FROM deleted_families")).toEqual([["TYPO1", 2, "Bo"]]);
    expect(await sqlite(file, "PRAGMA foreign_key_check")).toEqual([]);
    // deleted rows are overwritten (secure_delete), not left in free pages of the file
    const bytes = readFileSync(file).toString("latin1");
    for (const text of ["Zebra-secret", "Yak-secret", "2025-12-24", "intensive"]) expect(bytes, text).not.toContain(text);
    expect(bytes).toContain("other family's plan");
  });

  it("a database of schema version 1 opens, keeps its data and history, and its sessions can then be deleted", async () => {
    const file = join(dir, "v1.sqlite");
    const init = (await import("sql.js")).default as unknown as () => Promise<{ Database: new () => { exec(s: string): unknown; export(): Uint8Array; close(): void } }>;
    const v1 = new (await init()).Database();
    v1.exec(MIGRATIONS[0]!);
    v1.exec(`INSERT INTO families VALUES (1, 'OLD1', NULL, NULL, '2025-01-01T00:00:00.000Z', 'Ann');
      INSERT INTO sessions VALUES (1, 1, '2025-01-06', 'plan', '2025-01-06T10:00:00.000Z', 'Ann', '2025-01-07T10:00:00.000Z', 'Bo'),
                                  (2, 1, '2025-01-13', '', '2025-01-13T10:00:00.000Z', 'Ann', '2025-01-13T10:00:00.000Z', 'Ann');
      INSERT INTO ratings VALUES (1, 'mother', 'ors', 'ors_1', 5), (1, 'mother', 'ors', 'ors_2', 5), (1, 'mother', 'ors', 'ors_3', 5), (1, 'mother', 'ors', 'ors_4', 5.5),
                                 (2, 'mother', 'ors', 'ors_1', 6), (2, 'mother', 'ors', 'ors_2', 6), (2, 'mother', 'ors', 'ors_3', 6), (2, 'mother', 'ors', 'ors_4', 6);
      INSERT INTO history VALUES (1, 1, 'mother', 'ors', 'ors_4', '5', '5.5', '2025-01-07T10:00:00.000Z', 'Bo');
      PRAGMA user_version = 1;`);
    writeFileSync(file, v1.export());
    v1.close();
    const before = readFileSync(file);
    const s = await SqliteStore.open(file);
    expect(readFileSync(`${file}.v1.bak`).equals(before)).toBe(true);
    const f = (await s.getFamily("OLD1"))!;
    const sessions = await s.sessions(f.id);
    expect(sessions.map((x) => [x.date, x.ratings.length, x.workPoints])).toEqual([["2025-01-06", 4, "plan"], ["2025-01-13", 4, ""]]);
    expect((await s.history(1)).map((e) => [e.item, e.oldValue, e.newValue, e.changedBy])).toEqual([["ors_4", "5", "5.5", "Bo"]]);
    const del = await s.deleteSession(1, "Cai");
    expect(del.history.map((e) => [e.item, e.oldValue, e.newValue, e.changedBy])).toEqual([
      ["work_points", "plan", null, "Cai"],
      ["ors_4", "5.5", null, "Cai"],
      ["ors_3", "5", null, "Cai"],
      ["ors_2", "5", null, "Cai"],
      ["ors_1", "5", null, "Cai"],
      ["ors_4", "5", "5.5", "Bo"],
    ]);
    await s.close();
    expect(await sqlite(file, "PRAGMA user_version")).toEqual([[SCHEMA_VERSION]]);
    expect(await sqlite(file, "PRAGMA foreign_key_check")).toEqual([]);
    expect(await sqlite(file, "PRAGMA integrity_check")).toEqual([["ok"]]);
    // a row tied to both a session and a deleted session, or to neither, is refused by the schema
    await expect(sqlite(file, "INSERT INTO history (respondent, instrument, item, changed_at, changed_by) VALUES ('', '', 'x', '', '')")).rejects.toThrow(/CHECK constraint failed/);
  });
});

describe("backup", () => {
  it("copies the database consistently, mode 0600, and `trivsel db backup` says what it wrote", async () => {
    const file = join(dir, "b.sqlite");
    const s = await SqliteStore.open(file);
    const f = await s.createFamily({ subjectId: "K1", birthDate: null, phase: null }, "Ann");
    await s.saveSession({ familyId: f.id, date: "2026-02-01", workPoints: "", ratings: ors("mother", [5, 5, 5, 5]) }, "Ann");
    // while the store is open, as while the app runs
    const r = await inProc(["db", "backup", "copy.sqlite", "--db", "b.sqlite"], dir);
    expect(r).toMatchObject({ code: 0, err: `trivsel db: copy.sqlite written: 1 families, 1 sessions (${statSync(file).size} bytes)\n` });
    expect(statSync(join(dir, "copy.sqlite")).mode & 0o777).toBe(0o600);
    expect(await sqlite(join(dir, "copy.sqlite"), "SELECT subject_id FROM families")).toEqual([["K1"]]);
    await s.close();
    const missing = await inProc(["db", "backup", "x.sqlite", "--db", "nothing.sqlite"], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("nothing.sqlite is not an SQLite database (or does not exist)");
    expect((await inProc(["db", "backup", "b.sqlite", "--db", "b.sqlite"], dir)).code).toBe(1);
    await expect(backupDatabase(join(dir, "nothing.sqlite"), join(dir, "y.sqlite"))).rejects.toThrow("not an SQLite database");
  });
});

describe("import and export: the app's files are the CLI's", () => {
  it("refuses a file with an error in a FIT answer, naming its row, and imports nothing", () => {
    const text = readFileSync(join(ROOT, "datasets/demo-cohort.csv"), "utf8");
    const r = readFitCsv(text, "demo-cohort.csv", registry);
    expect(r.sessions).toEqual([]);
    expect(r.errors).toContain('demo-cohort.csv, row 4325, column ors_2: error [off_step] ors_2: "7.25" is finer than the scale allows; expected a number from 0 to 10 in steps of 0.1');
    expect(r.errors).toContain("demo-cohort.csv, row 1284: error [too_many_missing] ors.total: 1 of 4 items missing (ors_3); every item is required");
  });

  it("a wide file imported and exported gives the same `trivsel fit` table as the file itself", async () => {
    // the demo cohort without its two rows with deliberate ORS errors
    const lines = readFileSync(join(ROOT, "datasets/demo-cohort.csv"), "utf8").split("\n");
    const clean = lines.filter((_, i) => i !== 1283 && i !== 4324).join("\n");
    writeFileSync(join(dir, "cohort.csv"), clean);
    const read = readFitCsv(clean, "cohort.csv", registry);
    expect(read.errors).toEqual([]);
    const s = await SqliteStore.open(join(dir, "cohort.sqlite"));
    const sum = await s.importSessions(read.sessions, "Import");
    expect(sum.sessionsCreated).toBe(read.sessions.length);
    expect(sum.sessionsUpdated).toBe(0);
    writeFileSync(join(dir, "export.csv"), longCsv(await s.exportRows()));
    // importing the same file again changes nothing
    expect(await s.importSessions(read.sessions, "Import")).toMatchObject({ families: 0, sessionsCreated: 0, sessionsUpdated: 0 });
    await s.close();
    const fromFile = await inProc(["fit", "cohort.csv", "--quiet"], dir);
    const fromApp = await inProc(["fit", "export.csv", "--quiet"], dir);
    expect(fromApp.code).toBe(0);
    expect(fromApp.out.split("\n").length).toBeGreaterThan(100);
    // the same rows; the file's order of families differs from the database's (sorted by id)
    const rows = (out: string) => out.split("\n").sort();
    expect(rows(fromApp.out)).toEqual(rows(fromFile.out));
    expect(readFileSync(join(dir, "export.csv"), "utf8").split("\n")[0]).toBe("subject_id,administered_on,respondent,instrument,item,value");
  });
});

describe("the library stays light", () => {
  it("require('trivsel') loads neither the web server nor SQLite nor vega (dist is built by pretest)", () => {
    const loaded = execFileSync(process.execPath, ["-e", "require('./dist/index.cjs'); console.log(Object.keys(require.cache).filter((k) => /node_modules[\\/](hono|@hono|sql\\.js|vega)/.test(k)).length)"], { cwd: ROOT, encoding: "utf8" });
    expect(loaded.trim()).toBe("0");
  });
});
