#!/usr/bin/env bash
# Everything a fresh clone needs, idempotently: npm packages (from the lock file), the Temporal CLI and the
# Java time-skipping test server. A second run is a no-op.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
lock_sha="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f node_modules/.durable-agent-lock || "$(cat node_modules/.durable-agent-lock)" != "$lock_sha" ]]; then
  echo "setup: installing npm packages (npm ci)..." >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$lock_sha" > node_modules/.durable-agent-lock
fi
bash scripts/install-temporal-cli.sh
bash scripts/install-test-server.sh
bash scripts/install-compose.sh
