import type { Io } from "./io.js";

export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  multiple?: boolean;
  placeholder?: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** extra help text: examples and contracts */
  details?: string;
  run(ctx: { args: Record<string, string | boolean | string[] | undefined>; positionals: string[]; io: Io }): Promise<number>;
}

/** Usage errors: exit code 1 and the command's help hint. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function helpText(c: Command): string {
  const opts = Object.entries(c.options).map(([k, o]) => {
    const flag = `--${k}${o.type === "string" ? ` <${o.placeholder ?? "value"}>` : ""}`;
    return `  ${flag.padEnd(30)} ${o.description}${o.multiple ? " (repeatable)" : ""}`;
  });
  return `${c.summary}\n\nUsage: ${c.usage}\n\nOptions:\n${[...opts, `  ${"--help".padEnd(30)} show this help`].join("\n")}\n${c.details ? `\n${c.details}\n` : ""}`;
}
