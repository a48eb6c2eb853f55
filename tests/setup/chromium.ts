/**
 * Global test setup: the browser tests drive Debian's Chromium (never a browser build downloaded by a test
 * tool). When it is missing and we are root with apt-get, install it once here, as `.ci/run` does; otherwise
 * the browser tests fail with a message saying how to install it.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export default function setup(): void {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(path) || process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) return;
  process.stderr.write(`test setup: ${path} is missing; installing Debian's chromium with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
}
