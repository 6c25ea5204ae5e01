#!/bin/sh
# Creates the `default` namespace (if missing) and registers the Keyword search attributes durable-agent runs carry
# (session, user, status, model), with the Temporal CLI. Idempotent: re-adding an existing attribute with the same type
# is a no-op on SQL visibility, so re-running it on a namespace registered before DurableAgentModel existed adds that.
# Used by docker-compose.yml (inside the temporalio/admin-tools image) and scripts/cluster.sh.
# Environment: TEMPORAL_ADDRESS (host:port of a frontend), TEMPORAL_NAMESPACE (default: default). Every wait is bounded.
set -eu
namespace="${TEMPORAL_NAMESPACE:-default}"
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1)); [ "$tries" -lt 90 ] || { echo "the Temporal server at $TEMPORAL_ADDRESS is not healthy" >&2; exit 1; }
  sleep 2
done
temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$namespace" >/dev/null 2>&1 || true
# A namespace just created reaches the frontend's cache within ~10 s: retry until the attributes are registered.
tries=0
until temporal operator search-attribute create --namespace "$namespace" \
  --name DurableAgentSessionId --type Keyword \
  --name DurableAgentUserId --type Keyword \
  --name DurableAgentStatus --type Keyword \
  --name DurableAgentModel --type Keyword >/dev/null 2>&1; do
  tries=$((tries + 1)); [ "$tries" -lt 60 ] || { echo "could not register the search attributes in $namespace" >&2; exit 1; }
  sleep 1
done
echo "namespace $namespace: search attributes DurableAgentSessionId, DurableAgentUserId, DurableAgentStatus, DurableAgentModel registered"
