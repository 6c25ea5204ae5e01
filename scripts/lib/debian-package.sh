#!/usr/bin/env bash
# Sourced by the installers of Debian packages (Chromium, nginx, PostgreSQL): apt-get as root, quietly through
# step(), waiting for another installer's apt lock (the installers run side by side); refuses clearly without apt-get
# or root.
#   apt_can_install NAME "WHAT TO DO WITHOUT APT-GET" PACKAGE...   (returns 1, saying why, when apt-get cannot run)
#   apt_install [APT-GET OPTION...] PACKAGE...                     (apt-get update, then install)
#   debian_package NAME BINARY SKIP_VARIABLE "WHAT (for the setup line)" "WHICH TEST SKIPS" PACKAGE...
#     a no-op when BINARY exists, or when the package's skip variable is set (its test then skips and says why)
# shellcheck source=step.sh
source "$(dirname "${BASH_SOURCE[0]}")/step.sh"

apt_can_install() {
  local name="$1" without_apt="$2"
  shift 2
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-$name: no apt-get here; $without_apt" >&2
    return 1
  fi
  if [[ "$(id -u)" != 0 ]]; then
    echo "install-$name: run as root (or: sudo apt-get install -y $*) to install $name." >&2
    return 1
  fi
}

apt_install() {
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # A package's own service (nginx's) may start where an init system runs; nothing here uses it.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@"
}

debian_package() {
  local name="$1" binary="$2" skip="$3" what="$4" test_name="$5"
  shift 5
  [[ -x "$binary" ]] && return 0
  if [[ -n "${!skip:-}" ]]; then
    echo "install-$name: $skip is set; not installing $name ($test_name will skip)." >&2
    return 0
  fi
  apt_can_install "$name" "install $* so that $binary exists to run $test_name." "$@" || return 1
  _debian_install() {
    apt_install "$@"
    [[ -x "$binary" ]] || { echo "the package installed, but $binary is missing" >&2; return 1; }
    "$binary" --version 2>&1 || "$binary" -v
  }
  step "$what" "$name" -- _debian_install "$@"
}
