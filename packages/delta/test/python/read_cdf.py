"""Independent change-data-feed reader: `read_cdf.py TABLE_PATH STARTING_VERSION`.

Prints [{id, _change_type, _commit_version}] as read by the `deltalake` package.
"""
import json
import os
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
    # The deltalake/pyarrow native runtimes sometimes abort while the interpreter tears down
    # ("terminate called without an active exception") after all output is written; leave
    # without teardown so a finished run never reports a crash.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
