"""Every column of every table export is a name SQL reads without quotes: DuckDB selects
each one unquoted from the CSV, the Parquet file and the JSON document as published, and an
option's column is lower snake case ASCII whatever its id (hyphens, Cyrillic, spaces)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from saylau import publication
from saylau.election import ContestDef, OptionDef
from saylau.publication.table import SQL_NAME, columns, option_columns
from saylau.service import exports
from saylau.service.certification import certify
from tests.databases import imported, principals
from tests.open_data import ELECTION, ELECTION_DEF, LIST, counting_night
from tests.test_publication_golden import STAMP

GENERATED_AT = dt.datetime(2023, 3, 20, 6, 0, tzinfo=dt.UTC)


def sql(query: str) -> duckdb.DuckDBPyRelation:
    """A query's result; every query here returns rows."""
    found = duckdb.sql(query)
    assert found is not None, query
    return found


def contest_with(option_ids: list[str]) -> ContestDef:
    base = ELECTION_DEF.contest(LIST)
    options = tuple(OptionDef(o, base.options[0].names, None) for o in option_ids)
    return dataclasses.replace(base, options=options)


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=12, unique=True))
def test_every_option_column_is_a_plain_sql_name(option_ids: list[str]) -> None:
    found = option_columns(contest_with(option_ids))
    assert list(found) == option_ids
    assert len(set(found.values())) == len(option_ids), found
    for column in found.values():
        assert SQL_NAME.match(column), column


def test_option_ids_are_written_in_snake_case() -> None:
    found = option_columns(contest_with(["ak-zhol", "Peoples Party", "Ақ жол", "ak_zhol", "nur"]))
    assert found == {
        "ak-zhol": "votes_ak_zhol",
        "Peoples Party": "votes_peoples_party",
        "Ақ жол": "votes_option_3",  # no ASCII form: its place on the ballot
        "ak_zhol": "votes_option_4",  # would meet 'ak-zhol'
        "nur": "votes_nur",
    }


def test_duckdb_reads_every_export_column_unquoted(tmp_path: Path) -> None:
    with imported("sqlite", tmp_path, ELECTION_DEF) as ctx:
        who = principals(ctx, ELECTION)
        counting_night(ctx, who)
        certify(ctx, who["KZ"], "smd-1")
        for contest in ELECTION_DEF.contests:
            for level in publication.LEVELS:
                read = exports.read(ctx, ELECTION, contest.id, level)
                read = dataclasses.replace(
                    read,
                    stamp=dataclasses.replace(STAMP, status=read.stamp.status),
                    generated_at=GENERATED_AT,
                )
                names = columns(contest)
                assert all(SQL_NAME.match(name) for name in names), names
                listed = ", ".join(names)  # unquoted, every one
                for fmt, reader in (("csv", "read_csv"), ("parquet", "read_parquet")):
                    path = tmp_path / f"{contest.id}-{level}.{fmt}"
                    path.write_bytes(publication.write(read, fmt))
                    table = sql(f"SELECT {listed} FROM {reader}('{path}')")
                    assert table.columns == names, (fmt, table.columns)
                    assert len(table.fetchall()) == len(read.lines)
                    rows = "republic" if level == "territory" else "precinct"
                    (total,) = sql(
                        f"SELECT sum(precincts_reported) FROM {reader}('{path}') "
                        f"WHERE level = '{rows}'"
                    ).fetchall()
                    assert total[0] == read.republic.precincts_reported
                path = tmp_path / f"{contest.id}-{level}.json"
                path.write_bytes(publication.write(read, "json"))
                (document,) = sql(
                    f"SELECT stamp.tree_size, stamp.tree_time, generated_at, level, "
                    f"election.id, contest.id, len(units) FROM read_json('{path}')"
                ).fetchall()
                assert document[0] == STAMP.tree_size and document[3] == level
                assert document[6] == len(read.lines)
