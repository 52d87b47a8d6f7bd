"""Independent writer: create a Delta table with `write_deltalake` for our reader to read.

Usage: write_table.py TABLE_PATH
Writes version 0 (create, partitioned by `country`) and version 1 (append), then prints the
rows it wrote and the schema the table reports, as JSON.
"""
import datetime
import decimal
import json
import os
import sys

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

SCHEMA = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("small", pa.int32()),
        pa.field("ok", pa.bool_()),
        pa.field("day", pa.date32()),
        pa.field("ts", pa.timestamp("us", tz="UTC")),
        pa.field("price", pa.decimal128(10, 3)),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("country", pa.string()),
    ]
)

UTC = datetime.timezone.utc


def batch(rows):
    return pa.Table.from_pylist(rows, schema=SCHEMA)


FIRST = [
    {
        "id": 1,
        "name": "ada",
        "score": 1.25,
        "small": 7,
        "ok": True,
        "day": datetime.date(2024, 1, 2),
        "ts": datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        "price": decimal.Decimal("12.345"),
        "tags": ["x", "y"],
        "country": "FR",
    },
    {
        "id": 2,
        "name": None,
        "score": None,
        "small": None,
        "ok": None,
        "day": None,
        "ts": None,
        "price": None,
        "tags": None,
        "country": "DE",
    },
]
SECOND = [
    {
        "id": 3,
        "name": "grace",
        "score": -2.5,
        "small": -1,
        "ok": False,
        "day": datetime.date(1999, 12, 31),
        "ts": datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        "price": decimal.Decimal("-0.001"),
        "tags": [],
        "country": "FR",
    }
]


def main():
    path = sys.argv[1]
    write_deltalake(path, batch(FIRST), partition_by=["country"], mode="error")
    write_deltalake(path, batch(SECOND), mode="append")
    dt = DeltaTable(path)
    rows = []
    for r in FIRST + SECOND:
        rows.append(
            {
                k: (
                    v.isoformat()
                    if isinstance(v, (datetime.date, datetime.datetime))
                    else str(v)
                    if isinstance(v, decimal.Decimal)
                    else v
                )
                for k, v in r.items()
            }
        )
    json.dump(
        {
            "version": dt.version(),
            "schema": json.loads(dt.schema().to_json()),
            "partition_columns": dt.metadata().partition_columns,
            "rows": rows,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
    # The deltalake/pyarrow native runtimes sometimes abort while the interpreter tears down
    # ("terminate called without an active exception") after all output is written; leave
    # without teardown so a finished run never reports a crash.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
