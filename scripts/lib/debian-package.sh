#!/usr/bin/env bash
# Sourced by the installers of Debian packages a test needs (Chromium, nginx): a no-op when the binary exists, else
# apt-get as root, quietly through step(). Never when the package's skip variable is set (its test then skips and
# says why); refuses clearly without apt-get or root.
#   debian_package NAME BINARY SKIP_VARIABLE "WHAT (for the setup line)" "WHICH TEST SKIPS" PACKAGE...
# shellcheck source=step.sh
source "$(dirname "${BASH_SOURCE[0]}")/step.sh"

debian_package() {
  local name="$1" binary="$2" skip="$3" what="$4" test_name="$5"
  shift 5
  [[ -x "$binary" ]] && return 0
  if [[ -n "${!skip:-}" ]]; then
    echo "install-$name: $skip is set; not installing $name ($test_name will skip)." >&2
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-$name: no apt-get here; install $* so that $binary exists to run $test_name." >&2
    return 1
  fi
  if [[ "$(id -u)" != 0 ]]; then
    echo "install-$name: run as root (or: sudo apt-get install -y $*) to install $binary." >&2
    return 1
  fi
  _debian_install() {
    apt-get update -qq
    # A package's own service (nginx's) may start where an init system runs; the tests never use it.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    [[ -x "$binary" ]] || { echo "the package installed, but $binary is missing" >&2; return 1; }
    "$binary" --version 2>&1 || "$binary" -v
  }
  step "$what" "$name" -- _debian_install "$@"
}
