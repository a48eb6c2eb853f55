/** Option handling shared by the commands that read data files: instruments, overlays, issues. */
import { createReadStream, readFileSync, realpathSync, statSync } from "node:fs";
import { decodeText } from "../io/csv.js";
import { basename, dirname, join, resolve } from "node:path";
import { applyOverlay } from "../registry/overlay.js";
import { loadInstrument } from "../registry/load.js";
import { defaultRegistry, Registry } from "../registry/registry.js";
import type { Issue } from "../schema/results.js";
import { FileError } from "../io/rows.js";
import type { Input, ScoreInput } from "../io/score-file.js";
import { AtomicFile } from "../io/atomic.js";
import { formatIssue, ISSUE_COLUMNS, issueLine } from "../io/formats.js";
import { csvLine } from "../io/csv.js";
import type { OptionSpec } from "./command.js";
import type { Io } from "./io.js";
import { UsageError } from "./command.js";

export const registryOptions: Record<string, OptionSpec> = {
  definition: { type: "string", multiple: true, placeholder: "file.json", description: "load your own instrument definition (validated like the built-ins)" },
  overlay: { type: "string", multiple: true, placeholder: "file.json", description: "apply a site overlay (own cutoffs, licensed item keys) to a built-in instrument" },
  "replace-builtin": { type: "boolean", description: "let a --definition replace the built-in instrument with the same id" },
};

function readJson(io: Io, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export function buildRegistry(io: Io, args: Record<string, unknown>): Registry {
  const reg = defaultRegistry();
  for (const f of (args.definition as string[] | undefined) ?? []) {
    const inst = loadInstrument(readJson(io, f), { file: f });
    if (reg.has(inst.id) && !args["replace-builtin"])
      throw new UsageError(`${f}: instrument id "${inst.id}" is a built-in instrument's; give your definition another id, use --overlay to change the built-in's cutoffs, or pass --replace-builtin to replace it`);
    reg.register(inst);
  }
  for (const f of (args.overlay as string[] | undefined) ?? []) {
    const json = readJson(io, f) as { instrument?: unknown };
    const id = typeof json?.instrument === "string" ? json.instrument : "";
    if (!reg.has(id)) throw new UsageError(`${f}: overlay names instrument ${JSON.stringify(id)}; expected one of ${reg.ids().join(", ")}`);
    reg.register(applyOverlay(reg.get(id), json, { file: f }));
  }
  return reg;
}

export function checkInstrument(reg: Registry, id: unknown): string | undefined {
  if (id === undefined) return undefined;
  if (typeof id !== "string" || !reg.has(id)) throw new UsageError(`--instrument must be one of ${reg.ids().join(", ")}; received ${JSON.stringify(id)}`);
  return id;
}

/** Issues to stderr (the first `limit`) and, when asked, all of them to a CSV file. */
export class IssueReporter {
  private shown = 0;
  private hidden = 0;
  private file: AtomicFile | undefined;
  counts = { error: 0, warning: 0, info: 0 };

  constructor(
    private readonly io: Io,
    issuesPath: string | undefined,
    private readonly limit = 50,
    private readonly quiet = false,
  ) {
    if (issuesPath) {
      this.file = new AtomicFile(resolve(io.cwd, issuesPath));
      this.file.write(csvLine([...ISSUE_COLUMNS]));
    }
  }

  add = (i: Issue): void => {
    this.counts[i.severity]++;
    this.file?.write(issueLine(i));
    if (i.severity === "info" && this.quiet) return;
    if (this.shown < this.limit) {
      this.io.stderr(formatIssue(i) + "\n");
      this.shown++;
    } else this.hidden++;
  };

  /** A refused file's issue: its message is already the command's error line, so only the issues file gets it. */
  recordOnly = (i: Issue): void => {
    this.counts[i.severity]++;
    this.file?.write(issueLine(i));
  };

  finish(ok: boolean): void {
    if (this.hidden > 0) this.io.stderr(`… and ${this.hidden} more issues${this.file ? ` (all are in the issues file)` : "; use --issues <file> to get them all"}\n`);
    if (ok) this.file?.commit();
    else this.file?.abort();
  }
}

/** A progress line on stderr for work that takes more than a second, only on a terminal. */
export function progress(io: Io, quiet: boolean, totalBytes: number | undefined) {
  const started = Date.now();
  let last = 0;
  let shown = false;
  const active = io.stderrIsTTY && !quiet;
  return {
    update(bytes: number) {
      if (!active) return;
      const now = Date.now();
      if (now - started < 1000 || now - last < 200) return;
      last = now;
      shown = true;
      const pct = totalBytes ? Math.min(100, Math.floor((bytes / totalBytes) * 100)) : 0;
      const bar = "#".repeat(Math.floor(pct / 5)).padEnd(20, ".");
      io.stderr(`\r[${bar}] ${pct}% (${(bytes / 1e6).toFixed(1)} MB)`);
    },
    done() {
      if (shown) io.stderr("\r" + " ".repeat(50) + "\r");
    },
  };
}

/** --format for commands whose output is one table: csv (default) or json. */
export const tableFormatOption = {
  format: { type: "string", placeholder: "csv|json", description: "output format (default csv)" },
} as const satisfies Record<string, OptionSpec>;

/** The --format value, checked against `allowed` (the first is the default). */
export function chooseFormat<F extends string>(value: unknown, allowed: readonly [F, ...F[]]): F {
  const format = (value as string | undefined) ?? allowed[0];
  if (!(allowed as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${allowed.join(", ")}; received ${JSON.stringify(format)}`);
  return format as F;
}

export const outOption = {
  out: { type: "string", placeholder: "file", description: "write here (atomically) instead of standard output" },
} as const satisfies Record<string, OptionSpec>;

/** For the commands that read the input once, row by row (score, validate, export). */
export const skipBrokenQuotesOption = {
  "skip-broken-quotes": { type: "boolean", description: "when a quote is never closed or swallows rows, report those lines as not read and go on (default: refuse the file)" },
} as const satisfies Record<string, OptionSpec>;

export const inputOptions = {
  instrument: { type: "string", placeholder: "id", description: "read only this instrument's columns" },
  issues: { type: "string", placeholder: "file.csv", description: "write every issue to a CSV (file,row,column,value,code,severity,message)" },
  quiet: { type: "boolean", description: "no progress bar and no info messages" },
  ...registryOptions,
} as const satisfies Record<string, OptionSpec>;

function inputError(file: string, message: string): FileError {
  return new FileError(`${file}: ${message}`, { code: "invalid_value", severity: "error", message, file });
}

/**
 * The input file (or - for standard input), checked to be a readable file before any output is opened.
 * Standard input is read whole, for commands that read their input twice; streamingInputFrom streams it.
 */
export async function inputFrom(positionals: string[], io: Io): Promise<Input> {
  const f = inputName(positionals);
  if (f === "-") return { text: await io.readStdin(), name: "stdin" };
  const input = fileInput(f, io);
  // a pipe cannot be read twice: read it whole, as standard input is
  if (!input.regular) return { text: decodeText(readFileSync(input.path)), name: f };
  return { path: input.path, name: f };
}

/** As inputFrom, with standard input read as it arrives (memory stays bounded): for commands that read once. */
export async function streamingInputFrom(positionals: string[], io: Io): Promise<ScoreInput> {
  const f = inputName(positionals);
  if (f === "-") return { chunks: io.stdinChunks(), name: "stdin" };
  const input = fileInput(f, io);
  // a FIFO or process substitution (<(…)) is read as it arrives, as standard input is
  if (!input.regular) return { chunks: createReadStream(input.path), name: f };
  return { path: input.path, name: f };
}

function inputName(positionals: string[]): string {
  const f = positionals[0];
  if (!f) throw new UsageError("give a CSV file, or - to read standard input");
  if (positionals.length > 1) throw new UsageError(`one input file at a time; received ${positionals.length}`);
  return f;
}

function fileInput(f: string, io: Io): { path: string; regular: boolean } {
  const abs = resolve(io.cwd, f);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    throw inputError(f, (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `cannot read it (${(e as NodeJS.ErrnoException).code})`);
  }
  if (st.isDirectory()) throw inputError(f, "is a directory; expected a CSV file");
  return { path: abs, regular: st.isFile() };
}

/** The real path a file has or would have, so that a/../b and links compare equal. */
function realTarget(io: Io, p: string): string {
  const abs = resolve(io.cwd, p);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/**
 * Refuses output paths that would overwrite the input or each other: inputs are never modified.
 * @param outputs option name → path (undefined when not given)
 */
export function checkOutputs(io: Io, input: ScoreInput, outputs: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  if ("path" in input) seen.set(realTarget(io, input.path), "the input file");
  for (const [name, p] of Object.entries(outputs)) {
    if (p === undefined) continue;
    const real = realTarget(io, p);
    const clash = seen.get(real);
    if (clash) throw new UsageError(`${name} ${p} is ${clash}; choose another file (trivsel never overwrites its input)`);
    seen.set(real, name);
  }
}
