/**
 * The second reading thread of eachResultThreaded (results-thread.ts): eachResult on the part of the file named in
 * its first message, its callbacks written into batches for the thread that sent it. Built on its own
 * (dist/results-worker.js).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { eachResult } from "./read-results.js";
import { registryFromFiles } from "./registry-files.js";
import { Encoder, type WorkerData, type WorkerMessage } from "./results-thread.js";

const port = parentPort!;
// started early (thread-mode.ts), the worker loads and then waits for its part
const data = await new Promise<WorkerData>((resolve) => port.once("message", (m: { job: WorkerData }) => resolve(m.job)));
const send = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
const encoder = new Encoder((batch, transfer) => send({ batch }, transfer));

/** the line breaks in bytes [0, end) of the file: the part from `end` starts at spreadsheet row this + 1 */
function linesBefore(path: string, end: number, newline: string): number {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(Math.min(end, 4 << 20));
    let lines = 0;
    // "\r\n": a line feed counts after a carriage return (the one before a chunk's first byte is kept)
    const crlf = newline === "\r\n";
    let before = 0;
    for (let pos = 0; pos < end; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n <= 0) throw new Error(`${path}: the file became shorter while it was read`);
      for (let k = buf.indexOf(0x0a); k >= 0 && k < n; k = buf.indexOf(0x0a, k + 1)) if (!crlf || (k > 0 ? buf[k - 1] : before) === 0x0d) lines++;
      before = buf[n - 1]!;
      pos += n;
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}

try {
  const registry = registryFromFiles(data.registry.cwd, data.registry);
  const { built, extras, ...opts } = data.opts;
  const { newline, ...part } = data.part;
  const firstRow = linesBefore(data.input.path, part.start, newline) + 1;
  const read = await eachResult(
    data.input,
    registry,
    { ...opts, sharedScales: true, part: { ...part, firstRow }, ...(built ? { built: { row: (v) => encoder.row(v), extras: extras === true, cells: true } } : {}) },
    (i) => encoder.issue(i),
    (r, x) => encoder.result(r, x),
  );
  encoder.flush();
  send({ done: read });
} catch (e) {
  // what was handed on before the error goes first, as on one thread
  encoder.flush();
  const err = e as Error & { issue?: unknown };
  send({ error: { name: err?.name ?? "Error", message: err?.message ?? String(e), ...(err?.issue !== undefined ? { issue: err.issue as never } : {}), ...(err?.stack !== undefined ? { stack: err.stack } : {}) } });
}
