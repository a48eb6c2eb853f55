#!/usr/bin/env bash
# Executes every notebook in notebooks/ from top to bottom with nbconvert (needs `npm run notebooks:setup`).
#   bash scripts/notebooks-run.sh                 executes them in place: the committed outputs are refreshed
#   bash scripts/notebooks-run.sh <dir> [names…]  writes the executed copies to <dir> and leaves notebooks/ alone
#                                                 (tests/notebooks.test.ts does this)
#   bash scripts/notebooks-run.sh "" 02-family-progression.ipynb   executes only that one, in place
# Each notebook runs with its own directory as the working directory, so its relative paths (../dist, ../datasets)
# hold either way. Any error in a cell stops with a non-zero exit code.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-}"
shift || true
if [ "$#" -gt 0 ]; then names=("$@"); else names=(notebooks/*.ipynb); fi
# record_timing=False: no timestamps in cell metadata, so a re-run changes nothing that did not change.
# iopub_timeout / raise_on_iopub_timeout: on a busy machine an output may come late; wait for it, and fail
# rather than silently drop it.
flags=(--execute --to notebook
  --ExecutePreprocessor.timeout=120
  --ExecutePreprocessor.record_timing=False
  --ExecutePreprocessor.iopub_timeout=60
  --ExecutePreprocessor.raise_on_iopub_timeout=True)
# The Deno kernelspec for this clone, searched before the user's (JUPYTER_PATH comes first): the one that
# `deno jupyter --install` wrote into the user's data directory points at whichever clone ran it last.
if [ -x node_modules/.bin/deno ]; then
  mkdir -p .jupyter/kernels/deno
  printf '{"argv": [%s, "jupyter", "--kernel", "--conn", "{connection_file}"], "display_name": "Deno", "language": "typescript"}\n' \
    "$(/usr/bin/python3 -c 'import json, os, sys; print(json.dumps(os.path.abspath(sys.argv[1])))' node_modules/.bin/deno)" > .jupyter/kernels/deno/kernel.json
  export JUPYTER_PATH="$PWD/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
fi
# the Python kernel's debugger warns about frozen modules on every start; it is not about the notebooks
export PYDEVD_DISABLE_FILE_VALIDATION=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Every code cell of these notebooks shows something. On a loaded machine the Deno kernel's output socket
# sometimes drops a display message (no error anywhere: the cell simply has no output), so an executed
# notebook with a code cell that shows nothing, or fewer outputs than the cell had before, is run again
# (at most 3 times in all).
complete() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
before = {c.get("id"): len(c.get("outputs", [])) for c in json.load(open(sys.argv[1]))["cells"] if c["cell_type"] == "code"}
short = [c.get("id") for c in json.load(open(sys.argv[2]))["cells"]
         if c["cell_type"] == "code" and (not c["outputs"] or len(c["outputs"]) < before.get(c.get("id"), 0))]
if short:
    print("cells with missing output: " + ", ".join(map(str, short)))
    sys.exit(1)
PY
}

for nb in "${names[@]}"; do
  case "$nb" in */*) ;; *) nb="notebooks/$nb" ;; esac
  base=$(basename "$nb")
  for attempt in 1 2 3; do
    # sed hides Deno's one-line warning that `deno jupyter` is unstable; with pipefail the status is nbconvert's
    jupyter nbconvert "${flags[@]}" --output-dir "$scratch" "$nb" 2>&1 | sed '/is unstable/d' || { echo "notebooks: $nb failed" >&2; exit 1; }
    if why=$(complete "$nb" "$scratch/$base"); then break; fi
    echo "notebooks: $base: $why (attempt $attempt of 3)" >&2
  done
  cp "$scratch/$base" "${out:-notebooks}/$base"
done
