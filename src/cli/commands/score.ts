import { counted } from "../../messages.js";
import { statSync } from "node:fs";
import { oneOf } from "../../choice.js";
import { delimiterName } from "../../io/csv.js";
import { LONG_SCORE_COLUMNS, scoreWriter } from "../../io/formats.js";
import { scoreFile } from "../../io/score-file.js";
import { defineCommand } from "../command.js";
import { progress } from "../issues.js";
import { inputOptions, outputOptions, skipBrokenQuotesOption } from "../options.js";

export const score = defineCommand({
  name: "score",
  summary: "Score every administration in a CSV file (wide or long)",
  usage: "trivsel score <file.csv|-> [--instrument <id>] [--format long|wide|json] [--out <file>] [--issues <file>]",
  options: {
    ...skipBrokenQuotesOption,
    format: { type: "string", placeholder: "long|wide|json", description: "output format (default long)" },
    ...inputOptions,
    ...outputOptions,
  },
  details: `The long format is a stable contract: ${LONG_SCORE_COLUMNS.join(",")}
(one row per administration × scale; dates ISO; score empty when not scorable; flags separated by ;).
Rows with errors are scored as far as their rules allow (a scale that cannot be scored is
not_scorable) and every problem is reported; a row that cannot be read at all (wrong number of
fields, broken quotes) is reported and has no output line. With --strict nothing is written when
there is any error. Exit code 0: no errors; 2: errors (see the issues); 1: usage error.

Example:
  trivsel score datasets/demo-cohort.csv --overlay datasets/demo-asq-se-2-overlay.json --out scores.csv --issues issues.csv`,
  async run({ args, positionals, job }) {
    const format = oneOf("--format", args.format, ["long", "wide", "json"]);
    const registry = job.registry();
    const options = { registry, ...job.readOptions() };
    const input = await job.open(positionals, { streaming: true });
    const bar = progress(job.io, job.quiet, "path" in input ? statSync(input.path).size : undefined);
    const sink = scoreWriter(format, registry, job.write, job.writeBytes, job.dialect());
    try {
      const summary = await scoreFile(input, options, { ...sink, issue: job.issue, progress: bar.update });
      sink.end();
      const { error, warning } = job.reporter!.counts;
      if (job.quiet && error === 0) return;
      return `scored ${summary.administrations} administrations from ${summary.records} rows (${delimiterName(summary.delimiter)}-separated): ${counted(error, "error")}, ${counted(warning, "warning")}${job.strictFail ? "; --strict: nothing written" : ""}\n`;
    } finally {
      bar.done();
    }
  },
});
