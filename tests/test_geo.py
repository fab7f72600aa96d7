"""The map's outlines on the borders of each election's day."""

from __future__ import annotations

import datetime as dt

import pytest

from saylau import territory
from saylau.web import geo

REFERENDUM = dt.date(2022, 6, 5)  # three days before Abai, Jetisu and Ulytau were made
PRESIDENTIAL = dt.date(2022, 11, 20)


def test_today_and_after_june_2022_the_map_has_twenty_regions() -> None:
    assert len(geo.svg_paths()[0]) == 20
    assert geo.svg_paths(PRESIDENTIAL)[0] == geo.svg_paths()[0]
    formed = {f.on for f in territory.regions_formed()}
    assert formed == {dt.date(2022, 6, 8)}
    assert geo.folded_on(dt.date(2022, 6, 8)) == {}
    assert geo.folded_on(dt.date(2022, 6, 7)) == {
        "KZ-10": "KZ-63",
        "KZ-33": "KZ-19",
        "KZ-62": "KZ-35",
    }


def test_before_june_2022_a_new_region_is_drawn_inside_its_parent() -> None:
    paths, box = geo.svg_paths(REFERENDUM)
    assert set(paths) == set(geo.svg_paths()[0]) - {"KZ-10", "KZ-33", "KZ-62"}
    assert box == geo.svg_paths()[1]  # the country's outline did not move
    then, now = geo.region_shapes(REFERENDUM), geo.region_shapes()
    for made, parent in (("KZ-10", "KZ-63"), ("KZ-33", "KZ-19"), ("KZ-62", "KZ-35")):
        assert then[parent].contains(now[made].representative_point()), made
        assert then[parent].contains(now[parent].representative_point()), parent
        # one piece, the two areas together: no sliver left along the old border
        assert then[parent].area == pytest.approx(now[made].area + now[parent].area, rel=0.02)
        assert then[parent].geom_type == "Polygon", parent
    # a region untouched by the change is the same shape on both days
    assert then["KZ-11"].equals(now["KZ-11"])
