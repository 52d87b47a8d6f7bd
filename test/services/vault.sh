#!/usr/bin/env bash
# Start/stop a HashiCorp Vault dev server on 127.0.0.1 for pipekit's secret-provider tests.
#
#   test/services/vault.sh start    build Vault once (see below), start, wait until unsealed
#   test/services/vault.sh stop     stop (bounded)
#   test/services/vault.sh status   exit 0 if running and answering
#   test/services/vault.sh url      print http://127.0.0.1:8200 (VAULT_ADDR)
#   test/services/vault.sh token    print the dev root token (VAULT_TOKEN)
#   test/services/vault.sh build    only build the binary
#
# HashiCorp Vault v1.13.0 (MPL-2.0) is built from the Go module proxy into $PIPEKIT_CACHE/vault/
# on first use. Its go.mod replaces the nested api/sdk modules with directories the module zip does
# not contain, so the build drops those replaces and takes the released versions its go.mod
# requires (api v1.9.0, sdk v0.8.1: tagged two weeks before v1.13.0, and the code matches). Why not
# v1.14.x: its go.mod requires an sdk pseudo-version older than the code (certutil
# ParseBasicConstraintExtension, keysutil WrapKey are missing), and the next sdk release (v0.9.2)
# refuses v1.14's enterprise stub paths at start (a panic: CreateOperation without ExistenceCheck).
# Dev mode: in memory (a restart forgets every secret), unsealed, KV v2 mounted at `secret/`, a
# fixed root token. Test-only; never a production setup.
#
# Environment:
#   PIPEKIT_CACHE       cache root (default $HOME/.cache/pipekit)
#   VAULT_PORT          TCP port (default 8200)
#   GO_BUILD_PARALLEL   compile jobs of the first build (default 2)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/go-module.sh
source "$here/lib/go-module.sh"
CACHE="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
VERSION=v1.13.0
BIN="$CACHE/vault/$VERSION/vault"
PORT="${VAULT_PORT:-8200}"
TOKEN=pipekit-dev-root
DIR="$CACHE/vault-data/$PORT"
PIDFILE="$DIR/server.pid"
LOG="$DIR/server.log"
START_TIMEOUT=60
STOP_TIMEOUT=15

log() { echo "vault.sh: $*" >&2; }

drop_nested_replaces() {
  local m
  for m in api api/auth/approle api/auth/kubernetes api/auth/userpass sdk; do
    go mod edit -dropreplace="github.com/hashicorp/vault/$m"
  done
}

build() {
  [[ -x "$BIN" ]] && return 0
  mkdir -p "$(dirname "$BIN")"
  # One build at a time: a second caller (another test run) waits for the first one's binary.
  exec 9>"$(dirname "$BIN")/build.lock"
  flock -w 3600 9 || { log "another build holds the lock for an hour; giving up"; exit 1; }
  [[ -x "$BIN" ]] && return 0
  log "building Vault $VERSION from the Go module proxy (once; about 10 minutes on two cores)"
  go_module_build github.com/hashicorp/vault "$VERSION" "$BIN" drop_nested_replaces
}

answering() {
  curl -s -m 2 "http://127.0.0.1:$PORT/v1/sys/health" | grep -q '"sealed":false'
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  if running_pid >/dev/null && answering; then return 0; fi
  build
  mkdir -p "$DIR"
  log "starting Vault dev server on 127.0.0.1:$PORT"
  # HOME inside the data dir: the dev server writes ~/.vault-token unless told not to, and the
  # CLI helper must not touch the user's own token.
  (cd "$DIR" && HOME="$DIR" exec nohup "$BIN" server -dev -dev-no-store-token \
    -dev-listen-address="127.0.0.1:$PORT" -dev-root-token-id="$TOKEN" >"$LOG" 2>&1) &
  echo $! >"$PIDFILE"
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    if answering; then
      log "ready on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
      return 0
    fi
    running_pid >/dev/null || break
    sleep 0.1
  done
  log "did not answer within ${START_TIMEOUT}s; log $LOG:"
  tail -n 20 "$LOG" >&2 || true
  exit 1
}

stop() {
  local pid
  pid="$(running_pid)" || { rm -f "$PIDFILE"; return 0; }
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running_pid >/dev/null && answering ;;
  url) echo "http://127.0.0.1:$PORT" ;;
  token) echo "$TOKEN" ;;
  build) build ;;
  *)
    echo "usage: $0 start|stop|status|url|token|build" >&2
    exit 2
    ;;
esac
