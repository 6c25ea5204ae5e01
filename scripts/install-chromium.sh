#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the Web UI tests, which drive the Temporal Web UI with
# playwright-core. Called by setup.sh test (not demo); without Chromium those tests skip and say why.
# Idempotent; as root with apt-get; never when DURABLE_AGENT_SKIP_CHROMIUM is set.
set -euo pipefail
# shellcheck source=lib/debian-package.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-package.sh"
debian_package chromium /usr/bin/chromium DURABLE_AGENT_SKIP_CHROMIUM \
  "Chromium (Debian's package, for the Web UI browser tests)" "the Web UI tests" chromium
