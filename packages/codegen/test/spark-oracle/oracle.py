#!/usr/bin/env python3
"""The Spark-parity oracle of pipe-codegen: runs legacy configs on real Spark.

Usage:  python3 packages/codegen/test/spark-oracle/oracle.py [case ...]
        (npm run oracle:regenerate -w @pipekit/codegen)

Each case is a legacy config in test/fixtures/spark-oracle/configs/<case>.json and its input in
inputs/<case>.json beside it (see README.md). This runner reads the config the way
the legacy Spark apps did, from the dialect descriptions in test/fixtures/legacy/README.md, never
through the converter: Spark SQL conditions go to `filter` as they are, aggregations to `agg`,
windows to `window(...)`. It writes what each micro-batch handed to the sink to
expected/<case>.json there. The tests (spark-oracle.test.ts) run the converted pipeline on the local runtime on the same input
and compare; they need no Spark.

Bootstrap (venv with pyspark 4.3.0) is test/spark-parity/generate.py's.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
sys.path.insert(0, str(REPO / "test" / "spark-parity"))
import generate as parity  # noqa: E402  (the venv bootstrap and the file-batch helpers)

DATA = HERE.parent / "fixtures" / "spark-oracle"
CONFIGS, INPUTS, EXPECTED = DATA / "configs", DATA / "inputs", DATA / "expected"

# Spark type names of the ETL dialect's schema fields, as DDL.
DDL_TYPES = {"string", "integer", "int", "long", "bigint", "double", "float", "boolean",
             "timestamp", "date"}


def ddl(fields):
    parts = []
    for f in fields:
        t = f["type"].lower()
        if t not in DDL_TYPES and not t.startswith("decimal("):
            raise ValueError(f"field {f['name']}: type {t!r} is not in the dialect")
        parts.append(f"`{f['name']}` {t.upper()}")
    return ", ".join(parts)


def file_format(path, fmt):
    """The format key, else the path's extension; Spark's json reader reads JSON lines."""
    name = (fmt or Path(path.rstrip("/")).suffix.lstrip(".") or "").lower()
    if name in ("json", "jsonl", "ndjson"):
        return "json"
    if name in ("csv", "parquet"):
        return name
    raise ValueError(f"cannot tell the format of {path!r}")


def read_stream(spark, in_dir, fmt, fields):
    """A file stream, one input file per micro-batch (the oracle's fixed batching)."""
    reader = spark.readStream.option("maxFilesPerTrigger", 1)
    if fields:
        reader = reader.schema(ddl(fields))
    return reader.format(fmt).load(str(in_dir))


def split_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [x.strip() for x in v.split(",") if x.strip()]


def etl_aggregate(F, part, columns):
    """`name:fn`: fn of column `name`, named `name`; `count` of a name that is no column is count(*)."""
    name, fn = [x.strip() for x in part.split(":")]
    fn = fn.lower()
    if fn == "count":
        expr = F.count(F.col(name)) if name in columns else F.count(F.lit(1))
    elif fn in ("sum", "avg", "min", "max"):
        expr = getattr(F, fn)(F.col(name))
    else:
        raise ValueError(f"the oracle does not run {fn!r} (first/last depend on row order)")
    return expr.alias(name)


def etl_job(spark, F, cfg, in_dir):
    """The ETL framework app: extract → watermark → transforms → validation → load."""
    ex = cfg["extract"]
    if ex["sourceType"] != "s3":
        raise ValueError("the oracle reads files only (extract.sourceType s3)")
    sc = cfg.get("streamingConfigJson") or {}
    fields = (ex.get("schema") or {}).get("fields")
    df = read_stream(spark, in_dir, file_format(ex["path"], ex.get("format")), fields)
    wm = sc.get("watermark")
    if wm:
        delay = wm["delayThreshold"]
        df = df.withWatermark(wm["eventTimeColumn"],
                              f"{delay} milliseconds" if isinstance(delay, (int, float)) else delay)
    for t in cfg.get("transforms", []):
        p = t.get("parameters", {})
        if t["transformType"] == "filter":
            df = df.filter(p["condition"])
            continue
        keys = split_list(p.get("groupByColumns"))
        group = []
        if p.get("windowColumn"):
            args = [p["windowColumn"], p["windowDuration"]]
            if p.get("slideDuration"):
                args.append(p["slideDuration"])
            group.append(F.window(*args).alias("window"))
        aggs = [etl_aggregate(F, part, df.columns) for part in split_list(p["aggregations"])]
        df = df.groupBy(*group, *keys).agg(*aggs)
        if group:
            rest = [c for c in df.columns if c != "window"]
            df = df.select(F.col("window.start").alias("window_start"),
                           F.col("window.end").alias("window_end"), *rest)
    v = cfg.get("validation")
    if v and v.get("enabled", True) and v.get("onFailure", "abort") == "continue":
        for rule in v["rules"]:
            for c in rule["columns"]:
                if rule["ruleType"] == "NotNull":
                    df = df.filter(F.col(c).isNotNull())
                else:
                    params = rule.get("parameters", {})
                    if "min" in params:
                        df = df.filter(F.col(c) >= params["min"])
                    if "max" in params:
                        df = df.filter(F.col(c) <= params["max"])
    return df, sc.get("outputMode", "append")


def steps_job(spark, F, cfg, in_dir):
    """The step-list app: each step reads the previous one's DataFrame; one load."""
    df, mode = None, "append"
    for st in cfg["steps"]:
        c = st.get("config", {})
        kind = f"{st['type']}.{st['method']}"
        if kind == "extract.fromS3":
            df = read_stream(spark, in_dir, file_format(c["path"], c.get("format")), None)
        elif kind == "transform.filterRows":
            df = df.filter(c["condition"])
        elif kind == "transform.aggregateData":
            aggs = [F.expr(text).alias(name) for name, text in c["aggregations"].items()]
            df = df.groupBy(*c["groupBy"]).agg(*aggs)
        elif st["type"] == "load":
            mode = c.get("outputMode", "append")
        else:
            raise ValueError(f"the oracle does not run {kind}")
    return df, mode


def iso_times(F, df):
    """Timestamps as the fixtures hold them: UTC ISO-8601 with milliseconds."""
    cols = []
    for name, t in df.dtypes:
        if t == "timestamp":
            cols.append(F.date_format(F.col(name), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").alias(name))
        else:
            cols.append(F.col(name))
    return df.select(*cols)


def row_key(row):
    return json.dumps([[k, row[k]] for k in sorted(row)], sort_keys=True, default=str)


def run_case(spark, name, work):
    from pyspark.sql import functions as F

    cfg = json.loads((CONFIGS / f"{name}.json").read_text())
    case = json.loads((INPUTS / f"{name}.json").read_text())
    in_dir = work / "in"
    in_dir.mkdir()
    parity.write_batches(in_dir, case["batches"])
    job = steps_job if "steps" in cfg else etl_job
    df, mode = job(spark, F, cfg, in_dir)
    df = iso_times(F, df)
    emitted = {}

    def collect(batch, batch_id):
        emitted[batch_id] = sorted((r.asDict() for r in batch.collect()), key=row_key)

    try:
        query = (df.writeStream.outputMode(mode).foreachBatch(collect)
                 .option("checkpointLocation", str(work / "checkpoint"))
                 .trigger(availableNow=True).start())
        query.awaitTermination()
    except Exception as exc:  # Spark refuses some plans in start(): the converter must refuse them too
        return {"outputMode": mode, "rejected": parity.first_line(exc)}
    batches = []
    for p in sorted(query.recentProgress, key=lambda p: p.batchId):
        src = p.sources[0]
        start, end = parity.log_offset(src.startOffset), parity.log_offset(src.endOffset)
        batches.append({
            "batchId": p.batchId,
            "input": end if end != start else None,
            "numInputRows": p.numInputRows,
            "watermark": p.eventTime.get("watermark"),
            "rows": emitted.get(p.batchId, []),
        })
    inputs = [b["input"] for b in batches if b["input"] is not None]
    if inputs != list(range(len(case["batches"]))):
        raise RuntimeError(f"{name}: files read per batch {inputs}")
    return {"outputMode": mode, "batches": batches}


def main():
    parity.ensure_venv_and_reexec(__file__)
    from pyspark.sql import SparkSession

    wanted = set(sys.argv[1:])
    names = sorted(p.stem for p in CONFIGS.glob("*.json") if not wanted or p.stem in wanted)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("pipekit-codegen-oracle")
        .config("spark.driver.memory", "1g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.streaming.numRecentProgressUpdates", "1000")
        # A file stream without a declared schema: Spark infers one from the files, as the
        # legacy apps' sessions were configured to.
        .config("spark.sql.streaming.schemaInference", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    EXPECTED.mkdir(exist_ok=True)
    for name in names:
        t0 = time.time()
        with tempfile.TemporaryDirectory(prefix="codegen-oracle-") as tmp:
            outcome = run_case(spark, name, Path(tmp))
        fixture = {"case": name, "spark": spark.version, **outcome}
        (EXPECTED / f"{name}.json").write_text(json.dumps(fixture, indent=2) + "\n")
        summary = outcome.get("rejected") or f"{len(outcome['batches'])} batches"
        print(f"{name}: {summary} ({time.time() - t0:.1f}s)", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
