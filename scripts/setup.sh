#!/usr/bin/env bash
# Installs what one README command needs, idempotently, pinned, into ignored folders (node_modules/, .tools/):
#   setup.sh demo    npm packages and the Temporal CLI (dev server + Web UI)        — `make demo`, `make bench`
#   setup.sh test    the above, Temporal's Java time-skipping test server, Compose's file loader (to check
#                    docker-compose.yml), Debian's Chromium (Web UI browser tests), Debian's nginx (the TLS proxy of
#                    the connections test), and the production topology's parts: Temporal Server 1.32.0 +
#                    temporal-sql-tool and the Web UI server 2.54.1 (built from the Go module proxy), Debian's
#                    PostgreSQL (test/cluster.test.ts, test/soak.test.ts)                    — `make test`
# One line per step with what it cost; a tool's own output only when it fails (kept in .tools/logs/<step>.log).
# A second run is a no-op.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
profile="${1:-test}"
case "$profile" in demo | test) ;; *) echo "usage: setup.sh demo|test" >&2; exit 2 ;; esac

lock_sha="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f node_modules/.durable-agent-lock || "$(cat node_modules/.durable-agent-lock)" != "$lock_sha" ]]; then
  step "npm packages (npm ci, from package-lock.json)" npm -- npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sha" > node_modules/.durable-agent-lock
fi
bash scripts/install-temporal-cli.sh
[[ "$profile" == demo ]] && exit 0

# The test suite's other tools install side by side: Maven and apt mostly wait on the network, the Go build on CPU.
pids=()
bash scripts/install-test-server.sh & pids+=($!)
bash scripts/install-compose-config.sh & pids+=($!)
(bash scripts/install-temporal-server.sh && bash scripts/install-temporal-ui-server.sh) & pids+=($!)
# apt-get one after the other (one dpkg lock). Chromium only serves the Web UI tests, which skip (and say why) without
# it, and nginx the connections test, likewise: a failed install of either is not fatal. PostgreSQL's is.
(
  status=0
  bash scripts/install-postgres.sh || status=$?
  bash scripts/install-chromium.sh || echo "setup: Chromium could not be installed; the Web UI tests will skip." >&2
  bash scripts/install-nginx.sh || echo "setup: nginx could not be installed; the connections test will skip." >&2
  exit "$status"
) & pids+=($!)
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
exit "$status"
