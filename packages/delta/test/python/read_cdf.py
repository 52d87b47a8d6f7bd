"""Independent change-data-feed reader: `read_cdf.py TABLE_PATH STARTING_VERSION`.

Prints [{id, _change_type, _commit_version}] as read by the `deltalake` package.
"""
import json
import sys

import pyarrow as pa
from deltalake import DeltaTable


def main():
    dt = DeltaTable(sys.argv[1])
    changes = pa.table(dt.load_cdf(starting_version=int(sys.argv[2])))
    rows = changes.select(["id", "_change_type", "_commit_version"]).to_pylist()
    json.dump(rows, sys.stdout)


if __name__ == "__main__":
    main()
