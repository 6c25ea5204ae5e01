#!/usr/bin/env bash
# The whole test suite: set-up, type check, lint, then every test file against the real servers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh test
echo "== typecheck" >&2
npx tsc -p tsconfig.json --noEmit
echo "== lint" >&2
npx eslint . --max-warnings 0
echo "== tests" >&2
if [[ $# -gt 0 ]]; then files=("$@"); else files=(test/*.test.ts); fi
# One file at a time: each starts its own Temporal server, and this machine has two cores.
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
