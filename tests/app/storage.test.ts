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
import { SCHEMA_VERSION } from "../../src/app/storage/migrations.js";
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
    expect((await sqlite(f, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).flat()).toEqual(["families", "history", "ratings", "sessions"]);
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
