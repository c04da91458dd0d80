#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb into a temporary folder, trust
# authentication on 127.0.0.1 and a free port, DATABASE_URL exported, everything removed after.
#
# The cluster keeps PostgreSQL's production durability (fsync, synchronous_commit and
# full_page_writes on), so benchmarks measure what a real installation gives. Tests may trade it
# for speed: PG_FAST=1 turns the three off (nothing here needs to survive a crash).
set -euo pipefail

find_bindir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$initdb" ] && dirname "$initdb"
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "PostgreSQL server binaries are missing: install Debian's postgresql package" >&2
    exit 1
  fi
  echo "Installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  bindir=$(find_bindir)
fi

workdir=$(mktemp -d -t together-pg-XXXXXX)
run_as=()
if [ "$(id -u)" = "0" ]; then
  # PostgreSQL refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$workdir"
  run_as=(runuser -u postgres --)
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop EXIT

"${run_as[@]}" "$bindir/initdb" -D "$workdir/data" -A trust -U postgres -E UTF8 --no-sync >/dev/null
options="-h 127.0.0.1 -p $port -k $workdir -c max_connections=200"
if [ "${PG_FAST:-}" = "1" ]; then
  options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
"${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -o "$options" start >/dev/null
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres together

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/together"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($([ "${PG_FAST:-}" = "1" ] && echo "fsync off, for tests" || echo "durable: fsync on"))"
"$@"
