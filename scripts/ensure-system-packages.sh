#!/usr/bin/env bash
# PDF reports are drawn by WeasyPrint, which needs Pango from the system.
set -euo pipefail
if ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" && ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Pango for PDF reports"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation >/dev/null
  exit 0
fi
echo "WARNING: Pango is missing, so PDF reports will fail. Install it with: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2
