#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 with trust auth and a database `test` (the server's database
# tests run against it).  A machine that provides one is left as it is; otherwise Debian's postgresql is
# installed (apt-get) and started.  Fails loudly: the PostgreSQL tests are never skipped silently under CI.
set -euo pipefail

ready() { command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q; }

if ! ready; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo ".ci/postgres.sh: installing Debian's postgresql"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
  fi
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  [ -d "/etc/postgresql/$version/main" ] || pg_createcluster "$version" main
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q "vinfra-ci trust" "$hba"; then
    # trust on loopback only, ahead of Debian's password rules (the tests connect as postgres, no password)
    { echo "host all all 127.0.0.1/32 trust # vinfra-ci trust"; echo "host all all ::1/128 trust # vinfra-ci trust"; cat "$hba"; } > "$hba.new"
    mv "$hba.new" "$hba"
  fi
  pg_ctlcluster "$version" main start || pg_ctlcluster "$version" main reload
  for _ in $(seq 1 60); do ready && break; sleep 0.5; done
  ready || { echo ".ci/postgres.sh: PostgreSQL did not start" >&2; exit 1; }
fi

if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE test"
fi
psql -h 127.0.0.1 -U postgres -d test -tAc "SELECT 'PostgreSQL ready: ' || version()"
