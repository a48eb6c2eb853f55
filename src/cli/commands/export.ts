import { counted } from "../../messages.js";
import { resolve } from "node:path";
import { dictionaryPath, exportCohort, MIN_KEY_LENGTH } from "../../export/cohort.js";
import { readKeyFile } from "../../io/key-file.js";
import { defineCommand, UsageError } from "../command.js";
import { inputOptions, skipBrokenQuotesOption } from "../options.js";

export const exportCmd = defineCommand({
  name: "export",
  summary: "Write the cohort CSV an evaluator hands on, with a data dictionary beside it",
  usage: "trivsel export <file.csv> --out <cohort.csv> [--pseudonymize --key-file <key> [--keep <column>]…] [--relative-dates] [--allow-cpr <column>]…",
  options: {
    out: { type: "string", placeholder: "file.csv", description: "the cohort CSV; <name>.dictionary.csv is written beside it" },
    pseudonymize: { type: "boolean", description: "replace subject ids by keyed HMAC-SHA-256 pseudonyms (needs --key-file)" },
    "key-file": { type: "string", placeholder: "file", description: `file holding the secret key (at least ${MIN_KEY_LENGTH} bytes; make one with \`trivsel key new\`); never written out` },
    keep: { type: "string", multiple: true, placeholder: "column", description: "with --pseudonymize: carry this grouping column of the input (others are dropped)" },
    "relative-dates": { type: "boolean", description: "replace dates by days since the subject's first administration (also dates in kept columns)" },
    "allow-cpr": { type: "string", multiple: true, placeholder: "column", description: "this column's values may look like CPR numbers (e.g. case numbers); every other column is still checked" },
    strict: { type: "boolean", description: "write nothing when any row has an error" },
    ...inputOptions,
    ...skipBrokenQuotesOption,
  },
  details: `One row per subject × instrument × scale × administration, with band, status and the cutoff's provenance.
The same key gives the same pseudonyms in every export, so files can be linked without names or CPR numbers.
A pseudonymised export holds only the columns of its data dictionary: pseudonym, date or day, respondent, phase,
scores, bands and flags, plus the grouping columns named with --keep. Messages name rows, never input values.

Example:
  trivsel key new site.key
  trivsel export datasets/demo-cohort.csv --overlay datasets/demo-asq-se-2-overlay.json --out cohort.csv --pseudonymize --key-file site.key --keep municipality --relative-dates`,
  async run({ args, positionals, io, job }) {
    if (!args.out) throw new UsageError("export needs --out <file.csv>");
    if (args.pseudonymize && !args["key-file"]) throw new UsageError("--pseudonymize needs --key-file <file>");
    if (!args.pseudonymize && args["key-file"]) throw new UsageError("--key-file is only used with --pseudonymize");
    if (args.keep && !args.pseudonymize) throw new UsageError("--keep is only used with --pseudonymize (without it every grouping column is exported)");
    const k = args["key-file"] !== undefined ? readKeyFile(resolve(io.cwd, args["key-file"]), args["key-file"]) : undefined;
    for (const w of k?.warnings ?? []) io.stderr(`trivsel export: warning: ${w}\n`);
    const registry = job.registry();
    const { instrument, skipBrokenQuotes } = job.readOptions();
    const out = resolve(io.cwd, args.out);
    const input = await job.open(positionals, { ownOut: true, outputs: { "the data dictionary": dictionaryPath(out) } });
    const r = await exportCohort(input, {
      registry,
      out,
      dialect: job.dialect(),
      onIssue: job.issue,
      ...(instrument ? { instrument } : {}),
      ...(k !== undefined ? { pseudonymKey: k.key } : {}),
      ...(args["relative-dates"] ? { relativeDates: true } : {}),
      ...(args["allow-cpr"] ? { allowCpr: args["allow-cpr"] } : {}),
      ...(args.keep ? { keep: args.keep } : {}),
      ...(skipBrokenQuotes ? { skipBrokenQuotes } : {}),
      ...(args.strict ? { strict: true } : {}),
    });
    return `wrote ${r.rows} rows to ${args.out} and the data dictionary to ${dictionaryPath(args.out)}: ${counted(job.errors, "error")}, ${counted(job.reporter!.counts.warning, "warning")} in the input\n`;
  },
});
