#!/usr/bin/env bash
# Builds Temporal's own server (1.32.0, the server the pinned Temporal CLI 1.9.1 dev server embeds and the image
# docker-compose.yml runs) and its SQL schema tool from the Go module proxy, and copies the PostgreSQL schema files of
# that version, into .tools/temporal-server/:
#   bin/temporal-server        go.temporal.io/server/cmd/server@v1.32.0
#   bin/temporal-sql-tool      go.temporal.io/server/cmd/tools/sql@v1.32.0
#   schema/postgresql/         the module's schema/postgresql folder (v12 = the postgres12 plugin)
# `go install pkg@version` builds the module as released: its go.sum pins every dependency, and v1.32.0's go.mod has no
# replace directives. scripts/cluster.sh runs them. Idempotent: a second run checks the recorded version and returns.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
VERSION="v1.32.0"
DIR="$ROOT/.tools/temporal-server"
STAMP="$DIR/.version"

if [[ -x "$DIR/bin/temporal-server" && -x "$DIR/bin/temporal-sql-tool" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-temporal-server: Go is required (https://go.dev/doc/install)." >&2; exit 1; }

build() (
  set -euo pipefail
  tmp="$(mktemp -d)"
  trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
  CGO_ENABLED=0 GOBIN="$tmp/bin" GOFLAGS=-mod=mod go install -trimpath \
    "go.temporal.io/server/cmd/server@$VERSION" "go.temporal.io/server/cmd/tools/sql@$VERSION"
  src="$(go env GOMODCACHE)/go.temporal.io/server@$VERSION"
  [[ -d "$src/schema/postgresql/v12" ]] || { echo "no schema/postgresql/v12 in $src" >&2; return 1; }
  rm -rf "$DIR"
  mkdir -p "$DIR/bin" "$DIR/schema"
  install -m 0755 "$tmp/bin/server" "$DIR/bin/temporal-server"
  install -m 0755 "$tmp/bin/sql" "$DIR/bin/temporal-sql-tool"
  cp -R "$src/schema/postgresql" "$DIR/schema/postgresql"
  chmod -R u+w "$DIR/schema"
  "$DIR/bin/temporal-server" --version 2>/dev/null || true
)
step "Temporal Server ${VERSION#v} + temporal-sql-tool (built from the Go module proxy)" temporal-server -- build
echo "$VERSION" > "$STAMP"
