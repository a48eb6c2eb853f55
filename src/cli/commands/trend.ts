import { resolve } from "node:path";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { AtomicFile } from "../../io/atomic.js";
import { csvLine } from "../../io/csv.js";
import { analyseTrends, type TrendAnalysis } from "../../trend/classify.js";
import { formatNormsSource } from "../../trend/reliable-change.js";
import { readResults } from "../../io/read-results.js";
import { buildRegistry, checkInstrument, IssueReporter } from "../shared.js";
import { checkOutputs, chooseFormat, inputFrom, inputOptions, outOption, skipBrokenQuotesOption, tableFormatOption } from "../shared.js";

/** Public contract: column names and order. */
export const TREND_COLUMNS = ["subject_id", "respondent", "instrument", "scale", "form", "n", "first_date", "last_date", "baseline", "latest", "change", "rci", "reliable_change", "category", "slope_per_week", "norms"] as const;

export const trendLine = (a: TrendAnalysis): string =>
  csvLine([a.subjectId, a.respondent, a.instrument, a.scale, a.form, a.n, a.firstDate, a.lastDate, a.baseline, a.latest, a.change, a.rci, a.reliableChange, a.category, a.slopePerWeek?.slope, formatNormsSource(a.norms)]);

/** --norms: "sample" or absent. */
export function normsOption(args: Record<string, unknown>): "sample" | undefined {
  const v = args.norms;
  if (v === undefined) return undefined;
  if (v !== "sample") throw new UsageError(`--norms must be sample; received ${JSON.stringify(v)}`);
  return "sample";
}

export const NORMS_OPTION = {
  norms: { type: "string", placeholder: "sample", description: "sample: where no SD is published, use the SD of the baselines in the file (per instrument, scale, form and respondent) with the definition's reliability" },
} as const;

export const NORMS_HELP = `norms: where the reliable-change basis came from: definition (the instrument's point size or norms,
with their sources), user (--sd/--reliability), sample n=<baselines> (--norms sample: SD of the baselines
of the series with a follow-up in the file, per instrument × scale × form × respondent, as R's
clinicalsignificance does, with the reliability stored in the definition), or none; "provisional" is added
when an unverified number (e.g. a recalled reliability) went into it.`;

export function positiveNumber(args: Record<string, unknown>, name: string, check: (x: number) => boolean, expected: string): number | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  const x = Number(String(v).replace(",", "."));
  if (!Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} must be ${expected}; received ${JSON.stringify(v)}`);
  return x;
}

export const trend: Command = {
  name: "trend",
  summary: "Progression per family and measure: reliable change, clinical significance, verdict, slope",
  usage: "trivsel trend <file.csv|-> [--instrument <id>] [--scale <id>] [--sd <x> --reliability <r> | --norms sample] [--format csv|json] [--out <file>]",
  options: {
    ...skipBrokenQuotesOption,
    scale: { type: "string", placeholder: "id", description: "only this scale" },
    sd: { type: "string", placeholder: "x", description: "SD for the Jacobson–Truax RCI (needs --instrument and --scale); completes or replaces the definition's norms" },
    reliability: { type: "string", placeholder: "r", description: "reliability (0 ≤ r < 1) for the RCI (needs --instrument and --scale)" },
    ...NORMS_OPTION,
    since: { type: "string", placeholder: "intake|birth", description: "reference date for weeks: the family's first administration (default) or the birth_date column" },
    ...tableFormatOption,
    ...inputOptions,
    ...outOption,
  },
  details: `Input: a raw wide or long file (scored first), or the long output of \`trivsel score\`.
CSV columns, a stable contract: ${TREND_COLUMNS.join(",")}
One row per subject × respondent × instrument × scale × form. form is set only where the scale's scoring
depends on the form (ASQ:SE-2 totals: each interval is its own scale, so a series never mixes intervals;
compare intervals with average_item); it is empty otherwise. baseline is the first administration, latest
the last (same-day administrations stay in file order and are reported on stderr). rci is empty when the
scale uses a fixed reliable-change size (ORS, SRS, CORS: 5 points; EPDS: 4) or has no norms.
reliable_change: improved, worsened or none (changed for scales where neither end is better, e.g. PRFQ
certainty); empty when it cannot be judged. category: recovered, improved, unchanged, deteriorated, changed,
no_norms (a follow-up exists but there are no norms for reliable change: give --sd and --reliability, or
--norms sample) or insufficient_data (no follow-up: one administration, or all on one date).
slope_per_week: least-squares slope of score on weeks.
${NORMS_HELP}
--format json adds the basis of every verdict, per-session changes, the slope's standard error, the
Theil–Sen slope and notes.

Example:
  trivsel trend datasets/demo-cohort.csv --instrument ors`,
  async run({ args, positionals, io }) {
    const format = chooseFormat(args.format, ["csv", "json"]);
    const since = (args.since as string | undefined) ?? "intake";
    if (since !== "intake" && since !== "birth") throw new UsageError(`--since must be intake or birth; received ${JSON.stringify(since)}`);
    const registry = buildRegistry(io, args);
    const instrument = checkInstrument(registry, args.instrument);
    const scale = args.scale as string | undefined;
    if (scale !== undefined && instrument !== undefined && !registry.get(instrument).scales.some((s) => s.id === scale))
      throw new UsageError(`--scale: ${instrument} has scales ${registry.get(instrument).scales.map((s) => s.id).join(", ")}; received ${JSON.stringify(scale)}`);
    const sd = positiveNumber(args, "sd", (x) => x > 0, "a positive number");
    const reliability = positiveNumber(args, "reliability", (x) => x >= 0 && x < 1, "at least 0 and below 1");
    // one SD is about one scale: applying it to every scale in the file would invent norms
    if ((sd !== undefined || reliability !== undefined) && (instrument === undefined || scale === undefined)) throw new UsageError("--sd and --reliability need --instrument and --scale");
    const normsFrom = normsOption(args);
    if (normsFrom !== undefined && sd !== undefined) throw new UsageError("--norms sample and --sd both give an SD: use one");
    const input = await inputFrom(positionals, io);
    checkOutputs(io, input, { "--out": args.out as string | undefined, "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    const target = args.out ? new AtomicFile(resolve(io.cwd, args.out as string)) : undefined;
    try {
      const read = await readResults(input, registry, { ...(instrument !== undefined ? { instrument } : {}), ...(args["skip-broken-quotes"] ? { skipBrokenQuotes: true } : {}) }, reporter.add);
      const norms = { ...(sd !== undefined ? { sd } : {}), ...(reliability !== undefined ? { reliability } : {}) };
      const { analyses, skipped } = analyseTrends(read.results, registry, {
        ...(instrument !== undefined ? { instrument } : {}),
        ...(scale !== undefined ? { scale } : {}),
        norms,
        ...(normsFrom !== undefined ? { normsFrom } : {}),
        since,
        birthDates: read.birthDates,
      });
      const write = target ? (s: string) => target.write(s) : io.stdout;
      if (format === "csv") {
        write(csvLine([...TREND_COLUMNS]));
        for (const a of analyses) write(trendLine(a));
      } else write(JSON.stringify({ since, input: read.kind, analyses, skipped }, null, 2) + "\n");
      target?.commit();
      reporter.finish(true);
      if (!args.quiet) {
        const ties = analyses.filter((a) => a.ties.length).length;
        const why = new Map<string, number>();
        for (const a of analyses) {
          const reason = a.category === "insufficient_data" ? `insufficient_data: ${a.notes[0] ?? ""}` : a.category === "no_norms" ? `no_norms, ${a.instrument}.${a.scale}: ${a.notes.filter((n) => /^(no norms|--norms sample)/.test(n)).join("; ")}` : null;
          if (reason !== null) why.set(reason, (why.get(reason) ?? 0) + 1);
        }
        io.stderr(`${analyses.length} series from ${read.results.length} ${read.kind === "raw" ? "administrations scored" : "scored administrations"}${skipped.length ? `; ${skipped.length} without subject or date left out` : ""}${ties ? `; ${ties} series with two administrations on one date (kept in file order)` : ""}\n`);
        for (const [reason, n] of why) io.stderr(`${reason} (${n} series)\n`);
      }
      return reporter.counts.error > 0 ? 2 : 0;
    } catch (e) {
      target?.abort();
      reporter.finish(false);
      throw e;
    }
  },
};
