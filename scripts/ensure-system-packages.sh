#!/usr/bin/env bash
# System packages the service and its tests need from Debian: Pango, with which WeasyPrint draws
# PDF reports; nginx, which the container tests run in front of the service with
# deploy/nginx/default.conf.template (tests/integration/test_container.py); and redis-server,
# which the tests start on a free port of their own (tests/redis_server.py) to run two instances
# with REDIS_URL (tests/integration/test_instances.py) and the rate limits' Redis store; and GNU
# gettext, whose tools build and check the Welsh catalogue (`make messages`,
# tests/unit/test_welsh_catalogue.py).
set -euo pipefail

missing=()
if ! { ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" && ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; }; then
  missing+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation)
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  missing+=(nginx)
fi
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  missing+=(redis-server)
fi
if ! command -v msgattrib >/dev/null 2>&1; then
  missing+=(gettext)
fi
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Installing nginx or redis-server must not start it: the tests run their own, on free ports.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
  fi
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "WARNING: ${missing[*]} missing. PDF reports need Pango, the container tests nginx and the Redis tests redis-server, the Welsh catalogue gettext; install them with: sudo apt-get install ${missing[*]}" >&2
