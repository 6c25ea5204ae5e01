#!/usr/bin/env bash
# `npm run soak -- --runs N --workers W --minutes M [--seed S]`: the chaos soak (test/soak/). It installs what is
# missing (npm packages, Temporal CLI; cluster.sh adds PostgreSQL, the Temporal server), brings up a cluster of its own
# with scripts/cluster.sh in .data/soak-<pid>/ on free loopback ports, and takes it down at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh demo
exec node --import tsx test/soak/main.ts "$@"
