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


def run(c):
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
