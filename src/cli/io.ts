/** The process surface the CLI needs, so commands can run in-process in tests. */
export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  readStdin(): Promise<string>;
  stderrIsTTY: boolean;
  cwd: string;
}

export function nodeIo(): Io {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    stderrIsTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
  };
}

/** In-memory io for tests: collects stdout and stderr. */
export function memoryIo(stdin = ""): Io & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
    readStdin: async () => stdin,
    stderrIsTTY: false,
    cwd: process.cwd(),
  };
  return io;
}
