#!/usr/bin/env bash
# The bench's baseline (bench/ai-sdk-baseline): Temporal's @temporalio/ai-sdk with @ai-sdk/openai, which pin
# @temporalio/* 1.23.0 while durable-agent uses 1.24.0. Installed apart, with npm ci from its own package-lock.json,
# into .tools/ai-sdk-baseline, beside a copy of its source, so its worker process loads only its own packages.
# Idempotent: the lock's hash is recorded; a second run copies the source (cheap) and returns.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
SRC="$ROOT/bench/ai-sdk-baseline"
DEST="$ROOT/.tools/ai-sdk-baseline"
STAMP="$DEST/.lock-sha256"
want="$(cat "$SRC/package.json" "$SRC/package-lock.json" | sha256sum | cut -d' ' -f1)"

mkdir -p "$DEST/src"
cp "$SRC"/src/*.ts "$DEST/src/"
cp "$SRC/tsconfig.json" "$DEST/"
if [[ -d "$DEST/node_modules" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi
cp "$SRC/package.json" "$SRC/package-lock.json" "$DEST/"
step "@temporalio/ai-sdk 1.23.0 baseline for the bench (npm ci into .tools/ai-sdk-baseline)" ai-sdk-baseline -- \
  env -C "$DEST" npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$STAMP"
