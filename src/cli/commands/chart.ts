import { resolve } from "node:path";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { AtomicFile } from "../../io/atomic.js";
import { FileError } from "../../io/rows.js";
import { progressionChart } from "../../charts/progression.js";
import { renderPng, renderSvg } from "../../charts/render.js";
import { chartForm } from "../../report/report.js";
import { analyseTrends } from "../../trend/classify.js";
import { evaluateGoals } from "../../trend/goals.js";
import { readResults } from "../../io/read-results.js";
import { buildRegistry, checkInstrument, IssueReporter } from "../shared.js";
import { checkOutputs, chooseFormat, inputFrom, inputOptions } from "../shared.js";
import { chartOptions, chooseLang, chooseX, readGoalsOption } from "./report.js";

export const chart: Command = {
  name: "chart",
  summary: "Progression chart of one family's measure: every respondent, the bands, phases, reliable change and goals",
  usage: "trivsel chart <file.csv|-> --subject <id> --instrument <id> [--scale <id>] [--goals <file>] [--lang da|en] [--format svg|png|json] --out <file>",
  options: {
    subject: { type: "string", placeholder: "id", description: "the family (subject_id)" },
    scale: { type: "string", placeholder: "id", description: "the scale (default: total, else the instrument's first)" },
    form: { type: "string", placeholder: "id", description: "the form whose bands to draw, when the family's results span forms with their own cutoffs (ASQ:SE-2)" },
    goals: { type: "string", placeholder: "goals.yaml", description: "draw the family's goals on this scale (target line, review date)" },
    format: { type: "string", placeholder: "svg|png|json", description: "svg (default), png, or json: the Vega-Lite spec, for any Vega tool" },
    ...chartOptions,
    ...inputOptions,
    out: { type: "string", placeholder: "file", description: "write here (atomically); svg and json go to standard output without it" },
  },
  details: `Fonts are bundled (DejaVu Sans): the same input gives the same SVG and PNG on every machine. Nothing is fetched.

Example:
  trivsel chart datasets/demo-cohort.csv --subject F005 --instrument epds --goals datasets/demo-goals.yaml --out F005-epds.svg`,
  async run({ args, positionals, io }) {
    const format = chooseFormat(args.format, ["svg", "png", "json"]);
    const lang = chooseLang(args.lang);
    const x = chooseX(args.x);
    const subject = args.subject as string | undefined;
    if (!subject) throw new UsageError("give the family with --subject <id>");
    if (args.instrument === undefined) throw new UsageError("give the measure with --instrument <id> (and --scale)");
    const out = args.out as string | undefined;
    if (format === "png" && !out) throw new UsageError("--format png needs --out <file>");
    const registry = buildRegistry(io, args);
    const instrument = registry.get(checkInstrument(registry, args.instrument)!);
    const scale = (args.scale as string | undefined) ?? (instrument.scales.some((s) => s.id === "total") ? "total" : instrument.scales[0]!.id);
    if (!instrument.scales.some((s) => s.id === scale)) throw new UsageError(`--scale: ${instrument.id} has scales ${instrument.scales.map((s) => s.id).join(", ")}; received ${JSON.stringify(scale)}`);
    const form = args.form as string | undefined;
    if (form !== undefined && !instrument.forms.some((f) => f.id === form)) throw new UsageError(`--form: ${instrument.id} has forms ${instrument.forms.map((f) => f.id).join(", ")}; received ${JSON.stringify(form)}`);
    const goals = readGoalsOption(io, args.goals as string | undefined);
    const input = await inputFrom(positionals, io);
    checkOutputs(io, input, { "--out": out, "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    const target = out ? new AtomicFile(resolve(io.cwd, out)) : undefined;
    try {
      const read = await readResults(input, registry, { instrument: instrument.id }, reporter.add);
      let mine = read.results.filter((r) => r.subjectId === subject);
      const choice = chartForm(instrument, scale, mine);
      if (choice.split && form === undefined) {
        const forms = [...new Set(mine.map((r) => r.form).filter(Boolean))].join(", ");
        throw new UsageError(`${subject}'s ${instrument.id} results span forms with their own cutoffs (${forms}): choose one with --form`);
      }
      if (form !== undefined) mine = mine.filter((r) => r.form === form);
      const { analyses } = analyseTrends(mine, registry, { instrument: instrument.id, scale, since: read.birthDates.has(subject) ? "birth" : "intake", birthDates: read.birthDates });
      const scored = analyses.filter((a) => a.n > 0);
      if (!scored.length) {
        const message = `no scored ${instrument.id} ${scale} for subject ${JSON.stringify(subject)}${form !== undefined ? ` on form ${form}` : ""}`;
        throw new FileError(`${input.name ?? "input"}: ${message}`, { code: "invalid_value", severity: "error", message });
      }
      const phases = read.results.filter((r) => r.subjectId === subject && r.phase && r.administeredOn).map((r) => ({ date: r.administeredOn!, phase: r.phase! }));
      const scaleDef = (i: string, s: string) => (registry.has(i) ? registry.get(i).scales.find((d) => d.id === s)?.def : undefined);
      const evals = evaluateGoals(goals.filter((g) => g.subjectId === subject), read.results, scaleDef);
      const drawnForm = form ?? choice.form;
      const spec = progressionChart({ instrument, scale, ...(drawnForm !== undefined ? { form: drawnForm } : {}), analyses: scored, phases, goals: evals }, { lang, x });
      const write = (s: string) => (target ? target.write(s) : io.stdout(s));
      if (format === "json") write(JSON.stringify(spec, null, 2) + "\n");
      else if (format === "svg") write(await renderSvg(spec));
      else target!.writeBytes(await renderPng(spec));
      target?.commit();
      reporter.finish(true);
      return reporter.counts.error > 0 ? 2 : 0;
    } catch (e) {
      target?.abort();
      reporter.finish(false);
      throw e;
    }
  },
};
