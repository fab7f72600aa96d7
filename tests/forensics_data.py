"""Where the Russian polling-station data are, and a skip with the reason where they are not."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from saylau.forensics.precincts import Precincts
from saylau.forensics.russia import ELECTIONS, load_russia

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "forensics"
SHARED = Path("/work/shared/data/forensics")


def folder() -> Path:
    """The data folder beside the repository (``../shared/data/forensics``), if present."""
    for candidate in (FOLDER, SHARED):
        if all((candidate / election.file).is_file() for election in ELECTIONS.values()):
            return candidate
    pytest.skip(
        "the Russian polling-station data (../shared/data/forensics/russia-*.csv.zip) are absent;"
        " they are not kept in the repository"
    )


@cache
def _load(year: int, where: Path) -> Precincts:
    return load_russia(year, where)


def russia(year: int) -> Precincts:
    """The precinct arrays of one election, read once per test run."""
    return _load(year, folder())
