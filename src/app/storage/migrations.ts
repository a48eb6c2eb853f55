/**
 * Schema migrations, in order: MIGRATIONS[v] takes a database from version v to v + 1 (PRAGMA user_version).
 * Never edit a migration that has shipped; add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  // 0 → 1: families, sessions by date, one row per rated line, and the history of corrections
  `CREATE TABLE families (
     id INTEGER PRIMARY KEY,
     subject_id TEXT NOT NULL UNIQUE,
     birth_date TEXT,
     phase TEXT,
     created_at TEXT NOT NULL,
     created_by TEXT NOT NULL
   );
   CREATE TABLE sessions (
     id INTEGER PRIMARY KEY,
     family_id INTEGER NOT NULL REFERENCES families (id),
     date TEXT NOT NULL,
     work_points TEXT NOT NULL DEFAULT '',
     created_at TEXT NOT NULL,
     created_by TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     updated_by TEXT NOT NULL,
     UNIQUE (family_id, date)
   );
   CREATE TABLE ratings (
     session_id INTEGER NOT NULL REFERENCES sessions (id),
     respondent TEXT NOT NULL,
     instrument TEXT NOT NULL,
     item TEXT NOT NULL,
     value REAL NOT NULL,
     PRIMARY KEY (session_id, respondent, instrument, item)
   );
   CREATE TABLE history (
     id INTEGER PRIMARY KEY,
     session_id INTEGER NOT NULL REFERENCES sessions (id),
     respondent TEXT NOT NULL,
     instrument TEXT NOT NULL,
     item TEXT NOT NULL,
     old_value TEXT,
     new_value TEXT,
     changed_at TEXT NOT NULL,
     changed_by TEXT NOT NULL
   );
   CREATE INDEX history_session ON history (session_id);`,
  // 1 → 2: deleting a session or a family. A deleted session's history (its values, old → null) stays, tied to
  // a record of the deletion; a deleted family leaves only a line saying what was deleted, by whom and when.
  // history is rebuilt (SQLite cannot alter a column): session_id may now be null, for a deleted session's rows.
  `CREATE TABLE deleted_sessions (
     id INTEGER PRIMARY KEY,
     family_id INTEGER NOT NULL REFERENCES families (id),
     session_id INTEGER NOT NULL,
     date TEXT NOT NULL,
     deleted_at TEXT NOT NULL,
     deleted_by TEXT NOT NULL
   );
   CREATE INDEX deleted_sessions_family ON deleted_sessions (family_id);
   CREATE TABLE deleted_families (
     id INTEGER PRIMARY KEY,
     subject_id TEXT NOT NULL,
     sessions INTEGER NOT NULL,
     deleted_at TEXT NOT NULL,
     deleted_by TEXT NOT NULL
   );
   CREATE TABLE history_v2 (
     id INTEGER PRIMARY KEY,
     session_id INTEGER REFERENCES sessions (id),
     deleted_session_id INTEGER REFERENCES deleted_sessions (id),
     respondent TEXT NOT NULL,
     instrument TEXT NOT NULL,
     item TEXT NOT NULL,
     old_value TEXT,
     new_value TEXT,
     changed_at TEXT NOT NULL,
     changed_by TEXT NOT NULL,
     CHECK ((session_id IS NULL) <> (deleted_session_id IS NULL))
   );
   INSERT INTO history_v2 (id, session_id, respondent, instrument, item, old_value, new_value, changed_at, changed_by)
     SELECT id, session_id, respondent, instrument, item, old_value, new_value, changed_at, changed_by FROM history;
   DROP TABLE history;
   ALTER TABLE history_v2 RENAME TO history;
   CREATE INDEX history_session ON history (session_id);
   CREATE INDEX history_deleted_session ON history (deleted_session_id);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
