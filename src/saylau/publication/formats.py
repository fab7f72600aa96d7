"""The four download formats: their names, media types, file suffixes and writers."""

from __future__ import annotations

from collections.abc import Callable

from saylau.model import BadInput
from saylau.publication import csv, json, nist, parquet
from saylau.publication.results import LEVELS, Results

FORMATS = ("csv", "json", "parquet", "nist")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "nist": "application/json",
}
SUFFIXES = {"csv": "csv", "json": "json", "parquet": "parquet", "nist": "nist.json"}
WRITERS: dict[str, Callable[[Results], bytes]] = {
    "csv": csv.write,
    "json": json.write,
    "parquet": parquet.write,
    "nist": nist.write,
}


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise BadInput("format", f"must be one of {', '.join(FORMATS)}", fmt)


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise BadInput("level", f"must be one of {', '.join(LEVELS)}", level)


def write(results: Results, fmt: str) -> bytes:
    """The file of ``results`` in ``fmt``."""
    check_format(fmt)
    return WRITERS[fmt](results)


def file_name(election_id: str, contest_id: str, level: str, fmt: str) -> str:
    """The name a download is saved under, the same from the API and the command line."""
    return f"{election_id}-{contest_id}-{level}.{SUFFIXES[fmt]}"
