"""The table formats (CSV, JSON, Parquet) of a counting night on real SQLite and PostgreSQL:
every file read back equals the service's totals and protocols and carries the ledger head
and status it was read at."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from saylau import publication
from saylau.election import LANGUAGES
from saylau.service import exports
from saylau.service.auth import Principal
from saylau.service.context import Context
from tests.databases import imported, principals
from tests.open_data import (
    ELECTION,
    ELECTION_DEF,
    LIST,
    P1,
    PRECINCTS,
    READERS,
    counting_night,
    expected,
    head,
    read_csv,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, ELECTION_DEF) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    """The principal of every commission (by unit code) and of the observers."""
    return principals(ctx, ELECTION)


def test_tables_read_back_equal_the_service(ctx: Context, who: dict[str, Principal]) -> None:
    counting_night(ctx, who)
    stamp = head(ctx)
    for level, contest in itertools.product(publication.LEVELS, (LIST, "smd-1", "referendum")):
        want = expected(ctx, contest, level)
        results = exports.read(ctx, ELECTION, contest, level)
        status = "unofficial-complete" if contest == "smd-1" else "unofficial-partial"
        assert results.stamp.status == status
        for fmt, reader in READERS.items():
            rows = reader(publication.write(results, fmt))
            assert [row["unit"] for row in rows] == list(want), (fmt, contest)
            for row in rows:
                unit = ELECTION_DEF.unit(row["unit"])
                assert row["status"] == status
                for key in ("tree_size", "tree_root", "tree_timestamp", "tree_signature"):
                    assert row[key] == stamp[key], (fmt, key)
                assert (row["election"], row["contest"]) == (ELECTION, contest)
                assert (row["level"], row["parent"]) == (unit.level, unit.parent)
                for language in LANGUAGES:
                    assert row[f"name_{language}"] == unit.names[language]
                for key, value in want[row["unit"]].items():
                    assert row[key] == value, (fmt, contest, row["unit"], key)
    rows = read_csv(publication.write(exports.read(ctx, ELECTION, LIST, "precinct"), "csv"))
    first = next(row for row in rows if row["unit"] == P1)
    assert (first["version"], first["votes_amanat"]) == (2, 480)  # the correction counts
    silent = next(row for row in rows if row["unit"] == PRECINCTS[-1])
    assert silent["precincts_reported"] == 0 and silent["votes_amanat"] is None


def test_parquet_and_json_carry_the_stamp_and_names(
    ctx: Context, who: dict[str, Principal]
) -> None:
    counting_night(ctx, who)
    stamp = head(ctx) | {"status": "unofficial-partial"}
    results = exports.read(ctx, ELECTION, LIST, "territory")
    metadata = pq.read_schema(io.BytesIO(publication.write(results, "parquet"))).metadata
    assert {k.decode(): v.decode() for k, v in metadata.items() if k != b"saylau"} == {
        key: str(value) for key, value in stamp.items()
    }
    for document in (
        json.loads(metadata[b"saylau"]),
        json.loads(publication.write(results, "json")),
    ):
        assert document["stamp"] == stamp
        assert document["election"]["names"] == ELECTION_DEF.names
        assert document["contest"]["names"] == ELECTION_DEF.contest(LIST).names
        options = {o["id"]: o["names"] for o in document["contest"]["options"]}
        assert options == {o.id: o.names for o in ELECTION_DEF.contest(LIST).options}
    assert publication.file_name(ELECTION, LIST, "territory", "parquet") == (
        f"{ELECTION}-{LIST}-territory.parquet"
    )
    assert publication.MEDIA_TYPES["parquet"] == "application/vnd.apache.parquet"
