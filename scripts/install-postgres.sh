#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages (`postgresql`, Debian 12: PostgreSQL 15) for scripts/cluster.sh, which
# runs its own server on loopback with its own data folder (the package's system cluster is not used). Records the
# server's bin folder in .tools/postgres-bin so cluster.sh finds initdb/pg_ctl/postgres without a PATH change.
# Idempotent: a no-op when the recorded bin folder still holds pg_ctl. apt-get runs only as root; `apt-get update` once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
RECORD="$ROOT/.tools/postgres-bin"

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$dir/pg_ctl" && -x "$dir/initdb" && -x "$dir/postgres" ]] && { echo "$dir"; return 0; }
  done
  return 1
}

if [[ -f "$RECORD" && -x "$(cat "$RECORD")/pg_ctl" ]]; then
  exit 0
fi
mkdir -p "$ROOT/.tools"
if dir="$(find_bin)"; then
  echo "$dir" > "$RECORD"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-postgres: no apt-get here; install PostgreSQL (12 or later, with initdb and pg_ctl) and rerun." >&2
  exit 1
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "install-postgres: run as root (or: sudo apt-get install -y postgresql) to install PostgreSQL." >&2
  exit 1
fi
install_postgres() {
  # Waits for another apt-get (the Chromium installer runs beside this one) instead of failing on its lock.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql
  find_bin
}
step "PostgreSQL (Debian's package)" postgres -- install_postgres
find_bin > "$RECORD"
