#!/usr/bin/env bash
# Every check and test: type-check, ESLint, Prettier, Jest for all packages, browser end-to-end.
# Installs what it needs (Node 22, dependencies, Chromium). Ends with one summary line.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"
export CI=true

bash scripts/install.sh || exit 1
bash scripts/system-deps.sh chromium || exit 1

# Store tests run on SQLite and on this PostgreSQL.
pg="$(bash scripts/postgres.sh | tail -n 1)" || exit 1
[[ "$pg" == POSTGRES*"|postgresql://"* ]] || { rf_log "scripts/postgres.sh printed no connection string: $pg"; exit 1; }
export "BACKSTAGE_TEST_DATABASE_${pg%%|*}_CONNECTION_STRING=${pg#*|}"
export RUNNER_FLEET_TEST_DATABASES="SQLITE_3,${pg%%|*}"

results="$RUNNER_FLEET_ROOT/.data/test-results"
rm -rf "$results" && mkdir -p "$results"
failed_steps=()

step() {
  local name="$1"
  shift
  rf_log "── $name"
  local start=$SECONDS
  if "$@"; then
    rf_log "   $name ok ($((SECONDS - start)) s)"
  else
    rf_log "   $name FAILED ($((SECONDS - start)) s)"
    failed_steps+=("$name")
  fi
}

step "type-check" yarn tsc
step "api reports" yarn build:api-reports:only --ci
step "openapi generated code" bash scripts/openapi.sh check
step "eslint" yarn backstage-cli repo lint
step "prettier" yarn prettier --check --loglevel warn .
step "jest" yarn backstage-cli repo test --json --outputFile="$results/jest.json"
step "bench smoke" yarn bench --smoke
step "build app" yarn workspace app build
step "bundle token scan" node scripts/scan-bundle.mjs
step "tarball install" bash scripts/adoption-test.sh
step "browser e2e" env PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" yarn playwright test --reporter=list,json

node scripts/summarize-tests.js "$results" "${failed_steps[@]}"
