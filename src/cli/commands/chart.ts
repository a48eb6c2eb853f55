import { ChoiceError, oneOf } from "../../choice.js";
import { progressionChart } from "../../charts/progression.js";
import { renderPng, renderSvg } from "../../charts/render.js";
import { readGoalsFile } from "../../io/option-files.js";
import { readResults } from "../../io/read-results.js";
import { FileError } from "../../io/rows.js";
import { chartForm } from "../../report/report.js";
import { chooseForm, chooseScale, defaultScale } from "../../registry/choose.js";
import { analyseTrends } from "../../trend/classify.js";
import { evaluateGoals } from "../../trend/goals.js";
import { defineCommand, UsageError } from "../command.js";
import { chartOptions, inputOptions } from "../options.js";

export const chart = defineCommand({
  name: "chart",
  summary: "Progression chart of one family's measure: every respondent, the bands, phases, reliable change and goals",
  usage: "trivsel chart <file.csv|-> --subject <id> --instrument <id> [--scale <id>] [--goals <file>] [--lang da|en] [--format svg|png|json] --out <file>",
  options: {
    ...chartOptions,
    subject: { type: "string", placeholder: "id", description: "the family (subject_id)" },
    scale: { type: "string", placeholder: "id", description: "the scale (default: total, else the instrument's first)" },
    form: { type: "string", placeholder: "id", description: "the form to chart, when the family's results span forms charted one at a time (ASQ:SE-2's forms; ORS adult and adolescent side by side)" },
    goals: { type: "string", placeholder: "goals.yaml", description: "draw the family's goals on this scale (target line, review date)" },
    format: { type: "string", placeholder: "svg|png|json", description: "svg (default), png, or json: the Vega-Lite spec, for any Vega tool" },
    ...inputOptions,
    out: { type: "string", placeholder: "file", description: "write here (atomically); svg and json go to standard output without it" },
  },
  details: `Fonts are bundled (DejaVu Sans): the same input gives the same SVG and PNG on every machine. Nothing is fetched.
Example:
  trivsel chart datasets/demo-cohort.csv --subject F005 --instrument epds --goals datasets/demo-goals.yaml --out F005-epds.svg`,
  async run({ args, positionals, job }) {
    const format = oneOf("--format", args.format, ["svg", "png", "json"]);
    const [lang, x] = [oneOf("--lang", args.lang, ["da", "en"]), oneOf("--x", args.x, ["date", "weeks"])];
    const { subject } = args;
    if (!subject) throw new UsageError("give the family with --subject <id>");
    if (args.instrument === undefined) throw new UsageError("give the measure with --instrument <id> (and --scale)");
    if (format === "png" && !args.out) throw new UsageError("--format png needs --out <file>");
    const registry = job.registry();
    const instrument = registry.get(job.instrument()!);
    const scale = chooseScale(instrument, args.scale ?? defaultScale(instrument));
    const form = args.form === undefined ? undefined : chooseForm(instrument, args.form);
    const goals = readGoalsFile(job.io.cwd, args.goals);
    const input = await job.open(positionals);
    const read = await readResults(input, registry, { instrument: instrument.id }, job.issue);
    let mine = read.results.filter((r) => r.subjectId === subject);
    const choice = chartForm(instrument, scale, mine);
    const forms = [...new Set(mine.map((r) => r.form).filter(Boolean))].join(", ");
    if (choice.split && form === undefined) throw new ChoiceError(`${subject}'s ${instrument.id} results span forms charted one at a time (${forms}): choose one with --form`);
    if (form !== undefined) mine = mine.filter((r) => r.form === form);
    const { analyses } = analyseTrends(mine, registry, { instrument: instrument.id, scale, since: read.birthDates.has(subject) ? "birth" : "intake", birthDates: read.birthDates });
    const scored = analyses.filter((a) => a.n > 0), message = `no scored ${instrument.id} ${scale} for subject ${JSON.stringify(subject)}${form !== undefined ? ` on form ${form}` : ""}`;
    if (!scored.length) throw new FileError(`${input.name ?? "input"}: ${message}`, { code: "invalid_value", severity: "error", message });
    const phases = read.results.filter((r) => r.subjectId === subject && r.phase && r.administeredOn).map((r) => ({ date: r.administeredOn!, phase: r.phase! }));
    const evals = evaluateGoals(goals.filter((g) => g.subjectId === subject), read.results, (i, s) => (registry.has(i) ? registry.get(i).scales.find((d) => d.id === s)?.def : undefined));
    const drawn = form ?? choice.form;
    const spec = progressionChart({ instrument, scale, ...(drawn !== undefined ? { form: drawn } : {}), analyses: scored, phases, goals: evals }, { lang, x });
    if (format === "png") job.writeBytes(await renderPng(spec));
    else job.write(format === "json" ? JSON.stringify(spec, null, 2) + "\n" : await renderSvg(spec));
  },
});
