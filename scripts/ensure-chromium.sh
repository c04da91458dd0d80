#!/usr/bin/env bash
# Browser tests drive Debian's chromium package. Install it when it is missing and we may.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium package for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "ERROR: chromium is not installed and cannot be installed here; CI needs the browser tests." >&2
  exit 1
fi
cat >&2 <<'MSG'
************************************************************************
WARNING: chromium is not installed, so the browser and accessibility
tests will be SKIPPED. Install it with: sudo apt-get install chromium
************************************************************************
MSG
