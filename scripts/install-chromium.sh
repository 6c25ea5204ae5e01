#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for test/web-ui.test.ts, which drives the Temporal Web UI with
# playwright-core. Called by scripts/test.sh (not setup.sh: the demo does not need it); without Chromium that test
# skips and says why.
# Idempotent: a no-op when /usr/bin/chromium exists. Installs only as root on a system with apt-get, and never when
# DURABLE_AGENT_SKIP_CHROMIUM is set.
set -euo pipefail
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
start=$(date +%s)
echo "install-chromium: apt-get update && apt-get install -y chromium (Debian's package)..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
if [[ ! -x "$CHROMIUM" ]]; then
  echo "install-chromium: the chromium package installed, but $CHROMIUM is missing." >&2
  exit 1
fi
echo "install-chromium: $("$CHROMIUM" --version 2>/dev/null | head -n1) in $(( $(date +%s) - start ))s" >&2
