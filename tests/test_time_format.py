"""One way to write a moment: ISO 8601 with the commission's offset in data (+05:00 since
Kazakhstan moved to one zone on 1 March 2024, +06:00 in Almaty and Astana before), and on
pages the local time with the zone named in the reader's language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from saylau import moments
from saylau.api import create_app
from saylau.service.context import Context
from saylau.service.elections import import_election
from saylau.web.i18n import moment
from tests.databases import principals
from tests.open_data import ELECTION, ELECTION_DEF, counting_night

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
ONE_ZONE = dt.datetime(2024, 3, 1, tzinfo=moments.ZONE)


def test_the_offset_follows_the_day_kazakhstan_moved_to_one_zone() -> None:
    assert moments.iso(dt.datetime(2021, 1, 10, 6, 0, tzinfo=dt.UTC)) == "2021-01-10T12:00:00+06:00"
    assert moments.iso(dt.datetime(2024, 3, 19, 6, 0, tzinfo=dt.UTC)) == "2024-03-19T11:00:00+05:00"
    assert moments.iso(dt.datetime(2024, 3, 19, 6, 0)) == "2024-03-19T11:00:00+05:00"  # naive: UTC
    assert moments.iso(None) is None


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_every_moment_is_written_with_its_offset_and_reads_back(when: dt.datetime) -> None:
    aware = when.replace(tzinfo=dt.UTC, microsecond=0)
    written = moments.iso(aware)
    assert written is not None and ISO.match(written)
    assert moments.parse(written) == aware
    # one zone since 1 March 2024; Almaty kept +06:00 before, with summer time until 2004
    assert written.endswith("+05:00" if aware >= ONE_ZONE else ("+06:00", "+07:00", "+05:00"))


def test_pages_name_the_zone_in_each_language() -> None:
    summer = "2024-06-01T06:30:00+00:00"
    assert moment(summer, "kk").endswith("(Қазақстан уақыты, UTC+5)")
    assert moment(summer, "ru").endswith("(Казахстан, UTC+5)")
    assert moment(summer, "en").endswith("(Kazakhstan Time, UTC+5)")
    assert "11:30" in moment(summer, "kk") and "UTC+6" in moment("2021-01-10T06:30:00", "ru")


def test_data_and_pages_carry_the_offset_and_the_zone(tmp_path: Path) -> None:
    ctx = Context.open(f"sqlite:///{tmp_path / 'saylau.db'}")
    import_election(ctx, ELECTION_DEF)
    counting_night(ctx, principals(ctx, ELECTION))
    with TestClient(create_app(ctx=ctx)) as client:
        found = client.get(f"/api/v1/elections/{ELECTION}/results/mazhilis-list").json()
        assert ISO.match(found["updated_at"]) and found["updated_at"].endswith("+05:00")
        for child in found["children"]:
            assert child["updated_at"] is None or ISO.match(child["updated_at"])
        live = client.get(f"/live/{ELECTION}/mazhilis-list.json").json()
        assert live["updated_at"] == found["updated_at"]
        for language, zone in (
            ("kk", "Қазақстан уақыты"),
            ("ru", "Казахстан"),
            ("en", "Kazakhstan"),
        ):
            page = client.get(f"/{language}/{ELECTION}/mazhilis-list/").text
            # the page's last update (the night's table names the zone in its header instead)
            stamp = re.search(r'<time datetime="([^"]+)" data-live="updated">([^<]+)</time>', page)
            assert stamp and ISO.match(stamp.group(1)), language
            assert f"({zone}" in stamp.group(2) and "UTC+5)" in stamp.group(2), stamp.group(2)
            assert re.search(rf"<th scope=\"col\">[^<]+ \({zone}[^<]*UTC\+5\)</th>", page)
    ctx.engine.dispose()
