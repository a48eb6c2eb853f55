/**
 * The second reading thread of eachResultThreaded (results-thread.ts): eachResult on the part of the file named in
 * its first message, its callbacks written into batches for the thread that sent it. Built on its own
 * (dist/results-worker.js).
 */
import { parentPort } from "node:worker_threads";
import { eachResult } from "./read-results.js";
import { registryFromFiles } from "./registry-files.js";
import { Encoder, linesBefore, sentError, type WorkerData, type WorkerMessage } from "./results-thread.js";

const port = parentPort!;
// started early (thread-mode.ts), the worker loads and then waits for its part
const data = await new Promise<WorkerData>((resolve) => port.once("message", (m: { job: WorkerData }) => resolve(m.job)));
const send = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
const encoder = new Encoder((batch, transfer) => send({ batch }, transfer));

try {
  const registry = registryFromFiles(data.registry.cwd, data.registry, new Map(data.registry.texts ?? []));
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
  send({ error: sentError(e) });
}
