/** argv → command → exit code. The only place that turns errors into messages and exit codes. */
import { parseArgs } from "node:util";
import { ChoiceError } from "../choice.js";
import { didYouMeanHint } from "../text/did-you-mean.js";
import { helpText, UsageError, type Command } from "./command.js";
import type { CommonArgs } from "./options.js";
import type { Io } from "./io.js";
import { VERSION } from "../version.js";
import { startReaderEarly } from "../io/thread-mode.js";

/** What `trivsel --help` lists, and how to load a command: a command's module (and the library it uses) loads only
 * when that command runs or shows its help, so a start costs only what it uses. name and summary are the
 * command's own (a test checks). */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
  /** reads a large wide input with two threads (src/io/results-thread.ts): its worker starts before the module loads */
  readsInTwo?: true;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "instruments", summary: "List the instruments trivsel can score, or show one in full", load: async () => (await import("./commands/instruments.js")).instruments },
  { name: "validate", summary: "Check a CSV file: every problem with file, row (as a spreadsheet numbers it), column, value and what was expected", load: async () => (await import("./commands/validate.js")).validate },
  { name: "score", summary: "Score every administration in a CSV file (wide or long)", load: async () => (await import("./commands/score.js")).score },
  { name: "export", summary: "Write the cohort CSV an evaluator hands on, with a data dictionary beside it", load: async () => (await import("./commands/export.js")).exportCmd },
  { name: "trend", summary: "Progression per family and measure: reliable change, clinical significance, verdict, slope", load: async () => (await import("./commands/trend.js")).trend, readsInTwo: true },
  { name: "fit", summary: "FIT session table: the outcome and alliance measures per session and rater, with alerts and the rule that fired", load: async () => (await import("./commands/fit.js")).fit, readsInTwo: true },
  { name: "goals", summary: "Evaluate developmental goals (udviklingsmål) from a goals file against the measurements", load: async () => (await import("./commands/goals.js")).goals },
  { name: "cohort", summary: "Cohort summary: verdict counts, pre–post change with 95% CI and paired effect sizes", load: async () => (await import("./commands/cohort.js")).cohort, readsInTwo: true },
  { name: "chart", summary: "Charts: one family's progression on a measure (bands, phases, reliable change, goals), its FIT sessions, or the cohort", load: async () => (await import("./commands/chart.js")).chart },
  { name: "report", summary: "Goal-review report: one self-contained HTML page per family (goals, every measure with its chart, FIT sessions, provenance) and an index", load: async () => (await import("./commands/report.js")).report },
  { name: "app", summary: "The weekly FIT session app: a local web page for entering ORS/SRS, with chart, alerts and work points", load: async () => (await import("./commands/app.js")).app },
  { name: "db", summary: "The app's database: db backup <file> makes a consistent copy, also while the app runs", load: async () => (await import("./commands/db.js")).db },
  { name: "key", summary: "Make a pseudonymisation key: trivsel key new <file>", load: async () => (await import("./commands/key.js")).key },
];

const mainHelp = () =>
  `trivsel ${VERSION}: scoring and progression measurement for intensive family interventions

Usage: trivsel <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join("\n")}

Run \`trivsel <command> --help\` for a command's options. Data goes to standard output or --out;
messages go to standard error. Nothing leaves this machine.
`;

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(mainHelp());
    return 1;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(mainHelp());
    return 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`trivsel: unknown command ${JSON.stringify(name)}; expected one of ${COMMANDS.map((c) => c.name).join(", ")}${didYouMeanHint(name, COMMANDS.map((c) => c.name))}\n`);
    return 1;
  }
  const debug = rest.includes("--debug");
  // a file refused halfway may already have sent rows to standard output: then "nothing was written" is not true
  let wroteStdout = false;
  const outer = io;
  const bytes = outer.stdoutBytes;
  io = { ...outer, stdout: (s: string) => ((wroteStdout = true), outer.stdout(s)), ...(bytes ? { stdoutBytes: (b: Uint8Array) => ((wroteStdout = true), bytes(b)) } : {}) };
  const nothing = () => (wroteStdout ? "No file was written; standard output holds only what came before the error: do not use it.\n" : "Nothing was written.\n");
  try {
    if (entry.readsInTwo) startReaderEarly(rest, io.cwd, io.env);
    const cmd = await entry.load();
    const options = Object.fromEntries(
      Object.entries({ ...cmd.options, help: { type: "boolean" as const }, debug: { type: "boolean" as const } }).map(([k, o]) => [k, { type: o.type, multiple: "multiple" in o && !!o.multiple }]),
    );
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
    } catch (e) {
      const message = (e as Error).message.replace(/\. To specify a positional.*$/s, "");
      const flag = /^Unknown option '--([^']+)'/.exec(message)?.[1];
      throw new UsageError(message + (flag === undefined ? "" : didYouMeanHint(flag, Object.keys(cmd.options), (c) => `--${c}`)));
    }
    if (parsed.values.help) {
      io.stdout(helpText(cmd));
      return 0;
    }
    const args = parsed.values as CommonArgs;
    // --out - is standard output, as when --out is not given
    if (args.out === "-" && cmd.name !== "export") delete args.out;
    return await runJob(cmd, args, parsed.positionals, io);
  } catch (e) {
    // the library's error classes load only on this path
    const { ExportError, FileError, InstrumentDefinitionError, GoalValidationError, OutputError, outputError } = await import("./errors.js");
    if (e instanceof ChoiceError || e instanceof GoalValidationError) {
      io.stderr(`trivsel ${name}: ${e.message}\nRun \`trivsel ${name} --help\` for usage.\n`);
      return 1;
    }
    if (e instanceof OutputError) {
      io.stderr(`trivsel ${name}: ${e.message}\n${nothing()}`);
      return 2;
    }
    if (e instanceof FileError || e instanceof ExportError || e instanceof InstrumentDefinitionError) {
      io.stderr(`trivsel ${name}: ${e.message}\n${nothing()}`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === "string" && err.path) {
      io.stderr(`trivsel ${name}: cannot ${err.syscall ?? "use"} ${err.path}: ${err.code}\n${nothing()}`);
      return 2;
    }
    // the system's errors are not trivsel's to report as bugs: say what happened and what to do
    if (err && typeof err.code === "string" && /^E[A-Z]+$/.test(err.code)) {
      const out = outputError("an output", err);
      io.stderr(`trivsel ${name}: ${out.message}\n`);
      return 2;
    }
    io.stderr(`trivsel ${name}: internal error: ${(e as Error).message}\n${debug ? (e as Error).stack + "\n" : "Run again with --debug for details, and please report it.\n"}`);
    return 3;
  }
}

/** The command's run, with the outputs committed after it or removed when it throws; the exit code. */
async function runJob(cmd: Command, args: CommonArgs, positionals: string[], io: Io): Promise<number> {
  const { Job } = await import("./job.js");
  const job = new Job(io, args, cmd.issueLimit);
  let result;
  try {
    result = await cmd.run({ args: args as never, positionals, io, job });
  } catch (e) {
    job.fail(e);
    throw e;
  }
  job.complete();
  if (typeof result === "string") io.stderr(result);
  return typeof result === "number" ? result : job.exitCode();
}
