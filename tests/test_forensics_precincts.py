"""The precinct arrays: built from named columns, checked once, figures derived once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from saylau.forensics import ColumnMapping, PrecinctTableError, precincts_from_columns

MAPPING = ColumnMapping(
    precinct=("tik", "uik"),
    region="region",
    voters=("list",),
    issued=("early", "inside"),
    valid=("valid",),
    invalid=("invalid",),
    options=(("A", "a"), ("B", "b")),
)


def table() -> dict[str, list[Any]]:
    return {
        "region": ["north", "north", "south"],
        "tik": ["1", "1", "2"],
        "uik": ["7", "8", "9"],
        "list": [1000, 500, 0],
        "early": [10, 0, 0],
        "inside": [590, 250, 0],
        "valid": [580, 240, 0],
        "invalid": [20, 10, 0],
        "a": [400, 40, 0],
        "b": [180, 200, 0],
    }


def test_columns_are_summed_and_figures_derived_once() -> None:
    precincts = precincts_from_columns(table(), MAPPING)
    assert len(precincts) == 3
    assert list(precincts.ids) == ["1 / 7", "1 / 8", "2 / 9"]
    assert precincts.issued.tolist() == [600, 250, 0]
    assert precincts.ballots.tolist() == [600, 250, 0]
    assert precincts.turnout[:2].tolist() == [0.6, 0.5]
    assert np.isnan(precincts.turnout[2])
    assert precincts.shares[0].tolist() == pytest.approx([400 / 600, 180 / 600])
    assert np.isnan(precincts.shares[2]).all()
    assert precincts.options == ("A", "B")
    assert precincts.leader == 0
    south = precincts.select(precincts.region == "south")
    assert list(south.ids) == ["2 / 9"]


def test_a_missing_column_names_the_field() -> None:
    columns = table()
    del columns["valid"]
    with pytest.raises(PrecinctTableError, match="valid: the mapped column must be in the table"):
        precincts_from_columns(columns, MAPPING)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("list", -1, "voters: counts cannot be negative"),
        ("a", 1.5, "A: every count must be a whole number"),
        ("invalid", float("nan"), "invalid: every count must be a number"),
    ],
)
def test_bad_counts_are_refused(column: str, value: object, message: str) -> None:
    columns = table()
    columns[column] = [value, *columns[column][1:]]
    with pytest.raises(PrecinctTableError, match=message):
        precincts_from_columns(columns, MAPPING)
