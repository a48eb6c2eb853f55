import { resolve } from "node:path";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { AtomicFile } from "../../io/atomic.js";
import { csvLine, formatNumber } from "../../io/csv.js";
import { analyseTrends } from "../../trend/classify.js";
import { cohortSummary, type CohortRow } from "../../trend/cohort.js";
import { readResults } from "../../io/read-results.js";
import { buildRegistry, checkInstrument, IssueReporter } from "../shared.js";
import { checkOutputs, chooseFormat, inputFrom, inputOptions, outOption, skipBrokenQuotesOption, tableFormatOption } from "../shared.js";
import { NORMS_HELP, NORMS_OPTION, normsOption, positiveNumber } from "./trend.js";

const SHOWN = ["recovered", "improved", "unchanged", "deteriorated", "changed", "no_norms", "insufficient_data"] as const;

/** Decimals of every non-integer number in cohort CSV and JSON output (formatNumber's, so both agree). */
export const COHORT_DECIMALS = 6;
const rounded = (x: number) => Number(formatNumber(x));

export const COHORT_COLUMNS = [
  "group",
  "instrument",
  "scale",
  "form",
  "respondent",
  "n_series",
  "n_follow_up",
  "n_no_follow_up",
  ...SHOWN.flatMap((c) => [c, `${c}_pct`]),
  "mean_change",
  "ci95_low",
  "ci95_high",
  "sd_change",
  "cohens_dz",
  "hedges_g",
  "norms",
  "notes",
] as const;

const notesOf = (r: CohortRow) => [r.change?.reason, r.verdictHint].filter(Boolean).join(" | ");

const line = (r: CohortRow) =>
  csvLine([
    r.group,
    r.instrument,
    r.scale,
    r.form,
    r.respondent,
    r.nSeries,
    r.nFollowUp,
    r.nNoFollowUp,
    ...SHOWN.flatMap((c) => [r.counts[c], r.percent[c]]),
    r.change?.mean,
    r.change?.ci95?.[0],
    r.change?.ci95?.[1],
    r.change?.sd,
    r.change?.cohensDz,
    r.change?.hedgesG,
    r.norms.join(";"),
    notesOf(r),
  ]);

export const cohort: Command = {
  name: "cohort",
  summary: "Cohort summary: verdict counts, pre–post change with 95% CI and paired effect sizes",
  usage: "trivsel cohort <file.csv|-> [--by <column>] [--instrument <id>] [--scale <id>] [--sd <x> --reliability <r> | --norms sample] [--format csv|json] [--out <file>]",
  options: {
    ...skipBrokenQuotesOption,
    by: { type: "string", placeholder: "column", description: "group by a column of the raw file (e.g. municipality), or phase (the baseline's phase)" },
    scale: { type: "string", placeholder: "id", description: "only this scale" },
    sd: { type: "string", placeholder: "x", description: "SD for the Jacobson–Truax RCI (needs --instrument and --scale), as in trend" },
    reliability: { type: "string", placeholder: "r", description: "reliability (0 ≤ r < 1) for the RCI (needs --instrument and --scale), as in trend" },
    ...NORMS_OPTION,
    ...tableFormatOption,
    ...inputOptions,
    ...outOption,
  },
  details: `One row per group × instrument × scale × form × respondent (raters are never pooled; form as in \`trivsel
trend\`, so ASQ:SE-2 totals of different intervals are never paired). Verdicts as in \`trivsel trend\`;
percentages are of the series with a follow-up (a later date than the baseline). mean_change is latest − baseline
in raw points (read it with the scale's direction); the CI uses the t distribution; cohens_dz = mean/SD of the
changes; hedges_g = d_z·(1 − 3/(4·df − 1)), df = n − 1. The CI and effect sizes are empty, with the reason in
notes, for fewer than 2 pairs or changes without spread (SD 0 within floating-point noise); hedges_g also for
2 pairs. Numbers in CSV and JSON are rounded to ${COHORT_DECIMALS} decimals, the same in both.
norms: the norms sources of the row's series (see \`trivsel trend --help\`), separated by ";". When no series
got a verdict for want of norms, notes says how to get verdicts (--norms sample, or --sd and --reliability).
${NORMS_HELP}

Example:
  trivsel cohort datasets/demo-cohort.csv --by municipality --instrument ors`,
  async run({ args, positionals, io }) {
    const format = chooseFormat(args.format, ["csv", "json"]);
    const registry = buildRegistry(io, args);
    const instrument = checkInstrument(registry, args.instrument);
    const scale = args.scale as string | undefined;
    const by = args.by as string | undefined;
    const normsFrom = normsOption(args);
    const sd = positiveNumber(args, "sd", (x) => x > 0, "a positive number");
    const reliability = positiveNumber(args, "reliability", (x) => x >= 0 && x < 1, "at least 0 and below 1");
    // one SD is about one scale: applying it to every scale in the file would invent norms
    if ((sd !== undefined || reliability !== undefined) && (instrument === undefined || scale === undefined)) throw new UsageError("--sd and --reliability need --instrument and --scale");
    if (normsFrom !== undefined && sd !== undefined) throw new UsageError("--norms sample and --sd both give an SD: use one");
    const input = await inputFrom(positionals, io);
    checkOutputs(io, input, { "--out": args.out as string | undefined, "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    const target = args.out ? new AtomicFile(resolve(io.cwd, args.out as string)) : undefined;
    try {
      const read = await readResults(input, registry, { ...(instrument !== undefined ? { instrument } : {}), ...(args["skip-broken-quotes"] ? { skipBrokenQuotes: true } : {}) }, reporter.add);
      // a subject's group: its first non-empty value in the column
      const groupOfSubject = new Map<string, string>();
      if (by !== undefined && by !== "phase" && by !== "respondent") {
        if (read.kind === "scored") throw new UsageError(`--by ${by}: a scored file has no grouping columns; give the raw file`);
        if (!read.extras.some((x) => by in x)) throw new UsageError(`--by: the file has no column ${JSON.stringify(by)}; grouping columns: ${[...new Set(read.extras.flatMap((x) => Object.keys(x)))].join(", ") || "none"}`);
        read.results.forEach((r, i) => {
          const v = read.extras[i]?.[by];
          if (r.subjectId && v && !groupOfSubject.has(r.subjectId)) groupOfSubject.set(r.subjectId, v);
        });
      }
      const { analyses } = analyseTrends(read.results, registry, {
        ...(instrument !== undefined ? { instrument } : {}),
        ...(scale !== undefined ? { scale } : {}),
        ...(normsFrom !== undefined ? { normsFrom } : {}),
        norms: { ...(sd !== undefined ? { sd } : {}), ...(reliability !== undefined ? { reliability } : {}) },
      });
      const rows = cohortSummary(
        analyses,
        by === undefined || by === "respondent" ? () => null : by === "phase" ? (a) => a.steps[0]?.phase ?? null : (a) => groupOfSubject.get(a.subjectId) ?? null,
      );
      const write = target ? (s: string) => target.write(s) : io.stdout;
      if (format === "csv") {
        write(csvLine([...COHORT_COLUMNS]));
        for (const r of rows) write(line(r));
      } else write(JSON.stringify({ by: by ?? null, decimals: COHORT_DECIMALS, rows }, (_k, v) => (typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v) ? rounded(v) : v), 2) + "\n");
      target?.commit();
      reporter.finish(true);
      if (!args.quiet) {
        io.stderr(`${rows.length} cohort rows from ${analyses.length} series\n`);
        for (const hint of new Set(rows.map((r) => r.verdictHint).filter((h) => h !== null))) io.stderr(`no verdicts: ${hint}\n`);
      }
      return reporter.counts.error > 0 ? 2 : 0;
    } catch (e) {
      target?.abort();
      reporter.finish(false);
      throw e;
    }
  },
};
