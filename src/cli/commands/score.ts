import { isAbsolute, relative, resolve } from "node:path";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { AtomicFile } from "../../io/atomic.js";
import { csvLine } from "../../io/csv.js";
import { LONG_SCORE_COLUMNS, longScoreLines, wideLayout } from "../../io/formats.js";
import { scoreFile, type Input } from "../../io/score-file.js";
import { statSync } from "node:fs";
import { buildRegistry, checkInstrument, IssueReporter, progress, registryOptions } from "../shared.js";

export const inputOptions = {
  instrument: { type: "string", placeholder: "id", description: "read only this instrument's columns" },
  issues: { type: "string", placeholder: "file.csv", description: "write every issue to a CSV (file,row,column,value,code,severity,message)" },
  quiet: { type: "boolean", description: "no progress bar and no info messages" },
  ...registryOptions,
} as const;

export function inputFrom(positionals: string[], io: { cwd: string }, stdin: () => Promise<string>): Promise<Input> | Input {
  const f = positionals[0];
  if (!f) throw new UsageError("give a CSV file, or - to read standard input");
  if (positionals.length > 1) throw new UsageError(`one input file at a time; received ${positionals.length}`);
  if (f === "-") return stdin().then((text) => ({ text, name: "stdin" }));
  // shown in messages as the user wrote it, relative to where trivsel runs
  return { path: isAbsolute(f) ? f : relative(process.cwd(), resolve(io.cwd, f)) || f };
}

export const score: Command = {
  name: "score",
  summary: "Score every administration in a CSV file (wide or long)",
  usage: "trivsel score <file.csv|-> [--instrument <id>] [--format long|wide|json] [--out <file>] [--issues <file>]",
  options: {
    format: { type: "string", placeholder: "long|wide|json", description: "output format (default long)" },
    out: { type: "string", placeholder: "file", description: "write here (atomically) instead of standard output" },
    ...inputOptions,
  },
  details: `The long format is a stable contract: ${LONG_SCORE_COLUMNS.join(",")}
(one row per administration × scale; dates ISO; score empty when not scorable; flags separated by ;).
Exit code 0: all scored; 2: some rows or responses have errors (see the issues); 1: usage error.

Example:
  trivsel score datasets/demo-cohort.csv --overlay datasets/demo-asq-se-2-overlay.json --out scores.csv --issues issues.csv`,
  async run({ args, positionals, io }) {
    const format = (args.format as string | undefined) ?? "long";
    if (!["long", "wide", "json"].includes(format)) throw new UsageError(`--format must be one of long, wide, json; received ${JSON.stringify(format)}`);
    const registry = buildRegistry(io, args);
    const instrument = checkInstrument(registry, args.instrument);
    const input = await inputFrom(positionals, io, io.readStdin);
    const target = args.out ? new AtomicFile(resolve(io.cwd, args.out as string)) : undefined;
    const write = target ? (s: string) => target.write(s) : io.stdout;
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    const bar = progress(io, !!args.quiet, "path" in input ? statSync(input.path).size : undefined);
    let wide: ReturnType<typeof wideLayout> | undefined;
    let n = 0;
    try {
      const summary = await scoreFile(input, { registry, ...(instrument ? { instrument } : {}) }, {
        begin(info) {
          if (format === "long") write(csvLine([...LONG_SCORE_COLUMNS]));
          if (format === "wide") {
            wide = wideLayout(registry, info.instruments);
            write(wide.header);
          }
          if (format === "json") write("[");
        },
        result({ result }) {
          if (format === "long") write(longScoreLines(result));
          else if (format === "wide") write(wide!.line(result));
          else write((n === 0 ? "\n" : ",\n") + JSON.stringify(result));
          n++;
        },
        issue: reporter.add,
        progress: bar.update,
      });
      if (format === "json") write("\n]\n");
      bar.done();
      target?.commit();
      reporter.finish(true);
      const { error, warning } = reporter.counts;
      if (!args.quiet || error > 0)
        io.stderr(`scored ${summary.administrations} administrations from ${summary.records} rows (${summary.delimiter === "," ? "comma" : summary.delimiter === ";" ? "semicolon" : "tab"}-separated): ${error} errors, ${warning} warnings\n`);
      return error > 0 ? 2 : 0;
    } catch (e) {
      bar.done();
      target?.abort();
      reporter.finish(false);
      throw e;
    }
  },
};
