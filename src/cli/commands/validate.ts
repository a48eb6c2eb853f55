import type { Command } from "../command.js";
import { scoreFile } from "../../io/score-file.js";
import { buildRegistry, checkInstrument, IssueReporter } from "../shared.js";
import { skipBrokenQuotesOption } from "../shared.js";
import { checkOutputs, streamingInputFrom, inputOptions } from "../shared.js";

export const validate: Command = {
  name: "validate",
  summary: "Check a CSV file: every problem with file, row (as a spreadsheet numbers it), column, value and what was expected",
  usage: "trivsel validate <file.csv|-> [--instrument <id>] [--issues <file>]",
  options: { ...inputOptions, ...skipBrokenQuotesOption },
  details: "Writes nothing but the report. Exit code 0: no errors; 2: errors found; 1: usage error.",
  async run({ args, positionals, io }) {
    const registry = buildRegistry(io, args);
    const instrument = checkInstrument(registry, args.instrument);
    const input = await streamingInputFrom(positionals, io);
    checkOutputs(io, input, { "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 200, !!args.quiet);
    try {
      const summary = await scoreFile(input, { registry, ...(instrument ? { instrument } : {}), ...(args["skip-broken-quotes"] ? { skipBrokenQuotes: true } : {}) }, { result() {}, issue: reporter.add });
      reporter.finish(true);
      const { error, warning } = reporter.counts;
      io.stderr(`${summary.records} rows, ${summary.administrations} administrations: ${error === 0 ? "no errors" : `${error} errors`}, ${warning} warnings\n`);
      return error > 0 ? 2 : 0;
    } catch (e) {
      reporter.finish(false);
      throw e;
    }
  },
};
