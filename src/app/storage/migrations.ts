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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
