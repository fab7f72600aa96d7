"""The one table CSV and Parquet share: the stamp, the unit, its progress, the protocol's
counts and one column per option, one row per unit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from saylau.election import LANGUAGES, ContestDef
from saylau.publication.results import Results
from saylau.tabulation.totals import FIELDS

STAMP_COLUMNS = ("status", "tree_size", "tree_root", "tree_timestamp", "tree_signature")
UNIT_COLUMNS = (
    "election",
    "contest",
    "unit",
    "level",
    "parent",
    *(f"name_{language}" for language in LANGUAGES),
    "precincts_reported",
    "precincts_expected",
    "registered",
    "version",
)
INTEGER_COLUMNS = frozenset(
    (
        "tree_size",
        "tree_timestamp",
        "precincts_reported",
        "precincts_expected",
        "registered",
        "version",
        *FIELDS,
    )
)


def columns(contest: ContestDef) -> list[str]:
    """The table's columns: stamp, unit, progress, the protocol's counts, one per option."""
    return [
        *STAMP_COLUMNS,
        *UNIT_COLUMNS,
        *FIELDS,
        *(f"votes_{option}" for option in contest.option_ids),
    ]


def is_integer(column: str) -> bool:
    """Counts, sizes and versions are integers; names, codes and hashes are text."""
    return column in INTEGER_COLUMNS or column.startswith("votes_")


def rows(results: Results) -> Iterator[list[Any]]:
    """The rows in :func:`columns` order; ``None`` is a count not reported yet."""
    stamp = results.stamp
    head = [stamp.status, stamp.tree_size, stamp.tree_root, stamp.tree_timestamp]
    head.append(stamp.tree_signature)
    options = results.contest.option_ids
    for line in results.lines:
        unit = line.unit
        row: list[Any] = [*head, results.election.id, results.contest.id]
        row += [unit.code, unit.level, unit.parent, *(unit.names[lang] for lang in LANGUAGES)]
        row += [line.precincts_reported, line.precincts_expected, line.registered, line.version]
        counts = line.counts
        if counts is None:
            row += [None] * (len(FIELDS) + len(options))
        else:
            row += [counts[name] for name in FIELDS]
            row += [counts["votes"].get(option, 0) for option in options]
        yield row
