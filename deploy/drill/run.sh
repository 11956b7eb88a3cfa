#!/usr/bin/env bash
# The deploy drill (issue 19): installs what it needs from Debian, then runs deploy/drill/drill.py
# as root against its own PostgreSQL clusters, nginx, gunicorn, an RQ worker and the scheduler.
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v pg_createcluster >/dev/null 2>&1 || need+=(postgresql-common)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# nginx from Debian starts itself where systemd runs; the drill runs its own instance.
systemd_units=(deploy/systemd/*.service deploy/systemd/*.timer)
if command -v systemd-analyze >/dev/null 2>&1; then
  # The units as they would be installed, with this checkout's paths: verified offline.
  tmp=$(mktemp -d)
  for unit in "${systemd_units[@]}"; do
    sed -e "s#/opt/gonghui#$PWD#g" -e "s#^User=gonghui#User=root#" -e "s#^Group=gonghui#Group=root#" \
      "$unit" > "$tmp/$(basename "$unit")"
  done
  systemd-analyze verify "$tmp"/*.service "$tmp"/*.timer
  rm -rf "$tmp"
  echo "systemd units verified: ${systemd_units[*]}"
fi
exec .venv/bin/python deploy/drill/drill.py
