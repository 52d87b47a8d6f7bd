"""The Python side of `npm run bench -- delta` (bench/delta.bench.ts).

Usage:
  bench_write.py write TABLE_PATH ROWS BATCH_SIZE
      Builds the benchmark rows (the same formulas as makeRows in bench/delta.bench.ts), creates
      the table, then appends them with `write_deltalake(mode="append")` BATCH_SIZE rows at a
      time. Only the appends are timed. Prints {"seconds": [per append], "rows": ROWS,
      "deltalake": version}.
  bench_write.py verify PATH...
      Reads each table back and prints, per table, its version, row count, number of data files,
      row groups, compression codecs and log checkpoints; and whether all the tables hold the
      same rows (compared sorted by id, values and types).
  bench_write.py verify-s3 URL...
      The same for tables on the S3 server of PIPEKIT_BENCH_S3_* (version, rows, files, same
      rows; no parquet-level details).

With PIPEKIT_BENCH_S3_ENDPOINT set, `write` takes an s3:// URL and writes through delta-rs's S3
store with the storage options below (conditional-put commits, as pipekit's addon).
"""
import datetime
import decimal
import glob
import json
import os
import sys
import time

import deltalake
import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

SCHEMA = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("key", pa.string(), nullable=False),
        pa.field("note", pa.string(), nullable=False),
        pa.field("amount", pa.float64(), nullable=False),
        pa.field("qty", pa.int32(), nullable=False),
        pa.field("paid", pa.bool_(), nullable=False),
        pa.field("created_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("day", pa.date32(), nullable=False),
        pa.field("price", pa.decimal128(10, 2), nullable=False),
        pa.field("comment", pa.string(), nullable=True),
    ]
)

BASE_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
BASE_DAY = 19_723  # 2024-01-01 in days since the epoch
EPOCH_DAY = datetime.date(1970, 1, 1)


def rows_table(start, count):
    """Rows start..start+count; must match makeRows in bench/delta.bench.ts value for value."""
    ids = range(start, start + count)
    return pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "key": pa.array([f"user-{i % 50_000}" for i in ids], pa.string()),
            "note": pa.array(
                [f"row-{(i * 2654435761) & 0xFFFFFFFF:08x}-{i % 10_000_000:07d}" for i in ids],
                pa.string(),
            ),
            "amount": pa.array([(i % 1_000_003) * 0.37 for i in ids], pa.float64()),
            "qty": pa.array([i % 2000 - 1000 for i in ids], pa.int32()),
            "paid": pa.array([i % 3 == 0 for i in ids], pa.bool_()),
            "created_at": pa.array(
                [(BASE_MS + i * 1000 + i % 1000) * 1000 for i in ids], pa.int64()
            ).cast(pa.timestamp("us", tz="UTC")),
            "day": pa.array(
                [EPOCH_DAY + datetime.timedelta(days=BASE_DAY + i % 3650) for i in ids],
                pa.date32(),
            ),
            "price": pa.array(
                [decimal.Decimal(i % 10_000_000).scaleb(-2) for i in ids], pa.decimal128(10, 2)
            ),
            "comment": pa.array([None if i % 5 == 0 else f"c{i % 777}" for i in ids], pa.string()),
        },
        schema=SCHEMA,
    )


def storage_options():
    """delta-rs options for the bench's S3 server, or None for local tables."""
    endpoint = os.environ.get("PIPEKIT_BENCH_S3_ENDPOINT")
    if not endpoint:
        return None
    return {
        "aws_endpoint": endpoint,
        "aws_region": "us-east-1",
        "aws_access_key_id": os.environ["PIPEKIT_BENCH_S3_ACCESS_KEY"],
        "aws_secret_access_key": os.environ["PIPEKIT_BENCH_S3_SECRET_KEY"],
        "aws_allow_http": "true",
        "aws_conditional_put": "etag",
    }


def write(path, rows, batch_size):
    data = rows_table(0, rows)
    options = storage_options()
    DeltaTable.create(path, schema=SCHEMA, mode="error", storage_options=options)
    seconds = []
    for start in range(0, rows, batch_size):
        batch = data.slice(start, min(batch_size, rows - start))
        t = time.perf_counter()
        write_deltalake(path, batch, mode="append", storage_options=options)
        seconds.append(time.perf_counter() - t)
    return {"seconds": seconds, "rows": rows, "deltalake": deltalake.__version__}


def describe(path):
    dt = DeltaTable(path)
    actions = pa.table(dt.get_add_actions(flatten=True)).to_pylist()
    files = [os.path.join(path, a["path"]) for a in actions]
    codecs, row_groups = set(), 0
    for f in files:
        meta = pq.ParquetFile(f).metadata
        row_groups += meta.num_row_groups
        for g in range(meta.num_row_groups):
            for c in range(meta.num_columns):
                codecs.add(meta.row_group(g).column(c).compression)
    table = pa.table(dt.to_pyarrow_table()).sort_by("id")
    return {
        "path": path,
        "version": dt.version(),
        "rows": table.num_rows,
        "files": len(files),
        "rowGroups": row_groups,
        "bytes": sum(os.path.getsize(f) for f in files),
        "codecs": sorted(codecs),
        "logCheckpoints": len(glob.glob(os.path.join(path, "_delta_log", "*.checkpoint.parquet"))),
    }, table


def verify(paths):
    described = [describe(p) for p in paths]
    first = described[0][1]
    same = all(t.equals(first) for _, t in described[1:])
    return {"tables": [d for d, _ in described], "sameRows": same}


def verify_s3(urls):
    options = storage_options()
    tables = []
    for url in urls:
        dt = DeltaTable(url, storage_options=options)
        files = len(pa.table(dt.get_add_actions(flatten=True)))
        tables.append((url, dt.version(), files, pa.table(dt.to_pyarrow_table()).sort_by("id")))
    first = tables[0][3]
    return {
        "tables": [
            {"path": u, "version": v, "rows": t.num_rows, "files": f} for u, v, f, t in tables
        ],
        "sameRows": all(t.equals(first) for *_, t in tables[1:]),
    }


def main():
    mode = sys.argv[1]
    if mode == "write":
        out = write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "verify":
        out = verify(sys.argv[2:])
    elif mode == "verify-s3":
        out = verify_s3(sys.argv[2:])
    else:
        raise SystemExit(f"unknown mode {mode!r}: write, verify or verify-s3")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
    # See read_table.py: skip interpreter teardown, which sometimes aborts in native runtimes.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
