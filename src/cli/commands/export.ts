import { resolve } from "node:path";
import type { Command } from "../command.js";
import { FileError } from "../../io/rows.js";
import { UsageError } from "../command.js";
import { dictionaryPath, exportCohort, MIN_KEY_LENGTH } from "../../export/cohort.js";
import { readKeyFile } from "../keys.js";
import { buildRegistry, checkInstrument, IssueReporter } from "../shared.js";
import { checkOutputs, inputFrom, inputOptions } from "../shared.js";
import { skipBrokenQuotesOption } from "../shared.js";

export const exportCmd: Command = {
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
  async run({ args, positionals, io }) {
    if (!args.out) throw new UsageError("export needs --out <file.csv>");
    if (args.pseudonymize && !args["key-file"]) throw new UsageError("--pseudonymize needs --key-file <file>");
    if (!args.pseudonymize && args["key-file"]) throw new UsageError("--key-file is only used with --pseudonymize");
    if (args.keep && !args.pseudonymize) throw new UsageError("--keep is only used with --pseudonymize (without it every grouping column is exported)");
    let key: Uint8Array | undefined;
    if (args.pseudonymize) {
      const k = readKeyFile(resolve(io.cwd, args["key-file"] as string), args["key-file"] as string);
      key = k.key;
      for (const w of k.warnings) io.stderr(`trivsel export: warning: ${w}\n`);
    }
    const registry = buildRegistry(io, args);
    const instrument = checkInstrument(registry, args.instrument);
    const input = await inputFrom(positionals, io);
    const out = resolve(io.cwd, args.out as string);
    checkOutputs(io, input, { "--out": args.out as string, "the data dictionary": dictionaryPath(out), "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    try {
      const r = await exportCohort(input, {
        registry,
        out,
        onIssue: reporter.add,
        ...(instrument ? { instrument } : {}),
        ...(key !== undefined ? { pseudonymKey: key } : {}),
        ...(args["relative-dates"] ? { relativeDates: true } : {}),
        ...(args["allow-cpr"] ? { allowCpr: args["allow-cpr"] as string[] } : {}),
        ...(args.keep ? { keep: args.keep as string[] } : {}),
        ...(args["skip-broken-quotes"] ? { skipBrokenQuotes: true } : {}),
        ...(args.strict ? { strict: true } : {}),
      });
      reporter.finish(true);
      io.stderr(`wrote ${r.rows} rows to ${args.out} and the data dictionary to ${dictionaryPath(args.out as string)}: ${reporter.counts.error} errors, ${reporter.counts.warning} warnings in the input\n`);
      return reporter.counts.error > 0 ? 2 : 0;
    } catch (e) {
      if (e instanceof FileError) reporter.recordOnly(e.issue);
      reporter.finish(e instanceof FileError);
      throw e;
    }
  },
};
