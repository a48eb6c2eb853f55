/**
 * The app's storage, as one small interface: the web app and the CLI's `db` commands use only this, so a
 * server database for a team that outgrows one machine can be added beside the SQLite file later.
 * Every method that changes data is one transaction: it happens whole or not at all.
 */

export interface Family {
  id: number;
  subjectId: string;
  /** ISO date or null */
  birthDate: string | null;
  phase: string | null;
}

export interface FamilySummary extends Family {
  sessions: number;
  lastDate: string | null;
}

/** One recorded line: a rater's value on one item of one instrument. */
export interface Rating {
  respondent: string;
  instrument: string;
  item: string;
  value: number;
}

export interface Session {
  id: number;
  familyId: number;
  /** ISO date */
  date: string;
  workPoints: string;
  ratings: Rating[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** A correction: the value before and after (null: absent), when and by whom. Work points have item "work_points". */
export interface HistoryEntry {
  sessionId: number;
  respondent: string;
  instrument: string;
  item: string;
  oldValue: string | null;
  newValue: string | null;
  changedAt: string;
  changedBy: string;
}

/** A deleted session: when and by whom, and its history (the values it had, old → null, and earlier corrections). */
export interface DeletedSession {
  id: number;
  familyId: number;
  /** the id the session had */
  sessionId: number;
  /** ISO date of the session */
  date: string;
  deletedAt: string;
  deletedBy: string;
  /** newest first */
  history: HistoryEntry[];
}

/** What is kept of a deleted family: its id, how many sessions went with it, when and by whom; no ratings. */
export interface DeletedFamily {
  id: number;
  subjectId: string;
  sessions: number;
  deletedAt: string;
  deletedBy: string;
}

export interface SessionInput {
  familyId: number;
  date: string;
  workPoints: string;
  /** the whole session: a rating left out of a saved session is removed (and the removal kept in history) */
  ratings: Rating[];
}

export interface ImportSession {
  subjectId: string;
  birthDate?: string;
  phase?: string;
  date: string;
  ratings: Rating[];
}

export interface ImportSummary {
  families: number;
  sessionsCreated: number;
  sessionsUpdated: number;
  ratings: number;
}

/** A row of the long CSV format: subject_id,administered_on,respondent,instrument,item,value */
export interface LongRow {
  subjectId: string;
  date: string;
  respondent: string;
  instrument: string;
  item: string;
  value: number;
}

export class StoreError extends Error {
  override name = "StoreError";
  constructor(
    message: string,
    readonly code: "duplicate_family" | "no_such_family" | "no_such_session" | "locked" | "not_a_database" | "newer_schema",
  ) {
    super(message);
  }
}

export interface Store {
  /** where the data are, as shown to the user */
  readonly location: string;
  listFamilies(): Promise<FamilySummary[]>;
  getFamily(subjectId: string): Promise<Family | null>;
  createFamily(f: Omit<Family, "id">, by: string): Promise<Family>;
  /** every session of the family, oldest first, with its ratings */
  sessions(familyId: number): Promise<Session[]>;
  /** creates the session or replaces its ratings and work points; changed values go to history */
  saveSession(s: SessionInput, by: string): Promise<{ session: Session; created: boolean; changes: number }>;
  history(sessionId: number): Promise<HistoryEntry[]>;
  /** deletes the session and its ratings; each value and the work points go to its history as old → null */
  deleteSession(sessionId: number, by: string): Promise<DeletedSession>;
  /** the family's deleted sessions, the latest deletion first, each with its history */
  deletedSessions(familyId: number): Promise<DeletedSession[]>;
  /** deletes the family, its sessions, their ratings and history, and its deleted sessions' records; keeps a DeletedFamily */
  deleteFamily(familyId: number, by: string): Promise<DeletedFamily>;
  /** the latest deletion first */
  deletedFamilies(): Promise<DeletedFamily[]>;
  /** all sessions in one transaction; existing sessions' values are corrected with history */
  importSessions(sessions: ImportSession[], by: string): Promise<ImportSummary>;
  /** every rating in every family, sorted by subject, date, respondent, instrument, item */
  exportRows(): Promise<LongRow[]>;
  close(): Promise<void>;
}
