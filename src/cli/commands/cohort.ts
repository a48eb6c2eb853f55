import { oneOf } from "../../choice.js";
import { eachResultThreaded } from "../../io/results-thread.js";
import { COHORT_DECIMALS, cohortJson, cohortNumbers, cohortTable } from "../../tables/cohort.js";
import { describeColumns, toCsv } from "../../tables/table.js";
import { analyseCollected, trendCollector } from "../../trend/classify.js";
import { CohortCells } from "../../trend/cohort.js";
import { GroupColumns, groupingOf, groupsNeedSteps } from "../../trend/cohort-groups.js";
import { chooseNorms } from "../../trend/norms-choice.js";
import { cohortSummaryText } from "../../trend/summary.js";
import { writeJsonLines } from "../../io/json-stream.js";
import { defineCommand } from "../command.js";
import { inputOptions, normsOptions, outOption, skipBrokenQuotesOption, strictOption, TABLE_FORMATS, tableFormatOption } from "../options.js";

export const cohort = defineCommand({
  name: "cohort",
  summary: "Cohort summary: verdict counts, pre–post change with 95% CI and paired effect sizes",
  usage: `trivsel cohort <file.csv|-> [--by <column>]… [--instrument <id>] [--scale <id>] [--sd <x> --reliability <r> | --norms sample] [--format ${TABLE_FORMATS.join("|")}] [--out <file>]`,
  options: {
    ...skipBrokenQuotesOption,
    by: { type: "string", multiple: true, placeholder: "column", description: "group by a column of the raw file (e.g. municipality), or phase (the baseline's phase); several: one group per combination" },
    scale: { type: "string", placeholder: "id", description: "only this scale" },
    ...normsOptions,
    ...tableFormatOption,
    ...inputOptions,
    ...outOption,
    ...strictOption,
  },
  details: `Verdicts and forms as in \`trivsel trend\` (raters are never pooled; a scale's forms are never paired).
Percentages are of the series with a follow-up. The CI and effect sizes are empty, with the reason in notes, for
fewer than 2 pairs or changes without spread (SD 0 within floating-point noise); hedges_g also for 2 pairs.
Numbers in CSV and JSON are rounded to ${COHORT_DECIMALS} decimals, the same in both. The grouping columns come
first, named as given to --by (without --by, an empty column group).
CSV columns, one row per ${cohortTable().row}:
${describeColumns(cohortTable(["<by>"]))}

Example:
  trivsel cohort datasets/demo-cohort.csv --by municipality --instrument ors`,
  async run({ args, positionals, job }) {
    const format = oneOf("--format", args.format, TABLE_FORMATS);
    const registry = job.registry();
    const instrument = job.instrument();
    const by = args.by ?? [];
    const { norms, normsFrom } = chooseNorms({ ...args, instrument });
    const input = await job.open(positionals);
    // results are reduced as they are read (series points, each subject's group); analyses are counted, not kept
    // summaries only (outlines), unless a grouping reads the points' steps
    const collector = trendCollector(registry, { ...(instrument !== undefined ? { instrument } : {}), ...(args.scale !== undefined ? { scale: args.scale } : {}), outlinesOnly: !groupsNeedSteps(by) });
    // one numbering of subjects for both (the collector is fed each row first)
    const columns = new GroupColumns(by, collector.subjects, collector);
    const read = await eachResultThreaded(input, registry, { ...job.readOptions(), sharedScales: true, transient: true, built: { row: (v) => (collector.addBuilt(v), columns.addBuilt(v)), extras: by.length > 0 } }, job.readThread(), job.issue, (r, extras) => (collector.add(r), columns.add(r.subjectId, extras)));
    const cells = new CohortCells(groupingOf(columns, read.kind, by));
    for (const a of analyseCollected(collector, registry, { ...(normsFrom !== undefined ? { normsFrom } : {}), norms, detail: groupsNeedSteps(by) })) cells.add(a);
    const rows = cells.rows();
    // the rows are few (one per group and measure) and held by CohortCells anyway
    if (format === "jsonl") writeJsonLines(job.writeBytes, rows, cohortNumbers);
    else job.write(format === "csv" ? toCsv(cohortTable(by), rows, job.dialect()) : cohortJson(rows, by));
    if (!job.quiet) return cohortSummaryText(rows, collector.size);
  },
});
