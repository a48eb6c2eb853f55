import { counted } from "../../messages.js";
import { scoreFile } from "../../io/score-file.js";
import { defineCommand } from "../command.js";
import { inputOptions, skipBrokenQuotesOption } from "../options.js";

export const validate = defineCommand({
  name: "validate",
  summary: "Check a CSV file: every problem with file, row (as a spreadsheet numbers it), column, value and what was expected",
  usage: "trivsel validate <file.csv|-> [--instrument <id>] [--issues <file>]",
  options: { ...inputOptions, ...skipBrokenQuotesOption },
  details: "Writes nothing but the report. Exit code 0: no errors; 2: errors found; 1: usage error.",
  issueLimit: 200,
  async run({ positionals, job }) {
    const options = { registry: job.registry(), ...job.readOptions() };
    const input = await job.open(positionals, { streaming: true });
    const summary = await scoreFile(input, options, { result() {}, issue: job.issue });
    const { error, warning } = job.reporter!.counts;
    return `${summary.records} rows, ${summary.administrations} administrations: ${error === 0 ? "no errors" : counted(error, "error")}, ${counted(warning, "warning")}\n`;
  },
});
