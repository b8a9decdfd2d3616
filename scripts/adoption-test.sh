#!/usr/bin/env bash
# The tarball install test: packs every published package, installs the tarballs into a minimal
# Backstage app + backend (tools/adoption-fixture) outside the repository by following the
# packages' install guides, type-checks and builds it, starts its backend against a local
# control plane, the GitLab emulator and the fleet simulator, and creates a pool through its API
# until it is ready. Prints the size of each package. See tools/adoption-fixture/README.md.
#   RUNNER_FLEET_ADOPTION_DIR   work folder (default: a fresh temporary one, removed on success)
#   RUNNER_FLEET_ADOPTION_REUSE=1  with that folder: skip packing, install and builds (iterate on
#                                  the start and pool phases)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"

work="${RUNNER_FLEET_ADOPTION_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/runner-fleet-adoption.XXXXXX")}"
packs="$work/packs"
app="$work/app"
mkdir -p "$work/logs"
pids=()
# Every service runs in its own process group (setsid), so that stopping it stops its children.
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
phase() { rf_log "adoption: $*"; }

if [ "${RUNNER_FLEET_ADOPTION_REUSE:-}" != 1 ]; then
rm -rf "$packs" "$app" && mkdir -p "$packs"
phase "pack the published packages"
yarn tsc >/dev/null # declarations for the packages' dist/index.d.ts
printf '%-58s %10s %10s %6s\n' package packed unpacked files
for dir in plugins/*/; do
  dir="${dir%/}"
  [ -f "$dir/package.json" ] || continue
  if node -e 'process.exit(require(process.argv[1]).private ? 0 : 1)' "$PWD/$dir/package.json"; then continue; fi
  name="$(node -p 'require(process.argv[1]).name' "$PWD/$dir/package.json")"
  tgz="$packs/$(basename "$dir").tgz"
  (cd "$dir" && yarn backstage-cli package build >"$work/logs/build-$(basename "$dir").log" 2>&1 && yarn pack --out "$tgz" >"$work/logs/pack-$(basename "$dir").log" 2>&1) ||
    { tail -20 "$work/logs/build-$(basename "$dir").log" "$work/logs/pack-$(basename "$dir").log" >&2; exit 1; }
  echo "{\"name\":\"$name\"}" >"$tgz.json"
  unpacked="$(tar -tvzf "$tgz" | awk '{s+=$3} END {print s}')"
  files="$(tar -tzf "$tgz" | wc -l)"
  printf '%-58s %10s %10s %6s\n' "$name" "$(stat -c %s "$tgz")" "$unpacked" "$files"
done

phase "a minimal Backstage from tools/adoption-fixture, following the install guides"
cp -r tools/adoption-fixture "$app"
cp .yarnrc.yml "$app/.yarnrc.yml"
sed -i "s#^yarnPath: .*#yarnPath: $RUNNER_FLEET_ROOT/.yarn/releases/yarn-4.13.0.cjs#" "$app/.yarnrc.yml"
# The repository's lockfile seeds the resolution: the same Backstage 1.55 versions, no lookups of
# newer ones on the partial registry mirror; Yarn drops what the fixture does not use.
cp yarn.lock "$app/yarn.lock"
node scripts/adoption/prepareFixture.js "$app" "$packs"

cd "$app"
phase "install (tarballs by file)"
# The fixture's yarn.lock is seeded from ours; the tarballs and what the guides add are new
# entries by design, so the lockfile must be allowed to change (Yarn makes installs immutable
# when CI is set).
YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install >"$work/logs/install.log" 2>&1 || { tail -30 "$work/logs/install.log" >&2; exit 1; }
phase "type-check"
yarn tsc
phase "build the app and the backend"
yarn build:app >"$work/logs/build-app.log" 2>&1 || { tail -30 "$work/logs/build-app.log" >&2; exit 1; }
yarn build:backend >"$work/logs/build-backend.log" 2>&1 || { tail -30 "$work/logs/build-backend.log" >&2; exit 1; }
cd "$RUNNER_FLEET_ROOT"
fi

phase "local control plane, GitLab emulator, fleet simulator"
RUNNER_FLEET_K8S_TESTENV_DIR="$(bash tools/k8s-testenv/build.sh | tail -1)"
export RUNNER_FLEET_K8S_TESTENV_DIR
k8s="$work/k8s"
rm -rf "$k8s" # a cluster.json left from an earlier run would point at a stopped API server
setsid node packages/testenv/bin/testenv --data-dir "$k8s" --reset >"$work/logs/testenv.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 120); do [ -s "$k8s/cluster.json" ] && break; sleep 0.5; done
[ -s "$k8s/cluster.json" ] || { tail -20 "$work/logs/testenv.log" >&2; exit 1; }
gitlab_port="$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')"
gitlab_url="http://localhost:$gitlab_port"
setsid node packages/gitlab-emulator/bin/gitlab-emulator --port "$gitlab_port" >"$work/logs/gitlab-emulator.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "$gitlab_url/-/emulator/state" -H "PRIVATE-TOKEN: glpat-runnerfleet-admin-000000" && break
  sleep 0.5
done
setsid node packages/fleet-simulator/bin/fleet-simulator --kubeconfig "$k8s/fleet-simulator.kubeconfig" \
  --gitlab-url "$gitlab_url" --gitlab-token glpat-runnerfleet-admin-000000 --time-scale 20 \
  --no-traffic --failure-rate 0 >"$work/logs/fleet-simulator.log" 2>&1 &
pids+=("$!")

phase "start the adopted backend"
backend_port="$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')"
# The environment the backend guide's config block names.
{ read -r RUNNER_FLEET_PRIMARY_URL; read -r RUNNER_FLEET_PRIMARY_TOKEN; read -r RUNNER_FLEET_PRIMARY_CA; } < <(
  node -e 'const c = require(process.argv[1]); console.log(`${c.server}\n${c.tokens["runner-fleet-backend"]}\n${c.caData}`)' "$k8s/cluster.json"
)
export RUNNER_FLEET_PRIMARY_URL RUNNER_FLEET_PRIMARY_TOKEN RUNNER_FLEET_PRIMARY_CA
export GITLAB_URL="$gitlab_url" GITLAB_RUNNER_ADMIN_TOKEN=glpat-runnerfleet-bot-000000
export RUNNER_FLEET_SCALING_TOKEN=adoption-test-scaling-token
export RUNNER_FLEET_SCALING_URL="http://localhost:$backend_port"
export FIXTURE_BACKEND_PORT="$backend_port" FIXTURE_ORG_DIR="$RUNNER_FLEET_ROOT/examples/org"
# `package start` runs the backend from its sources, as `yarn start` in an adopter's repository
# does; the production bundle (dist/bundle.tar.gz) needs a second, production-only install.
(cd "$app/packages/backend" && exec setsid yarn backstage-cli package start --config ../../app-config.yaml --config ../../app-config.runners.yaml) >"$work/logs/backend.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 240); do
  curl -sf -o /dev/null "http://localhost:$backend_port/.backstage/health/v1/readiness" && break
  kill -0 "${pids[-1]}" 2>/dev/null || break
  sleep 0.5
done
curl -sf -o /dev/null "http://localhost:$backend_port/.backstage/health/v1/readiness" ||
  { tail -40 "$work/logs/backend.log" >&2; rf_log "the adopted backend did not start; see $work/logs/backend.log"; exit 1; }

phase "create a pool through the adopted backend's API"
node scripts/adoption/createPool.js "http://localhost:$backend_port" 240 ||
  { tail -20 "$work/logs/backend.log" >&2; exit 1; }

phase "ok ($SECONDS s)"
if [ -z "${RUNNER_FLEET_ADOPTION_DIR:-}" ]; then
  cleanup
  rm -rf "$work"
fi
