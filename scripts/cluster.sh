#!/usr/bin/env bash
# durable-agent's production topology on this machine, loopback only, from the project's own installs:
#   PostgreSQL (Debian's package) with its own data folder, schemas created/migrated by temporal-sql-tool;
#   two Temporal Server 1.32.0 processes forming one cluster (each runs frontend, history, matching and worker;
#   membership on 127.0.0.1), configured by the server's embedded template from deploy/temporal/server.env — the file
#   docker-compose.yml loads too — and deploy/temporal/dynamicconfig.yaml;
#   the namespace and search attributes (deploy/temporal/register-search-attributes.sh, as in compose);
#   the Temporal Web UI server 2.54.1; N `durable-agent worker` processes.
#
#   scripts/cluster.sh up        install what is missing, start everything, print the addresses (a second `up` starts
#                                only what is not running)
#   scripts/cluster.sh status    each process, alive or not, and the frontends' health
#   scripts/cluster.sh down      stop everything (data stays in $CLUSTER_DIR; delete that folder to start afresh)
#   for fault injection (npm run soak): server-kill N | server-start N | postgres-restart
#
# Settings (environment): CLUSTER_DIR (.data/cluster), CLUSTER_PORT (7233: server 1's frontend; every other port is
# an offset of it: server N's ports are CLUSTER_PORT + 20*(N-1) + 0..16; keep them below 32768, Temporal's membership
# table stores ports as a PostgreSQL smallint), CLUSTER_PG_PORT (55432), CLUSTER_UI_PORT
# (8080; 0 = no UI), CLUSTER_WORKERS (2; the workers use ANTHROPIC_API_KEY when set, else the offline model).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CLUSTER_DIR="$(mkdir -p "${CLUSTER_DIR:-$ROOT/.data/cluster}" && cd "${CLUSTER_DIR:-$ROOT/.data/cluster}" && pwd)"
PORT="${CLUSTER_PORT:-7233}"
PG_PORT="${CLUSTER_PG_PORT:-55432}"
UI_PORT="${CLUSTER_UI_PORT:-8080}"
WORKERS="${CLUSTER_WORKERS:-2}"
SERVERS=2
SERVER_DIR="$ROOT/.tools/temporal-server"
UI_DIR="$ROOT/.tools/temporal-ui"
TEMPORAL_CLI="$ROOT/.tools/bin/temporal"
PGDATA="$CLUSTER_DIR/postgres"
RUN="$CLUSTER_DIR/run"
LOGS="$CLUSTER_DIR/logs"
ADDRESS="127.0.0.1:$PORT"

say() { echo "cluster: $*" >&2; }
die() { echo "cluster: $*" >&2; exit 1; }

# --- processes: one pid file each under $RUN; nothing is ever stopped by name ---------------------------------------
pid_of() { [[ -f "$RUN/$1.pid" ]] && cat "$RUN/$1.pid" || true; }
alive() { local pid; pid="$(pid_of "$1")"; [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }
# Starts "$@" detached (its own session, so it outlives this script and a Ctrl-C in its terminal), logging to $LOGS.
spawn() {
  local name="$1"; shift
  mkdir -p "$RUN" "$LOGS"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}
# SIGTERM, then SIGKILL after $2 seconds.
stop_process() {
  local name="$1" grace="${2:-20}" pid i
  pid="$(pid_of "$name")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
}
# Polls "$@" until it succeeds, at most $1 seconds; gives up at once if the process named by WAIT_FOR exited.
wait_until() {
  local seconds="$1" what="$2" i; shift 2
  for ((i = 0; i < seconds * 2; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    if [[ -n "${WAIT_FOR:-}" ]] && ! alive "$WAIT_FOR"; then
      die "$what: $WAIT_FOR exited; the end of $LOGS/$WAIT_FOR.log:
$(tail -c 1500 "$LOGS/$WAIT_FOR.log" 2>/dev/null)"
    fi
    sleep 0.5
  done
  die "$what did not happen within ${seconds} s (logs: $LOGS)"
}

# --- PostgreSQL ------------------------------------------------------------------------------------------------------
# PostgreSQL refuses to run as root: as root, its processes run as the `postgres` user the Debian package creates.
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { cat "$ROOT/.tools/postgres-bin"; }
postgres_init() {
  [[ -f "$PGDATA/PG_VERSION" ]] && return 0
  mkdir -p "$PGDATA" "$LOGS"
  echo temporal > "$CLUSTER_DIR/.pgpass-init"
  if [[ "$(id -u)" == 0 ]]; then chown postgres "$PGDATA" "$CLUSTER_DIR/.pgpass-init"; touch "$LOGS/postgres.log"; chown postgres "$LOGS/postgres.log"; fi
  chmod 700 "$PGDATA"
  as_pg "$(pg_bin)/initdb" -D "$PGDATA" -U temporal --pwfile="$CLUSTER_DIR/.pgpass-init" --auth-host=scram-sha-256 \
    --auth-local=trust -E UTF8 --locale=C >"$LOGS/postgres-initdb.log" 2>&1 || die "initdb failed: $LOGS/postgres-initdb.log"
  rm -f "$CLUSTER_DIR/.pgpass-init"
  # Loopback only, its socket inside its own folder, enough connections for two servers' pools.
  cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGDATA'
max_connections = 200
CONF
}
pg_ctl_() { as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" -l "$LOGS/postgres.log" "$@" >/dev/null; }
postgres_running() { [[ -f "$PGDATA/postmaster.pid" ]] && as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
postgres_start() { postgres_running || pg_ctl_ -w -t 60 start; }

# --- Temporal servers ------------------------------------------------------------------------------------------------
# Server N's environment: the shared file, then what is particular to loopback and to this process.
server_env() {
  local n="$1" o=$(( (n - 1) * 20 ))
  local -a vars
  mapfile -t vars < <(grep -E '^[A-Z_][A-Z0-9_]*=' "$ROOT/deploy/temporal/server.env")
  vars+=(
    POSTGRES_SEEDS=127.0.0.1 "DB_PORT=$PG_PORT" BIND_ON_IP=127.0.0.1 TEMPORAL_BROADCAST_ADDRESS=127.0.0.1
    "DYNAMIC_CONFIG_FILE_PATH=$ROOT/deploy/temporal/dynamicconfig.yaml"
    "FRONTEND_GRPC_PORT=$((PORT + o))" "HISTORY_GRPC_PORT=$((PORT + o + 1))" "MATCHING_GRPC_PORT=$((PORT + o + 2))"
    "WORKER_GRPC_PORT=$((PORT + o + 6))" "FRONTEND_HTTP_PORT=$((PORT + o + 10))"
    "FRONTEND_MEMBERSHIP_PORT=$((PORT + o + 11))" "HISTORY_MEMBERSHIP_PORT=$((PORT + o + 12))"
    "MATCHING_MEMBERSHIP_PORT=$((PORT + o + 13))" "WORKER_MEMBERSHIP_PORT=$((PORT + o + 16))"
    # One cluster address for every process: the first frontend (what clients and the UI are given).
    "CLUSTER_RPC_ADDRESS=$ADDRESS" "CLUSTER_HTTP_ADDRESS=127.0.0.1:$((PORT + 10))"
  )
  printf '%s\n' "${vars[@]}"
}
frontend_of() { echo "127.0.0.1:$((PORT + (${1} - 1) * 20))"; }
healthy() { "$TEMPORAL_CLI" operator cluster health --address "$1" 2>/dev/null | grep -q SERVING; }
server_start() {
  local n="$1"
  alive "server-$n" && return 0
  local -a env_vars
  mapfile -t env_vars < <(server_env "$n")
  spawn "server-$n" env "${env_vars[@]}" "$SERVER_DIR/bin/temporal-server" --allow-no-auth start
  WAIT_FOR="server-$n" wait_until 120 "server $n's frontend ($(frontend_of "$n")) reporting SERVING" healthy "$(frontend_of "$n")"
}
server_kill() { local pid; pid="$(pid_of "server-$1")"; [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true; rm -f "$RUN/server-$1.pid"; }

namespace_ready() {
  # A visibility query on a durable-agent search attribute succeeds only once the namespace and attributes are known.
  "$TEMPORAL_CLI" workflow count --address "$1" --namespace default --query 'DurableAgentStatus = "paused"'
}

# --- Web UI and workers ----------------------------------------------------------------------------------------------
ui_start() {
  [[ "$UI_PORT" == 0 ]] && return 0
  alive ui && return 0
  mkdir -p "$CLUSTER_DIR/ui/config"
  # The image's own template (docker.yaml, rendered from the env vars below) plus a base file binding loopback only.
  cp "$UI_DIR/config/docker.yaml" "$CLUSTER_DIR/ui/config/docker.yaml"
  echo 'host: 127.0.0.1' > "$CLUSTER_DIR/ui/config/base.yaml"
  spawn ui env TEMPORAL_ADDRESS="$ADDRESS" TEMPORAL_UI_PORT="$UI_PORT" TEMPORAL_DISABLE_NEWS_FETCH=true \
    TEMPORAL_CSRF_COOKIE_INSECURE=true "$UI_DIR/bin/temporal-ui-server" --root "$CLUSTER_DIR/ui" --config config --env docker start
  WAIT_FOR=ui wait_until 60 "the Web UI answering on 127.0.0.1:$UI_PORT" curl -sf "http://127.0.0.1:$UI_PORT/api/v1/settings"
}
worker_start() {
  local n="$1"
  alive "worker-$n" && return 0
  local -a flags=()
  [[ -z "${ANTHROPIC_API_KEY:-}" ]] && flags=(--offline)
  spawn "worker-$n" env TEMPORAL_ADDRESS="$ADDRESS" TEMPORAL_NAMESPACE=default node "$ROOT/bin/durable-agent.js" worker "${flags[@]}"
}
worker_ready() { grep -q '^worker: task queue' "$LOGS/worker-$1.log"; }

# --- commands --------------------------------------------------------------------------------------------------------
up() {
  bash scripts/setup.sh demo          # npm packages, Temporal CLI (namespace and search attributes)
  bash scripts/install-postgres.sh
  bash scripts/install-temporal-server.sh
  [[ "$UI_PORT" == 0 ]] || bash scripts/install-temporal-ui-server.sh
  postgres_init
  postgres_start
  SQL_HOST=127.0.0.1 SQL_PORT="$PG_PORT" SQL_USER=temporal SQL_PASSWORD=temporal \
    TEMPORAL_SCHEMA_DIR="$SERVER_DIR/schema/postgresql/v12" PATH="$SERVER_DIR/bin:$PATH" \
    sh deploy/temporal/setup-postgres.sh >"$LOGS/schema.log" 2>&1 || die "schema setup failed: $LOGS/schema.log"
  local n
  for ((n = 1; n <= SERVERS; n++)); do server_start "$n"; done
  PATH="$(dirname "$TEMPORAL_CLI"):$PATH" TEMPORAL_ADDRESS="$ADDRESS" sh deploy/temporal/register-search-attributes.sh \
    >"$LOGS/search-attributes.log" 2>&1 || die "namespace/search attributes failed: $LOGS/search-attributes.log"
  for ((n = 1; n <= SERVERS; n++)); do wait_until 60 "namespace default usable on $(frontend_of "$n")" namespace_ready "$(frontend_of "$n")"; done
  ui_start
  for ((n = 1; n <= WORKERS; n++)); do worker_start "$n"; done
  for ((n = 1; n <= WORKERS; n++)); do WAIT_FOR="worker-$n" wait_until 180 "worker $n polling" worker_ready "$n"; done
  say "up: PostgreSQL 127.0.0.1:$PG_PORT, Temporal frontends $(for ((n = 1; n <= SERVERS; n++)); do printf '%s ' "$(frontend_of "$n")"; done)(one cluster), $WORKERS worker(s)"
  [[ "$UI_PORT" == 0 ]] || say "Web UI: http://127.0.0.1:$UI_PORT"
  say "clients: TEMPORAL_ADDRESS=$ADDRESS DURABLE_AGENT_SEARCH_ATTRIBUTES=true npx durable-agent run \"...\""
}

down() {
  local name
  for name in $(ls "$RUN" 2>/dev/null | sed -n 's/^\(worker-[0-9]*\)\.pid$/\1/p'); do stop_process "$name" 20; done
  stop_process ui 5
  for name in $(ls "$RUN" 2>/dev/null | sed -n 's/^\(server-[0-9]*\)\.pid$/\1/p'); do stop_process "$name" 20; done
  if postgres_running; then pg_ctl_ -w -t 60 -m fast stop; fi
  say "down (data kept in $CLUSTER_DIR)"
}

status() {
  local name code=0 n
  if postgres_running; then echo "postgres    running  127.0.0.1:$PG_PORT"; else echo "postgres    stopped"; code=1; fi
  for ((n = 1; n <= SERVERS; n++)); do
    if alive "server-$n" && healthy "$(frontend_of "$n")"; then echo "server-$n    SERVING  $(frontend_of "$n") (pid $(pid_of "server-$n"))"
    else echo "server-$n    down"; code=1; fi
  done
  if [[ -f "$RUN/ui.pid" ]]; then
    if alive ui; then echo "ui          running  http://127.0.0.1:$UI_PORT"; else echo "ui          down"; code=1; fi
  fi
  for name in $(ls "$RUN" 2>/dev/null | sed -n 's/^\(worker-[0-9]*\)\.pid$/\1/p'); do
    if alive "$name"; then echo "$name    running  (pid $(pid_of "$name"))"; else echo "$name    down"; code=1; fi
  done
  return "$code"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  server-kill) server_kill "${2:?server number}" ;;
  server-start) server_start "${2:?server number}" ;;
  postgres-restart) pg_ctl_ -w -t 60 -m fast restart ;;
  *) echo "usage: scripts/cluster.sh up|down|status   (fault injection: server-kill N | server-start N | postgres-restart)" >&2; exit 2 ;;
esac
