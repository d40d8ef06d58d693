#!/usr/bin/env bash
# Installs what the end-to-end suite runs against into .cache/e2e/: a pinned Node 24
# (openclaw needs node:sqlite, which Node 20 lacks), the pinned real openclaw CLI, and a
# pinned Node 20 (a Node the CLI refuses, whatever Node runs the tests).
# Idempotent: each folder's stamp naming the exact versions is written only after its
# installs succeeded and answered --version, so an interrupted run is simply repeated.
set -euo pipefail

NODE_VERSION=24.21.0
OPENCLAW_VERSION=2026.9.6
NODE20_VERSION=20.20.2

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$repo/.cache/e2e"
stamp="$dir/installed"
want="node@$NODE_VERSION openclaw@$OPENCLAW_VERSION"
node24="$dir/node24/node_modules/.bin/node"
openclaw="$dir/openclaw/node_modules/openclaw/openclaw.mjs"

node20="$dir/node20/node_modules/.bin/node"
stamp20="$dir/node20/installed"

print_paths() {
  echo "NODE24=$node24"
  echo "OPENCLAW=$openclaw"
  echo "NODE20=$node20"
}

# Each folder gets its own package.json, or npm would walk up and edit the repo's.
install_into() {
  local folder=$1 spec=$2
  mkdir -p "$folder"
  [[ -f $folder/package.json ]] || echo '{ "private": true }' >"$folder/package.json"
  (cd "$folder" && npm install --save-exact --no-audit --no-fund --loglevel=error "$spec")
}

if [[ ! -f $stamp20 || $(<"$stamp20") != "node@$NODE20_VERSION" ]]; then
  rm -f "$stamp20"
  install_into "$dir/node20" "node@$NODE20_VERSION"
  [[ $("$node20" --version) == "v$NODE20_VERSION" ]] || { echo "setup-e2e: $node20 is not v$NODE20_VERSION" >&2; exit 1; }
  echo "node@$NODE20_VERSION" >"$stamp20"
fi

if [[ -f $stamp && $(<"$stamp") == "$want" ]]; then
  print_paths
  exit 0
fi
rm -f "$stamp"

install_into "$dir/node24" "node@$NODE_VERSION"
[[ $("$node24" --version) == "v$NODE_VERSION" ]] || { echo "setup-e2e: $node24 is not v$NODE_VERSION" >&2; exit 1; }

# openclaw's install scripts refuse Node 20, so npm must run on Node 24.
PATH="$(dirname "$node24"):$PATH" install_into "$dir/openclaw" "openclaw@$OPENCLAW_VERSION"
version=$("$node24" "$openclaw" --version)
[[ $version == *"$OPENCLAW_VERSION"* ]] || { echo "setup-e2e: openclaw --version said '$version'" >&2; exit 1; }

echo "$want" >"$stamp"
print_paths
