#!/usr/bin/env bash
# The whole test suite: set-up, type check, lint, then every test file against the real servers.
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
echo "== tests" >&2
if [[ $# -gt 0 ]]; then files=("$@"); else files=(test/*.test.ts); fi
# Two files at a time (TEST_CONCURRENCY): each starts its own servers on free ports, and most of a test's time is
# spent waiting on real time (tools that sleep, cancels, heartbeats), so two share this machine's two cores well.
status=0
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-reporter=spec "${files[@]}" || status=$?
echo "test: installs $((t1 - t0)) s; type check, lint and tests $(($(date +%s) - t1)) s" >&2
exit "$status"
