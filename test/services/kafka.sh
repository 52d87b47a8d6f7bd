#!/usr/bin/env bash
# Start/stop a real single-node Apache Kafka (KRaft) broker for pipekit's tests,
# examples and benchmarks. No Docker and no Kafka tarball: the broker is
# assembled from Maven Central jars (test/services/kafka/pom.xml) and cached
# outside the repo.
#
#   test/services/kafka.sh start      assemble jars if needed, format storage once,
#                                     start the broker, wait until it serves metadata
#   test/services/kafka.sh stop       SIGTERM, bounded wait, then SIGKILL
#   test/services/kafka.sh status     exit 0 if running and answering, 1 if not
#   test/services/kafka.sh classpath  print a Java classpath with the broker and
#                                     tools (ProducerPerformance, ConsumerPerformance,
#                                     TopicCommand, console producer/consumer)
#   test/services/kafka.sh bootstrap  print the bootstrap address (127.0.0.1:9092)
#   test/services/kafka.sh reset      stop and delete the broker's data (topics)
#
# Environment:
#   PIPEKIT_CACHE     cache root (default $HOME/.cache/pipekit)
#                     jars: $PIPEKIT_CACHE/kafka/<version>/lib
#                     data: $PIPEKIT_CACHE/kafka-data/<port> (server.log, kafka.out,
#                           server.properties, pid file, KRaft log dirs)
#   KAFKA_PORT        PLAINTEXT listener port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default KAFKA_PORT+1)
#   KAFKA_HEAP        JVM heap options (default -Xmx768m)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker (default 60)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_CONF_DIR="$SCRIPT_DIR/kafka"
POM="$KAFKA_CONF_DIR/pom.xml"

CACHE="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
HEAP="${KAFKA_HEAP:--Xmx768m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT=30

# Single source of truth for the version is the pom.
KAFKA_VERSION="$(sed -n 's|.*<kafka.version>\(.*\)</kafka.version>.*|\1|p' "$POM" | head -n1)"
[[ -n "$KAFKA_VERSION" ]] || { echo "kafka.sh: no <kafka.version> in $POM" >&2; exit 1; }

LIB_DIR="$CACHE/kafka/$KAFKA_VERSION/lib"
LIB_STAMP="$CACHE/kafka/$KAFKA_VERSION/pom.sha256"
# Per port, so a second broker on another KAFKA_PORT never shares files.
DATA_DIR="$CACHE/kafka-data/$PORT"
KRAFT_DIR="$DATA_DIR/kraft"
PROPS="$DATA_DIR/server.properties"
ADMIN_PROPS="$DATA_DIR/admin.properties"
PID_FILE="$DATA_DIR/kafka.pid"
SERVER_LOG="$DATA_DIR/server.log"
STDOUT_LOG="$DATA_DIR/kafka.out"

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

need_java() {
  command -v java >/dev/null 2>&1 || die "java not found; Kafka $KAFKA_VERSION needs Java 17+ (apt-get install -y openjdk-17-jre-headless)"
  local v
  # `java -version` prints e.g. 'openjdk version "17.0.15" ...' on stderr.
  v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
  [[ -n "$v" && "$v" -ge 17 ]] || die "Kafka $KAFKA_VERSION brokers need Java 17+, found: $(java -version 2>&1 | head -n1)"
}

# Download (once) every runtime jar into the cache. The stamp is the pom's hash,
# so editing the pom (new Kafka or log4j version) re-assembles.
lib_current() {
  local have=""
  [[ -f "$LIB_STAMP" ]] && have="$(cat "$LIB_STAMP")"
  [[ "$have" == "$1" && -d "$LIB_DIR" ]]
}

assemble() {
  local want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  lib_current "$want" && return 0
  # Two first-time callers (e.g. parallel test workers) must not both download
  # and swap the lib dir; the second waits and then finds it done.
  mkdir -p "$(dirname "$LIB_DIR")"
  exec 8>"$(dirname "$LIB_DIR")/.lock"
  flock -w 600 8 || die "timed out waiting for another kafka.sh assembling $LIB_DIR"
  if lib_current "$want"; then
    exec 8>&-
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found; needed once to fetch Kafka jars (apt-get install -y maven)"
  log "assembling Kafka $KAFKA_VERSION from Maven Central into $LIB_DIR (one-time)"
  local tmp="$LIB_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # Maven's output goes to a file (stdout must stay clean for `classpath`) and
  # is shown only if it fails.
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  fi
  rm -f "$tmp.log"
  # Swap in whole, so an interrupted download never looks complete.
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  echo "$want" >"$LIB_STAMP"
  exec 8>&-
}

# Explicit jar list rather than 'lib/*', so the value survives being passed
# around unquoted or to tools that don't expand Java classpath wildcards.
# The conf dir comes first so the tools pick up kafka/log4j2.xml.
classpath() {
  local cp="$KAFKA_CONF_DIR" jar
  for jar in "$LIB_DIR"/*.jar; do cp="$cp:$jar"; done
  printf '%s\n' "$cp"
}

port_open() {
  # bash's /dev/tcp: no nc/ss needed; timeout guards against a wedged connect.
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Prints the broker pid if the pid file names a live process that is our broker
# (the cmdline check guards against a recycled pid).
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

write_config() {
  mkdir -p "$DATA_DIR" "$KRAFT_DIR"
  # Rewritten on every start so KAFKA_PORT changes and edits here take effect.
  cat >"$PROPS" <<EOF
# Generated by test/services/kafka.sh; edits are overwritten on start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KRAFT_DIR
# One node: every internal topic must have replication factor 1.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Small internal topics: the first consumer group / transaction is ready at once
# instead of waiting for 50 partitions to be created.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
# Tests: no 3 s wait before the first rebalance; topics appear on first use.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.partitions=1
EOF
  # Short timeouts for the readiness probe, so a sick broker fails fast.
  cat >"$ADMIN_PROPS" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

format_storage() {
  # A data dir formatted by another Kafka version is test data: start over
  # rather than risk an incompatible metadata log.
  if [[ -f "$DATA_DIR/kafka-version" && "$(cat "$DATA_DIR/kafka-version")" != "$KAFKA_VERSION" ]]; then
    log "data dir was made by Kafka $(cat "$DATA_DIR/kafka-version"); wiping $KRAFT_DIR"
    rm -rf "$KRAFT_DIR"
    mkdir -p "$KRAFT_DIR"
  fi
  if [[ -f "$KRAFT_DIR/meta.properties" ]]; then
    return 0
  fi
  local cp cluster_id
  cp="$(classpath)"
  cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid)"
  log "formatting KRaft storage in $KRAFT_DIR (cluster id $cluster_id)"
  java -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" --ignore-formatted >"$DATA_DIR/format.out" 2>&1 \
    || { cat "$DATA_DIR/format.out" >&2; die "storage format failed"; }
  echo "$KAFKA_VERSION" >"$DATA_DIR/kafka-version"
}

# Ready = the port accepts connections and the broker answers a metadata
# request (topic listing), which is what clients need.
broker_ready() {
  port_open "$PORT" || return 1
  # C1-only + serial GC: this probe JVM lives ~1 s, so start it fast.
  timeout 30 java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$(classpath)" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$PORT" --command-config "$ADMIN_PROPS" --list >/dev/null 2>&1
}

fail_start() {
  log "$1"
  log "broker log: $SERVER_LOG ; JVM output: $STDOUT_LOG"
  [[ -f "$STDOUT_LOG" ]] && { log "--- last lines of $STDOUT_LOG"; tail -n 20 "$STDOUT_LOG" >&2; }
  [[ -f "$SERVER_LOG" ]] && { log "--- last lines of $SERVER_LOG"; tail -n 20 "$SERVER_LOG" >&2; }
  exit 1
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || fail_start "broker process $pid exited during startup"
    if broker_ready; then
      return 0
    fi
    sleep 0.5
  done
  fail_start "broker not ready after ${START_TIMEOUT}s (pid $pid still running; left as is, run '$0 stop')"
}

# Serialise start/stop/reset: parallel test workers may all call `start`.
lock() {
  mkdir -p "$DATA_DIR"
  exec 9>"$DATA_DIR/.lock"
  flock -w 120 9 || die "timed out waiting for another kafka.sh on $DATA_DIR"
}

cmd_start() {
  need_java
  assemble
  lock
  local pid
  if pid="$(running_pid)"; then
    if port_open "$PORT"; then
      log "already running (pid $pid) on 127.0.0.1:$PORT"
      return 0
    fi
    # Alive but not listening: still starting (or wedged); wait like a fresh start.
    log "pid $pid is up but 127.0.0.1:$PORT is not answering yet; waiting"
    wait_ready "$pid"
    log "ready on 127.0.0.1:$PORT (pid $pid)"
    return 0
  fi
  rm -f "$PID_FILE"
  local p
  for p in "$PORT" "$CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "127.0.0.1:$p is already in use by another process (not the broker for $DATA_DIR); stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done
  write_config
  format_storage
  log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$PORT (controller $CONTROLLER_PORT), data $DATA_DIR"
  # setsid: the broker must outlive the caller's process group (a test runner
  # that started it and exited); nohup: and its terminal. 8>&- 9>&-: the broker
  # must not inherit the lock fds, or it would hold the locks for its lifetime.
  # shellcheck disable=SC2086 # HEAP is a list of JVM options on purpose
  setsid nohup java $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dkafka.logs.dir="$DATA_DIR" \
    -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/log4j2-broker.xml" \
    -cp "$(classpath)" kafka.Kafka "$PROPS" >"$STDOUT_LOG" 2>&1 </dev/null 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
  log "ready on 127.0.0.1:$PORT (pid $pid) after ${SECONDS}s"
}

cmd_stop() {
  lock
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after ${STOP_TIMEOUT}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && die "pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if pid="$(running_pid)" && port_open "$PORT"; then
    echo "kafka: running (pid $pid) on 127.0.0.1:$PORT, data $DATA_DIR"
    return 0
  fi
  echo "kafka: not running (127.0.0.1:$PORT, data $DATA_DIR)"
  return 1
}

cmd_reset() {
  cmd_stop
  log "deleting $DATA_DIR"
  rm -rf "$DATA_DIR"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  classpath) need_java; assemble; classpath ;;
  bootstrap) echo "127.0.0.1:$PORT" ;;
  reset) cmd_reset ;;
  *) echo "usage: $0 start|stop|status|classpath|bootstrap|reset" >&2; exit 2 ;;
esac
