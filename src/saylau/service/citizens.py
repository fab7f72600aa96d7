"""The national voter register loaded into the database from its Parquet file.

The whole register is replaced in one transaction, so a reader sees the old register or
the new one, never half of each. PostgreSQL gets ``COPY``; other databases ``executemany``
in chunks. The file is checked before anything changes: every IIN valid, none twice, every
column present (an error names the field and the rule).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import delete, insert

from saylau.model import BadInput
from saylau.register.iin_columns import check_column
from saylau.register.signatures import register_file
from saylau.service.context import Context
from saylau.store.tables import CitizenRow

COLUMNS = (
    "iin",
    "name_kk",
    "name_ru",
    "name_en",
    "birth_date",
    "sex",
    "region",
    "district",
    "precinct",
    "exclusion",
    "excluded_since",
    "excluded_until",
)
CHUNK = 50_000


def _check(path: Path) -> int:
    """The number of citizens; BadInput on the first invalid or repeated IIN."""
    schema = pq.read_schema(path)
    for name in COLUMNS:
        if name not in schema.names:
            raise BadInput(f"register.{name}", "is a required column of the register")
    file = pq.ParquetFile(path)
    row = 0
    for batch in file.iter_batches(batch_size=1_000_000, columns=["iin"]):
        column = check_column(batch.column(0))
        if not column.valid.all():
            first = int((~column.valid).nonzero()[0][0])
            rule = column.rule(first)
            assert rule is not None
            found = batch.column(0)[first].as_py()
            raise BadInput(
                f"register[{row + first}].iin", f"must be a valid IIN ({rule.value})", found
            )
        row += batch.num_rows
    with duckdb.connect() as con:
        repeated = con.sql(
            "SELECT iin FROM read_parquet($path) GROUP BY iin HAVING count(*) > 1 LIMIT 1",
            params={"path": str(path)},
        ).fetchall()
    if repeated:
        raise BadInput("register.iin", "a citizen is on the register once", repeated[0][0])
    return row


def _plain(batch: pa.RecordBatch) -> list[list[Any]]:
    columns = []
    for name in COLUMNS:
        column = batch.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        columns.append(column.to_pylist())
    return [list(row) for row in zip(*columns, strict=True)]


def load_register(ctx: Context, register: str | Path) -> int:
    """Replace the database's register with the file's (a folder holding
    ``register.parquet``, or the file); the number of citizens loaded."""
    path = register_file(register)
    count = _check(path)
    file = pq.ParquetFile(path)
    with ctx.transaction() as session:
        session.execute(delete(CitizenRow))
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            driver = connection.connection.driver_connection
            assert driver is not None
            names = ", ".join(COLUMNS)
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY citizens ({names}) FROM STDIN") as copy,
            ):
                for batch in file.iter_batches(batch_size=CHUNK, columns=list(COLUMNS)):
                    for row in _plain(batch):
                        copy.write_row(row)
        else:
            for batch in file.iter_batches(batch_size=CHUNK, columns=list(COLUMNS)):
                rows = [dict(zip(COLUMNS, row, strict=True)) for row in _plain(batch)]
                session.execute(insert(CitizenRow), rows)
    return count
