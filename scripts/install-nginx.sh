#!/usr/bin/env bash
# Installs Debian's nginx (/usr/sbin/nginx; on Debian 12 `nginx-light` is only a transitional name for the `nginx`
# package) for test/connections.test.ts, which runs it as a TLS-terminating gRPC proxy (client certificates + API
# key) in front of the dev server. Called by setup.sh test (not demo); without nginx that test skips and says why.
# Idempotent: a no-op when /usr/sbin/nginx exists. Installs only as root on a system with apt-get, and never when
# DURABLE_AGENT_SKIP_NGINX is set. The package's own service is never used: the test runs nginx in the foreground
# with its own prefix and config.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
NGINX=/usr/sbin/nginx

if [[ -x "$NGINX" ]]; then
  exit 0
fi
if [[ -n "${DURABLE_AGENT_SKIP_NGINX:-}" ]]; then
  echo "install-nginx: DURABLE_AGENT_SKIP_NGINX is set; not installing nginx (the connections test will skip)." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-nginx: no apt-get here; install nginx so that $NGINX exists to run the connections test." >&2
  exit 1
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "install-nginx: run as root (or: sudo apt-get install -y nginx) to install $NGINX." >&2
  exit 1
fi
install_nginx() {
  apt-get update -qq
  # The package's postinst starts its service where an init system runs; the test does not need it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl
  [[ -x "$NGINX" ]] || { echo "the nginx package installed, but $NGINX is missing" >&2; return 1; }
  "$NGINX" -v
}
step "nginx (Debian's package, the TLS proxy of the connections test)" nginx -- install_nginx
