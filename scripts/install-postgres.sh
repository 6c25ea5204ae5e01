#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages (`postgresql`, Debian 12: PostgreSQL 15) for scripts/cluster.sh, which
# runs its own server on loopback with its own data folder (the package's system cluster is not used). Records the
# server's bin folder in .tools/postgres-bin so cluster.sh finds initdb/pg_ctl/postgres without a PATH change.
# Idempotent: a no-op when the recorded bin folder still holds pg_ctl. apt-get runs only as root; `apt-get update` once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/debian-package.sh
source "$ROOT/scripts/lib/debian-package.sh"
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
apt_can_install postgres "install PostgreSQL (12 or later, with initdb and pg_ctl) and rerun." postgresql || exit 1
install_postgres() {
  apt_install --no-install-recommends postgresql
  find_bin
}
step "PostgreSQL (Debian's package)" postgres -- install_postgres
find_bin > "$RECORD"
