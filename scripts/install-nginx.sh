#!/usr/bin/env bash
# Installs Debian's nginx (/usr/sbin/nginx; on Debian 12 `nginx-light` is only a transitional name for the `nginx`
# package) for test/connections.test.ts, which runs it in the foreground, with its own prefix and config, as a
# TLS-terminating gRPC proxy (client certificates + API key) in front of the dev server. Called by setup.sh test (not
# demo); without nginx that test skips and says why. Idempotent; as root with apt-get; never when
# DURABLE_AGENT_SKIP_NGINX is set.
set -euo pipefail
# shellcheck source=lib/debian-package.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-package.sh"
debian_package nginx /usr/sbin/nginx DURABLE_AGENT_SKIP_NGINX \
  "nginx (Debian's package, the TLS proxy of the connections test)" "the connections test" nginx openssl
