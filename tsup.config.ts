import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    // the CLI in the main entry renders charts, which find their font beside import.meta.url
    shims: true,
    target: "node20",
  },
  {
    // vega and vega-lite have top-level await: they stay out of the main entry and load on first use
    entry: { charts: "src/charts/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    shims: true,
    target: "node20",
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    // require for the CommonJS bundled below (@stdlib's debug asks for node's tty at run time)
    banner: { js: '#!/usr/bin/env node\nimport { createRequire as __trivselCreateRequire } from "node:module";\nconst require = __trivselCreateRequire(import.meta.url);' },
    // zod is some 95 module files: resolved and loaded one by one they cost a start ~60 ms; bundled, a fraction.
    // So is the t quantile of cohort's confidence intervals (@stdlib: 414 files, ~90 ms); and of simple-statistics
    // (one 167 KB module, ~15 ms to load for trend and cohort) only the few functions used are bundled
    noExternal: ["zod", /^@stdlib\//, "simple-statistics"],
    sourcemap: true,
    target: "node20",
  },
  {
    // the reading thread of progression commands (src/io/results-thread.ts), found beside the bundle that starts it
    entry: { "results-worker": "src/io/results-worker.ts" },
    format: ["esm"],
    banner: { js: 'import { createRequire as __trivselCreateRequire } from "node:module";\nconst require = __trivselCreateRequire(import.meta.url);' },
    noExternal: ["zod", /^@stdlib\//, "simple-statistics"],
    sourcemap: true,
    target: "node20",
  },
]);
