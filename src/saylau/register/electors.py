"""Who may vote on a day, read from the register's Parquet file: the voters of each region,
and the list of one precinct.

A precinct's list is never stored apart from the register: it is the register's citizens
of that precinct who are of voting age on the day (full years, one born on 29 February
coming of age on 1 March) and not excluded that day (§11), so the list of any election is
derived from one source.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

#: The SQL condition that a register row (``birth_date``, ``exclusion``, ``excluded_since``,
#: ``excluded_until``) may vote on ``$day`` at ``$age``.
VOTER_ON_DAY = """
    (year($day) - year(birth_date)
     - CASE WHEN month($day) * 100 + day($day)
                 < month(birth_date) * 100 + day(birth_date) THEN 1 ELSE 0 END) >= $age
    AND NOT (exclusion IS NOT NULL AND excluded_since <= $day
             AND (excluded_until IS NULL OR $day <= excluded_until))
"""


def count_voters(
    con: duckdb.DuckDBPyConnection, register: Path, day: dt.date, age: int
) -> dict[str, int]:
    """The voters of each region on ``day``."""
    rows = con.sql(
        f"SELECT region::VARCHAR, count(*) FROM read_parquet($register) WHERE {VOTER_ON_DAY} "
        "GROUP BY ALL",
        params={"register": str(register), "day": day, "age": age},
    ).fetchall()
    return {str(region): int(count) for region, count in rows}


def precinct_list(register: Path, precinct: str, day: dt.date, age: int) -> pa.Table:
    """The list of voters of ``precinct`` on ``day`` (IIN, names, birth date), by IIN."""
    with duckdb.connect() as con:
        table: pa.Table = con.sql(
            "SELECT iin, name_kk::VARCHAR AS name_kk, name_ru::VARCHAR AS name_ru, "
            "name_en::VARCHAR AS name_en, birth_date FROM read_parquet($register) "
            f"WHERE precinct::VARCHAR = $precinct AND {VOTER_ON_DAY} ORDER BY iin",
            params={"register": str(register), "precinct": precinct, "day": day, "age": age},
        ).to_arrow_table()
    return table
