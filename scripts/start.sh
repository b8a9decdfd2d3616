#!/usr/bin/env bash
# Installs what is missing, then runs Runner Fleet locally with the whole embedded stack
# (see scripts/stack.sh): open http://localhost:3000 and sign in as guest.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RUNNER_FLEET_ROOT"
bash scripts/install.sh
exec bash scripts/stack.sh "$@"
