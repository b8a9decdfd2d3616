#!/usr/bin/env bash
# Installs Debian packages the tests need when they are missing: chromium, postgresql, java (the
# OpenAPI generator: a JRE and Maven to fetch it), prometheus (the usage source's tests and
# `./fleet start`; Debian's package only, started by the caller, never as a service).
set -euo pipefail
source "$(dirname "$0")/env.sh"
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    rf_log "apt-get update"
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  rf_log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
for dep in "$@"; do
  case "$dep" in
    chromium) [ -x /usr/bin/chromium ] || apt_install chromium ;;
    postgresql) command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt_install postgresql ;;
    prometheus) command -v prometheus >/dev/null || apt_install prometheus ;;
    java) command -v java >/dev/null && command -v mvn >/dev/null || apt_install openjdk-17-jre-headless maven ;;
    *) rf_log "unknown system dependency $dep"; exit 2 ;;
  esac
done
