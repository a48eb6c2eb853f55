/** How a progression command reads its input (src/io/results-thread.ts): apart, so the runner's options load nothing else. */
import type { RegistryFiles } from "./registry-files.js";

/** "auto": two threads for a large file on a machine with 2 cores or more; "on": for any file that can be cut */
export const READ_THREAD_MODES = ["auto", "on", "off"] as const;
export type ReadThreadMode = (typeof READ_THREAD_MODES)[number];

/** What the worker needs to make the caller's registry again: the same files, read from the same directory. */
export type RegistrySource = RegistryFiles & { cwd: string };

export interface ThreadOptions {
  mode: ReadThreadMode;
  registry: RegistrySource;
  /** the worker script, when not beside src/io/results-thread.ts (tests run the sources with the built script) */
  script?: string;
}
