import { resolve } from "node:path";
import { defineCommand, UsageError } from "../command.js";
import { DEFAULT_DB } from "./app.js";

export const db = defineCommand({
  name: "db",
  summary: "The app's database: db backup <file> makes a consistent copy, also while the app runs",
  usage: "trivsel db backup <file> [--db <file>]",
  options: {
    db: { type: "string", placeholder: "file", description: `the database file (default ./${DEFAULT_DB})` },
  },
  details: `The copy is an SQLite file like the original (the sqlite3 shell opens it), checked before it is written,
and written whole or not at all, readable by you alone (mode 0600).

Example:
  trivsel db backup backups/trivsel-$(date +%F).sqlite`,
  async run({ args, positionals, io }) {
    const [action, target, ...rest] = positionals;
    if (action !== "backup") throw new UsageError(`expected \`db backup <file>\`; received ${JSON.stringify(positionals.join(" "))}`);
    if (!target) throw new UsageError("give the file to write the backup to");
    if (rest.length) throw new UsageError(`one backup file at a time; received ${rest.length + 1}`);
    const src = resolve(io.cwd, args.db ?? DEFAULT_DB);
    const dst = resolve(io.cwd, target);
    if (src === dst) throw new UsageError("the backup file is the database itself; choose another file");
    const { backupDatabase } = await import("../../app/storage/sqlite.js");
    const { StoreError } = await import("../../app/storage/store.js");
    try {
      const r = await backupDatabase(src, dst);
      io.stderr(`trivsel db: ${target} written: ${r.families} families, ${r.sessions} sessions (${r.bytes} bytes)\n`);
      return 0;
    } catch (e) {
      if (e instanceof StoreError) {
        io.stderr(`trivsel db: ${e.message}\nNothing was written.\n`);
        return 2;
      }
      throw e;
    }
  },
});
