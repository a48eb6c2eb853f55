import { writeSync } from "node:fs";
import { outputError } from "../io/atomic.js";
import { decodeText } from "../io/csv.js";
/** The process surface the CLI needs, so commands can run in-process in tests. */
export interface Io {
  stdout(s: string): void;
  /** UTF-8 bytes of whole characters to standard output, in order with stdout's text (copied: the caller may reuse them) */
  stdoutBytes?(bytes: Uint8Array): void;
  stderr(s: string): void;
  readStdin(): Promise<string>;
  /** standard input as it arrives, for commands that read it once (score, validate) */
  stdinChunks(): AsyncIterable<Uint8Array>;
  stderrIsTTY: boolean;
  cwd: string;
  /** environment variables the CLI reads (TRIVSEL_DIALECT, TRIVSEL_READ_THREAD); none when absent */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Standard output that ends quietly when the reader goes away (EPIPE: `trivsel score big.csv | head -1`): what
 * follows is dropped and the run ends with its usual exit code. Any other write error (a full disk behind
 * `> file`) is said in one line, and the exit code becomes 2.
 *
 * Written synchronously, waiting while a pipe is full: process.stdout would queue whatever a slower reader has not
 * taken yet (gigabytes for `trivsel trend big.csv --format json | gzip`), so memory would not stay bounded.
 */
function stdoutWriter(): (bytes: Uint8Array) => void {
  let closed = false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return (bytes) => {
    if (closed) return;
    let at = 0;
    while (at < bytes.length) {
      try {
        at += writeSync(1, bytes, at);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // a pipe set non-blocking by another reader of the descriptor: wait a moment and go on
        if (code === "EAGAIN") {
          Atomics.wait(pause, 0, 0, 1);
          continue;
        }
        closed = true;
        if (code === "EPIPE") return;
        process.stderr.write(`trivsel: cannot write standard output: ${outputError("standard output", e as NodeJS.ErrnoException).message.replace(/^cannot write standard output: /, "")}\nThe output is incomplete.\n`);
        process.exitCode = 2;
        return;
      }
    }
  };
}

export function nodeIo(): Io {
  const stdoutBytes = stdoutWriter();
  return {
    stdout: (s) => stdoutBytes(Buffer.from(s, "utf8")),
    stdoutBytes,
    stderr: (s) => void process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return decodeText(Buffer.concat(chunks));
    },
    stdinChunks: () => process.stdin,
    stderrIsTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
}

/** In-memory io for tests: collects stdout and stderr. */
export function memoryIo(stdin = ""): Io & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (s: string) => void (io.out += s),
    stdoutBytes: (b: Uint8Array) => void (io.out += Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8")),
    stderr: (s: string) => void (io.err += s),
    readStdin: async () => stdin,
    // in small chunks, so that tests meet rows split between chunks as a pipe gives them
    async *stdinChunks() {
      const bytes = Buffer.from(stdin, "utf8");
      for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
    },
    stderrIsTTY: false,
    cwd: process.cwd(),
  };
  return io;
}
