#!/usr/bin/env bash
# Starts the service, inside the container image or from a checkout.
#
#   entrypoint.sh web [GUNICORN OPTIONS]   migrate (unless MIGRATE_ON_START=false), collect static
#                                          files, load the built-in frameworks, then run gunicorn
#   entrypoint.sh worker [OPTIONS]         run the background worker (together worker)
#   entrypoint.sh migrate                  bring the database up to date and load the frameworks
#   entrypoint.sh backup FILE              a consistent backup of the database (together backup)
#   entrypoint.sh shell                    a Python shell with the service's settings
#   entrypoint.sh together ARGS...         any other together command (createsuperuser, restore ...)
#
# SECRET_KEY and DATABASE_URL must be set. Paths come from the environment, with defaults that
# suit both the image (/app) and a checkout (the folder above this script):
#   TOGETHER_ROOT        the service's folder                  (default: the parent of deploy/)
#   TOGETHER_VENV        its virtual environment               (default: $TOGETHER_ROOT/.venv)
#   TOGETHER_FRAMEWORKS  folder of framework files to load     (default: $TOGETHER_ROOT/frameworks)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${TOGETHER_ROOT:-$(dirname "$here")}
venv=${TOGETHER_VENV:-$root/.venv}
frameworks=${TOGETHER_FRAMEWORKS:-$root/frameworks}

usage() {
  sed -n '4,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
}

fail() {
  echo "entrypoint: $*" >&2
  exit 1
}

# The service's commands, from its virtual environment or else from PATH.
program() {
  if [ -x "$venv/bin/$1" ]; then
    echo "$venv/bin/$1"
  elif command -v "$1" >/dev/null 2>&1; then
    command -v "$1"
  else
    fail "$1 was not found in $venv/bin or on PATH: set TOGETHER_VENV to the service's virtual environment"
  fi
}

require_settings() {
  if [ -z "${SECRET_KEY:-}" ]; then
    fail "SECRET_KEY is not set. Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))' and keep it with the other secrets (see deploy/example.env); nothing was started"
  fi
  if [ -z "${DATABASE_URL:-}" ]; then
    fail "DATABASE_URL is not set, such as postgres://together:PASSWORD@db:5432/together or sqlite:////app/var/together.sqlite3 (see deploy/example.env); nothing was started"
  fi
}

migrate_on_start() {
  case "${MIGRATE_ON_START:-true}" in
    1 | true | yes | on | TRUE | True) return 0 ;;
    0 | false | no | off | FALSE | False) return 1 ;;
    *) fail "MIGRATE_ON_START must be true or false (got '${MIGRATE_ON_START}'); nothing was started" ;;
  esac
}

load_frameworks() {
  local files=("$frameworks"/*.yaml)
  if [ ! -e "${files[0]}" ]; then
    fail "no framework files (*.yaml) in $frameworks: set TOGETHER_FRAMEWORKS to the folder that holds them"
  fi
  # Loading a framework that is already stored changes nothing; a changed file becomes a new version.
  "$together" framework load "${files[@]}"
}

migrate() {
  "$together" migrate --noinput
  load_frameworks
}

command=${1:-}
if [ -z "$command" ]; then
  usage
  exit 64
fi
shift

case "$command" in
  web | worker | migrate | backup | shell | together) ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  *)
    echo "entrypoint: unknown command '$command'" >&2
    usage
    exit 64
    ;;
esac

require_settings
together=$(program together)

case "$command" in
  web)
    if migrate_on_start; then
      "$together" migrate --noinput
    elif ! said=$("$together" migrate --check 2>&1); then
      fail "MIGRATE_ON_START is false and the database is not up to date or cannot be reached: run 'entrypoint.sh migrate' first (together migrate --check said: ${said##*$'\n'})"
    fi
    "$together" collectstatic --noinput --verbosity 0
    load_frameworks
    gunicorn=$(program gunicorn)
    exec "$gunicorn" -c python:together.gunicorn_conf together.wsgi "$@"
    ;;
  worker)
    exec "$together" worker "$@"
    ;;
  migrate)
    migrate
    ;;
  backup)
    if [ "$#" -ne 1 ]; then
      fail "backup needs one argument, the file to write, such as /backups/\$(date +%F-%H%M).backup"
    fi
    exec "$together" backup "$1"
    ;;
  shell)
    exec "$together" shell "$@"
    ;;
  together)
    exec "$together" "$@"
    ;;
esac
