import { resolve } from "node:path";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { AtomicFile } from "../../io/atomic.js";
import { csvLine } from "../../io/csv.js";
import { analyseTrends } from "../../trend/classify.js";
import { cohortSummary, type CohortRow } from "../../trend/cohort.js";
import { readResults } from "../../trend/read.js";
import { buildRegistry, checkInstrument, IssueReporter } from "../shared.js";
import { checkOutputs, chooseFormat, inputFrom, inputOptions, outOption, tableFormatOption } from "../shared.js";

const SHOWN = ["recovered", "improved", "unchanged", "deteriorated", "changed", "insufficient_data"] as const;

export const COHORT_COLUMNS = [
  "group",
  "instrument",
  "scale",
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
] as const;

const line = (r: CohortRow) =>
  csvLine([
    r.group,
    r.instrument,
    r.scale,
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
  ]);

export const cohort: Command = {
  name: "cohort",
  summary: "Cohort summary: verdict counts, pre–post change with 95% CI and paired effect sizes",
  usage: "trivsel cohort <file.csv|-> [--by <column>] [--instrument <id>] [--scale <id>] [--format csv|json] [--out <file>]",
  options: {
    by: { type: "string", placeholder: "column", description: "group by a column of the raw file (e.g. municipality), or phase (the baseline's phase)" },
    scale: { type: "string", placeholder: "id", description: "only this scale" },
    ...tableFormatOption,
    ...inputOptions,
    ...outOption,
  },
  details: `One row per group × instrument × scale × respondent (raters are never pooled). Verdicts as in \`trivsel trend\`;
percentages are of the series with a follow-up (a later date than the baseline). mean_change is latest − baseline
in raw points (read it with the scale's direction); the CI uses the t distribution; cohens_dz = mean/SD of the
changes; hedges_g = d_z·(1 − 3/(4·df − 1)), df = n − 1.

Example:
  trivsel cohort datasets/demo-cohort.csv --by municipality --instrument ors`,
  async run({ args, positionals, io }) {
    const format = chooseFormat(args.format, ["csv", "json"]);
    const registry = buildRegistry(io, args);
    const instrument = checkInstrument(registry, args.instrument);
    const scale = args.scale as string | undefined;
    const by = args.by as string | undefined;
    const input = await inputFrom(positionals, io);
    checkOutputs(io, input, { "--out": args.out as string | undefined, "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    const target = args.out ? new AtomicFile(resolve(io.cwd, args.out as string)) : undefined;
    try {
      const read = await readResults(input, registry, instrument !== undefined ? { instrument } : {}, reporter.add);
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
      const { analyses } = analyseTrends(read.results, registry, { ...(instrument !== undefined ? { instrument } : {}), ...(scale !== undefined ? { scale } : {}) });
      const rows = cohortSummary(
        analyses,
        by === undefined || by === "respondent" ? () => null : by === "phase" ? (a) => a.steps[0]?.phase ?? null : (a) => groupOfSubject.get(a.subjectId) ?? null,
      );
      const write = target ? (s: string) => target.write(s) : io.stdout;
      if (format === "csv") {
        write(csvLine([...COHORT_COLUMNS]));
        for (const r of rows) write(line(r));
      } else write(JSON.stringify({ by: by ?? null, rows }, null, 2) + "\n");
      target?.commit();
      reporter.finish(true);
      if (!args.quiet) io.stderr(`${rows.length} cohort rows from ${analyses.length} series\n`);
      return reporter.counts.error > 0 ? 2 : 0;
    } catch (e) {
      target?.abort();
      reporter.finish(false);
      throw e;
    }
  },
};
