#!/usr/bin/env bash
# Start/stop a local Spark Connect server for pipekit's Spark engine: tests, examples, benchmarks,
# and users who want a Spark on their machine.
#
#   test/services/spark.sh start    install pyspark into a venv (once), resolve the connector
#                                   packages from Maven Central (once), start the server on
#                                   127.0.0.1 and wait until it answers (bounded)
#   test/services/spark.sh stop     stop it (bounded)
#   test/services/spark.sh status   exit 0 when the server is running and its port answers
#   test/services/spark.sh url      print sc://127.0.0.1:15002
#   test/services/spark.sh logs     print the last lines of the server's log
#   test/services/spark.sh python   install pyspark (once) and print the venv's python, for PySpark
#                                   programs of our own (bench/peers runs Structured Streaming so)
#   test/services/spark.sh packages print the --packages list (Kafka, Delta, JDBC connectors)
#
# What runs: Spark Connect's server class through `spark-submit` from the pinned pyspark wheel
# (what `start-connect-server.sh` does; the wheel ships no sbin/), Spark's own jars, Java 17,
# with Spark's Kafka source/sink, Delta Lake and the PostgreSQL JDBC driver added by `--packages`.
# Spark 4.2.0 because it is the newest Spark with a Kafka connector and a Delta Lake release on
# Maven Central (spark-sql-kafka 4.2.0, delta-spark 4.4.0 is built against Spark 4.2.0).
#
# Environment:
#   PIPEKIT_CACHE          cache root (default $HOME/.cache/pipekit)
#   SPARK_CONNECT_PORT     gRPC port (default 15002)
#   SPARK_MASTER           master URL (default local[2])
#   SPARK_DRIVER_MEMORY    driver heap (default 2g)
#   SPARK_START_TIMEOUT    seconds to wait for the port (default 240; the first start downloads)
set -euo pipefail

PYSPARK_VERSION=4.2.0
DELTA_VERSION=4.4.0
POSTGRES_JDBC_VERSION=42.7.14
PACKAGES="org.apache.spark:spark-sql-kafka-0-10_2.13:${PYSPARK_VERSION},io.delta:delta-spark_2.13:${DELTA_VERSION},org.postgresql:postgresql:${POSTGRES_JDBC_VERSION}"

CACHE="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
PORT="${SPARK_CONNECT_PORT:-15002}"
MASTER="${SPARK_MASTER:-local[2]}"
DRIVER_MEMORY="${SPARK_DRIVER_MEMORY:-2g}"
START_TIMEOUT="${SPARK_START_TIMEOUT:-240}"
STOP_TIMEOUT=30
VENV="$CACHE/venv-spark-$PYSPARK_VERSION"
RUN_DIR="$CACHE/spark-connect/$PORT"
PID_FILE="$RUN_DIR/server.pid"
LOG_FILE="$RUN_DIR/server.log"

log() { echo "spark.sh: $*" >&2; }
die() { log "$*"; exit 1; }

spark_home() { echo "$VENV/lib/python3.11/site-packages/pyspark"; }

ensure_pyspark() {
  if [[ -x "$VENV/bin/python" ]] &&
    [[ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("pyspark"))' 2>/dev/null)" == "$PYSPARK_VERSION" ]]; then
    return
  fi
  command -v python3 >/dev/null || die "python3 is needed to install pyspark"
  command -v java >/dev/null || die "Java 17+ is needed to run Spark (apt-get install openjdk-17-jre-headless)"
  log "installing pyspark==$PYSPARK_VERSION into $VENV (about 450 MB, once)"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pyspark==$PYSPARK_VERSION"
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

cmd_status() {
  running_pid >/dev/null && port_answers
}

cmd_start() {
  if cmd_status; then return 0; fi
  ensure_pyspark
  mkdir -p "$RUN_DIR" "$CACHE/ivy"
  local home
  home="$(spark_home)"
  log "starting Spark Connect $PYSPARK_VERSION on 127.0.0.1:$PORT ($MASTER)"
  # The server runs in the foreground of a background subshell (SPARK_NO_DAEMONIZE), so its pid is
  # ours to stop and its output goes to one log file per port.
  (
    cd "$RUN_DIR"
    export SPARK_HOME="$home" SPARK_NO_DAEMONIZE=1 SPARK_LOG_DIR="$RUN_DIR" SPARK_PID_DIR="$RUN_DIR"
    export PYSPARK_PYTHON="$VENV/bin/python"
    exec "$home/bin/spark-submit" \
      --class org.apache.spark.sql.connect.service.SparkConnectServer \
      --name "pipekit Spark Connect" \
      --master "$MASTER" \
      --driver-memory "$DRIVER_MEMORY" \
      --packages "$PACKAGES" \
      --conf "spark.jars.ivy=$CACHE/ivy" \
      --conf "spark.connect.grpc.binding.address=127.0.0.1" \
      --conf "spark.connect.grpc.binding.port=$PORT" \
      --conf "spark.driver.host=127.0.0.1" \
      --conf "spark.driver.bindAddress=127.0.0.1" \
      --conf "spark.ui.enabled=false" \
      --conf "spark.sql.shuffle.partitions=4" \
      --conf "spark.sql.session.timeZone=UTC" \
      --conf "spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension" \
      --conf "spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog" \
      --conf "spark.sql.warehouse.dir=$RUN_DIR/warehouse" \
      --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$RUN_DIR" \
      --conf "spark.sql.streaming.stopTimeout=30000"
  ) >"$LOG_FILE" 2>&1 &
  echo $! >"$PID_FILE"
  local waited=0
  while ((waited < START_TIMEOUT)); do
    if port_answers; then
      log "Spark Connect answers on 127.0.0.1:$PORT after ${waited}s"
      return 0
    fi
    if ! running_pid >/dev/null; then
      log "the server exited during start; last lines of $LOG_FILE:"
      tail -n 30 "$LOG_FILE" >&2 || true
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "the server did not answer on 127.0.0.1:$PORT within ${START_TIMEOUT}s; last lines of $LOG_FILE:"
  tail -n 30 "$LOG_FILE" >&2 || true
  cmd_stop || true
  return 1
}

cmd_stop() {
  local pid
  pid="$(running_pid)" || { rm -f "$PID_FILE"; return 0; }
  # The subshell exec'd the launcher, which exec'd java: one process to stop.
  pkill -TERM -P "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < STOP_TIMEOUT)); do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "the server did not stop within ${STOP_TIMEOUT}s: killing it"
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) echo "sc://127.0.0.1:$PORT" ;;
  logs) tail -n "${2:-50}" "$LOG_FILE" ;;
  python) ensure_pyspark && echo "$VENV/bin/python" ;;
  packages) echo "$PACKAGES" ;;
  *)
    echo "usage: $0 start|stop|status|url|logs [N]|python|packages" >&2
    exit 2
    ;;
esac
