"""The what-if of a night in progress: read from the database, by the command and on the page
(kk, ru, en; tables only; 375 px wide; axe-core finds nothing serious)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page

from saylau.service.context import Context
from saylau.service.whatif import night_count, night_what_if
from saylau.web.i18n import translations
from tests.browsing import chromium_page, phone_findings
from tests.serving import Server, start_server
from tests.test_site_browser import serious_violations
from tests.whatif_night import CONTEST, counted_night

Night = tuple[str, str, str]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Night:
    return counted_night(tmp_path_factory.mktemp("whatif-night"))


def test_the_pending_region_is_drawn_and_the_reported_ones_are_kept(night: Night) -> None:
    url, election, pending = night
    ctx = Context.open(url)
    try:
        count = night_count(ctx, election, CONTEST)
        assert set(count.region[~count.reported]) == {pending}
        assert pending not in set(count.region[count.reported])
        assert count.votes[count.reported].sum(axis=0).tolist() == list(
            count.contest.options.values()
        )
        found = night_what_if(ctx, election, CONTEST, dt.date(2021, 1, 10), 300, 4)
    finally:
        ctx.engine.dispose()
    assert found.actual_seats is not None and found.what_if_seats is not None
    assert found.actual_seats.precincts_pending == int((~count.reported).sum()) > 0
    assert sum(s.actual for s in found.what_if.seats) == 69
    assert sum(s.what_if for s in found.what_if.seats) == 98
    for distribution, seats in ((found.actual_seats, 69), (found.what_if_seats, 98)):
        assert sum(p.mean for p in distribution.parties) == pytest.approx(seats)


def test_the_command_reads_the_night_from_the_database(night: Night) -> None:
    url, election, _ = night
    args = ["--db", url, "--election", election, "--contest", CONTEST]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "saylau",
            "whatif",
            *args,
            "--rules-on",
            "2021-01-10",
            "--monte-carlo",
            "100",
            "--seed",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["monte_carlo"]["actual"]["precincts_pending"] > 0
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "saylau",
            "whatif",
            "--db",
            url,
            "--election",
            election,
            "--contest",
            "no-such-contest",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def server(night: Night, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    served = start_server(night[0], tmp_path_factory.mktemp("whatif-serve"))
    try:
        yield served
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def whatif_path(night: Night, lang: str, day: str | None = "2021-01-10") -> str:
    query = f"?rules_on={day}" if day else ""
    return f"/{lang}/{night[1]}/{CONTEST}/whatif/{query}"


def test_the_page_shows_both_laws_as_tables_in_each_language(night: Night, server: Server) -> None:
    for lang in ("kk", "ru", "en"):
        answer = httpx.get(server.base + whatif_path(night, lang), timeout=60)
        assert answer.status_code == 200
        html = answer.text
        assert f'<html lang="{lang}">' in html
        assert html.count('<table class="data wrapping">') == 4
        seats = translations(lang).gettext("Seats under the chosen law")
        assert seats in html
        if lang != "en":
            assert "What if" not in html and "Threshold" not in html
            assert not re.search(r"\b(draws|seats|precincts)\b", html)
    contest = httpx.get(f"{server.base}/ru/{night[1]}/{CONTEST}/", timeout=60).text
    assert f'href="{whatif_path(night, "ru", None)}"' in contest
    refused = httpx.get(server.base + whatif_path(night, "en", "1990-01-01"), timeout=60)
    assert refused.status_code == 200 and "cannot decide this contest" in refused.text
    bad = httpx.get(server.base + whatif_path(night, "en", "2021-13-45"), timeout=60)
    assert bad.status_code in (404, 422)


def test_the_page_is_accessible_and_fits_a_phone(night: Night, server: Server, page: Page) -> None:
    for lang in ("kk", "en"):
        page.goto(server.base + whatif_path(night, lang))
        assert serious_violations(page) == []
    urls = [server.base + whatif_path(night, lang) for lang in ("kk", "ru", "en")]
    assert phone_findings(page, urls) == []
