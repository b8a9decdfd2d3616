#!/usr/bin/env bash
# Installs the JavaScript dependencies exactly as yarn.lock says, once per lockfile and Node version.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"
stamp="node_modules/.runner-fleet-install"
shopt -s nullglob
want="$(node --version) $(cat yarn.lock package.json packages/*/package.json plugins/*/package.json | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  rf_log "dependencies up to date"
  exit 0
fi
rf_log "installing dependencies (cold: ~3 min, warm: seconds)"
if [ "${CI:-}" = "true" ]; then yarn install --immutable; else yarn install; fi
echo "$want" >"$stamp"
