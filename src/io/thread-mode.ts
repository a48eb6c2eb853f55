/**
 * How a progression command reads its input (src/io/results-thread.ts), and its worker started early: apart from
 * the reader, so that the runner can start the worker before the command's modules load without loading them.
 */
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { RegistryFiles } from "./registry-files.js";

/** "auto": two threads for a large file on a machine with 2 cores or more; "on": for any file that can be cut */
export const READ_THREAD_MODES = ["auto", "on", "off"] as const;
export type ReadThreadMode = (typeof READ_THREAD_MODES)[number];

/**
 * below this a file is read on one thread: a worker takes about 0.15 s to start (Node's and the bundle's loading).
 * Started while the command loads, it saved about 10% of the time at 26 MB and 18% at 66 MB, and lost at 13 MB.
 */
export const READ_THREAD_MIN_BYTES = 24 << 20;

/**
 * What the worker needs to make the caller's registry again: the same files, with the texts the caller read of them
 * (registryFromFiles' `texts`: the worker reads no file again).
 */
export type RegistrySource = RegistryFiles & { cwd: string; texts?: [string, string][] };

export interface ThreadOptions {
  mode: ReadThreadMode;
  registry: RegistrySource;
  /** the worker script, when not beside this module's bundle (tests run the sources with the built script) */
  script?: string;
}

/** the mode TRIVSEL_READ_THREAD names ("" or unset: auto), or undefined for another value */
export function readThreadMode(env: Readonly<Record<string, string | undefined>> | undefined): ReadThreadMode | undefined {
  const v = env?.TRIVSEL_READ_THREAD;
  if (v === undefined || v === "") return "auto";
  return (READ_THREAD_MODES as readonly string[]).includes(v) ? (v as ReadThreadMode) : undefined;
}

/** the worker script beside this module (dist/results-worker.js), or undefined when running from the sources */
export function workerScript(): string | undefined {
  const here = typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
  const path = here.replace(/[^/\\]*$/, "results-worker.js");
  return path !== here && existsSync(path) ? path : undefined;
}

/** a worker started by startReaderEarly and not taken yet */
let early: Worker | undefined;

/**
 * Starts the worker while the command's modules load, when an argument names a file large enough to be read by two
 * threads: it loads and then waits for its part (results-thread.ts takes it, or ends it when the file is not cut).
 * Unreferenced until taken, so that it never keeps the process alive.
 */
export function startReaderEarly(args: readonly string[], cwd: string, env: Readonly<Record<string, string | undefined>> | undefined): void {
  const mode = readThreadMode(env);
  if (early !== undefined || mode === undefined || mode === "off" || (mode === "auto" && availableParallelism() < 2)) return;
  const script = workerScript();
  if (script === undefined) return;
  const min = mode === "on" ? 1 : READ_THREAD_MIN_BYTES;
  const large = args.some((a) => {
    if (a.startsWith("-")) return false;
    try {
      const st = statSync(resolve(cwd, a));
      return st.isFile() && st.size >= min;
    } catch {
      return false;
    }
  });
  if (!large) return;
  let w: Worker;
  try {
    w = new Worker(script);
  } catch {
    // no worker (a limit on threads): the file is read on one thread
    return;
  }
  early = w;
  w.unref();
  // an early worker that fails to start is no error of the command: results-thread.ts starts another
  w.on("error", () => {});
  w.once("exit", () => ended.add(w));
}

/** workers that have ended */
const ended = new WeakSet<Worker>();

/** the worker startReaderEarly started, once (undefined: none) */
export function takeEarlyReader(): Worker | undefined {
  const w = early;
  early = undefined;
  return w;
}

/** true when the worker has not ended (its exit event was not emitted) */
export function running(w: Worker): boolean {
  return !ended.has(w);
}
