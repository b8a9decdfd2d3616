#!/usr/bin/env bash
# Installs what is missing, then runs Runner Fleet locally, the embedded default:
#   - two local Kubernetes control planes (kube-apiserver + etcd with the upstream KubeVirt, CDI
#     and KEDA CRDs): `local` (primary) and `burst`
#   - the GitLab emulator on http://localhost:8929
#   - the fleet simulator, playing KubeVirt, CDI, KEDA, gitlab-runner and job traffic
#   - Backstage: frontend http://localhost:3000, backend http://localhost:7007, SQLite in .data/
# Everything keeps its state under .data/ (gitignored). Ctrl-C stops it all.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"

bash scripts/install.sh
export RUNNER_FLEET_DATA_DIR="$RUNNER_FLEET_ROOT/.data"
mkdir -p "$RUNNER_FLEET_DATA_DIR/sqlite" "$RUNNER_FLEET_DATA_DIR/logs"

rf_log "building the local control plane (first run: ~5 min, then cached)"
RUNNER_FLEET_K8S_TESTENV_DIR="$(bash tools/k8s-testenv/build.sh | tail -1)"
export RUNNER_FLEET_K8S_TESTENV_DIR

pids=()
cleanup() {
  trap - EXIT INT TERM
  rf_log "stopping the local stack"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# Starts a background service, logging to .data/logs/<name>.log.
service() {
  local name="$1"
  shift
  "$@" >"$RUNNER_FLEET_DATA_DIR/logs/$name.log" 2>&1 &
  pids+=("$!")
  rf_log "started $name (log: .data/logs/$name.log)"
}

wait_for_file() {
  local file="$1" name="$2" pid="$3"
  for _ in $(seq 1 240); do
    [ -s "$file" ] && [ "$file" -nt "$RUNNER_FLEET_DATA_DIR/logs/$name.log.start" ] && return 0
    kill -0 "$pid" 2>/dev/null || { tail -20 "$RUNNER_FLEET_DATA_DIR/logs/$name.log" >&2; rf_log "$name exited"; return 1; }
    sleep 0.5
  done
  rf_log "$name did not become ready; see .data/logs/$name.log"
  return 1
}

start_cluster() {
  local name="$1" dir="$2"
  touch "$RUNNER_FLEET_DATA_DIR/logs/$name.log.start"
  rm -f "$dir/cluster.json"
  service "$name" node packages/testenv/bin/testenv --data-dir "$dir"
  wait_for_file "$dir/cluster.json" "$name" "${pids[-1]}"
  rf_log "$name control plane ready (kubeconfigs in ${dir#"$RUNNER_FLEET_ROOT"/})"
}

start_cluster k8s-local "$RUNNER_FLEET_DATA_DIR/k8s"
start_cluster k8s-burst "$RUNNER_FLEET_DATA_DIR/k8s-burst"

service gitlab-emulator node packages/gitlab-emulator/bin/gitlab-emulator \
  --port "${RUNNER_FLEET_GITLAB_PORT:-8929}" --state-file "$RUNNER_FLEET_DATA_DIR/gitlab-emulator.json"

if [ -x packages/fleet-simulator/bin/fleet-simulator ]; then
  service fleet-simulator node packages/fleet-simulator/bin/fleet-simulator \
    --kubeconfig "$RUNNER_FLEET_DATA_DIR/k8s/fleet-simulator.kubeconfig" \
    --kubeconfig "$RUNNER_FLEET_DATA_DIR/k8s-burst/fleet-simulator.kubeconfig" \
    --gitlab-url "http://localhost:${RUNNER_FLEET_GITLAB_PORT:-8929}"
fi

rf_log "starting Backstage: frontend http://localhost:3000 , backend http://localhost:7007"
rf_log "open http://localhost:3000 and sign in as guest (you are 'guest', a member of the payments team)"
yarn start "$@"
