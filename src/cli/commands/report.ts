import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { AtomicDir, DirTargetError } from "../../io/atomic-dir.js";
import { parseDate } from "../../dates.js";
import { LANGS, type Lang } from "../../charts/labels.js";
import { parseEtrTable, type EtrTable } from "../../trend/fit.js";
import { parseGoalsText, type Goal } from "../../trend/goals.js";
import { readResults } from "../../io/read-results.js";
import { buildReport } from "../../report/report.js";
import type { Issue } from "../../schema/results.js";
import type { Io } from "../io.js";
import { buildRegistry, checkInstrument, IssueReporter } from "../shared.js";
import { checkOutputs, inputFrom, inputOptions } from "../shared.js";

export const chartOptions = {
  lang: { type: "string", placeholder: "da|en", description: "language of everything a reader sees (default da)" },
  x: { type: "string", placeholder: "date|weeks", description: "time axis: dates (default) or weeks since birth (birth_date) or intake" },
} as const;

export function chooseLang(v: unknown): Lang {
  const lang = (v as string | undefined) ?? "da";
  if (!(LANGS as readonly string[]).includes(lang)) throw new UsageError(`--lang must be da or en; received ${JSON.stringify(v)}`);
  return lang as Lang;
}

export function chooseX(v: unknown): "date" | "weeks" {
  const x = (v as string | undefined) ?? "date";
  if (x !== "date" && x !== "weeks") throw new UsageError(`--x must be date or weeks; received ${JSON.stringify(v)}`);
  return x;
}

export function readGoalsOption(io: Io, file: string | undefined): Goal[] {
  if (file === undefined) return [];
  try {
    return parseGoalsText(readFileSync(resolve(io.cwd, file), "utf8"), file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(err.code ? `cannot read ${file}: ${err.code}` : err.message);
  }
}

export const report: Command = {
  name: "report",
  summary: "Goal-review report: one self-contained HTML page per family (goals, every measure with its chart, FIT sessions, provenance) and an index",
  usage: "trivsel report <file.csv|-> [--goals <goals.yaml>] [--subject <id>…] [--lang da|en] [--at <date>] --out <dir>",
  options: {
    goals: { type: "string", placeholder: "goals.yaml", description: "developmental goals (JSON or YAML, as for `trivsel goals`)" },
    subject: { type: "string", multiple: true, placeholder: "id", description: "only this family" },
    at: { type: "string", placeholder: "yyyy-mm-dd", description: "status as of this date: later administrations are left out, goals are evaluated on it" },
    etr: { type: "string", placeholder: "table.csv", description: "expected treatment response table for the FIT chart (intake,session,expected,lower)" },
    ...chartOptions,
    ...inputOptions,
    out: { type: "string", placeholder: "dir", description: "the report directory; written whole, replacing a report trivsel wrote there before" },
  },
  details: `Pages are plain HTML with the charts inline as SVG: no scripts, nothing fetched, nothing sent; they open
offline in any browser and print on A4 (each section on a new page). Subject ids and goal texts are shown as they
are in your files: pseudonymise first (\`trivsel export --pseudonymize\`) if the report is to leave the team.
--out must be a new or empty directory, or one trivsel wrote before.

Example:
  trivsel report datasets/demo-cohort.csv --goals datasets/demo-goals.yaml --out report`,
  async run({ args, positionals, io }) {
    const lang = chooseLang(args.lang);
    const x = chooseX(args.x);
    const at = args.at as string | undefined;
    if (at !== undefined && !parseDate(at)) throw new UsageError(`--at must be a date (yyyy-mm-dd); received ${JSON.stringify(at)}`);
    const out = args.out as string | undefined;
    if (!out) throw new UsageError("give the report directory with --out <dir>");
    const goals = readGoalsOption(io, args.goals as string | undefined);
    let etr: EtrTable | undefined;
    if (args.etr !== undefined) {
      const f = args.etr as string;
      try {
        etr = parseEtrTable(readFileSync(resolve(io.cwd, f), "utf8"), f);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new UsageError(err.code ? `cannot read ${f}: ${err.code}` : err.message);
      }
    }
    const registry = buildRegistry(io, args);
    const instrument = checkInstrument(registry, args.instrument);
    const input = await inputFrom(positionals, io);
    checkOutputs(io, input, { "--out": out, "--issues": args.issues as string | undefined });
    const reporter = new IssueReporter(io, args.issues as string | undefined, 50, !!args.quiet);
    let dir: AtomicDir | undefined;
    try {
      try {
        dir = new AtomicDir(resolve(io.cwd, out));
      } catch (e) {
        if (e instanceof DirTargetError) throw new UsageError(`--out ${out}: ${e.message.slice(e.message.indexOf("exists"))}`);
        throw e;
      }
      const issues: Issue[] = [];
      const read = await readResults(input, registry, instrument !== undefined ? { instrument } : {}, (i) => {
        issues.push(i);
        reporter.add(i);
      });
      const subjects = args.subject as string[] | undefined;
      let built;
      try {
        built = await buildReport(
          { results: read.results, registry, goals, birthDates: read.birthDates, issues, ...(etr ? { etr } : {}), source: input.name ?? "stdin" },
          { lang, x, ...(at !== undefined ? { at } : {}), ...(subjects ? { subjects } : {}) },
        );
      } catch (e) {
        if (e instanceof RangeError) throw new UsageError(e.message);
        throw e;
      }
      for (const p of built.pages) dir.write(p.file, p.html);
      dir.commit();
      reporter.finish(true);
      if (!args.quiet) io.stderr(`${built.families} family pages and an index with ${built.charts} charts in ${out}/ (open ${out}/index.html)\n`);
      return reporter.counts.error > 0 ? 2 : 0;
    } catch (e) {
      dir?.abort();
      reporter.finish(false);
      throw e;
    }
  },
};
