import { dateChoice, oneOf } from "../../choice.js";
import { readGoalsFile } from "../../io/option-files.js";
import { eachResult } from "../../io/read-results.js";
import { GOAL_TABLE } from "../../tables/goals.js";
import { describeColumns, writeCsv } from "../../tables/table.js";
import { evaluateGoals, GoalResults, validateGoals } from "../../trend/goals.js";
import { chooseNorms } from "../../trend/norms-choice.js";
import { goalsSummary } from "../../trend/summary.js";
import { writeRecords } from "../../io/json-stream.js";
import { defineCommand, UsageError } from "../command.js";
import { inputOptions, normsOptions, outputOptions, skipBrokenQuotesOption, TABLE_FORMATS, tableFormatOption } from "../options.js";

export const goals = defineCommand({
  name: "goals",
  summary: "Evaluate developmental goals (udviklingsmål) from a goals file against the measurements",
  usage: `trivsel goals <file.csv|-> --goals <goals.json> [--at <date>] [--norms sample] [--format ${TABLE_FORMATS.join("|")}] [--out <file>]`,
  options: {
    ...skipBrokenQuotesOption,
    ...tableFormatOption,
    goals: { type: "string", placeholder: "goals.json", description: "the goals file: JSON or YAML (.yaml/.yml) with a list of goals" },
    at: { type: "string", placeholder: "yyyy-mm-dd", description: "evaluate every goal at this date (default: each goal's review date)" },
    norms: normsOptions.norms,
    ...inputOptions,
    ...outputOptions,
  },
  details: `A goal: { "id", "subjectId", "goal" (the team's words), "measure": { "instrument", "scale" (default total),
"respondent", "form" }, "target": { "kind": "below"|"above", "value" } | { "kind": "reliable_improvement" } |
{ "kind": "leave_band", "band": "<band id>" }, "start", "review" }.
Every goal is checked before anything is evaluated: instrument, scale, form and band must exist in the
instruments in use (built-ins, --definition, --overlay), the respondent must occur in the data, a band target
needs a scale with bands and a concern band, a below/above target must point to the better end, and
reliable_improvement needs a scale with a better end. A scale scored differently per form needs measure.form;
follow a child across forms with average_item. Errors name the goal id, its position (1-based), the field and
the valid values. A goal is evaluated on the measurements up to its review date; --at evaluates every goal at
that date, and a goal's notes say so when --at lies after its review date.
CSV columns, one row per ${GOAL_TABLE.row}:
${describeColumns(GOAL_TABLE)}

Example:
  trivsel goals datasets/demo-cohort.csv --goals goals.json --at 2025-06-01`,
  async run({ args, positionals, job }) {
    const format = oneOf("--format", args.format, TABLE_FORMATS);
    if (!args.goals) throw new UsageError("give the goals file with --goals <file.json>");
    const at = dateChoice("--at", args.at);
    const list = readGoalsFile(job.io.cwd, args.goals);
    const { normsFrom } = chooseNorms({ norms: args.norms });
    const registry = job.registry();
    validateGoals(list, registry, args.goals);
    const input = await job.open(positionals);
    const wanted = new Set(list.map((g) => g.measure.instrument));
    const read = new GoalResults(list, registry, { sample: normsFrom !== undefined });
    await eachResult(input, registry, { ...job.readOptions(false), sharedScales: true, ...(wanted.size === 1 ? { instrument: [...wanted][0]! } : {}) }, job.issue, (r) => read.add(r));
    validateGoals(list, registry, args.goals, read.respondents);
    const scaleDef = (i: string, s: string) => registry.get(i).scales.find((x) => x.id === s)?.def;
    const evals = evaluateGoals(list, read.results, scaleDef, { ...(at !== undefined ? { at } : {}), ...(normsFrom !== undefined ? { samples: read.samples()! } : {}) });
    if (format === "csv") writeCsv(job.writeBytes, GOAL_TABLE, evals, job.dialect());
    else writeRecords(job, format, evals);
    if (!job.quiet) return goalsSummary(evals);
  },
});
