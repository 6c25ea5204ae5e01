#!/usr/bin/env bash
# Builds the pinned Temporal CLI (dev server + embedded Web UI) from the Go module proxy into .tools/bin.
# Idempotent: a second run checks the recorded version and returns at once.
set -euo pipefail
VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$ROOT/.tools/bin"
STAMP="$BIN_DIR/.temporal-cli-version"

if [[ -x "$BIN_DIR/temporal" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-temporal-cli: Go is required to build the Temporal CLI $VERSION (https://go.dev/doc/install)." >&2
  exit 1
fi
mkdir -p "$BIN_DIR"
echo "install-temporal-cli: building temporal $VERSION from the Go module proxy (first time only; a few minutes)..." >&2
start=$(date +%s)
# Go's own module and build caches are used as they are: a warm cache only makes this faster, a cold one
# downloads everything again through the module proxy.
CGO_ENABLED=0 GOBIN="$BIN_DIR" go install "github.com/temporalio/cli/cmd/temporal@$VERSION"
echo "$VERSION" > "$STAMP"
echo "install-temporal-cli: built $("$BIN_DIR/temporal" --version) in $(( $(date +%s) - start ))s" >&2
