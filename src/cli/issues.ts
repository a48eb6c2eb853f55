/** The issue reporter (standard error and the --issues file) and the progress bar on standard error. */
import { resolve } from "node:path";
import { AtomicFile } from "../io/atomic.js";
import { CSV_DIALECTS, csvHeaderIn, type CsvDialect } from "../io/csv.js";
import { formatIssue, ISSUE_COLUMNS, issueLine } from "../io/formats.js";
import type { Issue } from "../schema/results.js";
import type { Io } from "./io.js";

/** Issues to stderr (the first `limit`) and, when asked, all of them to a CSV file. */
export class IssueReporter {
  private shown = 0;
  private hidden = 0;
  private file: AtomicFile | undefined;
  counts = { error: 0, warning: 0, info: 0 };

  constructor(
    private readonly io: Io,
    issuesPath: string | undefined,
    private readonly limit = 50,
    private readonly quiet = false,
    private readonly dialect: CsvDialect = CSV_DIALECTS.standard,
  ) {
    if (issuesPath) {
      this.file = new AtomicFile(resolve(io.cwd, issuesPath));
      this.file.write(csvHeaderIn(dialect, ISSUE_COLUMNS));
    }
  }

  add = (i: Issue): void => {
    this.counts[i.severity]++;
    this.file?.write(issueLine(i, this.dialect));
    if (i.severity === "info" && this.quiet) return;
    if (this.shown < this.limit) {
      this.io.stderr(formatIssue(i) + "\n");
      this.shown++;
    } else this.hidden++;
  };

  /** A refused file's issue: its message is already the command's error line, so only the issues file gets it. */
  recordOnly = (i: Issue): void => {
    this.counts[i.severity]++;
    this.file?.write(issueLine(i, this.dialect));
  };

  finish(ok: boolean): void {
    if (this.hidden > 0) this.io.stderr(`… and ${this.hidden} more issues${this.file ? ` (all are in the issues file)` : "; use --issues <file> to get them all"}\n`);
    if (ok) this.file?.commit();
    else this.file?.abort();
  }
}

/** A progress line on stderr for work that takes more than a second, only on a terminal. */
export function progress(io: Io, quiet: boolean, totalBytes: number | undefined) {
  const started = Date.now();
  let last = 0;
  let shown = false;
  const active = io.stderrIsTTY && !quiet;
  return {
    update(bytes: number) {
      if (!active) return;
      const now = Date.now();
      if (now - started < 1000 || now - last < 200) return;
      last = now;
      shown = true;
      const pct = totalBytes ? Math.min(100, Math.floor((bytes / totalBytes) * 100)) : 0;
      const bar = "#".repeat(Math.floor(pct / 5)).padEnd(20, ".");
      io.stderr(`\r[${bar}] ${pct}% (${(bytes / 1e6).toFixed(1)} MB)`);
    },
    done() {
      if (shown) io.stderr("\r" + " ".repeat(50) + "\r");
    },
  };
}
