import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    // installs Debian's chromium for the browser tests when it is missing (as root)
    globalSetup: ["tests/setup/chromium.ts"],
  },
});
