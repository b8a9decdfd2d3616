#!/usr/bin/env bash
# Print a `go build -overlay` JSON that adds KubeVirt's upstream crds.go and
# validations_generated.go (from the kubevirt.io/kubevirt version pinned in crdgen/go.mod) to
# crdgen/internal/components. Usage: bash crdgen/overlay.sh > overlay.json
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-go}
cd "$here"
"$GO" mod download kubevirt.io/kubevirt
src=$("$GO" list -m -f '{{.Dir}}' kubevirt.io/kubevirt)/pkg/virt-operator/resource/generate/components
for f in crds.go validations_generated.go; do
  [ -f "$src/$f" ] || { echo "overlay.sh: $src/$f not found (did upstream move it?)" >&2; exit 1; }
done
printf '{"Replace":{"%s":"%s","%s":"%s"}}\n' \
  "$here/internal/components/crds.go" "$src/crds.go" \
  "$here/internal/components/validations_generated.go" "$src/validations_generated.go"
