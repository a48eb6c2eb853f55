import { oneOf } from "../../choice.js";
import { tap } from "../../tap.js";
import { eachResultThreaded } from "../../io/results-thread.js";
import { chooseScale } from "../../registry/choose.js";
import { describeColumns, writeCsv } from "../../tables/table.js";
import { TREND_TABLE } from "../../tables/trend.js";
import { analyseCollected, trendCollector } from "../../trend/classify.js";
import { TrendTally } from "../../trend/summary.js";
import { chooseNorms } from "../../trend/norms-choice.js";
import { writeRecords } from "../../io/json-stream.js";
import { defineCommand } from "../command.js";
import { inputOptions, normsOptions, outOption, skipBrokenQuotesOption, strictOption, TABLE_FORMATS, tableFormatOption } from "../options.js";

export const trend = defineCommand({
  name: "trend",
  summary: "Progression per family and measure: reliable change, clinical significance, verdict, slope",
  usage: `trivsel trend <file.csv|-> [--instrument <id>] [--scale <id>] [--sd <x> --reliability <r> | --norms sample] [--format ${TABLE_FORMATS.join("|")}] [--out <file>]`,
  options: {
    ...skipBrokenQuotesOption,
    scale: { type: "string", placeholder: "id", description: "only this scale" },
    ...normsOptions,
    since: { type: "string", placeholder: "intake|birth", description: "reference date for weeks: the family's first administration (default) or the birth_date column" },
    ...tableFormatOption,
    ...inputOptions,
    ...outOption,
    ...strictOption,
  },
  details: `Input: a raw wide or long file (scored first), or the long output of \`trivsel score\`.
CSV columns, a stable contract, one row per ${TREND_TABLE.row}:
${describeColumns(TREND_TABLE)}
A series never mixes forms of a scale scored per form; compare them with average_item. rci is empty for scales
with a fixed reliable-change size in their definition. --format json adds the basis of every verdict, per-session
changes, the slope's standard error, the Theil–Sen slope and notes.

Example:
  trivsel trend datasets/demo-cohort.csv --instrument ors`,
  async run({ args, positionals, job }) {
    const format = oneOf("--format", args.format, TABLE_FORMATS);
    const since = oneOf("--since", args.since, ["intake", "birth"]);
    const registry = job.registry();
    const instrument = job.instrument();
    const scale = args.scale;
    if (scale !== undefined && instrument !== undefined) chooseScale(registry.get(instrument), scale);
    const norms = chooseNorms({ ...args, instrument, scale });
    const input = await job.open(positionals);
    // each result is reduced as it is read; each series is analysed, written and let go in turn
    // the CSV table reads summaries only (outlines); JSON the points too
    const collector = trendCollector(registry, { ...(instrument !== undefined ? { instrument } : {}), ...(scale !== undefined ? { scale } : {}), since, outlinesOnly: format === "csv" });
    const read = await eachResultThreaded(input, registry, { ...job.readOptions(), sharedScales: true, transient: true, built: { row: (v) => collector.addBuilt(v), extras: false } }, job.readThread(), job.issue, (r) => collector.add(r));
    const tally = new TrendTally();
    const opts = { ...norms, birthDates: read.birthDates };
    // the CSV table needs summaries only (no Theil–Sen slope, no steps)
    if (format === "csv") writeCsv(job.writeBytes, TREND_TABLE, tap(analyseCollected(collector, registry, { ...opts, detail: false }), (a) => tally.add(a)), job.dialect());
    else writeRecords(job, format, tap(analyseCollected(collector, registry, opts), (a) => tally.add(a)), (list) => ({ since, input: read.kind, analyses: list, skipped: collector.skipped }));
    if (!job.quiet) return tally.text(collector.skipped.length, read.kind, read.count);
  },
});
