/**
 * npm run gen: writes the generated documentation of the built-in definitions (JSON Schemas,
 * instruments/README.md) and the summary table between the markers in README.md.
 * Files are written only when their content changed, so timestamps and diffs stay quiet.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedFiles, instrumentSummaryTable, README_MARKERS, replaceBetweenMarkers } from "../src/docs/generate.js";
import { listInstruments, validatedBuiltins } from "../src/registry/registry.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const instruments = listInstruments();

function writeIfChanged(rel: string, content: string): void {
  const path = join(root, rel);
  if (existsSync(path) && readFileSync(path, "utf8") === content) {
    console.log(`unchanged ${rel}`);
    return;
  }
  writeFileSync(path, content);
  console.log(`wrote     ${rel}`);
}

for (const [rel, content] of Object.entries(generatedFiles(instruments))) writeIfChanged(rel, content);
// the built-in definitions as validated (listInstruments above validated them or threw), so a start need not again
writeIfChanged("src/registry/builtin-validated.json", validatedBuiltins());

const readmePath = join(root, "README.md");
const readme = existsSync(readmePath) ? readFileSync(readmePath, "utf8") : null;
const updated = readme === null ? null : replaceBetweenMarkers(readme, instrumentSummaryTable(instruments));
if (updated === null)
  console.log(
    `note: README.md ${readme === null ? "does not exist" : "has no markers"}; ` +
      `add ${README_MARKERS.start} and ${README_MARKERS.end} to get the instrument summary table there`,
  );
else writeIfChanged("README.md", updated);
