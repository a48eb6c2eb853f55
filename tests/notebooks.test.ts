/**
 * The notebooks in notebooks/ are executed, not decorative: each is run from top to bottom with nbconvert
 * (scripts/notebooks-run.sh, into a temporary folder; the committed file is never touched) and must give the
 * outputs it was committed with. Volatile fields are left out of the comparison: execution counts, cell and
 * notebook metadata. Skipped only when Jupyter is not installed (`npm run notebooks:setup` installs it; CI does).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..");
const dir = join(root, "notebooks");
const NOTEBOOKS = readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();

const jupyter = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
const hasJupyter = jupyter.status === 0;
if (!hasJupyter) console.warn("notebooks: skipped, Jupyter (nbconvert) is not installed; run `npm run notebooks:setup`");

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  outputs?: Output[];
}

const joined = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s);
/** A multi-line string in a MIME bundle may be stored as one string or as a list of lines. */
const joinData = (data: Record<string, unknown> | undefined) =>
  data && Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join("") : v]));

/** What must not change between runs: the cells' kind, source and outputs, without counts or metadata. */
function essence(path: string) {
  const nb = JSON.parse(readFileSync(path, "utf8")) as { cells: Cell[]; metadata: { kernelspec?: { name?: string } } };
  return {
    kernel: nb.metadata.kernelspec?.name,
    cells: nb.cells.map((c) => ({
      id: c.id,
      type: c.cell_type,
      source: joined(c.source),
      outputs: (c.outputs ?? []).map((o) => ({
        type: o.output_type,
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(o.text !== undefined ? { text: joined(o.text) } : {}),
        ...(o.data !== undefined ? { data: joinData(o.data) } : {}),
        ...(o.ename !== undefined ? { error: `${o.ename}: ${o.evalue}` } : {}),
      })),
    })),
  };
}

describe("notebooks as documents", () => {
  test.each(NOTEBOOKS)("%s opens by saying what it shows and which data it uses", (name) => {
    const first = essence(join(dir, name)).cells[0]!;
    expect(first.type).toBe("markdown");
    expect(first.source).toContain("**What this notebook shows.**");
    expect(first.source).toContain("**Data.**");
    expect(first.source).toContain("datasets/demo-cohort.csv");
  });

  test("the README gives the two commands, package.json has them, and the chart picture exists", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(readme).toContain("## Notebooks");
    expect(readme).toContain("npm run notebooks:setup");
    expect(readme).toMatch(/^npm run notebooks +#/m);
    expect(scripts["notebooks:setup"]).toBe("bash scripts/notebooks-setup.sh");
    expect(scripts["notebooks"]).toBe("npm run build && bash scripts/notebooks-run.sh");
    expect(readme).toContain("](docs/notebook-chart.png)");
    expect(readFileSync(join(root, "docs", "notebook-chart.png")).subarray(1, 4).toString()).toBe("PNG");
  });
});

describe.skipIf(!hasJupyter)("notebooks (executed with nbconvert)", () => {
  const out = mkdtempSync(join(tmpdir(), "trivsel-notebooks-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("there are the three Deno notebooks and the pandas one, each with a kernel that is installed", () => {
    expect(NOTEBOOKS).toEqual(["01-score-and-explore.ipynb", "02-family-progression.ipynb", "03-cohort-evaluation.ipynb", "04-pandas.ipynb"]);
    // kernelspecs live in <data dir>/kernels/<name>/kernel.json (Jupyter's data directories, user's first)
    const { data } = JSON.parse(execFileSync("jupyter", ["--paths", "--json"], { encoding: "utf8" })) as { data: string[] };
    const kernels = data.flatMap((d) => (existsSync(join(d, "kernels")) ? readdirSync(join(d, "kernels")).filter((k) => existsSync(join(d, "kernels", k, "kernel.json"))) : []));
    const wanted = [...new Set(NOTEBOOKS.map((f) => essence(join(dir, f)).kernel))];
    expect(wanted.sort()).toEqual(["deno", "python3"]);
    for (const k of wanted) expect(kernels, `kernel ${k} is not installed: run npm run notebooks:setup`).toContain(k);
  });

  test.each(NOTEBOOKS)("%s runs without error and gives its committed outputs", (name) => {
    const run = spawnSync("bash", [join(root, "scripts", "notebooks-run.sh"), out, name], { cwd: root, encoding: "utf8" });
    expect(run.status, `nbconvert failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
    const fresh = essence(join(out, name));
    const committed = essence(join(dir, name));

    const errors = fresh.cells.flatMap((c) => c.outputs.filter((o) => o.type === "error").map((o) => `${c.id}: ${o.error}`));
    expect(errors).toEqual([]);
    // every code cell shows something: a cell without output would pass unnoticed otherwise
    expect(fresh.cells.filter((c) => c.type === "code" && c.outputs.length === 0).map((c) => c.id)).toEqual([]);

    expect(fresh.kernel).toBe(committed.kernel);
    expect(fresh.cells.map((c) => c.id)).toEqual(committed.cells.map((c) => c.id));
    for (const [i, cell] of fresh.cells.entries()) {
      // one cell at a time, so a failure names the cell; `npm run notebooks` refreshes the committed outputs
      expect(cell, `cell ${cell.id} differs from the committed notebook (npm run notebooks refreshes it)`).toEqual(committed.cells[i]);
    }
  }, 180_000);
});
