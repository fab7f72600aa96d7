"""Small registers and signature files written as Parquet, for the register's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Citizen:
    iin: str
    birth_date: dt.date
    region: str
    district: str
    precinct: str
    exclusion: str | None = None
    excluded_since: dt.date | None = None
    excluded_until: dt.date | None = None


def write_register(folder: Path, citizens: Sequence[Citizen]) -> Path:
    """A register folder holding ``register.parquet`` with the columns a check reads."""
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "iin": pa.array([c.iin for c in citizens], pa.string()),
            "name_kk": pa.array(["Айгерім Ахметова"] * len(citizens)),
            "name_ru": pa.array(["Айгерим Ахметова"] * len(citizens)),
            "name_en": pa.array(["Aigerim Akhmetova"] * len(citizens)),
            "birth_date": pa.array([c.birth_date for c in citizens], pa.date32()),
            "sex": pa.array(["female"] * len(citizens)),
            "region": pa.array([c.region for c in citizens]).dictionary_encode(),
            "district": pa.array([c.district for c in citizens]).dictionary_encode(),
            "precinct": pa.array([c.precinct for c in citizens]).dictionary_encode(),
            "exclusion": pa.array([c.exclusion for c in citizens], pa.string()),
            "excluded_since": pa.array([c.excluded_since for c in citizens], pa.date32()),
            "excluded_until": pa.array([c.excluded_until for c in citizens], pa.date32()),
        }
    )
    pq.write_table(table, folder / "register.parquet")
    return folder


def signatures(rows: Sequence[tuple[str, str, str, dt.date]]) -> pa.Table:
    """A signature table of (IIN, candidate, unit, day signed) rows."""
    return pa.table(
        {
            "iin": pa.array([r[0] for r in rows], pa.string()),
            "candidate": pa.array([r[1] for r in rows], pa.string()),
            "unit": pa.array([r[2] for r in rows], pa.string()),
            "signed_on": pa.array([r[3] for r in rows], pa.date32()),
        }
    )
