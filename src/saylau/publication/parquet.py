"""The table as Parquet: typed columns, and the JSON header as schema metadata."""

from __future__ import annotations

import json
from typing import Any

from saylau.publication.json import header
from saylau.publication.results import Results
from saylau.publication.table import columns, is_integer, rows


def write(results: Results) -> bytes:
    """The table of the CSV, typed (counts are nullable 64-bit integers), with the stamp and
    the names of the election, contest and options as schema metadata."""
    import pyarrow as pa  # loaded when a Parquet file is asked for, not by every process
    import pyarrow.parquet as pq

    names = columns(results.contest)
    fields = [pa.field(name, pa.int64() if is_integer(name) else pa.string()) for name in names]
    metadata: dict[bytes | str, bytes | str] = {
        name: str(value) for name, value in results.stamp.published().items()
    }
    metadata["saylau"] = json.dumps(header(results), ensure_ascii=False)
    schema = pa.schema(fields, metadata=metadata)
    by_column: list[list[Any]] = [[] for _ in names]
    for row in rows(results):
        for values, value in zip(by_column, row, strict=True):
            values.append(value)
    table = pa.Table.from_arrays(
        [
            pa.array(values, type=field.type)
            for values, field in zip(by_column, fields, strict=True)
        ],
        schema=schema,
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())
