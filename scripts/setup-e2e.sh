#!/usr/bin/env bash
# Installs what the test suites run against into .cache/e2e/ (a symlink to
# /var/tmp/openclaw-guard-e2e-<uid>, or $OPENCLAW_GUARD_E2E_DIR), from the npm registry, pinned:
#   node24/ + openclaw/  Node 24 (openclaw needs node:sqlite) and the real openclaw CLI (stamp: installed)
#   node22/              the lowest Node the runtime dependencies support: the unit suite runs on it too
#   node20/              a Node the openclaw CLI refuses (doctor's check of that, whatever Node runs the tests)
#   codex/, gemini/      the real Codex CLI and Gemini CLI, driven offline by fake model servers
#   conformance/         the official MCP conformance suite (needs Node >= 22: it runs on Node 24)
#   whatsapp/            the real @openclaw/whatsapp channel plugin of the pinned gateway's version, loaded
#                        by the e2e gateways from plugins.load.paths (no linked phone: nothing leaves)
# Idempotent: each group has its own stamp naming the exact versions, written only after its installs
# succeeded and answered --version, so an interrupted run is simply repeated and a finished group is
# never reinstalled (.cache/e2e may be shared by several checkouts).
set -euo pipefail

NODE_VERSION=24.21.0
OPENCLAW_VERSION=2026.9.6
NODE_LOWEST_VERSION=22.19.0 # = engines.node in package.json
NODE20_VERSION=20.20.2
CODEX_VERSION=0.171.0
GEMINI_VERSION=0.61.0
CONFORMANCE_VERSION=0.1.16
WHATSAPP_VERSION=$OPENCLAW_VERSION # the channel plugin is released with the gateway, same version

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$repo/.cache/e2e"
# The tools live outside the checkout, behind a symlink: the e2e gateways load this checkout as the
# plugin's package, and OpenClaw copies a plugin's whole package directory (all but node_modules and
# .git) on some loads; a real .cache/e2e inside it made the `agent` path fail ("Plugin entry is outside
# its captured source package"), a symlink it leaves alone. The default store is in /var/tmp, not the
# home directory, because the separated-uid suite runs node and openclaw as another uid, which cannot
# enter a 0700 home. An existing symlink is kept as it is.
if [[ ! -L $dir ]]; then
  store="${OPENCLAW_GUARD_E2E_DIR:-/var/tmp/openclaw-guard-e2e-$(id -u)}"
  mkdir -p -m 755 "$store" "$repo/.cache"
  # A shared folder: never run tools from one someone else owns or can write to.
  [[ $(stat -c %u "$store") == $(id -u) && $(( 0$(stat -c %a "$store") & 022 )) == 0 ]] ||
    { echo "setup-e2e: $store must be owned by you and not writable by others" >&2; exit 1; }
  rm -rf "$dir"
  ln -s "$store" "$dir"
fi

node24="$dir/node24/node_modules/.bin/node"
openclaw="$dir/openclaw/node_modules/openclaw/openclaw.mjs"
codex="$dir/codex/node_modules/.bin/codex"
gemini="$dir/gemini/node_modules/.bin/gemini"

# Each folder gets its own package.json, or npm would walk up and edit the repo's. Extra arguments
# go to npm.
install_into() {
  local folder=$1 spec=$2
  shift 2
  mkdir -p "$folder"
  [[ -f $folder/package.json ]] || echo '{ "private": true }' >"$folder/package.json"
  (cd "$folder" && npm install --save-exact --no-audit --no-fund --loglevel=error "$@" "$spec")
}

# expect_version LABEL WANT OUTPUT: fail unless OUTPUT contains WANT.
expect_version() {
  [[ $3 == *"$2"* ]] || { echo "setup-e2e: $1 --version said '$3', not $2" >&2; exit 1; }
}

# stamped STAMP WANT: true when STAMP already names exactly WANT.
stamped() { [[ -f $1 && $(<"$1") == "$2" ]]; }

stamp="$dir/installed"
want="node@$NODE_VERSION openclaw@$OPENCLAW_VERSION"
if ! stamped "$stamp" "$want"; then
  rm -f "$stamp"
  install_into "$dir/node24" "node@$NODE_VERSION"
  expect_version "$node24" "v$NODE_VERSION" "$("$node24" --version)"
  # openclaw's install scripts refuse Node 20, so npm must run on Node 24.
  PATH="$(dirname "$node24"):$PATH" install_into "$dir/openclaw" "openclaw@$OPENCLAW_VERSION"
  expect_version "$openclaw" "$OPENCLAW_VERSION" "$("$node24" "$openclaw" --version)"
  echo "$want" >"$stamp"
fi

# install_node FOLDER VERSION: a pinned Node from the registry's `node` package.
install_node() {
  local folder=$1 version=$2
  local stamp="$dir/$folder/installed" bin="$dir/$folder/node_modules/.bin/node"
  stamped "$stamp" "node@$version" && return
  rm -f "$stamp"
  install_into "$dir/$folder" "node@$version"
  expect_version "$bin" "v$version" "$("$bin" --version)"
  echo "node@$version" >"$stamp"
}
install_node node22 "$NODE_LOWEST_VERSION"
install_node node20 "$NODE20_VERSION"

# Node-script packages: installed and asked on Node 24. A bin of "-" has no --version to ask.
install_tool() {
  local folder=$1 spec=$2 bin=$3 version=$4
  local stamp="$dir/$folder/installed"
  stamped "$stamp" "$spec" && return
  rm -f "$stamp"
  PATH="$(dirname "$node24"):$PATH" install_into "$dir/$folder" "$spec"
  [[ $bin == - ]] || expect_version "$bin" "$version" "$(PATH="$(dirname "$node24"):$PATH" "$bin" --version)"
  echo "$spec" >"$stamp"
}
install_tool codex "@openai/codex@$CODEX_VERSION" "$codex" "$CODEX_VERSION"
install_tool gemini "@google/gemini-cli@$GEMINI_VERSION" "$gemini" "$GEMINI_VERSION"
install_tool conformance "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" - "$CONFORMANCE_VERSION"

# The WhatsApp channel plugin. Its peer `openclaw` is the gateway that loads it, so it is not
# installed twice (--legacy-peer-deps, as `openclaw plugins install` does); it has no --version, its
# package.json is asked instead.
whatsapp_stamp="$dir/whatsapp/installed"
whatsapp_spec="@openclaw/whatsapp@$WHATSAPP_VERSION"
whatsapp_pkg="$dir/whatsapp/node_modules/@openclaw/whatsapp/package.json"
if ! stamped "$whatsapp_stamp" "$whatsapp_spec"; then
  rm -f "$whatsapp_stamp"
  PATH="$(dirname "$node24"):$PATH" install_into "$dir/whatsapp" "$whatsapp_spec" --legacy-peer-deps
  expect_version "$whatsapp_pkg" "\"version\": \"$WHATSAPP_VERSION\"" "$(<"$whatsapp_pkg")"
  echo "$whatsapp_spec" >"$whatsapp_stamp"
fi
# Its peer is the pinned gateway: linked, so its modules import as they do inside that gateway (the
# differential test loads its target normaliser directly).
[[ -L $dir/whatsapp/node_modules/openclaw ]] || ln -s ../../openclaw/node_modules/openclaw "$dir/whatsapp/node_modules/openclaw"

# npm's cache must hold the metadata of this package's runtime dependencies: package-install installs the
# packed tarball --offline, and plugin-install's gateway runs npm on it. A fresh machine's `npm ci` caches
# tarballs but not that metadata (ENOTCACHED, and a cold gateway install that outlasted its test, seen on a
# fresh machine). Not stamped: with the cache warm this changes nothing and sends nothing (--prefer-offline).
deps=$("$node24" -e 'const p = require(process.argv[1]); console.log(Object.entries(p.dependencies).map(([n, v]) => `${n}@${v}`).join("\n"))' "$repo/package.json")
mapfile -t dep_specs <<<"$deps"
PATH="$(dirname "$node24"):$PATH" install_into "$dir/package-deps" "${dep_specs[0]}" --prefer-offline --ignore-scripts "${dep_specs[@]:1}"

echo "NODE24=$node24"
echo "OPENCLAW=$openclaw"
echo "NODE22=$dir/node22/node_modules/.bin/node"
echo "NODE20=$dir/node20/node_modules/.bin/node"
echo "CODEX=$codex"
echo "GEMINI=$gemini"
echo "WHATSAPP=$dir/whatsapp/node_modules/@openclaw/whatsapp"
