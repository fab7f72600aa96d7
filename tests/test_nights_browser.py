"""Every kind of night in Kazakh, in a real browser: the contest's national page and a region's
page of each night other than 2023 (whose Mazhilis pages tests/test_site_browser.py visits)
name no place in English and show the units' Kazakh names, each round of repeat voting has its
page, and the combined 2023 night's maslikhat pages do the same."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from saylau.election import Election
from saylau.service.context import Context
from saylau.synth import SyntheticElection
from saylau.synth.demo import run_night
from saylau.tabulation import figures as tally
from saylau.web import geo
from saylau.web.i18n import number, share
from tests.browsing import phone_findings
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


def by_id(elections: list[Election], suffix: str) -> Election:
    return next(e for e in elections if e.id.endswith(suffix))


def test_each_round_of_repeat_voting_links_the_other(
    served: tuple[Server, list[Election]], browser: Browser
) -> None:
    """A reader on the first round's results finds the second round named and one click
    away, and from there the first round again; the pair is named on both."""
    server, elections = served
    first, second = by_id(elections, "round-1"), by_id(elections, "round-2")
    assert second.follows == first.id
    page = browser.new_page()
    try:
        page.goto(f"{server.base}/kk/{first.id}/{first.contests[0].id}/")
        rounds = page.locator("nav.rounds")
        assert rounds.locator("h2").inner_text() == "Осы сайлаудың екі туры"
        text = rounds.inner_text()
        assert first.names["kk"] in text and second.names["kk"] in text
        assert "2022 ж. 4 желтоқсан" in text.replace("\u202f", " ")  # the second round's day
        assert rounds.locator("[aria-current]").inner_text().startswith("Бірінші тур")
        rounds.get_by_role("link", name=re.compile("Екінші тур")).click()
        page.wait_for_url(f"**/kk/{second.id}/{second.contests[0].id}/")
        back = page.locator("nav.rounds").get_by_role("link", name=re.compile("Бірінші тур"))
        assert back.get_attribute("href") == f"/kk/{first.id}/{first.contests[0].id}/"
        # the election pages show the pair too, and an election without a second round none
        page.goto(f"{server.base}/kk/{second.id}/")
        assert page.locator("nav.rounds li").count() == 2
        other = by_id(elections, "presidential-2022-synthetic")
        page.goto(f"{server.base}/kk/{other.id}/{other.contests[0].id}/")
        assert page.locator("nav.rounds").count() == 0
    finally:
        page.close()


def test_the_referendum_map_draws_the_seventeen_units_of_its_day(
    served: tuple[Server, list[Election]], browser: Browser
) -> None:
    """Abai, Jetisu and Ulytau did not exist on 5 June 2022: no unit is left blank, each of
    the 17 is coloured whole, and the note says which of today's regions lie inside which."""
    server, elections = served
    referendum = by_id(elections, "referendum-2022-synthetic")
    children = referendum.children("KZ")
    assert len(children) == 17
    page = browser.new_page(viewport={"width": 375, "height": 812})
    try:
        page.goto(f"{server.base}/kk/{referendum.id}/{referendum.contests[0].id}/")
        shapes = page.locator("svg.map path")
        assert shapes.count() == 17
        fills = shapes.evaluate_all("nodes => nodes.map(n => n.getAttribute('fill'))")
        assert all(fill.startswith("url(#hatch-") for fill in fills), fills
        # each unit drawn whole: East Kazakhstan with Abai, Almaty Region with Jetisu, ...
        drawn = page.locator("svg.map a").evaluate_all(
            "links => links.map(a => [a.getAttribute('href'), a.querySelector('path')"
            ".getAttribute('d')])"
        )
        outlines = geo.svg_paths(referendum.date)[0]
        assert {href.rstrip("/").rsplit("/", 1)[1]: d for href, d in drawn} == {
            unit.code: outlines[unit.code] for unit in children
        }
        assert outlines["KZ-63"] != geo.svg_paths()[0]["KZ-63"]
        titles = " ".join(shapes.evaluate_all("ns => ns.map(n => n.textContent)"))
        assert all(unit.names["kk"] in titles for unit in children)
        note = page.locator("#map-note")
        assert note.is_visible()
        for made, parent in (("Абай облысы", "KZ-63"), ("Ұлытау облысы", "KZ-35")):
            assert (
                f"{made} — «{referendum.unit(parent).names['kk']}» құрамында" in note.inner_text()
            )
        assert page.locator("svg.map").get_attribute("aria-describedby") == "map-note"
    finally:
        page.close()


def test_referendum_validity_and_the_two_voter_figures_as_computed(
    served: tuple[Server, list[Election]], browser: Browser
) -> None:
    """The validity sentence gives the share the law of the day sets (not a word fixed in
    the template); the voters registered for all precincts and those on the lists of the
    precincts reported with the day's additions are two labelled figures, each the API's."""
    server, elections = served
    referendum = by_id(elections, "referendum-2022-synthetic")
    contest = referendum.contests[0].id
    api = httpx.get(f"{server.base}/api/v1/elections/{referendum.id}/results/{contest}").json()
    counts = api["counts"]
    page = browser.new_page()
    try:
        for language, label_registered, label_voters in (
            (
                "kk",
                "Сайлаушылар тізіміне енгізілген азаматтардың жалпы саны, барлық учаскелер",
                "Есеп берген учаскелердің тізімдеріндегі сайлаушылар",
            ),
            (
                "ru",
                "Общее количество избирателей, включённых в списки, все участки",
                "Избиратели в списках отчитавшихся участков",
            ),
            (
                "en",
                "Registered voters, all precincts",
                "Voters on the lists with those added on the day, precincts reported",
            ),
        ):
            page.goto(f"{server.base}/{language}/{referendum.id}/{contest}/")
            figures = dict(
                zip(
                    page.locator(".figures dt").all_inner_texts(),
                    page.locator(".figures dd").all_inner_texts(),
                    strict=True,
                )
            )
            voters = counts["voters_on_list"] + counts["voters_added"]
            assert figures[label_registered] == number(api["registered_expected"], language)
            found = [v for k, v in figures.items() if k.startswith(label_voters)]
            assert found == [number(voters, language)], figures
            assert voters != api["registered_expected"]  # the figures differ, so do labels
            headline = page.locator("p.headline").inner_text()
            law = share(tally.validity_share(referendum.date), language)
            assert law in headline, headline
            assert "half" not in headline and "жарты" not in headline
    finally:
        page.close()


ENGLISH_FORMATS = re.compile(
    r"\d,\d{3}(?!\d)|\d\.\d+\s?%|\b(January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b|\d\s?(AM|PM)\b"
)


def test_runoff_and_referendum_numbers_are_written_the_kazakh_and_russian_way(
    served: tuple[Server, list[Election]], browser: Browser
) -> None:
    """Tables, summary, charts and the night's clock of the nights' national pages: no
    number, share or date written as English writes it (the English page has them)."""
    server, elections = served
    page = browser.new_page()
    try:
        for election in elections:
            path = f"/{election.id}/{election.contests[0].id}/"
            for language in ("kk", "ru"):
                page.goto(f"{server.base}/{language}{path}")
                text = readable(page.content())
                assert ENGLISH_FORMATS.findall(text) == [], (language, path)
            page.goto(f"{server.base}/en{path}")
            assert ENGLISH_FORMATS.search(readable(page.content())), path
    finally:
        page.close()


@pytest.fixture(scope="module")
def combined(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Election]]:
    """The combined night of 19 March 2023 (Mazhilis and maslikhats) counted and served."""
    folder = tmp_path_factory.mktemp("combined")
    url = f"sqlite:///{folder / 'saylau.db'}"
    elections: list[Election] = []

    def counted(synthetic: SyntheticElection, _figures: Any) -> None:
        elections.append(synthetic.election)

    ctx = Context.open(url)
    try:
        run_night(ctx, "2023", 2023, PRECINCTS, counted=counted)
    finally:
        ctx.engine.dispose()
    server = start_server(url, folder)
    try:
        yield server, elections[0]
    finally:
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()


def test_the_combined_nights_maslikhat_pages_name_no_place_in_english(
    combined: tuple[Server, Election], browser: Browser
) -> None:
    """The 2023 night's election page, a region's maslikhat page, its party lists and a
    district maslikhat's single-member district, in Kazakh: every place by its Kazakh name,
    no word of an English one (the same pages in English do show them)."""
    server, election = combined
    regional = next(c for c in election.contests if c.level == "regional" and (c.seats or 0) > 1)
    district = next(c for c in election.contests if c.level == "district")
    region_code = regional.id.removeprefix("maslikhat-").removesuffix("-list")
    region = election.unit(region_code)
    home = election.unit(district.id.removeprefix("maslikhat-").rsplit("-", 1)[0])
    pages = {
        "election": f"/kk/{election.id}/",
        "maslikhat": f"/kk/{election.id}/?maslikhat={region_code}",
        "regional list": f"/kk/{election.id}/{regional.id}/",
        "regional list, region": f"/kk/{election.id}/{regional.id}/{region_code}/",
        "district maslikhat": f"/kk/{election.id}/{district.id}/",
    }
    page = browser.new_page()
    try:
        for kind, path in pages.items():
            response = page.goto(server.base + path)
            assert response is not None and response.status == 200, path
            text = readable(page.content())
            assert english_names_in(text, election) == [], kind
            if kind in ("maslikhat", "regional list, region"):
                assert region.names["kk"] in text, kind
            if kind == "district maslikhat":
                assert home.names["kk"] in text, kind
            page.goto(server.base + path.replace("/kk/", "/en/", 1))
            if kind != "district maslikhat":
                assert english_names_in(readable(page.content()), election), path
        # the election page's table of maslikhats has five columns: on a phone it wraps
        urls = [server.base + path for path in (pages["election"], pages["maslikhat"])]
        assert phone_findings(page, urls) == []
    finally:
        page.close()
