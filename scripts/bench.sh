#!/usr/bin/env bash
# `make bench` / `npm run bench`: installs what is missing, then runs the benchmark (bench/run.ts) against a Temporal
# dev server and the fake Anthropic server. Flags pass through: --quick, --only <section>, --strict.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh demo
exec node --import tsx bench/run.ts "$@"
