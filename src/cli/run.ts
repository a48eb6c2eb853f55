/** argv → command → exit code. The only place that turns errors into messages and exit codes. */
import { parseArgs } from "node:util";
import { ExportError } from "../export/cohort.js";
import { FileError } from "../io/rows.js";
import { InstrumentDefinitionError } from "../registry/load.js";
import { helpText, UsageError, type Command } from "./command.js";
import { exportCmd } from "./commands/export.js";
import { instruments } from "./commands/instruments.js";
import { score } from "./commands/score.js";
import { validate } from "./commands/validate.js";
import { trend } from "./commands/trend.js";
import { fit } from "./commands/fit.js";
import { cohort } from "./commands/cohort.js";
import { goals } from "./commands/goals.js";
import { chart } from "./commands/chart.js";
import { report } from "./commands/report.js";
import type { Io } from "./io.js";
import { VERSION } from "../version.js";

export const COMMANDS: readonly Command[] = [instruments, validate, score, exportCmd, trend, fit, goals, cohort, chart, report];

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
    io.stderr(`trivsel: unknown command ${JSON.stringify(name)}; expected one of ${COMMANDS.map((c) => c.name).join(", ")}\n`);
    return 1;
  }
  const debug = rest.includes("--debug");
  try {
    const options = Object.fromEntries(
      Object.entries({ ...cmd.options, help: { type: "boolean" as const }, debug: { type: "boolean" as const } }).map(([k, o]) => [k, { type: o.type, multiple: "multiple" in o && !!o.multiple }]),
    );
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ""));
    }
    if (parsed.values.help) {
      io.stdout(helpText(cmd));
      return 0;
    }
    return await cmd.run({ args: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals, io });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`trivsel ${cmd.name}: ${e.message}\nRun \`trivsel ${cmd.name} --help\` for usage.\n`);
      return 1;
    }
    if (e instanceof FileError || e instanceof ExportError || e instanceof InstrumentDefinitionError) {
      io.stderr(`trivsel ${cmd.name}: ${e.message}\nNothing was written.\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === "string" && err.path) {
      io.stderr(`trivsel ${cmd.name}: cannot ${err.syscall ?? "use"} ${err.path}: ${err.code}\nNothing was written.\n`);
      return 2;
    }
    io.stderr(`trivsel ${cmd.name}: internal error: ${(e as Error).message}\n${debug ? (e as Error).stack + "\n" : "Run again with --debug for details, and please report it.\n"}`);
    return 3;
  }
}
