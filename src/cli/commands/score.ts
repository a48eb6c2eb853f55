import { resolve } from "node:path";
import type { Command } from "../command.js";
import { AtomicFile } from "../../io/atomic.js";
import { csvLine, delimiterName } from "../../io/csv.js";
import { LONG_SCORE_COLUMNS, longScoreLines, wideLayout } from "../../io/formats.js";
import { scoreFile } from "../../io/score-file.js";
import { statSync } from "node:fs";
import { FileError } from "../../io/rows.js";
import { buildRegistry, checkInstrument, checkOutputs, chooseFormat, streamingInputFrom, inputOptions, IssueReporter, outOption, progress } from "../shared.js";
import { skipBrokenQuotesOption } from "../shared.js";

export const score: Command = {
  name: "score",
  summary: "Score every administration in a CSV file (wide or long)",
  usage: "trivsel score <file.csv|-> [--instrument <id>] [--format long|wide|json] [--out <file>] [--issues <file>]",
  options: {
    format: { type: "string", placeholder: "long|wide|json", description: "output format (default long)" },
    strict: { type: "boolean", description: "write no output at all when any row has an error" },
    ...outOption,
    ...inputOptions,
    ...skipBrokenQuotesOption,
  },
  details: `The long format is a stable contract: ${LONG_SCORE_COLUMNS.join(",")}
(one row per administration × scale; dates ISO; score empty when not scorable; flags separated by ;).
Rows with errors are scored as far as their rules allow (a scale that cannot be scored is
not_scorable) and every problem is reported; a row that cannot be read at all (wrong number of
fields, broken quotes) is reported and has no output line. With --strict nothing is written when
there is any error. Exit code 0: no errors; 2: errors (see the issues); 1: usage error.

Example:
  trivsel score datasets/demo-cohort.csv --overlay datasets/demo-asq-se-2-overlay.json --out scores.csv --issues issues.csv`,
  async run({ args, positionals, io }) {
    const format = chooseFormat(args.format, ["long", "wide", "json"]);
    const registry = buildRegistry(io, args);
    const instrument = checkInstrument(registry, args.instrument);
    const input = await streamingInputFrom(positionals, io);
    checkOutputs(io, input, { "--out": args.out as string | undefined, "--issues": args.issues as string | undefined });
    const bar = progress(io, !!args.quiet, "path" in input ? statSync(resolve(io.cwd, input.path)).size : undefined);
    const target = args.out ? new AtomicFile(resolve(io.cwd, args.out as string)) : undefined;
    const write = target ? (s: string) => target.write(s) : io.stdout;
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    let wide: ReturnType<typeof wideLayout> | undefined;
    let n = 0;
    try {
      const summary = await scoreFile(input, { registry, ...(instrument ? { instrument } : {}), ...(args["skip-broken-quotes"] ? { skipBrokenQuotes: true } : {}) }, {
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
        ...(format === "long" ? { longBytes: target ? (b: Uint8Array) => target.writeBytes(b) : (b: Uint8Array) => io.stdout(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8")) } : {}),
      });
      if (format === "json") write("\n]\n");
      bar.done();
      const { error, warning } = reporter.counts;
      const strictFail = !!args.strict && error > 0;
      if (strictFail) target?.abort();
      else target?.commit();
      reporter.finish(true);
      if (!args.quiet || error > 0)
        io.stderr(`scored ${summary.administrations} administrations from ${summary.records} rows (${delimiterName(summary.delimiter)}-separated): ${error} errors, ${warning} warnings${strictFail ? "; --strict: nothing written" : ""}\n`);
      return error > 0 ? 2 : 0;
    } catch (e) {
      bar.done();
      target?.abort();
      if (e instanceof FileError) reporter.recordOnly(e.issue);
      reporter.finish(e instanceof FileError);
      throw e;
    }
  },
};
