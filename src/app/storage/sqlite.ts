/**
 * The Store on an SQLite file, through sql.js (SQLite compiled to WebAssembly: nothing to compile on
 * install). sql.js keeps the database in memory, so after every committed transaction the whole database is
 * written to a temporary file beside the target, fsynced and renamed over it: the file on disk is always a
 * complete, consistent SQLite database (which the sqlite3 shell opens), and a session whose save was answered
 * survives a kill -9. A lock file keeps a second app from writing the same file.
 */
import { closeSync, existsSync, fchmodSync, fsyncSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Database, SqlValue } from "sql.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { StoreError, type DeletedFamily, type DeletedSession, type Family, type FamilySummary, type HistoryEntry, type ImportSession, type ImportSummary, type LongRow, type Rating, type Session, type SessionInput, type Store } from "./store.js";

const SQLITE_HEADER = "SQLite format 3\0";

type SqlJs = Awaited<ReturnType<typeof import("sql.js")["default"]>>;
let sqlJs: Promise<SqlJs> | undefined;
async function loadSqlJs(): Promise<SqlJs> {
  if (!sqlJs) sqlJs = import("sql.js").then((m) => (m.default as unknown as (c?: object) => Promise<SqlJs>)());
  return sqlJs;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Writes bytes to `path` so that it is at any moment either the old file or the new one, mode 0600. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeAll(fd, bytes);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  // the rename is durable only once the directory is synced
  let dfd: number | undefined;
  try {
    dfd = openSync(dirname(path), "r");
    fsyncSync(dfd);
  } catch {
    // some file systems refuse fsync on a directory; the rename has still happened
  } finally {
    if (dfd !== undefined) closeSync(dfd);
  }
}

/** true when the file starts with SQLite's header (an empty or missing file is not a database) */
export function isSqliteFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.alloc(16);
    return readSync(fd, buf, 0, 16, 0) === 16 && buf.toString("latin1") === SQLITE_HEADER;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** locks this process holds, so a second open in the same process is refused too */
const held = new Set<string>();

/** Takes `<db>.lock`; a lock left by a process that no longer runs (kill -9) is taken over. */
function takeLock(lockPath: string): void {
  if (held.has(lockPath)) throw new StoreError(`${basename(lockPath, ".lock")} is in use by another trivsel app (process ${process.pid}); stop that one first`, "locked");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(lockPath);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid))
        throw new StoreError(`${basename(lockPath, ".lock")} is in use by another trivsel app (process ${pid}); stop that one first`, "locked");
      unlinkSync(lockPath);
    }
  }
  throw new StoreError(`cannot take the lock ${lockPath}`, "locked");
}

function releaseLock(lockPath: string): void {
  held.delete(lockPath);
  try {
    unlinkSync(lockPath);
  } catch {
    // already gone
  }
}

const now = () => new Date().toISOString();
const fmt = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : String(Number(v.toPrecision(12))));
const key = (r: Pick<Rating, "respondent" | "instrument" | "item">) => `${r.respondent}\u0000${r.instrument}\u0000${r.item}`;

export interface SqliteOptions {
  /** false: no lock file (read-only uses such as backup checks) */
  lock?: boolean;
}

export class SqliteStore implements Store {
  private closed = false;
  private constructor(
    private db: Database,
    readonly location: string,
    private readonly lockPath: string | null,
  ) {}

  /** Opens the database file, creating it (mode 0600) if it does not exist, and brings its schema up to date. */
  static async open(file: string, opts: SqliteOptions = {}): Promise<SqliteStore> {
    const path = resolve(file);
    const lockPath = opts.lock === false ? null : `${path}.lock`;
    if (lockPath) takeLock(lockPath);
    try {
      const SQL = await loadSqlJs();
      let db: Database;
      let fresh = false;
      if (existsSync(path) && readFileSync(path).length > 0) {
        if (!isSqliteFile(path)) throw new StoreError(`${file} exists and is not an SQLite database; trivsel will not overwrite it`, "not_a_database");
        db = new SQL.Database(readFileSync(path));
      } else {
        db = new SQL.Database();
        fresh = true;
      }
      const store = new SqliteStore(db, path, lockPath);
      store.settings();
      store.migrate(fresh);
      return store;
    } catch (e) {
      if (lockPath) releaseLock(lockPath);
      throw e;
    }
  }

  private version(): number {
    return Number(this.db.exec("PRAGMA user_version")[0]?.values[0]?.[0] ?? 0);
  }

  private migrate(fresh: boolean): void {
    const from = this.version();
    if (from > SCHEMA_VERSION) throw new StoreError(`${this.location} has schema version ${from}, made by a newer trivsel (this one knows up to ${SCHEMA_VERSION}); update trivsel`, "newer_schema");
    if (from === SCHEMA_VERSION) return;
    // an SQLite file of some other program has tables but no trivsel schema version: it is not ours to change
    if (from === 0 && !fresh && this.db.exec("SELECT name FROM sqlite_master WHERE type = 'table'").length)
      throw new StoreError(`${this.location} is an SQLite database of another program (it has tables but no trivsel schema); trivsel will not change it`, "not_a_database");
    // the file as it was before a migration is kept beside it: a failed or regretted upgrade loses nothing
    if (!fresh) writeFileAtomic(`${this.location}.v${from}.bak`, readFileSync(this.location));
    this.tx(() => {
      for (let v = from; v < SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]!);
      this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    });
  }

  /** Runs fn in a transaction; on success the database file is replaced before this returns. */
  private tx<T>(fn: () => T): T {
    if (this.closed) throw new Error("the database is closed");
    this.db.exec("BEGIN IMMEDIATE");
    let out: T;
    try {
      out = fn();
      this.db.exec("COMMIT");
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
    this.persist();
    return out;
  }

  private persist(): void {
    writeFileAtomic(this.location, this.db.export());
    // export() reopens the database, which resets connection settings
    this.settings();
  }

  /** secure_delete: deleted rows are overwritten, so a deleted family's values do not linger in the file's free pages */
  private settings(): void {
    this.db.exec("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON");
  }

  private all(sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
    const st = this.db.prepare(sql);
    try {
      st.bind(params);
      const rows: Record<string, SqlValue>[] = [];
      while (st.step()) rows.push(st.getAsObject());
      return rows;
    } finally {
      st.free();
    }
  }

  private run(sql: string, params: SqlValue[] = []): void {
    this.db.run(sql, params);
  }

  private lastId(): number {
    return Number(this.db.exec("SELECT last_insert_rowid()")[0]!.values[0]![0]);
  }

  async listFamilies(): Promise<FamilySummary[]> {
    return this.all(
      `SELECT f.id, f.subject_id, f.birth_date, f.phase, COUNT(s.id) AS n, MAX(s.date) AS last
       FROM families f LEFT JOIN sessions s ON s.family_id = f.id GROUP BY f.id ORDER BY f.subject_id`,
    ).map((r) => ({ ...toFamily(r), sessions: Number(r.n), lastDate: (r.last as string | null) ?? null }));
  }

  async getFamily(subjectId: string): Promise<Family | null> {
    const r = this.all("SELECT id, subject_id, birth_date, phase FROM families WHERE subject_id = ?", [subjectId])[0];
    return r ? toFamily(r) : null;
  }

  async createFamily(f: Omit<Family, "id">, by: string): Promise<Family> {
    return this.tx(() => this.insertFamily(f, by));
  }

  private insertFamily(f: Omit<Family, "id">, by: string): Family {
    if (this.all("SELECT 1 FROM families WHERE subject_id = ?", [f.subjectId]).length) throw new StoreError(`a family with id ${f.subjectId} already exists`, "duplicate_family");
    this.run("INSERT INTO families (subject_id, birth_date, phase, created_at, created_by) VALUES (?, ?, ?, ?, ?)", [f.subjectId, f.birthDate, f.phase, now(), by]);
    return { ...f, id: this.lastId() };
  }

  async sessions(familyId: number): Promise<Session[]> {
    const sessions = this.all("SELECT * FROM sessions WHERE family_id = ? ORDER BY date", [familyId]).map(toSession);
    const byId = new Map(sessions.map((s) => [s.id, s]));
    for (const r of this.all(
      "SELECT r.session_id, r.respondent, r.instrument, r.item, r.value FROM ratings r JOIN sessions s ON s.id = r.session_id WHERE s.family_id = ? ORDER BY r.respondent, r.instrument, r.item",
      [familyId],
    ))
      byId.get(Number(r.session_id))?.ratings.push(toRating(r));
    return sessions;
  }

  async saveSession(s: SessionInput, by: string): Promise<{ session: Session; created: boolean; changes: number }> {
    const { id, created, changes } = this.tx(() => this.writeSession(s.familyId, s.date, s.ratings, s.workPoints, by, false));
    const session = (await this.sessions(s.familyId)).find((x) => x.id === id)!;
    return { session, created, changes };
  }

  /**
   * Inserts or updates one session; every changed, added or removed value of an existing session is kept in
   * history. `keepOthers`: ratings not in `ratings` stay (an import adds to a session; the form replaces it).
   */
  private writeSession(familyId: number, date: string, ratings: Rating[], workPoints: string | null, by: string, keepOthers: boolean): { id: number; created: boolean; changes: number } {
    if (!this.all("SELECT 1 FROM families WHERE id = ?", [familyId]).length) throw new StoreError(`no family with number ${familyId}`, "no_such_family");
    const t = now();
    const existing = this.all("SELECT * FROM sessions WHERE family_id = ? AND date = ?", [familyId, date])[0];
    if (!existing) {
      this.run("INSERT INTO sessions (family_id, date, work_points, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)", [familyId, date, workPoints ?? "", t, by, t, by]);
      const id = this.lastId();
      for (const r of ratings) this.run("INSERT INTO ratings (session_id, respondent, instrument, item, value) VALUES (?, ?, ?, ?, ?)", [id, r.respondent, r.instrument, r.item, r.value]);
      return { id, created: true, changes: 0 };
    }
    const id = Number(existing.id);
    const old = new Map(this.all("SELECT respondent, instrument, item, value FROM ratings WHERE session_id = ?", [id]).map((r) => [key(toRating(r)), toRating(r)]));
    const hist = (r: Pick<Rating, "respondent" | "instrument" | "item">, o: string | null, n: string | null) =>
      this.run("INSERT INTO history (session_id, respondent, instrument, item, old_value, new_value, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [id, r.respondent, r.instrument, r.item, o, n, t, by]);
    let changes = 0;
    const seen = new Set<string>();
    for (const r of ratings) {
      const k = key(r);
      seen.add(k);
      const before = old.get(k);
      if (before && fmt(before.value) === fmt(r.value)) continue;
      changes++;
      hist(r, fmt(before?.value), fmt(r.value));
      this.run("INSERT INTO ratings (session_id, respondent, instrument, item, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, respondent, instrument, item) DO UPDATE SET value = excluded.value", [id, r.respondent, r.instrument, r.item, r.value]);
    }
    if (!keepOthers)
      for (const [k, r] of old) {
        if (seen.has(k)) continue;
        changes++;
        hist(r, fmt(r.value), null);
        this.run("DELETE FROM ratings WHERE session_id = ? AND respondent = ? AND instrument = ? AND item = ?", [id, r.respondent, r.instrument, r.item]);
      }
    if (workPoints !== null && workPoints !== existing.work_points) {
      changes++;
      hist({ respondent: "", instrument: "", item: "work_points" }, String(existing.work_points), workPoints);
      this.run("UPDATE sessions SET work_points = ? WHERE id = ?", [workPoints, id]);
    }
    if (changes) this.run("UPDATE sessions SET updated_at = ?, updated_by = ? WHERE id = ?", [t, by, id]);
    return { id, created: false, changes };
  }

  async history(sessionId: number): Promise<HistoryEntry[]> {
    return this.all("SELECT * FROM history WHERE session_id = ? ORDER BY id DESC", [sessionId]).map((r) => toHistory(r, sessionId));
  }

  async deleteSession(sessionId: number, by: string): Promise<DeletedSession> {
    const id = this.tx(() => {
      const s = this.all("SELECT * FROM sessions WHERE id = ?", [sessionId])[0];
      if (!s) throw new StoreError(`no session with number ${sessionId}`, "no_such_session");
      const t = now();
      this.run("INSERT INTO deleted_sessions (family_id, session_id, date, deleted_at, deleted_by) VALUES (?, ?, ?, ?, ?)", [s.family_id!, sessionId, s.date!, t, by]);
      const did = this.lastId();
      // the corrections made while it lived go with it; then each value it had, as old → null
      this.run("UPDATE history SET session_id = NULL, deleted_session_id = ? WHERE session_id = ?", [did, sessionId]);
      const hist = (r: Pick<Rating, "respondent" | "instrument" | "item">, old: string | null) =>
        this.run("INSERT INTO history (deleted_session_id, respondent, instrument, item, old_value, new_value, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)", [did, r.respondent, r.instrument, r.item, old, t, by]);
      for (const r of this.all("SELECT respondent, instrument, item, value FROM ratings WHERE session_id = ? ORDER BY respondent, instrument, item", [sessionId])) hist(toRating(r), fmt(Number(r.value)));
      if (String(s.work_points ?? "") !== "") hist({ respondent: "", instrument: "", item: "work_points" }, String(s.work_points));
      this.run("DELETE FROM ratings WHERE session_id = ?", [sessionId]);
      this.run("DELETE FROM sessions WHERE id = ?", [sessionId]);
      return did;
    });
    return this.deletedSessionsWhere("id = ?", [id])[0]!;
  }

  async deletedSessions(familyId: number): Promise<DeletedSession[]> {
    return this.deletedSessionsWhere("family_id = ?", [familyId]);
  }

  private deletedSessionsWhere(where: string, params: SqlValue[]): DeletedSession[] {
    return this.all(`SELECT * FROM deleted_sessions WHERE ${where} ORDER BY id DESC`, params).map((r) => {
      const sessionId = Number(r.session_id);
      return {
        id: Number(r.id),
        familyId: Number(r.family_id),
        sessionId,
        date: String(r.date),
        deletedAt: String(r.deleted_at),
        deletedBy: String(r.deleted_by),
        history: this.all("SELECT * FROM history WHERE deleted_session_id = ? ORDER BY id DESC", [r.id!]).map((h) => toHistory(h, sessionId)),
      };
    });
  }

  async deleteFamily(familyId: number, by: string): Promise<DeletedFamily> {
    const id = this.tx(() => {
      const f = this.all("SELECT subject_id FROM families WHERE id = ?", [familyId])[0];
      if (!f) throw new StoreError(`no family with number ${familyId}`, "no_such_family");
      const sessions = Number(this.all("SELECT COUNT(*) AS n FROM sessions WHERE family_id = ?", [familyId])[0]!.n);
      const live = "SELECT id FROM sessions WHERE family_id = ?";
      const gone = "SELECT id FROM deleted_sessions WHERE family_id = ?";
      // nothing of the family's ratings stays: not its sessions' history, nor that of sessions deleted before
      this.run(`DELETE FROM history WHERE session_id IN (${live}) OR deleted_session_id IN (${gone})`, [familyId, familyId]);
      this.run(`DELETE FROM ratings WHERE session_id IN (${live})`, [familyId]);
      this.run("DELETE FROM sessions WHERE family_id = ?", [familyId]);
      this.run("DELETE FROM deleted_sessions WHERE family_id = ?", [familyId]);
      this.run("DELETE FROM families WHERE id = ?", [familyId]);
      this.run("INSERT INTO deleted_families (subject_id, sessions, deleted_at, deleted_by) VALUES (?, ?, ?, ?)", [f.subject_id!, sessions, now(), by]);
      return this.lastId();
    });
    return (await this.deletedFamilies()).find((d) => d.id === id)!;
  }

  async deletedFamilies(): Promise<DeletedFamily[]> {
    return this.all("SELECT * FROM deleted_families ORDER BY id DESC").map((r) => ({
      id: Number(r.id),
      subjectId: String(r.subject_id),
      sessions: Number(r.sessions),
      deletedAt: String(r.deleted_at),
      deletedBy: String(r.deleted_by),
    }));
  }

  async importSessions(sessions: ImportSession[], by: string): Promise<ImportSummary> {
    return this.tx(() => {
      const sum: ImportSummary = { families: 0, sessionsCreated: 0, sessionsUpdated: 0, ratings: 0 };
      const fams = new Map<string, number>();
      for (const s of sessions) {
        let fid = fams.get(s.subjectId);
        if (fid === undefined) {
          const row = this.all("SELECT id FROM families WHERE subject_id = ?", [s.subjectId])[0];
          if (row) fid = Number(row.id);
          else {
            fid = this.insertFamily({ subjectId: s.subjectId, birthDate: s.birthDate ?? null, phase: s.phase ?? null }, by).id;
            sum.families++;
          }
          fams.set(s.subjectId, fid);
        }
        const r = this.writeSession(fid, s.date, s.ratings, null, by, true);
        if (r.created) sum.sessionsCreated++;
        else if (r.changes) sum.sessionsUpdated++;
        sum.ratings += s.ratings.length;
      }
      return sum;
    });
  }

  async exportRows(): Promise<LongRow[]> {
    return this.all(
      `SELECT f.subject_id, s.date, r.respondent, r.instrument, r.item, r.value FROM ratings r
       JOIN sessions s ON s.id = r.session_id JOIN families f ON f.id = s.family_id
       ORDER BY f.subject_id, s.date, r.respondent, r.instrument, r.item`,
    ).map((r) => ({ subjectId: String(r.subject_id), date: String(r.date), respondent: String(r.respondent), instrument: String(r.instrument), item: String(r.item), value: Number(r.value) }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    if (this.lockPath) releaseLock(this.lockPath);
  }
}

function toFamily(r: Record<string, SqlValue>): Family {
  return { id: Number(r.id), subjectId: String(r.subject_id), birthDate: (r.birth_date as string | null) ?? null, phase: (r.phase as string | null) ?? null };
}

function toRating(r: Record<string, SqlValue>): Rating {
  return { respondent: String(r.respondent), instrument: String(r.instrument), item: String(r.item), value: Number(r.value) };
}

/** `sessionId`: the session's id, also for the rows of a deleted session (their session_id is null) */
function toHistory(r: Record<string, SqlValue>, sessionId: number): HistoryEntry {
  return {
    sessionId,
    respondent: String(r.respondent),
    instrument: String(r.instrument),
    item: String(r.item),
    oldValue: (r.old_value as string | null) ?? null,
    newValue: (r.new_value as string | null) ?? null,
    changedAt: String(r.changed_at),
    changedBy: String(r.changed_by),
  };
}

function toSession(r: Record<string, SqlValue>): Session {
  return {
    id: Number(r.id),
    familyId: Number(r.family_id),
    date: String(r.date),
    workPoints: String(r.work_points ?? ""),
    ratings: [],
    createdAt: String(r.created_at),
    createdBy: String(r.created_by),
    updatedAt: String(r.updated_at),
    updatedBy: String(r.updated_by),
  };
}

/**
 * A consistent copy of the database file while an app may be running: the app replaces the file atomically,
 * so any moment's file is whole. The copy is checked to be an SQLite database with this schema and written
 * atomically, mode 0600.
 */
export async function backupDatabase(dbFile: string, target: string): Promise<{ bytes: number; families: number; sessions: number }> {
  const src = resolve(dbFile);
  if (!isSqliteFile(src)) throw new StoreError(`${dbFile} is not an SQLite database (or does not exist)`, "not_a_database");
  const bytes = readFileSync(src);
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    const ok = db.exec("PRAGMA integrity_check")[0]?.values[0]?.[0];
    if (ok !== "ok") throw new StoreError(`${dbFile} failed SQLite's integrity check: ${String(ok)}`, "not_a_database");
    const count = (t: string) => Number(db.exec(`SELECT COUNT(*) FROM ${t}`)[0]!.values[0]![0]);
    const out = { bytes: bytes.length, families: count("families"), sessions: count("sessions") };
    writeFileAtomic(resolve(target), bytes);
    return out;
  } finally {
    db.close();
  }
}
