#!/usr/bin/env bash
# Builds tools/compose-config (Docker Compose's own file loader, github.com/compose-spec/compose-go/v2 at the version
# Docker Compose v2.40.3 is built with, pinned with its dependencies in tools/compose-config/go.sum) from the Go module
# proxy into .tools/bin/compose-config. test/docker-compose.test.ts reads docker-compose.yml through it, as
# `docker compose config --format json` would print it (the output is the same, byte for byte, as Compose v2.40.3's).
# Idempotent: a second run compares the sources' hash with the recorded one and returns at once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
SRC="$ROOT/tools/compose-config"
TARGET="$ROOT/.tools/bin/compose-config"
STAMP="$ROOT/.tools/bin/.compose-config-sources"
want="$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" | sha256sum | cut -d' ' -f1)"

if [[ -x "$TARGET" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-compose-config: Go is required (https://go.dev/doc/install)." >&2; exit 1; }
mkdir -p "$(dirname "$TARGET")"
build() (
  cd "$SRC"
  CGO_ENABLED=0 go build -mod=readonly -trimpath -o "$TARGET" .
)
step "Compose's file loader (compose-go v2.9.1, built from the Go module proxy)" compose-config -- build
echo "$want" > "$STAMP"
