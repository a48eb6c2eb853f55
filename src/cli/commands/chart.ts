import { oneOf } from "../../choice.js";
import { CHART_KINDS, cohortFor, fitFor, NoChartDataError, progressionFor } from "../../charts/from-results.js";
import { renderPng, renderSvg } from "../../charts/render.js";
import { readEtrFile, readGoalsFile } from "../../io/option-files.js";
import { readResults } from "../../io/read-results.js";
import { FileError } from "../../io/rows.js";
import { chooseForm, chooseScale, defaultScale } from "../../registry/choose.js";
import { defineCommand, UsageError } from "../command.js";
import { chartOptions, inputOptions } from "../options.js";

export const chart = defineCommand({
  name: "chart",
  summary: "Charts: one family's progression on a measure (bands, phases, reliable change, goals), its FIT sessions, or the cohort",
  usage: "trivsel chart <file.csv|-> [--kind progression|fit|cohort|cohort-change] --subject <id> --instrument <id> [--scale <id>] [--goals <file>] [--lang da|en] [--format svg|png|json] --out <file>",
  options: {
    ...chartOptions,
    kind: { type: "string", placeholder: CHART_KINDS.join("|"), description: "progression (default): one family's measure; fit: one family's FIT sessions; cohort: every family's verdicts per measure; cohort-change: their mean change with its 95% CI" },
    subject: { type: "string", placeholder: "id", description: "the family (subject_id); for progression and fit" },
    scale: { type: "string", placeholder: "id", description: "the scale (default: total, else the instrument's first)" },
    form: { type: "string", placeholder: "id", description: "the form to chart, when the family's results span forms charted one at a time (ASQ:SE-2's forms; ORS adult and adolescent side by side)" },
    goals: { type: "string", placeholder: "goals.yaml", description: "draw the family's goals on this scale (target line, review date)" },
    etr: { type: "string", placeholder: "table.csv", description: "fit: expected treatment response table (intake,session,expected,lower)" },
    format: { type: "string", placeholder: "svg|png|json", description: "svg (default), png, or json: the Vega-Lite spec, for any Vega tool" },
    ...inputOptions,
    out: { type: "string", placeholder: "file", description: "write here (atomically); svg and json go to standard output without it" },
  },
  details: `Fonts are bundled (DejaVu Sans): the same input gives the same SVG and PNG on every machine. Nothing is fetched.
--kind progression needs --subject and --instrument; fit needs --subject (and --instrument ors or cors when the
family has both pairs); cohort and cohort-change draw every family in the file (only --instrument's, if given).
Examples:
  trivsel chart datasets/demo-cohort.csv --subject F005 --instrument epds --goals datasets/demo-goals.yaml --out F005-epds.svg
  trivsel chart datasets/demo-cohort.csv --kind fit --subject F005 --out F005-fit.svg
  trivsel chart datasets/demo-cohort.csv --kind cohort-change --instrument epds --out cohort-epds.svg`,
  async run({ args, positionals, job }) {
    const kind = oneOf("--kind", args.kind, CHART_KINDS);
    const format = oneOf("--format", args.format, ["svg", "png", "json"]);
    const [lang, x] = [oneOf("--lang", args.lang, ["da", "en"]), oneOf("--x", args.x, ["date", "weeks"])];
    if (!args.subject && (kind === "progression" || kind === "fit")) throw new UsageError("give the family with --subject <id>");
    if (args.instrument === undefined && kind === "progression") throw new UsageError("give the measure with --instrument <id> (and --scale)");
    if (format === "png" && !args.out) throw new UsageError("--format png needs --out <file>");
    const registry = job.registry();
    const instrument = job.instrument() === undefined ? undefined : registry.get(job.instrument()!);
    const scale = instrument && kind === "progression" ? chooseScale(instrument, args.scale ?? defaultScale(instrument)) : undefined;
    const form = instrument && args.form !== undefined ? chooseForm(instrument, args.form) : undefined;
    const [goals, etr] = [readGoalsFile(job.io.cwd, args.goals), readEtrFile(job.io.cwd, args.etr)];
    const input = await job.open(positionals);
    const data = await readResults(input, registry, instrument && kind !== "fit" ? { instrument: instrument.id } : {}, job.issue);
    const spec = (() => {
      try {
        if (kind === "progression") return progressionFor(data, registry, { subject: args.subject!, instrument: instrument!, scale: scale!, form, goals, lang, x });
        return kind === "fit" ? fitFor(data, registry, { subject: args.subject!, instrument: instrument?.id, etr, lang }) : cohortFor(data, registry, { kind, lang });
      } catch (e) {
        if (!(e instanceof NoChartDataError)) throw e;
        throw new FileError(`${input.name ?? "input"}: ${e.message}`, { code: "invalid_value", severity: "error", message: e.message });
      }
    })();
    if (format === "png") job.writeBytes(await renderPng(spec));
    else job.write(format === "json" ? JSON.stringify(spec, null, 2) + "\n" : await renderSvg(spec));
  },
});
