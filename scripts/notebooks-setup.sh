#!/usr/bin/env bash
# Installs what the notebooks in notebooks/ need, and nothing else:
#   - Jupyter's nbconvert and nbclient, the Python kernel and pandas, from Debian (apt-get), only when one
#     of them is missing; that part needs root (CI runs as root), otherwise it says what to install;
#   - the Deno kernel for Jupyter, from the `deno` npm package in node_modules (a devDependency):
#     `deno jupyter --install` writes a kernelspec named "deno" into the user's Jupyter data directory,
#     pointing at this clone's deno binary.
# Safe to run again. Usage: npm run notebooks:setup
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(jupyter-nbconvert python3-nbclient python3-ipykernel python3-pandas)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "notebooks:setup: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"
  else
    echo "notebooks:setup: missing Debian packages: ${missing[*]}" >&2
    echo "  install them as root: apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
else
  echo "notebooks:setup: Jupyter (nbconvert, nbclient, ipykernel) and pandas are installed"
fi

if [ ! -d node_modules/deno ]; then
  echo "notebooks:setup: the deno package is not installed: run npm install (or npm ci) first" >&2
  exit 1
fi
# --force: a kernelspec from an earlier clone would point at that clone's deno
if ! log=$(npx --no-install deno jupyter --install --force 2>&1); then
  echo "$log" >&2
  exit 1
fi
echo "$log" | grep -v 'is unstable' || true
npx --no-install deno --version | head -1
# the notebooks import the build
[ -f dist/index.js ] && [ -f dist/charts.js ] || npm run build
