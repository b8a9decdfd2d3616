#!/usr/bin/env bash
# Build a real Kubernetes control plane for tests (no Docker, no kind) from Go modules:
#   bin/kube-apiserver  upstream k8s.io/kubernetes/cmd/kube-apiserver (version pinned in go.mod)
#   bin/etcd            upstream etcd 3.6 (go.etcd.io/etcd/server/v3, pinned in cmd/etcd/go.mod)
#   crds/*.yaml         upstream KubeVirt / CDI / KEDA CRDs (crdgen, pinned in crdgen/)
# into ${RUNNER_FLEET_CACHE:-$HOME/.cache/runner-fleet}/k8s-testenv/<stamp>/, where <stamp> is a
# hash of everything that determines the output. A finished dir has a `.complete` marker and is
# reused as is; otherwise everything is built into a temp dir that is renamed into place.
#
# Progress goes to stderr; the only stdout line is the stamp dir, so callers can do
#   dir=$(bash tools/k8s-testenv/build.sh | tail -1)
#
# Environment: RUNNER_FLEET_CACHE (cache root), GO (go binary; default: go on PATH, else
# /usr/local/go/bin/go). Needs Go >= 1.26 and the Go module proxy (or a warm module cache).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf '[k8s-testenv] %s\n' "$*" >&2; }

GO=${GO:-$(command -v go || true)}
[ -n "$GO" ] || GO=/usr/local/go/bin/go
[ -x "$GO" ] || { log "no Go toolchain found (set GO=/path/to/go)"; exit 1; }
export GO                      # crdgen runs `$GO mod download`
export GOTOOLCHAIN=local       # never download another toolchain
export GOFLAGS="-mod=readonly -buildvcs=false"  # the committed go.mod/go.sum are the pins
export GOWORK=off
export CGO_ENABLED=0           # static binaries, as upstream builds kube-apiserver

gomod_version() { # module go.mod-file -> version required
  awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$2"
}
k8s_version=$(gomod_version k8s.io/kubernetes "$here/go.mod")
etcd_version=$(gomod_version go.etcd.io/etcd/server/v3 "$here/cmd/etcd/go.mod")
[ -n "$k8s_version" ] && [ -n "$etcd_version" ] || { log "cannot read pinned versions from go.mod"; exit 1; }

# Everything that determines the output goes into the stamp.
stamp_inputs() {
  "$GO" version
  "$GO" env GOOS GOARCH
  cd "$here"
  find build.sh go.mod go.sum cmd crdgen -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' -o -name '*.sh' \) \
    -not -path '*/testdata/*' | LC_ALL=C sort | while read -r f; do
      printf '%s\n' "$f"
      cat "$f"
    done
}
hash=$(stamp_inputs | sha256sum | cut -c1-12)
stamp="k8s-${k8s_version}-etcd-${etcd_version}-${hash}"
cache_root="${RUNNER_FLEET_CACHE:-$HOME/.cache/runner-fleet}/k8s-testenv"
out="$cache_root/$stamp"

if [ -f "$out/.complete" ]; then
  log "up to date: $out"
  echo "$out"
  exit 0
fi

mkdir -p "$cache_root"
# One builder per stamp at a time (parallel test runners, CI jobs sharing a cache).
locked=
if command -v flock >/dev/null 2>&1; then
  locked=1
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
fi

if [ -n "$locked" ]; then rm -rf "$cache_root/.tmp-$stamp".*; fi  # leftovers of an interrupted build
tmp=$(mktemp -d "$cache_root/.tmp-$stamp.XXXXXX")
chmod 755 "$tmp"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/bin" "$tmp/crds"
start=$SECONDS

k8s_minor=${k8s_version#v1.}; k8s_minor=${k8s_minor%%.*}
# buildDate = the tag's commit time from the proxy (reproducible, unlike `date`).
build_date=$(cd "$here" && "$GO" list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${build_date:-1970-01-01T00:00:00Z}"
done

t=$SECONDS
log "building kube-apiserver $k8s_version (cold build ~5-10 min on 2 cores, incl. module downloads; seconds with a warm Go build cache)…"
(cd "$here" && "$GO" build -trimpath -ldflags="$k8s_ldflags" -o "$tmp/bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
log "kube-apiserver built in $((SECONDS - t))s"

t=$SECONDS
log "building etcd $etcd_version (cold build ~30-60 s)…"
(cd "$here/cmd/etcd" && "$GO" build -trimpath \
  -ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=module-$etcd_version" -o "$tmp/bin/etcd" .)
log "etcd built in $((SECONDS - t))s"

t=$SECONDS
log "generating CRDs (KubeVirt, CDI, KEDA from their Go modules)…"
(cd "$here/crdgen" && bash overlay.sh >"$tmp/overlay.json" \
  && "$GO" build -trimpath -overlay "$tmp/overlay.json" -o "$tmp/crdgen" . \
  && "$tmp/crdgen" -out "$tmp/crds" 2>&1 | sed 's/^/[k8s-testenv]   /' >&2)
rm -f "$tmp/crdgen" "$tmp/overlay.json"
log "CRDs generated in $((SECONDS - t))s"

# Sanity checks before publishing.
"$tmp/bin/kube-apiserver" --version >&2
"$tmp/bin/etcd" --version | head -1 >&2
n=$(find "$tmp/crds" -name '*.yaml' | wc -l)
[ "$n" -eq 9 ] || { log "expected 9 CRDs, got $n"; exit 1; }

{
  echo "stamp=$stamp"
  echo "kube-apiserver=$k8s_version"
  echo "etcd=$etcd_version"
  for m in kubevirt.io/kubevirt kubevirt.io/containerized-data-importer; do
    echo "$m=$(gomod_version "$m" "$here/crdgen/go.mod")"
  done
  echo "github.com/kedacore/keda/v2=$(sed -n 's/^\s*kedaVersion\s*=\s*"\(.*\)"$/\1/p' "$here/crdgen/main.go")"
  echo "go=$("$GO" env GOVERSION)"
} >"$tmp/VERSIONS"
touch "$tmp/.complete"

if [ -e "$out" ]; then rm -rf "$out"; fi   # a stale dir without .complete (cannot normally happen)
mv "$tmp" "$out"
trap - EXIT
log "done in $((SECONDS - start))s: $out"
echo "$out"
