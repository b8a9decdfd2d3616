#!/usr/bin/env bash
# Smoke test of the k8s-testenv control plane: start etcd + kube-apiserver from the build.sh
# output with envtest-like flags, wait for /readyz, install the 9 CRDs, wait for Established,
# check RBAC with an unprivileged token, create a VMIRS (+ /scale) and KEDA ScaledObjects,
# print timings and RSS, stop everything.
#
#   bash tools/k8s-testenv/smoke.sh [STAMP_DIR]     # default: $(bash build.sh | tail -1)
#
# Needs: bash, curl, openssl. Leaves nothing running; the work dir is removed on exit
# (KEEP=1 keeps it for inspection).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:-$(bash "$here/build.sh" | tail -1)}
log() { printf '[smoke] %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

free_port() { # a free 127.0.0.1 TCP port (best effort)
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

work=$(mktemp -d /tmp/k8s-testenv-smoke.XXXXXX)
etcd_pid= apiserver_pid=
stop_pid() { # TERM, wait up to 15s, then KILL
  local pid=$1 name=$2 t
  [ -n "$pid" ] || return 0
  t=$(now)
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "$name (pid $pid) did not stop on TERM within 15s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  log "$name stopped in $(elapsed "$t")s"
}
stop() {
  local rc=$?
  trap - EXIT INT TERM
  # kube-apiserver first: on shutdown it still talks to etcd (deletes its lease, ...) and hangs
  # for a long time if etcd is already gone.
  stop_pid "$apiserver_pid" kube-apiserver
  stop_pid "$etcd_pid" etcd
  if [ "${KEEP:-}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
  exit $rc
}
trap stop EXIT INT TERM

etcd_client=$(free_port); etcd_peer=$(free_port); api_port=$(free_port)
while [ "$etcd_peer" = "$etcd_client" ]; do etcd_peer=$(free_port); done
while [ "$api_port" = "$etcd_client" ] || [ "$api_port" = "$etcd_peer" ]; do api_port=$(free_port); done

# Credentials: service-account key pair, static tokens (admin in system:masters, alice unprivileged).
openssl genrsa -out "$work/sa.key" 2048 2>/dev/null
openssl rsa -in "$work/sa.key" -pubout -out "$work/sa.pub" 2>/dev/null
admin_token=$(openssl rand -hex 16); alice_token=$(openssl rand -hex 16)
cat >"$work/tokens.csv" <<EOF
$admin_token,admin,admin,"system:masters"
$alice_token,alice,alice,
EOF
mkdir -p "$work/certs" "$work/etcd"

t0=$(now)
etcd_args=(
  --name=default
  --data-dir="$work/etcd"
  --listen-client-urls="http://127.0.0.1:$etcd_client"
  --advertise-client-urls="http://127.0.0.1:$etcd_client"
  --listen-peer-urls="http://127.0.0.1:$etcd_peer"
  --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer"
  --initial-cluster="default=http://127.0.0.1:$etcd_peer"
  --unsafe-no-fsync=true
  --log-level=warn
)
"$dir/bin/etcd" "${etcd_args[@]}" >"$work/etcd.log" 2>&1 &
etcd_pid=$!

apiserver_args=(
  --advertise-address=127.0.0.1
  --bind-address=127.0.0.1
  --secure-port="$api_port"
  --cert-dir="$work/certs"
  --etcd-servers="http://127.0.0.1:$etcd_client"
  --service-cluster-ip-range=10.0.0.0/24
  --service-account-issuer="https://127.0.0.1:$api_port"
  --service-account-key-file="$work/sa.pub"
  --service-account-signing-key-file="$work/sa.key"
  --authorization-mode=RBAC
  --token-auth-file="$work/tokens.csv"
  --disable-admission-plugins=ServiceAccount
  --allow-privileged=true
)
"$dir/bin/kube-apiserver" "${apiserver_args[@]}" >"$work/apiserver.log" 2>&1 &
apiserver_pid=$!

api="https://127.0.0.1:$api_port"
kc() { curl -ksS -H "Authorization: Bearer $admin_token" "$@"; }
for i in $(seq 1 600); do
  if [ "$(kc -o /dev/null -w '%{http_code}' "$api/readyz" 2>/dev/null)" = 200 ]; then break; fi
  kill -0 "$apiserver_pid" 2>/dev/null || { log "kube-apiserver exited"; tail -30 "$work/apiserver.log" >&2; exit 1; }
  kill -0 "$etcd_pid" 2>/dev/null || { log "etcd exited"; tail -30 "$work/etcd.log" >&2; exit 1; }
  [ "$i" = 600 ] && { log "no /readyz after 60s"; tail -30 "$work/apiserver.log" >&2; exit 1; }
  sleep 0.1
done
t_ready=$(elapsed "$t0")
log "readyz after ${t_ready}s (etcd :$etcd_client, kube-apiserver :$api_port)"
kc "$api/version" | tr -d '\n ' >&2; echo >&2

t1=$(now)
names=()
for f in "$dir"/crds/*.yaml; do
  code=$(kc -o "$work/resp.json" -w '%{http_code}' -X POST -H 'Content-Type: application/yaml' \
    --data-binary "@$f" "$api/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
  if [ "$code" != 201 ]; then log "POST $(basename "$f") -> HTTP $code"; cat "$work/resp.json" >&2; exit 1; fi
  names+=("$(basename "$f" .yaml | awk -F_ '{print $2"."$1}')")
done
for n in "${names[@]}"; do
  for i in $(seq 1 300); do
    kc -o "$work/crd.json" "$api/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$n"
    tr -d ' \n' <"$work/crd.json" >"$work/crd.min.json"
    if grep -q '"type":"Established","status":"True"' "$work/crd.min.json"; then break; fi
    [ "$i" = 300 ] && { log "$n not Established after 30s"; exit 1; }
    sleep 0.1
  done
done
t_crds=$(elapsed "$t1")
log "${#names[@]} CRDs created and Established in ${t_crds}s: ${names[*]}"

# The new APIs are served (discovery) and RBAC is enforced for an unprivileged user.
for gv in kubevirt.io/v1 pool.kubevirt.io/v1beta1 cdi.kubevirt.io/v1beta1 keda.sh/v1alpha1; do
  for i in $(seq 1 100); do
    [ "$(kc -o /dev/null -w '%{http_code}' "$api/apis/$gv")" = 200 ] && break
    [ "$i" = 100 ] && { log "/apis/$gv not served"; exit 1; }
    sleep 0.1
  done
done
code=$(curl -ksS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $alice_token" \
  "$api/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstancereplicasets")
[ "$code" = 403 ] || { log "expected 403 for alice, got $code"; exit 1; }
log "discovery OK for 4 group-versions; RBAC denies alice (403)"

# Real objects against the schemas: a VMIRS whose /scale reports the status.labelSelector that
# the simulator writes, and KEDA's kustomize patch (stabilizationWindowSeconds <= 3600) enforced.
post() { # path body(yaml) -> HTTP code
  kc -o "$work/resp.json" -w '%{http_code}' -X POST -H 'Content-Type: application/yaml' --data-binary "$2" "$api$1"
}
ns=/namespaces/default
code=$(post "/apis/kubevirt.io/v1$ns/virtualmachineinstancereplicasets" '
apiVersion: kubevirt.io/v1
kind: VirtualMachineInstanceReplicaSet
metadata: {name: smoke}
spec:
  replicas: 2
  selector: {matchLabels: {app: smoke}}
  template:
    metadata: {labels: {app: smoke}}
    spec:
      domain:
        devices: {}
        resources: {requests: {memory: 64Mi}}
')
[ "$code" = 201 ] || { log "create VMIRS -> $code"; cat "$work/resp.json" >&2; exit 1; }
code=$(kc -o "$work/resp.json" -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' \
  --data '{"status":{"replicas":2,"labelSelector":"app=smoke"}}' \
  "$api/apis/kubevirt.io/v1$ns/virtualmachineinstancereplicasets/smoke/status")
[ "$code" = 200 ] || { log "patch VMIRS status -> $code"; cat "$work/resp.json" >&2; exit 1; }
kc -o "$work/scale.json" "$api/apis/kubevirt.io/v1$ns/virtualmachineinstancereplicasets/smoke/scale"
tr -d ' \n' <"$work/scale.json" >"$work/scale.min.json"
grep -q '"selector":"app=smoke"' "$work/scale.min.json" || { log "VMIRS /scale has no selector"; cat "$work/scale.json" >&2; exit 1; }
so() { printf '%s\n' "apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: $1}
spec:
  scaleTargetRef: {apiVersion: kubevirt.io/v1, kind: VirtualMachineInstanceReplicaSet, name: smoke}
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown: {stabilizationWindowSeconds: $2}
  triggers:
  - type: metrics-api
    metricType: AverageValue
    metadata: {url: 'http://127.0.0.1/metrics', valueLocation: busy, targetValue: '1'}"; }
code=$(post "/apis/keda.sh/v1alpha1$ns/scaledobjects" "$(so smoke-too-long 4000)")
[ "$code" = 422 ] || { log "ScaledObject with stabilizationWindowSeconds 4000 -> $code (want 422)"; exit 1; }
code=$(post "/apis/keda.sh/v1alpha1$ns/scaledobjects" "$(so smoke 300)")
[ "$code" = 201 ] || { log "create ScaledObject -> $code"; cat "$work/resp.json" >&2; exit 1; }
log "VMIRS created, /scale selector from status OK; ScaledObject window 4000 rejected (422), 300 accepted"

rss_etcd=$(ps -o rss= -p "$etcd_pid" | tr -d ' ')
rss_api=$(ps -o rss= -p "$apiserver_pid" | tr -d ' ')
log "RSS: etcd $((rss_etcd / 1024)) MiB, kube-apiserver $((rss_api / 1024)) MiB (after CRDs)"
printf 'readyz_seconds=%s crds_established_seconds=%s total_seconds=%s rss_etcd_kib=%s rss_apiserver_kib=%s\n' \
  "$t_ready" "$t_crds" "$(elapsed "$t0")" "$rss_etcd" "$rss_api"
