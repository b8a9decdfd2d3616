#!/usr/bin/env bash
# Build the controllers for the local control plane from Go modules (no images, no release binaries):
#   bin/kube-controller-manager  upstream k8s.io/kubernetes/cmd/kube-controller-manager, from the
#                                same module and pins as kube-apiserver (go.mod in this folder)
#   bin/keda                     KEDA's operator (github.com/kedacore/keda/v2/cmd/operator), trimmed
#                                by keda-trim.sh to the triggers the product renders (metrics-api,
#                                cron); RUNNER_FLEET_KEDA_TRIM=0 builds upstream's full operator
#   bin/keda-adapter             KEDA's metrics API server (.../cmd/adapter), same source
#   keda/*.yaml                  KEDA's own RBAC roles (config/rbac/role.yaml, config/metrics-server/role.yaml)
# KEDA's version is the one whose CRDs the control plane serves (crdgen/main.go: kedaVersion and
# kedaSum). KEDA is built in a copy of its own module download with its own go.mod/go.sum, i.e.
# with exactly upstream's pins (its k8s.io/* v0.36 graph never mixes with kube-apiserver's).
#
# Output: ${RUNNER_FLEET_CACHE:-$HOME/.cache/runner-fleet}/k8s-testenv/<stamp>/ as build.sh does
# (`.complete` marker, temp dir renamed into place, one builder per stamp). Progress on stderr; the
# only stdout line is the stamp dir:
#   dir=$(bash tools/k8s-testenv/build-controllers.sh | tail -1)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf '[k8s-testenv] %s\n' "$*" >&2; }

GO=${GO:-$(command -v go || true)}
[ -n "$GO" ] || GO=/usr/local/go/bin/go
[ -x "$GO" ] || { log "no Go toolchain found (set GO=/path/to/go)"; exit 1; }
export GOTOOLCHAIN=local       # never download another toolchain
export GOFLAGS="-mod=readonly -buildvcs=false"  # the committed (or upstream's) go.mod/go.sum are the pins
export GOWORK=off
export CGO_ENABLED=0

k8s_version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == "k8s.io/kubernetes" { print $3; exit }' "$here/go.mod")
keda_version=$(sed -n 's/^\s*kedaVersion\s*=\s*"\(.*\)"$/\1/p' "$here/crdgen/main.go")
keda_sum=$(sed -n 's/^\s*kedaSum\s*=\s*"\(.*\)"$/\1/p' "$here/crdgen/main.go")
[ -n "$k8s_version" ] && [ -n "$keda_version" ] && [ -n "$keda_sum" ] || {
  log "cannot read pinned versions (go.mod: k8s.io/kubernetes; crdgen/main.go: kedaVersion, kedaSum)"
  exit 1
}

keda_trim=${RUNNER_FLEET_KEDA_TRIM:-1}
hash=$( {
  "$GO" version
  "$GO" env GOOS GOARCH
  cd "$here"
  for f in build-controllers.sh keda-trim.sh go.mod go.sum; do printf '%s\n' "$f"; cat "$f"; done
  printf 'keda-trim %s\n' "$keda_trim"
  printf 'keda %s %s\n' "$keda_version" "$keda_sum"
} | sha256sum | cut -c1-12)
stamp="controllers-k8s-${k8s_version}-keda-${keda_version}-${hash}"
cache_root="${RUNNER_FLEET_CACHE:-$HOME/.cache/runner-fleet}/k8s-testenv"
out="$cache_root/$stamp"

if [ -f "$out/.complete" ]; then
  log "up to date: $out"
  echo "$out"
  exit 0
fi

mkdir -p "$cache_root"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.lock-$stamp"
  if ! flock -n 9; then
    log "another build of $stamp is running; waiting for it"
    flock 9
  fi
  if [ -f "$out/.complete" ]; then
    log "up to date: $out"
    echo "$out"
    exit 0
  fi
  rm -rf "$cache_root/.tmp-$stamp".*  # leftovers of an interrupted build
fi
tmp=$(mktemp -d "$cache_root/.tmp-$stamp.XXXXXX")
chmod 755 "$tmp"
cleanup() { chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/bin"
start=$SECONDS

k8s_minor=${k8s_version#v1.}; k8s_minor=${k8s_minor%%.*}
build_date=$(cd "$here" && "$GO" list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${build_date:-1970-01-01T00:00:00Z}"
done

t=$SECONDS
log "building kube-controller-manager $k8s_version (cold ~3-5 min on 2 cores; most packages are shared with kube-apiserver)…"
(cd "$here" && "$GO" build -trimpath -ldflags="$k8s_ldflags" -o "$tmp/bin/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager)
log "kube-controller-manager built in $((SECONDS - t))s"

t=$SECONDS
log "downloading KEDA $keda_version…"
json=$(cd /tmp && "$GO" mod download -json "github.com/kedacore/keda/v2@$keda_version")
keda_dir=$(printf '%s\n' "$json" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
got_sum=$(printf '%s\n' "$json" | sed -n 's/^\s*"Sum": "\(.*\)",$/\1/p')
[ "$got_sum" = "$keda_sum" ] || { log "KEDA $keda_version module hash $got_sum, expected $keda_sum (crdgen/main.go)"; exit 1; }
[ -d "$keda_dir" ] || { log "KEDA module download has no Dir: $json"; exit 1; }
# Upstream's own module (go.mod, go.sum, replace/exclude directives) as the main module. A copy,
# because the module cache is read-only and the path then does not depend on GOMODCACHE.
cp -r "$keda_dir" "$tmp/keda-src"
chmod -R u+w "$tmp/keda-src"
# By default only the scalers/secret sources we run (the full operator is up to ~1 h cold on 2
# cores: every scaler's cloud SDK); see keda-trim.sh. RUNNER_FLEET_KEDA_TRIM=0: upstream's full
# operator.
if [ "$keda_trim" = 1 ]; then
  bash "$here/keda-trim.sh" "$tmp/keda-src"
fi
# As KEDA's Makefile (GO_LDFLAGS), plus -s -w; the proxy exposes no commit.
keda_ldflags="-s -w -X=github.com/kedacore/keda/v2/version.Version=${keda_version#v} -X=github.com/kedacore/keda/v2/version.GitCommit=module-$keda_version"
log "building KEDA operator $keda_version (trimmed: $keda_trim)…"
(cd "$tmp/keda-src" && "$GO" build -trimpath -ldflags="$keda_ldflags" -o "$tmp/bin/keda" ./cmd/operator)
log "KEDA operator built in $((SECONDS - t))s"
t=$SECONDS
log "building KEDA metrics API server $keda_version…"
(cd "$tmp/keda-src" && "$GO" build -trimpath -ldflags="$keda_ldflags" -o "$tmp/bin/keda-adapter" ./cmd/adapter)
log "KEDA metrics API server built in $((SECONDS - t))s"
# KEDA's own least-privilege roles (kubebuilder-generated from its controllers' markers), bound to
# the local keda-operator user by packages/testenv.
mkdir -p "$tmp/keda"
cp "$keda_dir/config/rbac/role.yaml" "$tmp/keda/operator-role.yaml"
cp "$keda_dir/config/metrics-server/role.yaml" "$tmp/keda/external-metrics-reader-role.yaml"
# The CRDs the operator watches besides those the control plane serves (ScaledJob, CloudEventSource,
# ClusterCloudEventSource): without them its controllers never sync and the operator exits after
# controller-runtime's cache-sync timeout (2 min).
mkdir -p "$tmp/keda/crds"
for f in keda.sh_scaledjobs eventing.keda.sh_cloudeventsources eventing.keda.sh_clustercloudeventsources; do
  cp "$keda_dir/config/crd/bases/$f.yaml" "$tmp/keda/crds/"
done
chmod 644 "$tmp/keda"/*.yaml "$tmp/keda/crds"/*.yaml
rm -rf "$tmp/keda-src"

"$tmp/bin/kube-controller-manager" --version >&2
{
  echo "stamp=$stamp"
  echo "kube-controller-manager=$k8s_version"
  echo "github.com/kedacore/keda/v2=$keda_version"
  echo "go=$("$GO" env GOVERSION)"
} >"$tmp/VERSIONS"
touch "$tmp/.complete"

if [ -e "$out" ]; then rm -rf "$out"; fi
mv "$tmp" "$out"
trap - EXIT
log "done in $((SECONDS - start))s: $out"
echo "$out"
