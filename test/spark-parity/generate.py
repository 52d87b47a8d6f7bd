#!/usr/bin/env python3
"""Regenerate test/spark-parity/fixtures/*.json by running every scenario on real Spark.

Usage:  python3 test/spark-parity/generate.py [scenario-name ...]
        (npm run spark-parity:regenerate)

The script bootstraps itself: it creates a venv at
${PIPEKIT_CACHE:-$HOME/.cache/pipekit}/venv-spark, installs the pinned pyspark
(its wheel ships the Spark jars; only a Java 17+ runtime is needed) and re-runs
itself with that venv's python. See README.md next to this file for what the
fixtures contain and what Spark was observed to do.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYSPARK_VERSION = "4.3.0"
HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
FIXTURES = HERE / "fixtures"
CACHE = Path(os.environ.get("PIPEKIT_CACHE") or Path.home() / ".cache" / "pipekit")
VENV = CACHE / "venv-spark"
VENV_PY = VENV / "bin" / "python"


# --- bootstrap ---------------------------------------------------------------


def installed_pyspark_version():
    probe = "import importlib.metadata as m; print(m.version('pyspark'))"
    res = subprocess.run([str(VENV_PY), "-c", probe], capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else None


def ensure_venv_and_reexec(script=None):
    """Run inside the venv; create it and install pyspark first when needed.

    `script` is the file to re-run there (another runner that reuses this bootstrap passes its
    own); by default this one.
    """
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not VENV_PY.exists():
        print(f"creating venv {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if installed_pyspark_version() != PYSPARK_VERSION:
        print(f"installing pyspark=={PYSPARK_VERSION} into {VENV}", file=sys.stderr)
        subprocess.run(
            [str(VENV_PY), "-m", "pip", "install", "--quiet", f"pyspark=={PYSPARK_VERSION}"],
            check=True,
        )
    target = Path(script or __file__).resolve()
    os.execv(str(VENV_PY), [str(VENV_PY), str(target), *sys.argv[1:]])


# --- scenario -> streaming query ----------------------------------------------


def agg_column(F, spec):
    fn, col, name = spec["fn"], spec.get("column"), spec["name"]
    if fn == "count":  # count(*) = rows; with a column: non-null values of it
        expr = F.count(F.col(col)) if col else F.count(F.lit(1))
    elif fn == "countDistinct":
        expr = F.count_distinct(F.col(col))
    elif fn in ("sum", "avg", "min", "max"):
        expr = getattr(F, fn)(F.col(col))
    elif fn in ("first", "last"):
        expr = getattr(F, fn)(F.col(col), ignorenulls=False)
    else:
        raise ValueError(f"unknown aggregate fn {fn!r}")
    return expr.alias(name)


def window_column(F, window):
    if window["type"] == "tumbling":
        return F.window("ts", window["size"]).alias("window")
    if window["type"] == "sliding":
        return F.window("ts", window["size"], window["slide"]).alias("window")
    if window["type"] == "session":
        return F.session_window("ts", window["gap"]).alias("window")
    raise ValueError(f"unknown window type {window['type']!r}")


def write_batches(in_dir, batches):
    """One JSON-lines file per scenario batch, mtimes strictly increasing.

    The file source orders new files by modification time, so the mtimes (not
    the names) fix the order; the names only make the directory readable.
    """
    base = time.time() - len(batches) - 10
    for i, rows in enumerate(batches):
        path = in_dir / f"{i:03d}.json"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        os.utime(path, (base + i, base + i))


def iso(F, c):
    return F.date_format(c, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")


def first_line(exc):
    text = getattr(exc, "desc", None) or str(exc)
    return text.strip().splitlines()[0].strip()


def run_scenario(spark, scenario, work):
    from pyspark.sql import functions as F

    in_dir, ckpt = work / "in", work / "checkpoint"
    in_dir.mkdir()
    write_batches(in_dir, scenario["batches"])

    stream = (
        spark.readStream.schema("key STRING, value BIGINT, ts TIMESTAMP")
        .option("maxFilesPerTrigger", 1)
        .json(str(in_dir))
    )
    if scenario.get("watermark"):
        stream = stream.withWatermark("ts", scenario["watermark"])
    keys = scenario.get("keys", [])
    aggs = [agg_column(F, a) for a in scenario["aggregates"]]
    result = stream.groupBy(window_column(F, scenario["window"]), *keys).agg(*aggs)
    out_cols = [iso(F, F.col("window.start")).alias("window_start"),
                iso(F, F.col("window.end")).alias("window_end"),
                *keys, *[a["name"] for a in scenario["aggregates"]]]

    emitted = {}  # batchId -> rows given to foreachBatch

    def collect(df, batch_id):
        emitted[batch_id] = [r.asDict() for r in df.select(*out_cols).collect()]

    try:
        query = (
            result.writeStream.outputMode(scenario["outputMode"])
            .foreachBatch(collect)
            .option("checkpointLocation", str(ckpt))
            .trigger(availableNow=True)
            .start()
        )
        query.awaitTermination()
    except Exception as exc:  # analysis errors surface here, at start()
        return {"rejected": first_line(exc)}
    batches = batches_from_progress(query.recentProgress, emitted, keys)
    check_one_batch_per_file(scenario, batches)
    return {"batches": batches}


def check_one_batch_per_file(scenario, batches):
    """Fail loudly unless Spark read exactly one input file per micro-batch, in order."""
    inputs = [b["input"] for b in batches if b["input"] is not None]
    expected = list(range(len(scenario["batches"])))
    if inputs != expected:
        raise RuntimeError(f"{scenario['name']}: files read per batch {inputs}, expected {expected}")
    for b in batches:
        rows = scenario["batches"][b["input"]] if b["input"] is not None else []
        if b["numInputRows"] != len(rows):
            raise RuntimeError(f"{scenario['name']}: batch {b['batchId']} read "
                               f"{b['numInputRows']} rows, scenario batch has {len(rows)}")
        event_max = b.pop("_eventTimeMax")
        if rows and event_max is not None and event_max != max_ts(rows):
            raise RuntimeError(f"{scenario['name']}: batch {b['batchId']} max event time "
                               f"{event_max}, scenario batch has {max_ts(rows)}")


def max_ts(rows):
    from datetime import datetime, timezone
    latest = max(datetime.fromisoformat(r["ts"].replace("Z", "+00:00")) for r in rows)
    return latest.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def sort_key(keys):
    def key(row):
        parts = [row["window_start"], row["window_end"]]
        for k in keys:
            parts.append((row[k] is not None, row[k] if row[k] is not None else ""))
        return parts
    return key


def log_offset(offset_json):
    """FileStreamSource offsets are {"logOffset": n} (n = files read so far - 1), or null."""
    parsed = json.loads(offset_json) if offset_json else None
    return parsed["logOffset"] if parsed else -1


def batches_from_progress(progress, emitted, keys):
    """Every batch Spark ran (from query progress), with the rows its sink got."""
    out = []
    for p in sorted(progress, key=lambda p: p.batchId):
        src = p.sources[0]
        start, end = log_offset(src.startOffset), log_offset(src.endOffset)
        rows = sorted(emitted.get(p.batchId, []), key=sort_key(keys))
        out.append({
            "batchId": p.batchId,
            # index of the scenario batch (input file) this micro-batch read; null = no-data batch
            "input": end if end != start else None,
            "numInputRows": p.numInputRows,
            "watermark": p.eventTime.get("watermark"),
            "sinkCalled": p.batchId in emitted,
            # Spark's state-operator counters: rows kept in state after the batch, and
            # rows the operator dropped as late (aggregated per group/window, not input rows)
            "stateRows": sum(op.numRowsTotal for op in p.stateOperators),
            "droppedByWatermark": sum(op.numRowsDroppedByWatermark for op in p.stateOperators),
            "rows": rows,
            "_eventTimeMax": p.eventTime.get("max"),  # checked, then dropped
        })
    missing = set(emitted) - {b["batchId"] for b in out}
    if missing:
        raise RuntimeError(f"foreachBatch saw batches without progress: {sorted(missing)}")
    return out


# --- main -------------------------------------------------------------------------


def main():
    ensure_venv_and_reexec()
    from pyspark.sql import SparkSession

    wanted = set(sys.argv[1:])
    paths = sorted(p for p in SCENARIOS.glob("*.json") if not wanted or p.stem in wanted)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("pipekit-spark-parity")
        .config("spark.driver.memory", "1g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.streaming.numRecentProgressUpdates", "1000")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    FIXTURES.mkdir(exist_ok=True)
    if not wanted:  # a full run also removes fixtures whose scenario is gone
        for stale in set(FIXTURES.glob("*.json")) - {FIXTURES / p.name for p in paths}:
            stale.unlink()
    started = time.time()
    for path in paths:
        scenario = json.loads(path.read_text())
        if scenario["name"] != path.stem:
            raise ValueError(f"{path.name}: name {scenario['name']!r} must match the file name")
        t0 = time.time()
        with tempfile.TemporaryDirectory(prefix="spark-parity-") as tmp:
            outcome = run_scenario(spark, scenario, Path(tmp))
        fixture = {"scenario": scenario["name"], "spark": spark.version, **outcome}
        (FIXTURES / path.name).write_text(json.dumps(fixture, indent=2) + "\n")
        summary = outcome.get("rejected") or f"{len(outcome['batches'])} batches"
        print(f"{scenario['name']}: {summary} ({time.time() - t0:.1f}s)", file=sys.stderr)
    print(f"{len(paths)} scenarios in {time.time() - started:.1f}s", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
