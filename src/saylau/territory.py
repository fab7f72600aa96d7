"""The country's regions, districts, cities and parties as packaged data, named in Kazakh,
Russian and English.

The files in ``saylau/data/territory`` are trimmed copies of the project's shared reference
data (their README says which). A name missing in one language would put another language's
word on a page, so :func:`name_problems` lists every empty one and `saylau i18n check` fails
on it; nothing fills the gap with the English name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

#: Where the packaged territory files are (a test points this at a copy).
DATA: Traversable = resources.files("saylau").joinpath("data", "territory")

LANGUAGE_NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}


@dataclass(frozen=True, slots=True)
class NamedFile:
    """A file whose rows name something: which columns identify a row and hold its names."""

    file: str
    identity: tuple[str, ...]
    names: Mapping[str, str]  # language → column


NAMED_FILES = (
    NamedFile(
        "regions.csv",
        ("iso_3166_2",),
        {"kk": "name_kk", "ru": "name_ru_official", "en": "name_en_wikipedia"},
    ),
    NamedFile(
        "districts.csv",
        ("region_iso", "unit_type"),
        {"kk": "name_kk", "ru": "name_ru", "en": "name_en"},
    ),
    NamedFile("parties.csv", ("id",), {"kk": "name_kk", "ru": "name_ru", "en": "name_en"}),
)


def rows(file: str) -> list[dict[str, str]]:
    """The rows of a packaged territory file, by column name."""
    text = DATA.joinpath(file).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _label(row: Mapping[str, str], named: NamedFile) -> str:
    """How a row is named in a problem: its identity and a name it has (English first)."""
    known = [row.get(column) or "" for column in named.identity]
    order = [named.names[language] for language in ("en", "kk", "ru")]
    first = next((row[c] for c in order if (row.get(c) or "").strip()), "")
    return ", ".join(part for part in (*known, first) if part)


def name_problems() -> list[str]:
    """Every name of a region, district, city or party missing in a language, one line each
    naming the file, the row, the column and the language."""
    found: list[str] = []
    for named in NAMED_FILES:
        try:
            table = rows(named.file)
        except FileNotFoundError:
            found.append(f"territory data: {named.file} is missing")
            continue
        if not table:
            found.append(f"territory data: {named.file} has no rows")
            continue
        absent = [c for c in named.names.values() if c not in table[0]]
        if absent:
            found.append(f"territory data: {named.file} has no column {', '.join(absent)}")
            continue
        for line, row in enumerate(table, start=2):  # line 1 is the header
            for language, column in named.names.items():
                if not (row[column] or "").strip():
                    found.append(
                        f"territory data: {named.file} line {line} ({_label(row, named)}) has "
                        f"no {LANGUAGE_NAMES[language]} name ({language}, column {column})"
                    )
    return found


@dataclass(frozen=True, slots=True)
class Formed:
    """A region formed from part of another on a day: before it, its land voted in that one."""

    code: str
    parent: str
    on: dt.date
    source: str


def regions_formed() -> tuple[Formed, ...]:
    """The regions formed since the earliest election Saylau draws (``regions.csv``'s
    ``formed_*`` columns), so a map and a night of an earlier day use the units of that day."""
    return tuple(
        Formed(
            row["iso_3166_2"],
            row["formed_from"],
            dt.date.fromisoformat(row["formed_on"]),
            row["formed_source"],
        )
        for row in rows("regions.csv")
        if row.get("formed_on")
    )


def folded_before(day: dt.date) -> dict[str, str]:
    """Each region not yet formed on ``day`` → the region its land was part of then."""
    return {f.code: f.parent for f in regions_formed() if day < f.on}


__all__ = [
    "DATA",
    "NAMED_FILES",
    "Formed",
    "NamedFile",
    "folded_before",
    "name_problems",
    "regions_formed",
    "rows",
]
