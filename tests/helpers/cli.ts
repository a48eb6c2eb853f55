// Running the CLI in tests: in-process through run(argv, memoryIo()) and as a spawned `node dist/cli.js`.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { memoryIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/run.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = join(ROOT, "dist/cli.js");

export interface Ran {
  code: number | null;
  out: string;
  err: string;
}

type Where = string | { cwd?: string; stdin?: string | Buffer };
const where = (w: Where | undefined) => (typeof w === "string" ? { cwd: w } : (w ?? {}));

export async function inProc(argv: string[], w?: Where): Promise<Ran> {
  const { cwd, stdin } = where(w);
  const io = memoryIo(stdin === undefined ? "" : String(stdin));
  io.cwd = cwd ?? ROOT;
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

export function spawned(argv: string[], w?: Where): Ran {
  const { cwd, stdin } = where(w);
  const r = spawnSync(process.execPath, [CLI, ...argv], { cwd: cwd ?? ROOT, input: stdin ?? "", encoding: "utf8", timeout: 30_000, maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export const sha = (p: string): string => createHash("sha256").update(readFileSync(p)).digest("hex");
