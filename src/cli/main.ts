import { run } from "./run.js";
import { nodeIo } from "./io.js";
import { removeTemporaryFiles } from "../io/atomic.js";

// an interrupted run leaves no temporary file behind; 128 + the signal's number, as a shell reports it
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)
  process.on(signal, () => {
    removeTemporaryFiles();
    process.exit(code);
  });

const code = await run(process.argv.slice(2), nodeIo());
// a write error on standard output may already have set 2
process.exitCode = Math.max(code, Number(process.exitCode ?? 0));
