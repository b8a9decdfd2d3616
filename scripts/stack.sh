#!/usr/bin/env bash
# Runs the embedded Runner Fleet stack on this machine:
#   - two local Kubernetes control planes (kube-apiserver + etcd, upstream KubeVirt, CDI and KEDA
#     CRDs, the backend's RBAC): `local` (primary) and `burst`
#   - the GitLab emulator
#   - on each control plane the real kube-controller-manager (HPA, garbage collector, namespaces)
#     and the real KEDA operator + metrics API server, built from Go modules on first use (cached)
#   - the fleet simulator on each cluster, playing KubeVirt, CDI and gitlab-runner (and KEDA and the
#     HPA instead of the real ones when the time scale is not 1 or with --simulated-autoscaling)
#   - Prometheus (Debian's package, installed on first use), scraping the simulators'
#     virt-handler metrics: the backend's usage source for flavor advice
#   - Backstage
# Modes:
#   (default)  for people: state kept in .data/, frontend on :3000 with live reload, backend :7007
#   --e2e      for browser tests: fresh state in .data/e2e, the backend serves the built app on
#              :$E2E_PORT (default 7107), VMs boot 20x faster (so the simulator plays KEDA/HPA)
#   --simulated-autoscaling   no real controllers: the simulator plays KEDA and the HPA (as with
#              RUNNER_FLEET_REAL_CONTROLLERS=0)
# Logs go to <data>/logs/. Ctrl-C (or SIGTERM) stops everything.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"

mode=dev
simulated_autoscaling=0
args=()
for arg in "$@"; do
  case "$arg" in
    --e2e) mode=e2e ;;
    --simulated-autoscaling) simulated_autoscaling=1 ;;
    *) args+=("$arg") ;;
  esac
done
set -- "${args[@]}"

if [ "$mode" = e2e ]; then
  data="$RUNNER_FLEET_ROOT/.data/e2e"
  rm -rf "$data"
  gitlab_port="${RUNNER_FLEET_E2E_GITLAB_PORT:-8939}"
  time_scale=20
  traffic="--no-traffic --failure-rate 0"
  metrics_ports=(9112 9113)
  prometheus_port="${RUNNER_FLEET_E2E_PROMETHEUS_PORT:-9191}"
else
  data="$RUNNER_FLEET_ROOT/.data"
  gitlab_port="${RUNNER_FLEET_GITLAB_PORT:-8929}"
  time_scale=1
  traffic=
  metrics_ports=(9102 9103)
  prometheus_port="${RUNNER_FLEET_PROMETHEUS_PORT:-9190}"
fi
export RUNNER_FLEET_DATA_DIR="$data"
export RUNNER_FLEET_GITLAB_URL="http://localhost:$gitlab_port"
mkdir -p "$data/sqlite" "$data/logs"

rf_log "local control plane binaries (first run builds them: ~5 min, then cached)"
RUNNER_FLEET_K8S_TESTENV_DIR="$(bash tools/k8s-testenv/build.sh | tail -1)"
export RUNNER_FLEET_K8S_TESTENV_DIR
# The real kube-controller-manager and KEDA on each control plane; they run on wall-clock time, so
# at another time scale (--e2e) or with --simulated-autoscaling (RUNNER_FLEET_REAL_CONTROLLERS=0)
# the fleet simulator plays KEDA and the HPA instead.
controllers=()
real_keda=()
if [ "$time_scale" = 1 ] && [ "$simulated_autoscaling" = 0 ]; then
  real_controllers=${RUNNER_FLEET_REAL_CONTROLLERS:-1}
else
  real_controllers=${RUNNER_FLEET_REAL_CONTROLLERS:-0}
fi
if [ "$real_controllers" = 1 ]; then
  [ "$time_scale" = 1 ] || { rf_log "RUNNER_FLEET_REAL_CONTROLLERS=1 needs time scale 1 (the real KEDA and HPA run on wall-clock time)"; exit 1; }
  [ "$simulated_autoscaling" = 0 ] || { rf_log "RUNNER_FLEET_REAL_CONTROLLERS=1 and --simulated-autoscaling contradict each other"; exit 1; }
  rf_log "real kube-controller-manager and KEDA (tools/k8s-testenv/build-controllers.sh; the first run builds them from Go modules: ~10 min on 2 cores after the control plane's build, then cached; --simulated-autoscaling skips them)"
  RUNNER_FLEET_K8S_CONTROLLERS_DIR="$(bash tools/k8s-testenv/build-controllers.sh | tail -1)"
  export RUNNER_FLEET_K8S_CONTROLLERS_DIR
  controllers=(--controllers)
  real_keda=(--real-keda)
fi

pids=()
# Stops a process and everything it started (yarn and backstage-cli do not pass signals on).
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM
  rf_log "stopping the local stack"
  for pid in "${pids[@]}"; do kill_tree "$pid"; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# Starts a background service, logging to <data>/logs/<name>.log.
service() {
  local name="$1"
  shift
  "$@" >"$data/logs/$name.log" 2>&1 &
  pids+=("$!")
}

wait_for() {
  local what="$1" pid="$2" log="$3"
  shift 3
  for _ in $(seq 1 240); do
    if "$@"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$log" >&2
      rf_log "$what exited; see $log"
      return 1
    fi
    sleep 0.5
  done
  rf_log "$what did not become ready; see $log"
  return 1
}

start_cluster() {
  local name="$1" dir="$2"
  rm -f "$dir/cluster.json"
  service "$name" node packages/testenv/bin/testenv --data-dir "$dir" "${controllers[@]}"
  wait_for "$name" "${pids[-1]}" "$data/logs/$name.log" test -s "$dir/cluster.json"
  rf_log "$name control plane ready (kubeconfigs in ${dir#"$RUNNER_FLEET_ROOT"/})"
}

start_cluster k8s-local "$data/k8s"
start_cluster k8s-burst "$data/k8s-burst"
# Both clusters get the install kit's golden images (k8s/images), so Windows pools boot.
node scripts/seed-golden-images.js "$data/k8s/admin.kubeconfig" "$data/k8s-burst/admin.kubeconfig"

# The Kubernetes plugin reads the same clusters as the read-only portal viewer (no Secrets, no
# writes: k8s/rbac/runner-fleet-portal-viewer.*.yaml), never as the admin or the backend.
cluster_env() {
  node -e 'const c = require(process.argv[1]); console.log(`${c.server}\n${c.tokens["runner-fleet-portal-viewer"]}\n${c.caData}`)' "$1"
}
{ read -r RUNNER_FLEET_K8S_LOCAL_URL; read -r RUNNER_FLEET_K8S_LOCAL_TOKEN; read -r RUNNER_FLEET_K8S_LOCAL_CA; } < <(cluster_env "$data/k8s/cluster.json")
{ read -r RUNNER_FLEET_K8S_BURST_URL; read -r RUNNER_FLEET_K8S_BURST_TOKEN; read -r RUNNER_FLEET_K8S_BURST_CA; } < <(cluster_env "$data/k8s-burst/cluster.json")
export RUNNER_FLEET_K8S_LOCAL_URL RUNNER_FLEET_K8S_LOCAL_TOKEN RUNNER_FLEET_K8S_LOCAL_CA
export RUNNER_FLEET_K8S_BURST_URL RUNNER_FLEET_K8S_BURST_TOKEN RUNNER_FLEET_K8S_BURST_CA

service gitlab-emulator node packages/gitlab-emulator/bin/gitlab-emulator \
  --port "$gitlab_port" --state-file "$data/gitlab-emulator.json"
wait_for gitlab-emulator "${pids[-1]}" "$data/logs/gitlab-emulator.log" \
  curl -sf -o /dev/null "$RUNNER_FLEET_GITLAB_URL/-/emulator/state" -H "PRIVATE-TOKEN: glpat-runnerfleet-admin-000000"
rf_log "GitLab emulator on $RUNNER_FLEET_GITLAB_URL"

simulate() {
  local name="$1" kubeconfig="$2"
  shift 2
  service "$name" node packages/fleet-simulator/bin/fleet-simulator \
    --kubeconfig "$kubeconfig" --gitlab-url "$RUNNER_FLEET_GITLAB_URL" \
    --gitlab-token glpat-runnerfleet-admin-000000 --time-scale "$time_scale" "${real_keda[@]}" "$@"
  rf_log "fleet simulator on $name (time scale $time_scale; KEDA and HPA: $([ "$real_controllers" = 1 ] && echo real || echo simulated))"
}
simulate fleet-simulator-local "$data/k8s/fleet-simulator.kubeconfig" --metrics-port "${metrics_ports[0]}" $traffic
simulate fleet-simulator-burst "$data/k8s-burst/fleet-simulator.kubeconfig" --metrics-port "${metrics_ports[1]}" --no-traffic ${traffic#--no-traffic}

# Prometheus (Debian's package; its own data dir, never the system service) scrapes virt-handler's
# metrics as the simulators serve them; the backend reads VM CPU and memory use from it. Installed
# on first use like the test dependencies; a machine without apt runs without a usage source.
bash scripts/system-deps.sh prometheus || rf_log "could not install Prometheus (Debian package prometheus)"
if command -v prometheus >/dev/null; then
  mkdir -p "$data/prometheus"
  cat >"$data/prometheus/prometheus.yml" <<YAML
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: virt-handler
    static_configs:
      - targets: ['127.0.0.1:${metrics_ports[0]}', '127.0.0.1:${metrics_ports[1]}']
YAML
  service prometheus prometheus --config.file="$data/prometheus/prometheus.yml" \
    --storage.tsdb.path="$data/prometheus/data" --web.listen-address="127.0.0.1:$prometheus_port"
  wait_for prometheus "${pids[-1]}" "$data/logs/prometheus.log" \
    curl -sf -o /dev/null "http://127.0.0.1:$prometheus_port/-/ready"
  export APP_CONFIG_runners_usage_prometheus_url="http://127.0.0.1:$prometheus_port"
  rf_log "Prometheus on $APP_CONFIG_runners_usage_prometheus_url (runners.usage.prometheus.url)"
else
  rf_log "no Prometheus (bash scripts/system-deps.sh prometheus installs it): no usage source, no flavor advice"
fi

if [ "$mode" = e2e ]; then
  port="${E2E_PORT:-7107}"
  rf_log "backend with the built app on http://localhost:$port"
  export PROMETHEUS_PORT="${PROMETHEUS_PORT:-9474}"
  service backend yarn workspace backend start --config ../../app-config.yaml --config ../../app-config.e2e.yaml
  wait "${pids[-1]}"
else
  rf_log "starting Backstage: frontend http://localhost:3000 , backend http://localhost:7007"
  rf_log "open http://localhost:3000 and sign in as guest (you are 'guest', a member of the payments team)"
  # In the background, so that a signal to this script runs the cleanup at once.
  yarn start "$@" &
  pids+=("$!")
  wait "${pids[-1]}"
fi
