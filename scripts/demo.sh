#!/usr/bin/env bash
# The README's demo command: installs what is missing, then runs the quick start end to end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh demo
exec node --import tsx scripts/demo.ts "$@"
