/** argv → command → exit code. The only place that turns errors into messages and exit codes. */
import { parseArgs } from "node:util";
import { ExportError } from "../export/cohort.js";
import { FileError } from "../io/rows.js";
import { InstrumentDefinitionError } from "../registry/load.js";
import { ChoiceError } from "../choice.js";
import { GoalValidationError } from "../trend/goals.js";
import { didYouMeanHint } from "../text/did-you-mean.js";
import { helpText, UsageError, type Command } from "./command.js";
import { Job } from "./job.js";
import type { CommonArgs } from "./options.js";
import { exportCmd } from "./commands/export.js";
import { instruments } from "./commands/instruments.js";
import { score } from "./commands/score.js";
import { validate } from "./commands/validate.js";
import { trend } from "./commands/trend.js";
import { fit } from "./commands/fit.js";
import { cohort } from "./commands/cohort.js";
import { goals } from "./commands/goals.js";
import { key } from "./commands/key.js";
import { chart } from "./commands/chart.js";
import { report } from "./commands/report.js";
import { app } from "./commands/app.js";
import { db } from "./commands/db.js";
import { OutputError, outputError } from "../io/atomic.js";
import type { Io } from "./io.js";
import { VERSION } from "../version.js";

export const COMMANDS: readonly Command[] = [instruments, validate, score, exportCmd, trend, fit, goals, cohort, chart, report, app, db, key];

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
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`trivsel: unknown command ${JSON.stringify(name)}; expected one of ${COMMANDS.map((c) => c.name).join(", ")}${didYouMeanHint(name, COMMANDS.map((c) => c.name))}\n`);
    return 1;
  }
  const debug = rest.includes("--debug");
  // a file refused halfway may already have sent rows to standard output: then "nothing was written" is not true
  let wroteStdout = false;
  const outer = io;
  io = { ...outer, stdout: (s: string) => ((wroteStdout = true), outer.stdout(s)) };
  const nothing = () => (wroteStdout ? "No file was written; standard output holds only what came before the error: do not use it.\n" : "Nothing was written.\n");
  try {
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
    if (e instanceof ChoiceError || e instanceof GoalValidationError) {
      io.stderr(`trivsel ${cmd.name}: ${e.message}\nRun \`trivsel ${cmd.name} --help\` for usage.\n`);
      return 1;
    }
    if (e instanceof OutputError) {
      io.stderr(`trivsel ${cmd.name}: ${e.message}\n${nothing()}`);
      return 2;
    }
    if (e instanceof FileError || e instanceof ExportError || e instanceof InstrumentDefinitionError) {
      io.stderr(`trivsel ${cmd.name}: ${e.message}\n${nothing()}`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === "string" && err.path) {
      io.stderr(`trivsel ${cmd.name}: cannot ${err.syscall ?? "use"} ${err.path}: ${err.code}\n${nothing()}`);
      return 2;
    }
    // the system's errors are not trivsel's to report as bugs: say what happened and what to do
    if (err && typeof err.code === "string" && /^E[A-Z]+$/.test(err.code)) {
      const out = outputError("an output", err);
      io.stderr(`trivsel ${cmd.name}: ${out.message}\n`);
      return 2;
    }
    io.stderr(`trivsel ${cmd.name}: internal error: ${(e as Error).message}\n${debug ? (e as Error).stack + "\n" : "Run again with --debug for details, and please report it.\n"}`);
    return 3;
  }
}

/** The command's run, with the outputs committed after it or removed when it throws; the exit code. */
async function runJob(cmd: Command, args: CommonArgs, positionals: string[], io: Io): Promise<number> {
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
