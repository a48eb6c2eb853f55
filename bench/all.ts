/**
 * `npm run bench`: the three benchmarks in turn, each in its own process. Arguments (--quick, --rows, --runs,
 * --families, --weeks) go to the batch benchmark (bench/score.bench.ts) only. Every benchmark runs even when an
 * earlier one missed a target; the exit code is 1 when any of them did.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const benches: [string, string[]][] = [
  ["charts.bench.ts", []],
  ["score.bench.ts", args],
  ["app.bench.ts", []],
];
let failed = 0;
for (const [file, extra] of benches) {
  console.log(`\n=== bench/${file} ${extra.join(" ")}`);
  const res = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL(file, import.meta.url)), ...extra], { stdio: "inherit" });
  if (res.status !== 0) {
    failed++;
    console.log(`=== bench/${file}: exit code ${res.status ?? res.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
