#!/usr/bin/env bash
# The whole test suite: set-up, type check, lint, docs (API reference + link check), then every test file against the
# real servers.
# Prints how long the installs took and how long the checks and tests took, separately.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
t0=$(date +%s)
bash scripts/setup.sh test
t1=$(date +%s)
echo "setup: installs done in $((t1 - t0)) s" >&2
echo "== typecheck" >&2
npx tsc -p tsconfig.json --noEmit
echo "== lint" >&2
npx eslint . --max-warnings 0
echo "== docs" >&2
npm run --silent docs
echo "== tests" >&2
# The longest files start first (each took 40 s or more at three at a time): the suite ends when its last file does,
# and a long file started late would leave the other slots idle at the end. The rest follow in name order.
LONGEST=(soak cli cancel-boundaries streaming package large-payloads console crash-recovery cluster chat-app cli-dev)
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  files=()
  for name in "${LONGEST[@]}"; do [[ -f "test/$name.test.ts" ]] && files+=("test/$name.test.ts"); done
  for file in test/*.test.ts; do [[ " ${files[*]} " == *" $file "* ]] || files+=("$file"); done
fi
# Three files at a time (TEST_CONCURRENCY): each starts its own servers on free ports, and most of a test's time is
# spent waiting on real time (tools that sleep, cancels, heartbeats, the soak's fault schedule): one file at a time
# used about a third of two cores' CPU. TEST_CONCURRENCY=1 runs them one after another.
# A test still running after TEST_TIMEOUT_MS (default 10 min; the longest, the soak, takes ~2.5 min) fails with its
# name instead of holding the suite until CI's deadline.
status=0
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-3}" --test-timeout="${TEST_TIMEOUT_MS:-600000}" --test-reporter=spec "${files[@]}" || status=$?
echo "test: installs $((t1 - t0)) s; type check, lint and tests $(($(date +%s) - t1)) s" >&2
exit "$status"
