#!/usr/bin/env bash
# Installs what the real-database tests need, idempotently (Debian 12, run as root):
#   * PostgreSQL server binaries (initdb, pg_ctl), unless already on PATH or in
#     /usr/lib/postgresql/*/bin; no cluster is created or started by the package;
#   * node + npm (Debian's) if node is missing;
#   * the Prisma oracle's node_modules (prisma_oracle/, from its package-lock.json).
# Safe to run again: it only installs what is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

have_pg_bins() {
  if command -v initdb >/dev/null 2>&1; then
    local dir
    dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
    [ -x "$dir/pg_ctl" ] && return 0
  fi
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && return 0
  done
  return 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  $SUDO apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

if have_pg_bins; then
  echo "install-db: PostgreSQL binaries present"
else
  echo "install-db: installing PostgreSQL"
  # Debian's package would create and start a 'main' cluster on port 5432; we only need
  # the binaries (tests run private clusters), so tell postgresql-common not to.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    $SUDO mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  apt_install postgresql
  have_pg_bins || { echo "install-db: PostgreSQL installed but initdb/pg_ctl not found" >&2; exit 1; }
fi

if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  echo "install-db: node $(node --version) present"
else
  echo "install-db: installing node and npm"
  apt_install nodejs npm
fi

cd "$ROOT/prisma_oracle"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
node -e "import('@prisma/schema-engine-wasm/schema_engine_bg').then(() => console.log('install-db: prisma oracle ready'))"
