import { resolve } from "node:path";
import { numberChoice, oneOf } from "../../choice.js";
import { defineCommand, UsageError } from "../command.js";
import { registryOptions } from "../options.js";

export const DEFAULT_DB = "trivsel.sqlite";

export const app = defineCommand({
  name: "app",
  summary: "The weekly FIT session app: a local web page for entering ORS/SRS, with chart, alerts and work points",
  usage: "trivsel app [--db <file>] [--port <n>] [--lang da|en] [--no-open]",
  options: {
    db: { type: "string", placeholder: "file", description: `the database file (default ./${DEFAULT_DB}; created on first start, mode 0600)` },
    port: { type: "string", placeholder: "n", description: "port on 127.0.0.1 (default: a free one)" },
    lang: { type: "string", placeholder: "da|en", description: "language of the pages (default da)" },
    "no-open": { type: "boolean", description: "do not open the browser; only print the link" },
    ...registryOptions,
  },
  details: `Serves on 127.0.0.1 only. The printed link holds a key; anyone with the link on this machine can use the
app while it runs, so keep it to yourself. Stop with Ctrl+C. Every saved session is written to the database
file at once. Back up with \`trivsel db backup <file>\` (also while the app runs).`,
  async run({ args, io, job }) {
    const lang = oneOf("--lang", args.lang, ["da", "en"]);
    const port = numberChoice("--port", args.port, (n) => Number.isInteger(n) && n >= 1 && n <= 65535, "a whole number from 1 to 65535") ?? 0;
    const registry = job.registry();
    const db = resolve(io.cwd, args.db ?? DEFAULT_DB);
    // the app's code (web server, SQLite) is loaded only by this command
    const { startApp, openBrowser } = await import("../../app/server/serve.js");
    const { StoreError } = await import("../../app/storage/store.js");
    let running;
    try {
      running = await startApp({ db, port, lang, registry });
    } catch (e) {
      if (e instanceof StoreError) {
        io.stderr(`trivsel app: ${e.message}\n`);
        return 2;
      }
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EADDRINUSE") {
        io.stderr(`trivsel app: port ${port} is in use; choose another with --port, or leave it out to get a free one\n`);
        return 2;
      }
      throw e;
    }
    io.stdout(
      `trivsel app: data in ${db}\nOpen this link in your browser (it holds the key to the app; keep it to yourself):\n\n  ${running.url}\n\nStop with Ctrl+C.\n`,
    );
    if (!args["no-open"]) openBrowser(running.url);
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await running.close();
    io.stderr("trivsel app: stopped; everything saved.\n");
    return 0;
  },
});
