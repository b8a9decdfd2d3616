#!/usr/bin/env bash
# Installs what is missing, then runs Runner Fleet locally: the Backstage frontend (port 3000)
# and backend (port 7007) on SQLite files under .data/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"

bash scripts/install.sh
export RUNNER_FLEET_DATA_DIR="$RUNNER_FLEET_ROOT/.data"
mkdir -p "$RUNNER_FLEET_DATA_DIR/sqlite"

rf_log "starting Backstage: frontend http://localhost:3000 , backend http://localhost:7007"
rf_log "open http://localhost:3000 and sign in as guest (you are 'guest', a member of the payments team)"
exec yarn start "$@"
