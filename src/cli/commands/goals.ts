import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { AtomicFile } from "../../io/atomic.js";
import { csvLine } from "../../io/csv.js";
import { parseDate } from "../../dates.js";
import { describeTarget, evaluateGoals, goalSampleNorms, GoalValidationError, parseGoalsText, validateGoals, type Goal } from "../../trend/goals.js";
import { formatNormsSource } from "../../trend/reliable-change.js";
import { NORMS_HELP, NORMS_OPTION, normsOption } from "./trend.js";
import { readResults } from "../../io/read-results.js";
import { buildRegistry, IssueReporter } from "../shared.js";
import { checkOutputs, chooseFormat, inputFrom, inputOptions, outOption, skipBrokenQuotesOption, tableFormatOption } from "../shared.js";

export const GOAL_COLUMNS = ["subject_id", "goal_id", "instrument", "scale", "form", "respondent", "target", "start", "review", "at", "status", "baseline_date", "baseline", "latest_date", "latest", "change", "rci", "reliable_change", "norms", "notes"] as const;

export const goals: Command = {
  name: "goals",
  summary: "Evaluate developmental goals (udviklingsmål) from a goals file against the measurements",
  usage: "trivsel goals <file.csv|-> --goals <goals.json> [--at <date>] [--norms sample] [--format csv|json] [--out <file>]",
  options: {
    ...skipBrokenQuotesOption,
    goals: { type: "string", placeholder: "goals.json", description: "the goals file: JSON or YAML (.yaml/.yml) with a list of goals" },
    at: { type: "string", placeholder: "yyyy-mm-dd", description: "evaluate every goal at this date (default: each goal's review date)" },
    ...NORMS_OPTION,
    ...tableFormatOption,
    ...inputOptions,
    ...outOption,
  },
  details: `A goal: { "id", "subjectId", "goal" (the team's words), "measure": { "instrument", "scale" (default total),
"respondent", "form" }, "target": { "kind": "below"|"above", "value" } | { "kind": "reliable_improvement" } |
{ "kind": "leave_band", "band": "<band id>" }, "start", "review" }.
Every goal is checked before anything is evaluated: instrument, scale, form and band must exist in the
instruments in use (built-ins, --definition, --overlay), the respondent must occur in the data, a band target
needs a scale with bands and a concern band, a below/above target must point to the better end, and
reliable_improvement needs a scale with a better end. A scale scored differently per form (ASQ:SE-2 total)
needs measure.form; follow a child across intervals with average_item. Errors name the goal id, its
position (1-based), the field and the valid values.
status: met, progressing, not_progressing, worsened (reliable change against the goal) or no_data.
A goal is evaluated on the measurements up to its review date; --at evaluates every goal at that date, and a
goal's notes say so when --at lies after its review date. Baseline is the last measurement on or before start
(else the first after it); latest the last one by that date.
${NORMS_HELP}

Example:
  trivsel goals datasets/demo-cohort.csv --goals goals.json --at 2025-06-01`,
  async run({ args, positionals, io }) {
    const format = chooseFormat(args.format, ["csv", "json"]);
    const file = args.goals as string | undefined;
    if (!file) throw new UsageError("give the goals file with --goals <file.json>");
    const at = args.at as string | undefined;
    if (at !== undefined && !parseDate(at)) throw new UsageError(`--at must be a date (yyyy-mm-dd); received ${JSON.stringify(at)}`);
    let list: Goal[];
    try {
      list = parseGoalsText(readFileSync(resolve(io.cwd, file), "utf8"), file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new UsageError(err.code ? `cannot read ${file}: ${err.code}` : err.message);
    }
    const normsFrom = normsOption(args);
    const registry = buildRegistry(io, args);
    const check = (respondents?: Map<string, Set<string>>) => {
      try {
        validateGoals(list, registry, file, respondents);
      } catch (e) {
        if (e instanceof GoalValidationError) throw new UsageError(e.message);
        throw e;
      }
    };
    check();
    const input = await inputFrom(positionals, io);
    checkOutputs(io, input, { "--out": args.out as string | undefined, "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    const target = args.out ? new AtomicFile(resolve(io.cwd, args.out as string)) : undefined;
    try {
      const wanted = new Set(list.map((g) => g.measure.instrument));
      const { results } = await readResults(input, registry, { ...(wanted.size === 1 ? { instrument: [...wanted][0]! } : {}), ...(args["skip-broken-quotes"] ? { skipBrokenQuotes: true } : {}) }, reporter.add);
      const respondents = new Map<string, Set<string>>();
      for (const r of results) {
        let set = respondents.get(r.instrument);
        if (!set) respondents.set(r.instrument, (set = new Set()));
        set.add(r.respondent ?? "");
      }
      check(respondents);
      const evals = evaluateGoals(list, results, (i, s) => registry.get(i).scales.find((x) => x.id === s)?.def, {
        ...(at !== undefined ? { at } : {}),
        ...(normsFrom !== undefined ? { samples: goalSampleNorms(results, registry) } : {}),
      });
      const write = target ? (s: string) => target.write(s) : io.stdout;
      if (format === "csv") {
        write(csvLine([...GOAL_COLUMNS]));
        for (const e of evals) {
          const g = e.goal;
          write(csvLine([g.subjectId, g.id, g.measure.instrument, g.measure.scale, g.measure.form, g.measure.respondent, describeTarget(g.target), g.start, g.review, e.at, e.status, e.baseline?.date, e.baseline?.score, e.latest?.date, e.latest?.score, e.change, e.reliable?.rci, e.reliable?.verdict, formatNormsSource(e.norms), e.notes.join(" | ")]));
        }
      } else write(JSON.stringify(evals, null, 2) + "\n");
      target?.commit();
      reporter.finish(true);
      if (!args.quiet) {
        const counts = new Map<string, number>();
        for (const e of evals) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
        io.stderr(`${evals.length} goals: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}\n`);
      }
      return reporter.counts.error > 0 ? 2 : 0;
    } catch (e) {
      target?.abort();
      reporter.finish(false);
      throw e;
    }
  },
};
