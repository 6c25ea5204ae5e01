#!/usr/bin/env bash
# Builds the pinned Docker Compose v2 from the Go module proxy into .tools/bin/docker-compose (the standalone form of
# the `docker compose` plugin). Used to check docker-compose.yml (`docker-compose config`) and, on a machine with a
# Docker engine, to run it: `.tools/bin/docker-compose up`.
# Idempotent: a second run checks the recorded version and returns at once.
# Not Debian's `docker-compose` package: on bookworm that is Compose v1 (1.29.2, Python), which has no
# `config --format json` and reads files differently from the v2 plugin users run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
VERSION="${DOCKER_COMPOSE_VERSION:-v2.40.3}"
BIN_DIR="$ROOT/.tools/bin"
TARGET="$BIN_DIR/docker-compose"
STAMP="$BIN_DIR/.docker-compose-version"

if [[ -x "$TARGET" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
  exit 0
fi
mkdir -p "$BIN_DIR"
command -v go >/dev/null 2>&1 || { echo "install-compose: Go is required to build Docker Compose $VERSION (https://go.dev/doc/install)." >&2; exit 1; }

# `go install .../cmd@VERSION` refuses Compose's module: its go.mod has `exclude` directives (v2.35+), which are only
# honoured for the main module. So fetch the module source through the proxy and build it as the main module, with its
# own go.mod/go.sum; the version is stamped the way Compose's Makefile does it.
build() (
  set -euo pipefail
  dir="$(go mod download -json "github.com/docker/compose/v2@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$dir" && -f "$dir/go.mod" ]] || { echo "could not fetch github.com/docker/compose/v2@$VERSION from the Go module proxy" >&2; exit 1; }
  tmp="$TARGET.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  cd "$dir"
  CGO_ENABLED=0 go build -trimpath -o "$tmp" -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$VERSION" ./cmd
  mv -f "$tmp" "$TARGET"
  "$TARGET" version
)
step "Docker Compose $VERSION built from the Go module proxy (checks docker-compose.yml; a few minutes the first time)" docker-compose -- build
echo "$VERSION" > "$STAMP"
