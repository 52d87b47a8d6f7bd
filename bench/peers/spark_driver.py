"""The Spark Structured Streaming engine of pipekit's peer benchmarks (bench/peers/).

A PySpark program on the pinned pyspark (test/services/spark.sh python), master local[2], with
Spark's Kafka source/sink and Delta Lake from Maven Central (spark.sh packages). One driver serves
every run of an invocation, so the JVM is warm after the warm-up round: it reads one JSON command
a line on stdin and answers one JSON line on stdout, {"seconds": ..., "processed": ...}: the time
from starting the streaming query (trigger availableNow) to its end, the output committed.

Environment: PEERS_SPARK_PACKAGES (the --packages list), PEERS_IVY (the Ivy cache), PEERS_WORK
(a scratch directory for checkpoints).
"""

import json
import os
import sys
import tempfile
import threading
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

SCHEMA = "id LONG, userId STRING, kind STRING, amount LONG, ts TIMESTAMP"

spark = (
    SparkSession.builder.master("local[2]")
    .appName("pipekit peers")
    .config("spark.jars.packages", os.environ["PEERS_SPARK_PACKAGES"])
    .config("spark.jars.ivy", os.environ["PEERS_IVY"])
    .config("spark.driver.memory", "2g")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    # Few shuffle partitions for two cores, as a Spark user sets for local[2] (the default 200
    # would cost Spark most of its time in task overhead).
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")


def events(c, limit=None):
    reader = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", c["bootstrap"])
        .option("subscribe", c["input"])
        .option("startingOffsets", "earliest")
    )
    if limit:
        reader = reader.option("maxOffsetsPerTrigger", str(limit))
    raw = reader.load()
    return raw.select(F.from_json(F.col("value").cast("string"), SCHEMA).alias("e")).select("e.*")


def kept(df):
    return df.where((F.col("kind") == "purchase") & (F.col("amount") > 100))


def to_kafka(df, c, checkpoint, mode="append"):
    return (
        df.writeStream.format("kafka")
        .option("kafka.bootstrap.servers", c["bootstrap"])
        .option("topic", c["output"])
        .option("checkpointLocation", checkpoint)
        .outputMode(mode)
        .trigger(availableNow=True)
    )


def w1(c, checkpoint):
    out = kept(events(c)).select(
        F.col("userId").alias("key"), F.to_json(F.struct("id", "userId", "amount")).alias("value")
    )
    return to_kafka(out, c, checkpoint)


def w2(c, checkpoint):
    agg = (
        events(c, c["batchRecords"])
        .withWatermark("ts", f"{c['delayMs']} milliseconds")
        .groupBy(F.window("ts", "1 minute"), "userId")
        .agg(
            F.count(F.lit(1)).alias("events"),
            F.sum("amount").alias("revenue"),
            F.max("amount").alias("biggest"),
        )
    )
    out = agg.select(
        F.col("userId").alias("key"),
        F.to_json(
            F.struct(
                F.col("window.start").alias("window_start"),
                F.col("window.end").alias("window_end"),
                "userId",
                "events",
                "revenue",
                "biggest",
            )
        ).alias("value"),
    )
    return to_kafka(out, c, checkpoint)


def w3(c, checkpoint):
    return (
        kept(events(c))
        .writeStream.format("delta")
        .option("checkpointLocation", checkpoint)
        .outputMode("append")
        .trigger(availableNow=True)
        .option("path", c["table"])
    )


# W4: the `windows` workload (bench/windows/workload.ts) on the rate-micro-batch source. Its row
# numbers become the same events as pipekit's generated ones: the same murmur3-finaliser hash
# (generate-values.ts), in 64-bit integers kept below 2^32 (a 32-bit multiply as two 16-bit halves,
# so nothing overflows under ANSI mode), one projection per step so no step is inlined twice.
M32 = 0xFFFFFFFF


def mix_int(x):
    """generate-values.ts's mix(), in Python, for the constants."""
    h = x & M32
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


def imul(col, c):
    return f"((({col} * {c & 0xFFFF}) + ((({col} * {c >> 16}) & 65535) * 65536)) & {M32})"


def mix_steps(src, dst):
    """Projections computing dst = mix(src), src a column in [0, 2^32)."""
    return [
        (f"{dst}_1", f"{src} ^ shiftright({src}, 16)"),
        (f"{dst}_2", imul(f"{dst}_1", 0x85EBCA6B)),
        (f"{dst}_3", f"{dst}_2 ^ shiftright({dst}_2, 13)"),
        (f"{dst}_4", imul(f"{dst}_3", 0xC2B2AE35)),
        (dst, f"{dst}_4 ^ shiftright({dst}_4, 16)"),
    ]


def w4_events(c):
    rows = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", str(c["batchRecords"]))
        .option("numPartitions", "2")
        .load()
    )
    seed, start, keys = 7, 1767225600000, 100000  # workload.ts: SEED, START, KEYS
    salt = [mix_int(0x27D4EB2F + (i + 1) * 0x165667B1) for i in range(3)]
    steps = [("x0", f"{seed} ^ value")]
    steps += mix_steps("x0", "x1")
    steps += [("x2", f"x1 ^ {0x9E3779B9}")]
    steps += mix_steps("x2", "h")  # rowHash(seed, row)
    for i, name in enumerate(["k", "a", "o"]):
        steps += [(f"{name}_in", f"h ^ {salt[i]}")]
        steps += mix_steps(f"{name}_in", f"{name}_u")
    steps += [("d_in", f"h ^ {salt[2] ^ 0x5BD1E995}")]
    steps += mix_steps("d_in", "d_u")
    df = rows
    for name, expr in steps:
        df = df.withColumn(name, F.expr(expr))
    two32 = 4294967296.0
    return df.select(
        F.concat(F.lit("user-"), F.floor(F.col("k_u") / two32 * keys).cast("string")).alias("userId"),
        F.floor(F.col("a_u") / two32 * 501).alias("amount"),
        F.timestamp_millis(
            F.lit(start)
            + F.col("value")
            - F.when(F.col("o_u") / two32 < 0.05, F.floor(F.col("d_u") / two32 * 60000)).otherwise(0)
        ).alias("ts"),
    )


def run_w4(c):
    """Runs until the batch holding the last of `records` rows is written; sums the emitted windows."""
    last_batch = -(-c["records"] // c["batchRecords"]) - 1
    windows = {}
    done = threading.Event()

    def summarize(df, batch_id):
        for r in df.groupBy(F.unix_millis("window_start").alias("start")).agg(
            F.count(F.lit(1)).alias("groups"),
            F.sum("events").alias("events"),
            F.sum("revenue").alias("revenue"),
            F.sum("biggest").alias("biggest"),
        ).collect():
            w = windows.setdefault(int(r["start"]), {"groups": 0, "events": 0, "revenue": 0, "biggest": 0})
            for k in w:
                w[k] += int(r[k])
        if batch_id >= last_batch:
            done.set()

    agg = (
        w4_events(c)
        .withWatermark("ts", f"{c['delayMs']} milliseconds")
        .groupBy(F.window("ts", "1 minute"), "userId")
        .agg(
            F.count(F.lit(1)).alias("events"),
            F.sum("amount").alias("revenue"),
            F.max("amount").alias("biggest"),
        )
        .select(F.col("window.start").alias("window_start"), "events", "revenue", "biggest")
    )
    checkpoint = tempfile.mkdtemp(prefix="checkpoint-", dir=os.environ["PEERS_WORK"])
    started = time.perf_counter()
    query = (
        agg.writeStream.outputMode("append")
        .option("checkpointLocation", checkpoint)
        .foreachBatch(summarize)
        .start()
    )
    while not done.wait(0.1):
        if not query.isActive:
            raise RuntimeError(str(query.exception()))
    seconds = time.perf_counter() - started
    query.stop()
    return {
        "seconds": seconds,
        "processed": (last_batch + 1) * c["batchRecords"],
        "windows": [{"start": s, **w} for s, w in sorted(windows.items())],
    }


def run(c):
    if c["workload"] == "w4":
        return run_w4(c)
    checkpoint = tempfile.mkdtemp(prefix="checkpoint-", dir=os.environ["PEERS_WORK"])
    writer = {"w1": w1, "w2": w2, "w3": w3}[c["workload"]](c, checkpoint)
    started = time.perf_counter()
    query = writer.start()
    query.awaitTermination()
    seconds = time.perf_counter() - started
    if query.exception() is not None:
        raise RuntimeError(str(query.exception()))
    processed = sum(p["numInputRows"] for p in query.recentProgress)
    return {"seconds": seconds, "processed": processed}


for line in sys.stdin:
    if not line.strip():
        continue
    try:
        answer = run(json.loads(line))
    except Exception as e:  # the harness reports it and stops
        answer = {"error": repr(e)}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
