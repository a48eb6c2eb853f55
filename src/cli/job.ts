/**
 * What the runner owns for a command: the registry, the input, the outputs (--out as an atomic file, or standard
 * output), the issue reporter and --strict. A command asks for them; the runner completes or fails the job.
 */
import { createReadStream, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { AtomicFile } from "../io/atomic.js";
import { CSV_DIALECTS, decodeText, type CsvDialect } from "../io/csv.js";
import { oneOf } from "../choice.js";
import { registryFromFiles, type RegistryFiles } from "../io/registry-files.js";
import { FileError } from "../io/rows.js";
import { READ_THREAD_MODES, readThreadMode, type ThreadOptions } from "../io/thread-mode.js";
import type { Input, ScoreInput } from "../io/score-file.js";
import { chooseInstrument } from "../registry/choose.js";
import type { Registry } from "../registry/registry.js";
import type { Issue } from "../schema/results.js";
import { UsageError } from "./command.js";
import type { Io } from "./io.js";
import { IssueReporter } from "./issues.js";
import type { CommonArgs } from "./options.js";

/** An output the runner commits or removes with the others (an AtomicFile, an AtomicDir). */
export interface Target {
  commit(): void;
  abort(): void;
}

export interface OpenOptions {
  /** read standard input as it arrives (for commands that read the input once) */
  streaming?: boolean;
  /** more outputs to check against the input and each other: name → path */
  outputs?: Record<string, string | undefined>;
  /** --out is not a file the job writes (export, report write their own) */
  ownOut?: boolean;
}

export class Job {
  private reg: Registry | undefined;
  /** the texts of --definition and --overlay files as the registry read them (for readThread) */
  private readonly registryTexts = new Map<string, string>();
  private target: AtomicFile | undefined;
  private readonly targets: Target[] = [];
  private held: string[] | undefined;
  reporter: IssueReporter | undefined;

  constructor(
    readonly io: Io,
    readonly args: CommonArgs,
    private readonly issueLimit = 50,
  ) {}

  /** The built-in instruments plus --definition and --overlay. */
  registry(): Registry {
    this.reg ??= registryFromFiles(this.io.cwd, this.registryFiles(), this.registryTexts);
    return this.reg;
  }

  private registryFiles(): RegistryFiles {
    return { definitions: this.args.definition, overlays: this.args.overlay, replaceBuiltin: this.args["replace-builtin"] };
  }

  /** --instrument, checked against the registry. */
  instrument(): string | undefined {
    return chooseInstrument(this.registry(), this.args.instrument);
  }

  /** The reader options every command passes on: --instrument (unless `withInstrument` is false) and --skip-broken-quotes. */
  readOptions(withInstrument = true): { instrument?: string; skipBrokenQuotes?: boolean } {
    const instrument = withInstrument ? this.instrument() : undefined;
    return { ...(instrument !== undefined ? { instrument } : {}), ...(this.args["skip-broken-quotes"] ? { skipBrokenQuotes: true } : {}) };
  }

  /**
   * Whether a progression command reads and scores its input on a second thread (TRIVSEL_READ_THREAD: auto, the
   * default, for large files on a machine with 2 cores or more; on; off), and the registry's files for it.
   */
  readThread(): ThreadOptions {
    // the registry's files are read here once, and their texts go to the worker
    this.registry();
    return {
      mode: readThreadMode(this.io.env) ?? oneOf("TRIVSEL_READ_THREAD", this.io.env?.TRIVSEL_READ_THREAD, READ_THREAD_MODES),
      registry: { cwd: this.io.cwd, ...this.registryFiles(), texts: [...this.registryTexts] },
    };
  }

  /** --dialect, else TRIVSEL_DIALECT, else standard. */
  dialect(): CsvDialect {
    const env = this.io.env?.TRIVSEL_DIALECT;
    const name = this.args.dialect ?? (env === "" ? undefined : env);
    return CSV_DIALECTS[oneOf(this.args.dialect !== undefined ? "--dialect" : "TRIVSEL_DIALECT", name, ["standard", "excel-da"])];
  }

  get quiet(): boolean {
    return !!this.args.quiet;
  }

  /**
   * The input (positionals[0], or - for standard input), checked to be readable, then every output checked not to
   * be the input or another output; then the issue reporter and --out are opened.
   */
  async open(positionals: string[], o: OpenOptions & { streaming: true }): Promise<ScoreInput>;
  async open(positionals: string[], o?: OpenOptions): Promise<Input>;
  async open(positionals: string[], o: OpenOptions = {}): Promise<ScoreInput> {
    const input = o.streaming ? streamingInputFrom(positionals, this.io) : await inputFrom(positionals, this.io);
    checkOutputs(this.io, input, { "--out": this.args.out, ...o.outputs, "--issues": this.args.issues });
    this.reporter = new IssueReporter(this.io, this.args.issues, this.issueLimit, this.quiet, this.dialect());
    if (this.args.out !== undefined && !o.ownOut) this.target = this.adopt(new AtomicFile(resolve(this.io.cwd, this.args.out)));
    else if (this.args.strict) this.held = [];
    return input;
  }

  /** An output of the command's own, committed or removed with the others. */
  adopt<T extends Target>(t: T): T {
    this.targets.push(t);
    return t;
  }

  /** Reports an issue (standard error, the issues file). */
  issue = (i: Issue): void => this.reporter!.add(i);

  /** Writes to --out, or to standard output (held back until the end with --strict). */
  write = (s: string): void => {
    if (this.target) this.target.write(s);
    else if (this.held) this.held.push(s);
    else this.io.stdout(s);
  };

  /** As write, for UTF-8 bytes of whole characters (copied: the caller may reuse them). */
  writeBytes = (b: Uint8Array): void => {
    if (this.target) this.target.writeBytes(b);
    else if (!this.held && this.io.stdoutBytes) this.io.stdoutBytes(b);
    else this.write(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"));
  };

  get errors(): number {
    return this.reporter?.counts.error ?? 0;
  }

  /** --strict and an error: nothing is written. */
  get strictFail(): boolean {
    return !!this.args.strict && this.errors > 0;
  }

  /** After a successful run: every output committed (none with --strict and errors), then the issues file. */
  complete(): void {
    if (this.strictFail) for (const t of this.targets) t.abort();
    else {
      for (const t of this.targets) t.commit();
      for (const s of this.held ?? []) this.io.stdout(s);
    }
    this.reporter?.finish(true);
  }

  /** After a failed run: every output removed; a refused file's issue still goes to the issues file. */
  fail(e: unknown): void {
    for (const t of this.targets) t.abort();
    if (e instanceof FileError) this.reporter?.recordOnly(e.issue);
    this.reporter?.finish(e instanceof FileError);
  }

  exitCode(): number {
    return this.errors > 0 ? 2 : 0;
  }
}

function inputError(file: string, message: string): FileError {
  return new FileError(`${file}: ${message}`, { code: "invalid_value", severity: "error", message, file });
}

/**
 * The input file (or - for standard input), checked to be a readable file before any output is opened.
 * Standard input is read whole, for commands that read their input twice; streamingInputFrom streams it.
 */
async function inputFrom(positionals: string[], io: Io): Promise<Input> {
  const f = inputName(positionals);
  if (f === "-") return { text: await io.readStdin(), name: "stdin" };
  const input = fileInput(f, io);
  // a pipe cannot be read twice: read it whole, as standard input is
  if (!input.regular) return { text: decodeText(readFileSync(input.path)), name: f };
  return { path: input.path, name: f };
}

/** As inputFrom, with standard input read as it arrives (memory stays bounded): for commands that read once. */
function streamingInputFrom(positionals: string[], io: Io): ScoreInput {
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
    // a file that is not there is a usage error (exit code 1); one that cannot be read is the file's (2)
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`${f}: no such file`);
    throw inputError(f, `cannot read it (${(e as NodeJS.ErrnoException).code})`);
  }
  if (st.isDirectory()) throw new UsageError(`${f}: is a directory; expected a CSV file`);
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
function checkOutputs(io: Io, input: ScoreInput, outputs: Record<string, string | undefined>): void {
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
