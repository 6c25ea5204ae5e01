#!/usr/bin/env bash
# Builds the Temporal Web UI server 2.54.1 (the UI the pinned Temporal CLI 1.9.1 embeds and the temporalio/ui image
# docker-compose.yml runs) from the Go module proxy: github.com/temporalio/ui-server/v2@v2.54.1 carries the built UI
# assets inside the module, so `go install` yields the whole UI. Into .tools/temporal-ui/:
#   bin/temporal-ui-server     cmd/server
#   config/docker.yaml         the module's config template (the one the temporalio/ui image renders from env vars)
# scripts/cluster.sh runs it against the cluster's frontend. Idempotent: a second run checks the recorded version.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
VERSION="v2.54.1"
DIR="$ROOT/.tools/temporal-ui"
STAMP="$DIR/.version"

if [[ -x "$DIR/bin/temporal-ui-server" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-temporal-ui-server: Go is required (https://go.dev/doc/install)." >&2; exit 1; }

build() (
  set -euo pipefail
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  CGO_ENABLED=0 GOBIN="$tmp/bin" GOFLAGS=-mod=mod go install -trimpath "github.com/temporalio/ui-server/v2/cmd/server@$VERSION"
  src="$(go env GOMODCACHE)/github.com/temporalio/ui-server/v2@$VERSION"
  rm -rf "$DIR"
  mkdir -p "$DIR/bin" "$DIR/config"
  install -m 0755 "$tmp/bin/server" "$DIR/bin/temporal-ui-server"
  install -m 0644 "$src/config/docker.yaml" "$DIR/config/docker.yaml"
)
step "Temporal Web UI server ${VERSION#v} (built from the Go module proxy)" temporal-ui -- build
echo "$VERSION" > "$STAMP"
