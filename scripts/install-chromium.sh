#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for test/web-ui.test.ts, which drives the Temporal Web UI with
# playwright-core. Called by scripts/test.sh (not setup.sh: the demo does not need it); without Chromium that test
# skips and says why.
# Idempotent: a no-op when /usr/bin/chromium exists. Installs only as root on a system with apt-get, and never when
# DURABLE_AGENT_SKIP_CHROMIUM is set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi
if [[ -n "${DURABLE_AGENT_SKIP_CHROMIUM:-}" ]]; then
  echo "install-chromium: DURABLE_AGENT_SKIP_CHROMIUM is set; not installing Chromium (the Web UI test will skip)." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; install Chromium so that $CHROMIUM exists to run the Web UI test." >&2
  exit 1
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "install-chromium: run as root (or: sudo apt-get install -y chromium) to install $CHROMIUM." >&2
  exit 1
fi
install_chromium() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  [[ -x "$CHROMIUM" ]] || { echo "the chromium package installed, but $CHROMIUM is missing" >&2; return 1; }
  "$CHROMIUM" --version
}
step "Chromium (Debian's package, for the Web UI browser tests)" chromium -- install_chromium
