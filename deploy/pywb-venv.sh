#!/usr/bin/env bash
# A pywb (the Webrecorder replay tool) in its own virtualenv, as the interoperability test's
# peer. pywb pins old dependencies (redis 2.10, gevent), so it never shares the project's
# venv; and it is GPL, so we only ever run it as a separate process. Its versions come from
# deploy/pywb.lock (hashes; `make lock` updates it), so every machine runs the same peer.
#
# Usage: deploy/pywb-venv.sh [VENV_DIR]     (default: $XXGK_PYWB_VENV or ~/.cache/xxgk-pywb-venv)
# Prints the venv's bin directory on stdout. Idempotent: when the venv already holds what the
# lock names it returns at once; a failed install exits non-zero (the test then fails).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
LOCK="$HERE/pywb.lock"
PYTHON="${PYTHON:-python3}"
VENV="${1:-${XXGK_PYWB_VENV:-$HOME/.cache/xxgk-pywb-venv}}"
STAMP="$VENV/.xxgk-pywb-$(sha256sum "$LOCK" | cut -c1-16)"

if [ -f "$STAMP" ] && [ -x "$VENV/bin/wayback" ] && [ -x "$VENV/bin/wb-manager" ]; then
  echo "$VENV/bin"
  exit 0
fi

mkdir -p "$(dirname "$VENV")"
# One installer at a time: parallel test runs share the cache.
exec 9>"$VENV.lock"
flock 9
if [ ! -f "$STAMP" ]; then
  rm -rf "$VENV"
  echo "creating $VENV from $LOCK" >&2
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -qq --disable-pip-version-check --require-hashes \
    --no-deps -r "$LOCK" >&2
  "$VENV/bin/wb-manager" --help >/dev/null
  touch "$STAMP"
fi
echo "$VENV/bin"
