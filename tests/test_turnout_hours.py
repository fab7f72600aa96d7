"""The turnout announced at the commission's reporting hours, as packaged with the product:
the same figures as the regional files it was taken from, each with its source."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from saylau.tabulation import turnout_hours

NIGHT_2023 = dt.date(2023, 3, 19)


def test_the_2023_night_has_three_hours_for_every_region_and_the_country(
    need_shared_data: Path,
) -> None:
    found = turnout_hours.announced(NIGHT_2023)
    assert found is not None
    assert found.hours == ("18:10", "20:10", "22:10")
    path = need_shared_data / "regions" / "kz_2023_mazhilis_turnout_by_region.csv"
    with path.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    assert len(found.percent) == len(rows) == 21  # 20 regions and the country
    for row in rows:
        expected = tuple(
            float(row[c]) if row[c] else None
            for c in ("turnout_1810", "turnout_2010", "turnout_2210")
        )
        assert found.of(row["iso_3166_2"]) == expected, row["region"]
    assert found.of("KZ")[-1] == 54.19
    assert all("shared/data/regions (S" in s for s in found.sources)


def test_hours_are_in_order_and_unknown_units_have_none() -> None:
    found = turnout_hours.announced(dt.date(2021, 1, 10))
    assert found is not None and found.hours == ("20:00",)
    assert found.of("KZ") == (63.1,)
    assert found.of("KZ-99") == (None,)
    assert turnout_hours.announced(dt.date(2020, 1, 1)) is None
