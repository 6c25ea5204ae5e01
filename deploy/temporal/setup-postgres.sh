#!/bin/sh
# Creates (or migrates) Temporal's two PostgreSQL databases, `temporal` and `temporal_visibility`, with Temporal's own
# schema tool. Idempotent: `create` of an existing database and `update-schema` at the current version are no-ops.
# Used by docker-compose.yml (inside the temporalio/admin-tools image).
# Environment: SQL_HOST, SQL_PORT (5432), SQL_USER, SQL_PASSWORD, TEMPORAL_SCHEMA_DIR (the server's
# schema/postgresql/v12 folder; the admin-tools image has it at /etc/temporal/schema/postgresql/v12).
set -eu
schema="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
for db in temporal temporal_visibility; do
  case "$db" in temporal) dir="$schema/temporal/versioned" ;; *) dir="$schema/visibility/versioned" ;; esac
  sql() { temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "${SQL_PORT:-5432}" -u "$SQL_USER" --pw "$SQL_PASSWORD" --db "$db" "$@"; }
  sql create || true
  sql setup-schema -v 0.0 || true
  sql update-schema -d "$dir"
done
echo "temporal and temporal_visibility schemas are up to date"
