"""The observers' page of a stuffed night, in a real browser: the suite reads the night's live
protocols as they were generated, the page shows each picture with a table beside it in kk and
en, passes axe-core, fits a phone, and every flagged precinct links to its protocol page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import numpy as np
import pytest
from playwright.sync_api import Page

from saylau.service import forensics
from saylau.service.context import Context
from saylau.synth.demo import count
from saylau.synth.nights import presidential_2022
from saylau.synth.stuffing import StuffedElection, StuffingModel, precinct_table, stuff
from tests.browsing import chromium_page, phone_findings
from tests.serving import Server, start_server
from tests.test_site_browser import serious_violations

PRECINCTS = 1_200
SEED = 21


@dataclass
class Night:
    server: Server
    url: str
    truth: StuffedElection

    @property
    def election(self) -> str:
        return self.truth.synthetic.election.id

    @property
    def contest(self) -> str:
        return self.truth.synthetic.election.contests[0].id

    def page(self, lang: str) -> str:
        return f"{self.server.base}/{lang}/{self.election}/{self.contest}/observers/"


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Night]:
    """A presidential night with 5 % of precincts stuffed, counted through the service into a
    SQLite file, and served."""
    folder = tmp_path_factory.mktemp("observers")
    url = f"sqlite:///{folder / 'saylau.db'}"
    truth = stuff(presidential_2022(SEED, PRECINCTS), SEED, StuffingModel(share=0.05))
    ctx = Context.open(url)
    try:
        count(ctx, truth.synthetic, SEED, lambda _: None)
    finally:
        ctx.engine.dispose()
    server = start_server(url, folder)
    try:
        yield Night(server, url, truth)
    finally:
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()


def test_the_night_table_holds_the_protocols_as_generated(night: Night) -> None:
    ctx = Context.open(night.url)
    try:
        table = forensics.night_table(ctx, night.election, night.contest)
        tree_size, report = forensics.night_report(ctx, night.election, night.contest)
    finally:
        ctx.engine.dispose()
    generated, district = precinct_table(night.truth.synthetic, night.contest)
    order = np.argsort(generated.ids)
    read = table.precincts
    assert read.ids.tolist() == generated.ids[order].tolist()
    for line in ("voters", "issued", "valid", "invalid", "votes", "region"):
        assert np.array_equal(getattr(read, line), getattr(generated, line)[order]), line
    assert np.array_equal(table.district, district[order])
    assert tree_size == table.tree_size and tree_size >= PRECINCTS
    # No protocol was corrected: the check of moved votes ran and found nothing.
    assert report.method("moved_votes").tested == 0
    stuffed = set(night.truth.stuffed_codes)
    extreme = {
        night.truth.synthetic.protocols.precinct_codes[k]
        for k in np.flatnonzero(night.truth.extreme).tolist()
    }
    assert extreme <= set(report.flagged_precincts())
    assert len(set(report.flagged_precincts()) & stuffed) >= len(stuffed) / 3


def test_the_contest_page_links_the_observers_page(night: Night) -> None:
    for lang in ("kk", "en"):
        contest = httpx.get(
            f"{night.server.base}/{lang}/{night.election}/{night.contest}/", timeout=60
        )
        assert contest.status_code == 200
        assert f'href="/{lang}/{night.election}/{night.contest}/observers/"' in contest.text


def _links(html: str, night: Night, lang: str) -> list[str]:
    table = html.split('id="flagged"', 1)[1].split("</table>", 1)[0]
    prefix = f"/{lang}/{night.election}/{night.contest}/"
    return re.findall(rf'href="({re.escape(prefix)}[^"/]+/)"', table)


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_the_page_in_a_browser_is_clean_for_axe_and_fits_a_phone(night: Night, lang: str) -> None:
    with chromium_page() as page:
        page.goto(night.page(lang), timeout=120_000)
        assert page.locator("html").get_attribute("lang") == lang
        _every_picture_has_a_table_beside_it(page)
        assert page.locator("#flagged tbody tr").count() > 0
        assert serious_violations(page) == []
        assert phone_findings(page, [night.page(lang)]) == []
        text = page.locator("main").inner_text()
        if lang == "kk":
            assert "Саусақ ізі" in text or "саусақ ізі" in text.casefold()
            for english in ("Fingerprint", "Flagged precincts", "Second digits", "Turnout"):
                assert english not in text, english
        else:
            assert "Flagged precincts" in text


def _every_picture_has_a_table_beside_it(page: Page) -> None:
    sections = page.locator("section.figure")
    assert sections.count() == 3
    for k in range(sections.count()):
        section = sections.nth(k)
        assert section.locator("svg.chart").count() == 1
        assert (section.locator("svg.chart > title").text_content() or "").strip()
        assert section.locator("table.data").count() >= 1
        assert section.locator("table.data tbody tr").count() >= 1


def test_the_flagged_precincts_link_to_their_protocol_pages(night: Night) -> None:
    html = httpx.get(night.page("en"), timeout=120).text
    links = _links(html, night, "en")
    assert links
    stuffed = set(night.truth.stuffed_codes)
    assert any(link.rstrip("/").rsplit("/", 1)[1] in stuffed for link in links)
    for link in links[:25]:
        answer = httpx.get(night.server.base + link, timeout=60)
        assert answer.status_code == 200, link
        assert 'id="protocol"' in answer.text, link


def test_the_page_is_built_once_per_ledger_size_and_its_json_twin_answers(night: Night) -> None:
    first = httpx.get(night.page("en"), timeout=120)
    again = httpx.get(night.page("en"), timeout=120)
    assert first.headers["X-Saylau-Tree-Size"] == again.headers["X-Saylau-Tree-Size"]
    assert first.text == again.text
    twin = httpx.get(
        f"{night.server.base}/api/v1/elections/{night.election}/forensics/{night.contest}",
        timeout=120,
    )
    assert twin.status_code == 200
    document = twin.json()
    assert document["format"] == "saylau-forensics/1"
    assert document["precincts"] == PRECINCTS


def test_an_unknown_contest_has_no_observers_page(night: Night) -> None:
    missing = httpx.get(
        f"{night.server.base}/en/{night.election}/no-such-contest/observers/", timeout=60
    )
    assert missing.status_code == 404
