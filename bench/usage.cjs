// Preloaded (`node --require bench/usage.cjs …`) into every measured Node process: at exit it writes the whole
// process's CPU time (user + system, start-up included) and peak RSS to stderr, for bench/score.bench.ts.
"use strict";
const { writeSync } = require("node:fs");
process.on("exit", () => {
  const u = process.resourceUsage();
  writeSync(2, `\nBENCH-USAGE ${JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKB: u.maxRSS })}\n`);
});
