#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the store's tests (docs/storage.md): installs Debian's
# postgresql when missing, starts its cluster, creates the role and the test database.
# Idempotent: running it twice changes nothing. Needs root (CI is root on its own machine).
set -euo pipefail

PG_ROLE=${SWITCHBOARD_TEST_PG_USER:-switchboard}
PG_PASSWORD=${SWITCHBOARD_TEST_PG_PASSWORD:-switchboard}
PG_DATABASE=${SWITCHBOARD_TEST_PG_DATABASE:-switchboard_test}

if ! command -v pg_lsclusters >/dev/null; then
  echo "== installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

# The newest installed cluster named main (Debian 12: 15/main); create one if the package made none.
version=$(pg_lsclusters --no-header | awk '$2 == "main" {print $1}' | sort -n | tail -1)
if [ -z "$version" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q online; then
  echo "== starting PostgreSQL $version/main"
  pg_ctlcluster "$version" main start
fi

psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
for i in $(seq 1 30); do psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" != 1 ]; then
  psql_admin -c "CREATE ROLE \"$PG_ROLE\" LOGIN PASSWORD '$PG_PASSWORD'"
else
  psql_admin -c "ALTER ROLE \"$PG_ROLE\" LOGIN PASSWORD '$PG_PASSWORD'"
fi
for db in "$PG_DATABASE" switchboard; do
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$PG_ROLE\""
  fi
done

export PGPASSWORD=$PG_PASSWORD
psql -h 127.0.0.1 -U "$PG_ROLE" -d "$PG_DATABASE" -qtAc 'SELECT 1' >/dev/null
echo "PostgreSQL $version/main ready: jdbc:postgresql://127.0.0.1:5432/$PG_DATABASE (user $PG_ROLE)"
