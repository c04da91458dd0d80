#!/usr/bin/env bash
# Serve the demo: `together worker` in the background (it sends the emails), the development
# server in front; when the server stops (Ctrl+C), the worker is stopped with SIGTERM too.
set -euo pipefail
bin="$1"; shift
"$bin/together" worker &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
"$bin/together" runserver "$@"
