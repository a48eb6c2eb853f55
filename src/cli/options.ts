/** Option groups the commands share; the Job (job.ts) reads their values. */
import { ISSUE_TABLE } from "../tables/issues.js";
import { columns } from "../tables/table.js";
import type { Options } from "./command.js";

export const registryOptions = {
  definition: { type: "string", multiple: true, placeholder: "file.json", description: "load your own instrument definition (validated like the built-ins)" },
  overlay: { type: "string", multiple: true, placeholder: "file.json", description: "apply a site overlay (own cutoffs, licensed item keys) to a built-in instrument" },
  "replace-builtin": { type: "boolean", description: "let a --definition replace the built-in instrument with the same id" },
} as const satisfies Options;

/** The formats of the commands whose output is one list of records (trend, fit, goals, cohort); the first is the default. */
export const TABLE_FORMATS = ["csv", "json", "jsonl"] as const;

/** --format for those commands; read it with oneOf("--format", args.format, TABLE_FORMATS). */
export const tableFormatOption = {
  format: {
    type: "string",
    placeholder: TABLE_FORMATS.join("|"),
    description: "output format (default csv); jsonl: JSON Lines, each record of the json format's list on a line of its own, without the json format's other fields",
  },
} as const satisfies Options;

export const outOption = {
  out: { type: "string", placeholder: "file", description: "write here (atomically) instead of standard output" },
} as const satisfies Options;

export const strictOption = {
  strict: { type: "boolean", description: "write no output at all (neither file nor standard output) when any row has an error" },
} as const satisfies Options;

/** Where a command's one output goes, and whether errors hold it back: the table commands' last options. */
export const outputOptions = { ...outOption, ...strictOption } as const satisfies Options;

/** For the commands that read the input once, row by row (score, validate, export). */
export const skipBrokenQuotesOption = {
  "skip-broken-quotes": { type: "boolean", description: "when a quote is never closed or swallows rows, report those lines as not read and go on (default: refuse the file)" },
} as const satisfies Options;

export const inputOptions = {
  dialect: { type: "string", placeholder: "standard|excel-da", description: "CSV outputs: standard (comma, LF) or excel-da (semicolon, decimal comma, UTF-8 BOM, CRLF); default TRIVSEL_DIALECT, else standard" },
  instrument: { type: "string", placeholder: "id", description: "read only this instrument's columns" },
  issues: { type: "string", placeholder: "file.csv", description: `write every issue to a CSV (${columns(ISSUE_TABLE).join(",")})` },
  quiet: { type: "boolean", description: "no progress bar and no info messages" },
  ...registryOptions,
} as const satisfies Options;

/** The values the Job reads, whichever command declared them. */
export interface CommonArgs {
  out?: string | undefined;
  issues?: string | undefined;
  quiet?: boolean | undefined;
  strict?: boolean | undefined;
  instrument?: string | undefined;
  definition?: string[] | undefined;
  overlay?: string[] | undefined;
  "replace-builtin"?: boolean | undefined;
  "skip-broken-quotes"?: boolean | undefined;
  dialect?: string | undefined;
}

/** The reliable-change basis of trend and cohort (see chooseNorms). */
export const normsOptions = {
  sd: { type: "string", placeholder: "x", description: "SD for the Jacobson–Truax RCI (needs --instrument and --scale); completes or replaces the definition's norms" },
  reliability: { type: "string", placeholder: "r", description: "reliability (0 ≤ r < 1) for the RCI (needs --instrument and --scale)" },
  norms: {
    type: "string",
    placeholder: "sample",
    description: "sample: where no SD is published, use the SD of the baselines in the file (per instrument, scale, form and respondent) with the definition's reliability",
  },
} as const satisfies Options;

/** Language and time axis of charts and reports. */
export const chartOptions = {
  lang: { type: "string", placeholder: "da|en", description: "language of everything a reader sees (default da)" },
  x: { type: "string", placeholder: "date|weeks", description: "time axis: dates (default) or weeks since birth (birth_date) or intake" },
} as const satisfies Options;
