/**
 * A command is a declaration (name, summary, usage, options as data, help details) and a `run` that maps its
 * flags onto one library call. The runner (run.ts) parses argv against the options, so `args` is typed per
 * command (a string option is `string | undefined`, a boolean `boolean | undefined`, a `multiple` one
 * `string[] | undefined`), and owns everything around the call: the input, --out, --issues, --strict, --dialect,
 * atomic commits, the issue reporter and the exit code. A new command file:
 *
 *   import { defineCommand } from "../command.js";
 *   import { registryOptions } from "../options.js";
 *
 *   export const hello = defineCommand({
 *     name: "hello",
 *     summary: "One line for `trivsel --help`",
 *     usage: "trivsel hello <file.csv|-> [--name <x>]",
 *     options: { name: { type: "string", placeholder: "x", description: "…" }, ...registryOptions },
 *     async run({ args, positionals, io, job }) {
 *       const registry = job.registry();              // built-ins + --definition/--overlay
 *       const input = await job.open(positionals);    // the input, outputs checked, reporter and --out opened
 *       job.write(…);                                 // to --out (atomic) or standard output
 *       return `a summary line for standard error\n`; // or nothing; or an exit code (number) of its own
 *     },
 *   });
 *
 * and add an entry to COMMANDS in run.ts: its name and summary (the same as the command's: a test checks) and
 * `load: async () => (await import("./commands/hello.js")).hello`, so the module loads only when used. After
 * `run` returns, the runner commits every output (or, with --strict and errors, writes none), then writes the
 * returned summary; when `run` throws, it removes every output. Exit code:
 * a number `run` returns; else 2 when an error-level issue was reported, 0 otherwise. Throw UsageError (or the
 * library's ChoiceError) for a usage error: exit code 1.
 */
import { ChoiceError } from "../choice.js";
import type { Io } from "./io.js";
import type { Job } from "./job.js";

export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  multiple?: boolean;
  placeholder?: string;
}

export type Options = Record<string, OptionSpec>;

/** The parsed value of each option: string, boolean or string[] as declared; undefined when not given. */
export type Values<O extends Options> = {
  [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : O[K]["multiple"] extends true ? string[] : string;
};

export interface Context<O extends Options> {
  args: Values<O>;
  positionals: string[];
  io: Io;
  job: Job;
}

export interface Command<O extends Options = Options> {
  name: string;
  summary: string;
  usage: string;
  options: O;
  /** extra help text: examples and contracts */
  details?: string;
  /** issues shown on standard error before "… and N more" (default 50) */
  issueLimit?: number;
  /** an exit code, a summary for standard error, or nothing (see the module's header) */
  run(ctx: Context<O>): Promise<number | string | void>;
}

/** A command whose `args` are typed from its options. */
export const defineCommand = <const O extends Options>(c: Command<O>): Command<O> => c;

/** Usage errors: exit code 1 and the command's help hint. */
export class UsageError extends ChoiceError {
  override name = "UsageError";
}

export function helpText(c: Command): string {
  const opts = Object.entries(c.options).map(([k, o]) => {
    const flag = `--${k}${o.type === "string" ? ` <${o.placeholder ?? "value"}>` : ""}`;
    return `  ${flag.padEnd(30)} ${o.description}${o.multiple ? " (repeatable)" : ""}`;
  });
  return `${c.summary}\n\nUsage: ${c.usage}\n\nOptions:\n${[...opts, `  ${"--help".padEnd(30)} show this help`].join("\n")}\n${c.details ? `\n${c.details}\n` : ""}`;
}
