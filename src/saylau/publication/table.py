"""The one table CSV and Parquet share: the stamp, the unit, its progress, the protocol's
counts and one column per option, one row per unit.

Every column name is lower snake case ASCII, so SQL reads it without quotes
(``SELECT votes_ak_zhol FROM 'results.parquet'``); an option's column is its id written so
(:func:`option_columns`). What each column holds is told in ``saylau.web.dictionary``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from saylau import moments
from saylau.election import LANGUAGES, ContestDef
from saylau.publication.results import Results
from saylau.tabulation.totals import FIELDS

STAMP_COLUMNS = (
    "status",
    "tree_size",
    "tree_root",
    "tree_timestamp",
    "tree_time",
    "tree_signature",
)
#: what a column name may be: SQL reads it unquoted
SQL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
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


def snake(text: str) -> str:
    """``text`` in lower snake case ASCII ('ak-zhol' → 'ak_zhol'); letters without an ASCII
    form are dropped, so the result may be empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def option_columns(contest: ContestDef) -> dict[str, str]:
    """Each option's votes column: ``votes_`` and its id in snake case, or ``votes_option_N``
    (its place on the ballot) when the id has no ASCII form or two ids would meet."""
    found: dict[str, str] = {}
    for place, option in enumerate(contest.option_ids, start=1):
        column = f"votes_{snake(option)}" if snake(option) else ""
        if not column or column in found.values():
            column = f"votes_option_{place}"
        found[option] = column
    return found


def columns(contest: ContestDef) -> list[str]:
    """The table's columns: stamp, unit, progress, the protocol's counts, one per option."""
    return [*STAMP_COLUMNS, *UNIT_COLUMNS, *FIELDS, *option_columns(contest).values()]


def is_integer(column: str) -> bool:
    """Counts, sizes and versions are integers; names, codes and hashes are text."""
    return column in INTEGER_COLUMNS or column.startswith("votes_")


def rows(results: Results) -> Iterator[list[Any]]:
    """The rows in :func:`columns` order; ``None`` is a count not reported yet."""
    stamp = results.stamp
    head = [stamp.status, stamp.tree_size, stamp.tree_root, stamp.tree_timestamp]
    head += [tree_time(stamp.tree_timestamp), stamp.tree_signature]
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


def tree_time(timestamp: int) -> str | None:
    """The signed head's time (milliseconds since 1970, as the checkpoint signs it) as ISO
    8601 on the commission's clock."""
    return moments.iso(dt.datetime.fromtimestamp(timestamp / 1000, dt.UTC))
