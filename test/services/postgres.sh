#!/usr/bin/env bash
# Start/stop a project-local PostgreSQL cluster for pipekit's tests, examples and
# benchmarks. Not the system cluster: its own data dir, port and auth.
#
#   test/services/postgres.sh start   install the server (apt, root only) if
#                                     missing, initdb once, start, wait, and make
#                                     sure role/database exist
#   test/services/postgres.sh stop    pg_ctl stop -m fast (bounded)
#   test/services/postgres.sh status  exit 0 if running and accepting connections
#   test/services/postgres.sh url     print postgres://pipekit@127.0.0.1:54329/pipekit_test
#   test/services/postgres.sh reset   stop and delete the cluster
#
# Connecting: role `pipekit`, password `pipekit`, database `pipekit_test` (owner
# pipekit; the role may CREATEDB for per-test databases and CREATEROLE for per-test login roles,
# e.g. one whose password a test rotates). TCP on 127.0.0.1 only,
# scram-sha-256 password auth. By convention the password is NOT in the URL:
# tests read it from env PIPEKIT_PG_PASSWORD (=pipekit), e.g.
#   PGPASSWORD=pipekit psql "$(test/services/postgres.sh url)"
#
# Environment:
#   PIPEKIT_CACHE    cache root (default $HOME/.cache/pipekit)
#   PIPEKIT_PG_PORT  TCP port (default 54329, away from the system's 5432)
#   PIPEKIT_PG_DATA  data dir (default $PIPEKIT_CACHE/pg-data; as root, when the
#                    postgres OS user cannot reach that path, e.g. HOME=/root
#                    with mode 0700, /var/tmp/pipekit/pg-data instead)
set -euo pipefail

CACHE="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
PORT="${PIPEKIT_PG_PORT:-54329}"
DB=pipekit_test
ROLE=pipekit
PASSWORD=pipekit
START_TIMEOUT=30
STOP_TIMEOUT=30
IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# Run a command as the OS user that owns the cluster: root may not run
# postgres, so as root that is `postgres`; otherwise the caller. `cd /` avoids
# "could not change directory to /root" noise from the postgres user.
as_pg() {
  if ((IS_ROOT)); then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pick_data_dir() {
  if [[ -n "${PIPEKIT_PG_DATA:-}" ]]; then
    DATA="$PIPEKIT_PG_DATA"
    return
  fi
  DATA="$CACHE/pg-data"
  if ((IS_ROOT)) && id postgres >/dev/null 2>&1; then
    mkdir -p "$CACHE"
    # The server needs search permission on every ancestor of its data dir.
    if ! (cd / && runuser -u postgres -- test -x "$CACHE"); then
      DATA=/var/tmp/pipekit/pg-data
    fi
  fi
}

install_server() {
  if ((!IS_ROOT)); then
    die "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/pg_ctl). Install them as root: apt-get install -y postgresql"
  fi
  log "PostgreSQL server not installed; installing with apt-get (one-time)"
  # Debian's package would create and start a system cluster on 5432; we don't
  # want one (this script runs its own), so tell postgresql-common not to.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/pipekit-no-main.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends postgresql >&2
}

# Binaries matching an existing cluster's major version if installed, else the newest.
pick_bin() {
  local want="" c
  [[ -f "$DATA/PG_VERSION" ]] && want="$(cat "$DATA/PG_VERSION")"
  if [[ -n "${PIPEKIT_PG_BIN:-}" ]]; then
    PG_BIN="$PIPEKIT_PG_BIN"
    return 0
  fi
  if [[ -n "$want" && -x "/usr/lib/postgresql/$want/bin/pg_ctl" ]]; then
    PG_BIN="/usr/lib/postgresql/$want/bin"
    return 0
  fi
  c="$(find /usr/lib/postgresql -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -n "$c" ]] || return 1
  PG_BIN="$(dirname "$c")"
  if [[ -n "$want" && "$want" != "$("$PG_BIN/pg_ctl" --version | sed -n 's/.* \([0-9]*\)\..*/\1/p')" ]]; then
    die "cluster in $DATA is PostgreSQL $want but only $PG_BIN is installed; run '$0 reset' to recreate it"
  fi
}

# Unix sockets have a ~107-byte path limit; a deep PIPEKIT_CACHE falls back to /tmp.
pick_socket_dir() {
  SOCK_DIR="$DATA"
  if ((${#DATA} + 20 > 100)); then
    SOCK_DIR="/tmp/pipekit-pg-$PORT"
  fi
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

pg_running() {
  [[ -f "$DATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

init_cluster() {
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  if [[ -d "$DATA" ]] && [[ -n "$(ls -A "$DATA")" ]]; then
    die "$DATA exists, is not empty and is not a PostgreSQL cluster; move it away or set PIPEKIT_PG_DATA"
  fi
  log "creating cluster in $DATA (one-time)"
  # initdb into a temp dir and rename, so an interrupted initdb never leaves a
  # half cluster that later looks real.
  local tmp="$DATA.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$DATA")" "$tmp"
  ((IS_ROOT)) && chown postgres:postgres "$tmp"
  chmod 0700 "$tmp"
  # Socket-only trust is safe: the socket lives in the 0700 data dir, so only
  # the cluster's OS user can reach it. TCP always needs a password.
  if ! as_pg "$PG_BIN/initdb" -D "$tmp" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C --no-sync --no-instructions >"$tmp.initdb.log" 2>&1; then
    cat "$tmp.initdb.log" >&2
    rm -rf "$tmp"
    die "initdb failed"
  fi
  rm -f "$tmp.initdb.log"
  rmdir "$DATA" 2>/dev/null || true
  mv "$tmp" "$DATA"
  echo "include_if_exists = 'pipekit.conf'" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
}

write_config() {
  # Rewritten on every start so PIPEKIT_PG_PORT changes take effect.
  as_pg tee "$DATA/pipekit.conf" >/dev/null <<EOF
# Generated by test/services/postgres.sh; overwritten on start.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK_DIR'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
EOF
  as_pg tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# Generated by test/services/postgres.sh; overwritten on start.
# Unix socket (in the 0700 data dir): the cluster's OS user only; admin use.
local   all   all                  trust
# TCP: loopback only, password (scram) required.
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
EOF
}

admin_psql() {
  as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK_DIR" -p "$PORT" -U postgres -d postgres
}

# Idempotent: run on every start, so a start interrupted before this point heals.
provision() {
  admin_psql >/dev/null <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN;
  END IF;
END \$\$;
ALTER ROLE $ROLE WITH LOGIN CREATEDB CREATEROLE PASSWORD '$PASSWORD';
SELECT 'CREATE DATABASE $DB OWNER $ROLE'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB')\gexec
EOF
}

wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres -t 2; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

lock() {
  mkdir -p "$(dirname "$DATA")"
  exec 9>"$DATA.lock"
  flock -w 120 9 || die "timed out waiting for another postgres.sh on $DATA"
}

setup() {
  pick_data_dir
  pick_socket_dir
}

cmd_start() {
  setup
  if ! pick_bin; then
    install_server
    pick_bin || die "PostgreSQL server still not found after install"
  fi
  lock
  if pg_running; then
    if wait_ready; then
      log "already running on 127.0.0.1:$PORT (data $DATA)"
      provision
      return 0
    fi
    die "cluster in $DATA is running but not accepting connections on 127.0.0.1:$PORT; log: $DATA/postgres.log"
  fi
  if port_open "$PORT"; then
    die "127.0.0.1:$PORT is already in use by another process (not the cluster in $DATA); stop it or set PIPEKIT_PG_PORT"
  fi
  init_cluster
  write_config
  if [[ "$SOCK_DIR" != "$DATA" ]]; then
    mkdir -p "$SOCK_DIR"
    ((IS_ROOT)) && chown postgres:postgres "$SOCK_DIR"
    chmod 0700 "$SOCK_DIR"
  fi
  log "starting PostgreSQL $(basename "$(dirname "$PG_BIN")") on 127.0.0.1:$PORT, data $DATA"
  # 9>&-: the postmaster must not inherit our lock fd. pg_ctl detaches it
  # from our session itself.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$DATA/postgres.log" -w -t "$START_TIMEOUT" start >/dev/null 9>&-; then
    log "pg_ctl start failed; last lines of $DATA/postgres.log:"
    tail -n 20 "$DATA/postgres.log" >&2 || true
    exit 1
  fi
  wait_ready || die "not accepting connections on 127.0.0.1:$PORT after ${START_TIMEOUT}s; log: $DATA/postgres.log"
  provision
  log "ready: $(cmd_url)"
}

cmd_stop() {
  setup
  pick_bin || { log "not installed, so not running"; return 0; }
  lock
  if ! pg_running; then
    log "not running"
    return 0
  fi
  log "stopping (data $DATA)"
  if ! as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t "$STOP_TIMEOUT" stop >/dev/null; then
    log "fast shutdown timed out; immediate"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null
  fi
  log "stopped"
}

cmd_status() {
  setup
  if pick_bin && pg_running && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2; then
    echo "postgres: running on 127.0.0.1:$PORT, data $DATA"
    return 0
  fi
  echo "postgres: not running (127.0.0.1:$PORT, data $DATA)"
  return 1
}

cmd_url() {
  echo "postgres://$ROLE@127.0.0.1:$PORT/$DB"
}

cmd_reset() {
  cmd_stop
  log "deleting $DATA"
  rm -rf "$DATA" "$DATA.lock"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  reset) cmd_reset ;;
  *) echo "usage: $0 start|stop|status|url|reset" >&2; exit 2 ;;
esac
