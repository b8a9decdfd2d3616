#!/usr/bin/env bash
# Every check and test: type-check, ESLint, Prettier, Jest for all packages, the real KEDA and
# kube-controller-manager, browser end-to-end. Installs what it needs (Node 22, dependencies,
# Chromium) and builds the local control plane and its controllers from Go modules (cached; the
# build runs in the background from the start, overlapping the static checks and Jest). Ends with
# one summary line.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"
export CI=true

bash scripts/install.sh || exit 1
# Chromium for the browser tests; Prometheus for the usage source test (a real one, scraping VMs).
bash scripts/system-deps.sh chromium prometheus || exit 1

# Store tests run on SQLite and on this PostgreSQL.
pg="$(bash scripts/postgres.sh | tail -n 1)" || exit 1
[[ "$pg" == POSTGRES*"|postgresql://"* ]] || { rf_log "scripts/postgres.sh printed no connection string: $pg"; exit 1; }
export "BACKSTAGE_TEST_DATABASE_${pg%%|*}_CONNECTION_STRING=${pg#*|}"
export RUNNER_FLEET_TEST_DATABASES="SQLITE_3,${pg%%|*}"

results="$RUNNER_FLEET_ROOT/.data/test-results"
rm -rf "$results" && mkdir -p "$results"
failed_steps=()

# The control plane (tools/k8s-testenv/build.sh; Jest's global setup needs it) and then the real
# controllers (build-controllers.sh; the step "real controllers" needs them), one after the other
# so kube-controller-manager reuses kube-apiserver's compiled packages. A no-op when cached; cold
# ~20 min on 2 cores (tools/k8s-testenv/README.md), nice'd so that the checks keep the CPU.
controllers_log="$results/controllers-build.log"
rf_log "building the local control plane and its controllers in the background (log: ${controllers_log#"$RUNNER_FLEET_ROOT"/})"
(
  nice -n 10 bash tools/k8s-testenv/build.sh >/dev/null &&
    nice -n 10 bash tools/k8s-testenv/build-controllers.sh >"$results/controllers-dir"
) >/dev/null 2>"$controllers_log" &
controllers_build=$!
# Stops the build (and the go processes under it) should this script end first.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}
trap 'kill_tree "$controllers_build"' EXIT

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

# The *.real-controllers.test.ts files (left out of Jest's default run): the real garbage collector,
# namespace controller and HPA (packages/testenv), the real KEDA and the conformance of the
# simulator's KEDA/HPA model with it (packages/fleet-simulator). Each starts its own control plane.
real_controllers() {
  if ! wait "$controllers_build"; then
    tail -n 40 "$controllers_log" >&2
    rf_log "the controllers' build failed; full log: ${controllers_log#"$RUNNER_FLEET_ROOT"/}"
    return 1
  fi
  RUNNER_FLEET_K8S_CONTROLLERS_DIR="$(tail -n 1 "$results/controllers-dir")"
  export RUNNER_FLEET_K8S_CONTROLLERS_DIR
  local pkg ok=0
  for pkg in testenv fleet-simulator; do
    yarn workspace "@runner-fleet/$pkg" test:real-controllers \
      --json --outputFile="$results/real-controllers-$pkg.json" || ok=1
  done
  return "$ok"
}
step "real controllers" real_controllers
step "build app" yarn workspace app build
step "bundle token scan" node scripts/scan-bundle.mjs
step "tarball install" bash scripts/adoption-test.sh
step "browser e2e" env PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" yarn playwright test --reporter=list,json

node scripts/summarize-tests.js "$results" "${failed_steps[@]}"
