import { numberChoice, oneOf } from "../../choice.js";
import { readEtrFile } from "../../io/etr-file.js";
import { eachResultThreaded } from "../../io/results-thread.js";
import { writeFitCsv } from "../../tables/fit-csv.js";
import { DEFAULT_REVIEW_SESSIONS, FitCollector, fitInstruments, fitMeasures, type FitFamily } from "../../trend/fit.js";
import { fitSummaryText } from "../../trend/summary.js";
import { writeRecords } from "../../io/json-stream.js";
import { tap } from "../../tap.js";
import { defineCommand } from "../command.js";
import { inputOptions, outOption, skipBrokenQuotesOption, strictOption, TABLE_FORMATS, tableFormatOption } from "../options.js";

export const fit = defineCommand({
  name: "fit",
  summary: "FIT session table: the outcome and alliance measures per session and rater, with alerts and the rule that fired",
  usage: `trivsel fit <file.csv|-> [--etr <table.csv>] [--sessions <n>] [--format ${TABLE_FORMATS.join("|")}] [--out <file>]`,
  options: {
    ...skipBrokenQuotesOption,
    etr: { type: "string", placeholder: "table.csv", description: "expected treatment response table: columns intake,session,expected,lower" },
    sessions: { type: "string", placeholder: "n", description: `alert when the ORS is not reliably above intake from this session on (default ${DEFAULT_REVIEW_SESSIONS})` },
    ...tableFormatOption,
    ...inputOptions,
    ...outOption,
    ...strictOption,
  },
  details: `The outcome and alliance measures are the scales whose definition declares a FIT role (fit.role outcome or
alliance, with a family): built in, ORS+SRS (adult) and CORS+CSRS (child); a --definition or --overlay may add
more. Columns ors, ors_change and srs hold the family's outcome and alliance totals; outcome_measure and
alliance_measure name the instruments. Rule names keep the ORS/SRS names for every family. A measure without
a cutoff or item rule in its definition (CSRS) gets no srs_below_cutoff or srs_item_below_9, and --format json
says so in notes.
One row per subject × rater × family × session (the rater's distinct dates with an outcome or alliance
measure; session 1 is the intake).
alerts, separated by ";": no_reliable_improvement (from session --sessions on, ORS not ≥ 5 points above intake;
default ${DEFAULT_REVIEW_SESSIONS}, a common FIT review point and a trivsel default), ors_below_intake (ORS ≤ intake − 5),
srs_below_cutoff (SRS < 36), srs_item_below_9, srs_drop (SRS ≥ 1 point below the previous session: trivsel default),
below_etr (ORS below the table's lower boundary). ETR curves are proprietary: trivsel ships none. With --etr, the
row for the intake value nearest the rater's intake ORS is used. --format json has every alert's message.

Example:
  trivsel fit datasets/demo-cohort.csv --sessions 6`,
  async run({ args, positionals, job }) {
    const format = oneOf("--format", args.format, TABLE_FORMATS);
    const sessions = numberChoice("--sessions", args.sessions, (x) => Number.isInteger(x) && x >= 2, "a whole number ≥ 2") ?? DEFAULT_REVIEW_SESSIONS;
    const etr = readEtrFile(job.io.cwd, args.etr);
    const registry = job.registry();
    const input = await job.open(positionals);
    // one pass over every instrument; only the FIT measures' results and issues (and file-level ones) matter here
    const measures = fitMeasures(registry);
    const ids = fitInstruments(measures);
    const collector = new FitCollector({ sessions, measures, ...(etr ? { etr } : {}) });
    await eachResultThreaded(input, registry, { ...job.readOptions(false), sharedScales: true, transient: true, built: { row: (v) => collector.addBuilt(v), extras: false } }, job.readThread(), (i) => (i.instrument === undefined || ids.has(i.instrument)) && job.issue(i), (r) => collector.add(r));
    // each rater series is built, written and let go in turn; the CSV table is written from its session columns
    let now = 0;
    if (format === "csv") now = writeFitCsv(job.writeBytes, collector, job.dialect());
    else writeRecords(job, format, tap(collector.families(), (f: FitFamily) => void (f.current.length && now++)), (list) => ({ etr: etr ? etr.name : null, reviewSession: sessions, families: list }));
    if (!job.quiet) return fitSummaryText(collector.size, now, etr?.name);
  },
});
