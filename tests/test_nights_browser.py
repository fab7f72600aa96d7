"""Every kind of night in Kazakh, in a real browser: the contest's national page and a region's
page of each night other than 2023 (whose pages tests/test_site_browser.py visits) name no
place in English and show the units' Kazakh names, and each round of repeat voting has its
page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from saylau.election import Election
from saylau.service.context import Context
from saylau.synth import SyntheticElection
from saylau.synth.demo import run_night
from tests.latin_names import english_names_in, readable
from tests.serving import Server, start_server

CHROMIUM = Path("/usr/bin/chromium")
NIGHTS = ("2022-presidential", "2022-presidential-runoff", "2022-referendum", "2026-kurultai")
PRECINCTS = 300


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, list[Election]]]:
    """Each night counted through the service into one SQLite file, then served."""
    folder = tmp_path_factory.mktemp("nights")
    url = f"sqlite:///{folder / 'saylau.db'}"
    elections: list[Election] = []

    def counted(synthetic: SyntheticElection, _figures: Any) -> None:
        elections.append(synthetic.election)

    ctx = Context.open(url)
    try:
        for name in NIGHTS:
            run_night(ctx, name, 2023, PRECINCTS, counted=counted)
    finally:
        ctx.engine.dispose()
    server = start_server(url, folder)
    try:
        yield server, elections
    finally:
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def test_every_kind_of_night_names_no_place_in_english(
    served: tuple[Server, list[Election]], browser: Browser
) -> None:
    server, elections = served
    # the repeat-voting night is two elections, each with its pages
    assert len(elections) == len(NIGHTS) + 1
    page = browser.new_page()
    try:
        for election in elections:
            contest = election.contests[0].id
            republic = next(u for u in election.units if u.level == "republic")
            region = election.children(republic.code)[0]
            for unit in (republic, region):
                path = f"/kk/{election.id}/{contest}/"
                if unit is region:
                    path += f"{unit.code}/"
                response = page.goto(server.base + path)
                assert response is not None and response.status == 200, path
                text = readable(page.content())
                assert english_names_in(text, election) == [], (election.id, unit.code)
                assert unit.names["kk"] in text, (election.id, unit.code)
                # the same page in English does name them: the check can see a name
                page.goto(server.base + path.replace("/kk/", "/en/", 1))
                assert english_names_in(readable(page.content()), election), path
    finally:
        page.close()
