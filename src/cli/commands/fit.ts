import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { AtomicFile } from "../../io/atomic.js";
import { csvLine } from "../../io/csv.js";
import { DEFAULT_REVIEW_SESSIONS, fitMeasures, fitSessions, parseEtrTable, type EtrTable } from "../../trend/fit.js";
import { readResults } from "../../io/read-results.js";
import { buildRegistry, IssueReporter } from "../shared.js";
import { checkOutputs, chooseFormat, inputFrom, inputOptions, outOption, skipBrokenQuotesOption, tableFormatOption } from "../shared.js";

export const FIT_COLUMNS = ["subject_id", "respondent", "session", "date", "ors", "ors_change", "srs", "etr_expected", "etr_lower", "alerts", "outcome_measure", "alliance_measure"] as const;

export const fit: Command = {
  name: "fit",
  summary: "FIT session table: ORS/SRS (CORS/CSRS) per session and rater, with alerts and the rule that fired",
  usage: "trivsel fit <file.csv|-> [--etr <table.csv>] [--sessions <n>] [--format csv|json] [--out <file>]",
  options: {
    ...skipBrokenQuotesOption,
    etr: { type: "string", placeholder: "table.csv", description: "expected treatment response table: columns intake,session,expected,lower" },
    sessions: { type: "string", placeholder: "n", description: `alert when the ORS is not reliably above intake from this session on (default ${DEFAULT_REVIEW_SESSIONS})` },
    ...tableFormatOption,
    ...inputOptions,
    ...outOption,
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
  async run({ args, positionals, io }) {
    const format = chooseFormat(args.format, ["csv", "json"]);
    let sessions = DEFAULT_REVIEW_SESSIONS;
    if (args.sessions !== undefined) {
      sessions = Number(args.sessions);
      if (!Number.isInteger(sessions) || sessions < 2) throw new UsageError(`--sessions must be a whole number ≥ 2; received ${JSON.stringify(args.sessions)}`);
    }
    let etr: EtrTable | undefined;
    if (args.etr !== undefined) {
      const f = args.etr as string;
      let text: string;
      try {
        text = readFileSync(resolve(io.cwd, f), "utf8");
      } catch (e) {
        throw new UsageError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      try {
        etr = parseEtrTable(text, f);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    const registry = buildRegistry(io, args);
    const input = await inputFrom(positionals, io);
    checkOutputs(io, input, { "--out": args.out as string | undefined, "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    const target = args.out ? new AtomicFile(resolve(io.cwd, args.out as string)) : undefined;
    try {
      // one pass over every instrument; only the FIT measures' results and issues (and file-level ones) matter here
      const measures = fitMeasures(registry);
      const ids = new Set(measures.map((m) => m.instrument));
      const fitIssue = (i: Parameters<typeof reporter.add>[0]) => {
        if (i.instrument === undefined || ids.has(i.instrument)) reporter.add(i);
      };
      const results = (await readResults(input, registry, args["skip-broken-quotes"] ? { skipBrokenQuotes: true } : {}, fitIssue)).results.filter((r) => ids.has(r.instrument));
      const families = fitSessions(results, { sessions, measures, ...(etr ? { etr } : {}) });
      const write = target ? (s: string) => target.write(s) : io.stdout;
      if (format === "csv") {
        write(csvLine([...FIT_COLUMNS]));
        for (const f of families)
          for (const s of f.sessions) write(csvLine([f.subjectId, f.respondent, s.session, s.date, s.ors, s.orsChange, s.srs, s.etr?.expected, s.etr?.lower, s.alerts.map((a) => a.rule).join(";"), f.outcomeInstrument, f.allianceInstrument]));
      } else write(JSON.stringify({ etr: etr ? etr.name : null, reviewSession: sessions, families }, null, 2) + "\n");
      target?.commit();
      reporter.finish(true);
      if (!args.quiet) {
        const now = families.filter((f) => f.current.length).length;
        io.stderr(`${families.length} rater series; ${now} with alerts at their latest session. ${etr ? `ETR: ${etr.name}` : "No ETR table in use: alerts rely on the reliable-change rules."}\n`);
      }
      return reporter.counts.error > 0 ? 2 : 0;
    } catch (e) {
      target?.abort();
      reporter.finish(false);
      throw e;
    }
  },
};
