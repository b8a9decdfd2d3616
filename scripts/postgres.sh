#!/usr/bin/env bash
# Starts the machine's PostgreSQL (installing it when missing) for the store tests and prints
# the connection string on stdout — and nothing else: callers parse that one line, so every
# other tool's output goes to stderr. Idempotent.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$(dirname "$0")/system-deps.sh" postgresql >&2
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  rf_log "creating PostgreSQL $version cluster" >&2
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  rf_log "starting PostgreSQL $version" >&2
  pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
password=runner-fleet-tests
su postgres -c "psql -q -p $port -c \"ALTER USER postgres PASSWORD '$password'\"" >/dev/null
echo "POSTGRES${version}|postgresql://postgres:${password}@127.0.0.1:${port}"
