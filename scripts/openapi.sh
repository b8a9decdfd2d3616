#!/usr/bin/env bash
# The runners HTTP contract is plugins/runners-backend/src/schema/openapi.yaml. From it,
# @backstage/repo-tools generates the server's router and endpoint types (runners-backend) and the
# client that RunnersHttpClient wraps (runners-common). Both are committed.
#
#   bash scripts/openapi.sh generate   regenerate both after changing the spec
#   bash scripts/openapi.sh check      fail if either is stale against the spec; regenerates, compares
#                                      with what is in the work tree, then puts the work tree back
#
# `repo schema openapi validate` only compares the server's router.ts with the spec; it does not
# look at the server's models, nor at the client, so the check compares everything generated.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"

BACKEND=plugins/runners-backend
CLIENT_PACKAGE=plugins/runners-common
# Everything the generator writes: the generated folders with their index.ts, and the client
# package's package.json, where it adds the dependencies the generated client imports.
GENERATED=("$BACKEND/src/schema/openapi" "$CLIENT_PACKAGE/src/schema/openapi" "$CLIENT_PACKAGE/package.json")

# repo-tools runs openapi-generator-cli, a Java program, at the version its openapitools.json pins.
# The npm wrapper keeps the jar next to itself; fetch it from Maven Central with Maven once.
ensure_generator() {
  local repo_tools cli version jar m2
  repo_tools="$(node -p "require.resolve('@backstage/repo-tools/package.json')")"
  cli="$(dirname "$(node -p "require.resolve('@openapitools/openapi-generator-cli/package.json', { paths: ['$repo_tools'] })")")"
  version="$(node -p "require('$(dirname "$repo_tools")/openapitools.json')['generator-cli'].version")"
  jar="$cli/versions/$version.jar"
  command -v java >/dev/null && command -v mvn >/dev/null || bash scripts/system-deps.sh java
  [ -s "$jar" ] && return 0
  m2="$RUNNER_FLEET_CACHE/m2"
  rf_log "fetching openapi-generator-cli $version (Maven Central) into $m2"
  mvn -q -B -Dmaven.repo.local="$m2" dependency:get \
    -Dartifact="org.openapitools:openapi-generator-cli:$version" -Dtransitive=false
  mkdir -p "$(dirname "$jar")"
  cp "$m2/org/openapitools/openapi-generator-cli/$version/openapi-generator-cli-$version.jar" "$jar.tmp"
  mv "$jar.tmp" "$jar"
}

generate() {
  ensure_generator
  local log
  log="$(mktemp)"
  # repo-tools prints "Client generation failed." and still exits 0: read its output.
  if ! (cd "$BACKEND" && yarn run -T backstage-repo-tools package schema openapi generate \
    --server --client-package "$CLIENT_PACKAGE") >"$log" 2>&1 ||
    grep -qi 'generation failed' "$log"; then
    cat "$log" >&2
    rm -f "$log"
    rf_log "OpenAPI code generation failed"
    return 1
  fi
  rm -f "$log"
}

# Where check keeps the work tree's generated files while it regenerates.
SNAPSHOT=""

restore() {
  [ -n "$SNAPSHOT" ] && [ -d "$SNAPSHOT/tree" ] || return 0
  local path
  for path in "${GENERATED[@]}"; do
    rm -rf "$path" && cp -a "$SNAPSHOT/tree/$path" "$path"
  done
  rm -rf "$SNAPSHOT"
  SNAPSHOT=""
}

check() {
  local path status=0
  SNAPSHOT="$(mktemp -d)"
  for path in "${GENERATED[@]}"; do
    mkdir -p "$SNAPSHOT/tree/$(dirname "$path")"
    cp -a "$path" "$SNAPSHOT/tree/$path"
  done
  trap restore EXIT
  generate || return 1
  for path in "${GENERATED[@]}"; do
    mkdir -p "$SNAPSHOT/regenerated/$(dirname "$path")"
    cp -a "$path" "$SNAPSHOT/regenerated/$path"
  done
  if ! (cd "$SNAPSHOT" && diff -ru tree regenerated) >"$SNAPSHOT/diff"; then
    head -n 80 "$SNAPSHOT/diff" >&2
    rf_log "the generated OpenAPI server or client is stale against $BACKEND/src/schema/openapi.yaml (diff above, tree → regenerated): run 'bash scripts/openapi.sh generate' and commit the result"
    status=1
  else
    rf_log "generated OpenAPI server and client match $BACKEND/src/schema/openapi.yaml"
  fi
  restore
  return "$status"
}

case "${1:-}" in
  generate) generate ;;
  check) check ;;
  *) echo "usage: $0 generate|check" >&2; exit 2 ;;
esac
