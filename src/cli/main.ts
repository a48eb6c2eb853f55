import { run } from "./run.js";
import { nodeIo } from "./io.js";

process.exitCode = await run(process.argv.slice(2), nodeIo());
