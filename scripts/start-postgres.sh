#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback for the storage and API tests.
#
# Idempotent: a server already started by this script is reused. Prints the database URL and
# writes it to "$TRDKIT_PG_DIR/url", where tests/conftest fixtures look when the variable
# TRDKIT_TEST_POSTGRES_URL is not set:
#
#   eval "$(bash scripts/start-postgres.sh)"   # exports TRDKIT_TEST_POSTGRES_URL
#
# Needs the Debian package `postgresql` (scripts/system-packages.sh installs it). The server runs
# as the `postgres` system user (initdb refuses root) from a private cluster, not Debian's own.
set -euo pipefail

PG_DIR="${TRDKIT_PG_DIR:-/tmp/trdkit-test-postgres}"
PG_PORT="${TRDKIT_PG_PORT:-54329}"
DB_NAME=trdkit_test
DB_USER=trdkit

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/initdb" ]; then bindir="$candidate"; fi
done
if [ -z "$bindir" ]; then
  echo "start-postgres: PostgreSQL server binaries not found (install the Debian package postgresql)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

mkdir -p "$PG_DIR"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi
data="$PG_DIR/data"
if [ ! -f "$data/PG_VERSION" ]; then
  as_pg "$bindir/initdb" -D "$data" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi

if ! as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as_pg "$bindir/pg_ctl" -D "$data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=on" start >/dev/null
fi

psql_pg() {
  as_pg psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}
if [ -z "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" ]; then
  psql_pg -c "CREATE ROLE $DB_USER LOGIN CREATEDB"
fi
if [ -z "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
  psql_pg -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi

url="postgresql+psycopg://$DB_USER@127.0.0.1:$PG_PORT/$DB_NAME"
printf '%s\n' "$url" >"$PG_DIR/url"
chmod a+r "$PG_DIR/url"
echo "export TRDKIT_TEST_POSTGRES_URL=$url"
