import { resolve } from "node:path";
import { dateChoice, oneOf } from "../../choice.js";
import { AtomicDir, DirTargetError } from "../../io/atomic-dir.js";
import { readEtrFile, readGoalsFile } from "../../io/option-files.js";
import { readResults } from "../../io/read-results.js";
import { buildReport } from "../../report/report.js";
import type { Issue } from "../../schema/results.js";
import { defineCommand, UsageError } from "../command.js";
import { chartOptions, inputOptions } from "../options.js";

export const report = defineCommand({
  name: "report",
  summary: "Goal-review report: one self-contained HTML page per family (goals, every measure with its chart, FIT sessions, provenance) and an index",
  usage: "trivsel report <file.csv|-> [--goals <goals.yaml>] [--subject <id>…] [--lang da|en] [--at <date>] --out <dir>",
  options: {
    ...chartOptions,
    goals: { type: "string", placeholder: "goals.yaml", description: "developmental goals (JSON or YAML, as for `trivsel goals`)" },
    subject: { type: "string", multiple: true, placeholder: "id", description: "only this family" },
    at: { type: "string", placeholder: "yyyy-mm-dd", description: "status as of this date: later administrations are left out, goals are evaluated on it" },
    etr: { type: "string", placeholder: "table.csv", description: "expected treatment response table for the FIT chart (intake,session,expected,lower)" },
    ...inputOptions,
    out: { type: "string", placeholder: "dir", description: "the report directory; written whole, replacing a report trivsel wrote there before" },
  },
  details: `Pages are plain HTML with the charts inline as SVG: no scripts, nothing fetched, nothing sent; they open
offline in any browser and print on A4 (each section on a new page). Subject ids and goal texts are shown as they
are in your files: pseudonymise first (\`trivsel export --pseudonymize\`) if the report is to leave the team.
--out must be a new or empty directory, or one trivsel wrote before.

Example:
  trivsel report datasets/demo-cohort.csv --goals datasets/demo-goals.yaml --out report`,
  async run({ args, positionals, job }) {
    const [lang, x] = [oneOf("--lang", args.lang, ["da", "en"]), oneOf("--x", args.x, ["date", "weeks"])];
    const at = dateChoice("--at", args.at);
    const out = args.out;
    if (!out) throw new UsageError("give the report directory with --out <dir>");
    const goals = readGoalsFile(job.io.cwd, args.goals);
    const etr = readEtrFile(job.io.cwd, args.etr);
    const registry = job.registry();
    const instrument = job.instrument();
    const input = await job.open(positionals, { ownOut: true });
    let dir: AtomicDir;
    try {
      dir = job.adopt(new AtomicDir(resolve(job.io.cwd, out)));
    } catch (e) {
      if (e instanceof DirTargetError) throw new UsageError(`--out ${out}: ${e.message.slice(e.message.indexOf("exists"))}`);
      throw e;
    }
    const issues: Issue[] = [];
    const read = await readResults(input, registry, instrument !== undefined ? { instrument } : {}, (i) => (issues.push(i), job.issue(i)));
    const data = { results: read.results, registry, goals, birthDates: read.birthDates, issues, ...(etr ? { etr } : {}), source: input.name ?? "stdin" };
    const built = await buildReport(data, { lang, x, ...(at !== undefined ? { at } : {}), ...(args.subject ? { subjects: args.subject } : {}) }).catch((e: unknown) => {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    });
    for (const p of built.pages) dir.write(p.file, p.html);
    if (!job.quiet) return `${built.families} family pages and an index with ${built.charts} charts in ${out}/ (open ${out}/index.html)\n`;
  },
});
