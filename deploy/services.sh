#!/usr/bin/env bash
# Start the local PostgreSQL and Redis services the scale-out tests use, if they are down.
# Usage: deploy/services.sh start
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"

start_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    echo "error: PostgreSQL is not installed (apt-get install postgresql)" >&2; return 1
  fi
  echo "starting PostgreSQL $version"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return 0
    sleep 1
  done
  echo "error: PostgreSQL did not come up on 127.0.0.1:5432" >&2; return 1
}

start_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp >/dev/null
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "error: Redis did not come up on 127.0.0.1:6379" >&2; return 1
}

case "${1:-start}" in
  start) start_postgres; start_redis ;;
  *) echo "usage: $0 start" >&2; exit 2 ;;
esac
