"""The live results page in a real browser: while protocols arrive, every figure on the open
page (counts, turnout, shares, seats, status, the last update, the ledger size) is the one a
fresh load shows, without a reload; seats appear only as a projection, and only once the
share of precincts the site's settings set has reported; the polling stops once the contest
is certified. Headless Chromium drives a `saylau serve` process, as in the site's tests."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from saylau.election import Election
from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.settings import SETTINGS
from saylau.store.tables import LedgerStateRow
from saylau.synth import generate
from saylau.web.i18n import translations
from saylau.web.views import STATUS_WORDS
from tests.browsing import chromium_page, phone_findings, plain
from tests.serving import Server, start_server
from tests.test_site_browser import serious_violations

PRECINCTS = 300
CONTEST = "mazhilis-list"
WAIT_MS = 20_000  # live.js polls every 3 s; a block is rebuilt at most every 5 s


@dataclass
class Night:
    """A served election and its party-list protocols not yet submitted, in order."""

    server: Server
    url: str  # the database's
    election: Election
    tokens: dict[str, str]  # unit code (or "central") → token
    waiting: list[dict[str, Any]] = field(default_factory=list)

    def page(self, lang: str = "kk") -> str:
        return f"{self.server.base}/{lang}/{self.election.id}/{CONTEST}/"

    def api(self, path: str) -> dict[str, Any]:
        answer = httpx.get(f"{self.server.base}/api/v1/elections/{self.election.id}/{path}")
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found

    def submit(self, protocols: list[dict[str, Any]]) -> int:
        """Submit each region's protocols as its commission does; the ledger size after."""
        by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for protocol in protocols:
            by_region[self.election.path(protocol["precinct"])[1]].append(protocol)
        for region, batch in by_region.items():
            answer = httpx.post(
                f"{self.server.base}/api/v1/elections/{self.election.id}/protocols/batch",
                json={"submissions": [{"protocol": p} for p in batch]},
                headers={"Authorization": f"Bearer {self.tokens[region]}"},
                timeout=60,
            )
            answer.raise_for_status()
            assert answer.json()["accepted"] == len(batch), answer.text
        return self.ledger_size()

    def submit_next(self, count: int) -> int:
        taken, self.waiting = self.waiting[:count], self.waiting[count:]
        return self.submit(taken)

    def ledger_size(self) -> int:
        ctx = Context.open(self.url)
        try:
            with ctx.sessions() as session:
                return int(session.scalars(select(LedgerStateRow.size)).one())
        finally:
            ctx.engine.dispose()

    def seats(self) -> dict[str, int]:
        outcome = self.api(f"outcome/{CONTEST}")["outcome"]
        return {party: int(n) for party, n in outcome["seats"].items() if n}


@pytest.fixture
def night(tmp_path: Path) -> Iterator[Night]:
    """A generated election on a fresh SQLite file, served, no protocol submitted yet."""
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    synthetic = generate(seed=2023, precincts=PRECINCTS)
    election = synthetic.election
    ctx = Context.open(url)
    try:
        import_election(ctx, election)
        tokens = {
            c.unit_code if c.role != "central" else "central": c.token
            for c in issue_credentials(ctx, election.id)
            if c.unit_code
        }
    finally:
        ctx.engine.dispose()
    waiting = [protocol_to_mapping(p) for p in synthetic.protocols if p.contest == CONTEST]
    server = start_server(url, tmp_path)
    try:
        yield Night(server, url, election, tokens, waiting)
    finally:
        server.stop()
    log = server.log_text()
    assert "Traceback" not in log, log


def block_size(page: Page) -> int:
    return int(page.get_attribute("#live-results", "data-tree-size") or -1)


def wait_for_size(page: Page, size: int) -> None:
    """Until the open page's results block was read at ``size`` (swapped in, not reloaded)."""
    page.wait_for_function(
        "size => Number(document.querySelector('#live-results').dataset.treeSize) >= size",
        arg=size,
        timeout=WAIT_MS,
    )
    assert block_size(page) == size


def figures(page: Page) -> dict[str, Any]:
    """Every figure of the page as a reader reads it."""

    def text(selector: str) -> str | None:
        found = page.locator(selector)
        return plain(found.first.inner_text()) if found.count() else None

    rows = {
        str(row.get_attribute("data-option")): [
            plain(cell.inner_text()) for cell in row.locator("td").all()
        ]
        for row in page.locator("#results tbody tr").all()
    }
    return {
        "tree size": block_size(page),
        "footer tree size": text('footer [data-live="tree_size"]'),
        "status": text("#live-results .summary .status"),
        "reported": text('#live-results [data-live="reported"]'),
        "progress": page.get_attribute("#live-results progress", "value"),
        "turnout": text('#live-results [data-live="turnout"]'),
        "participated": text('#live-results [data-live="participated"]'),
        "voters": text('#live-results [data-live="voters"]'),
        "last update": text('#live-results [data-live="updated"]'),
        "last update at": page.get_attribute('#live-results [data-live="updated"]', "datetime"),
        "headline": text("#live-results .headline"),
        "rows": rows,
        "table head": [plain(h.inner_text()) for h in page.locator("#results thead th").all()],
        "seats heading": text("#seats-title"),
        "projection": text("#live-results .projection"),
        "chamber": page.locator("section[aria-labelledby=seats-title] svg").count(),
        "chamber text": [
            plain(svg.text_content() or "")
            for svg in page.locator("section[aria-labelledby=seats-title] svg").all()
        ],
        "map": [p.get_attribute("fill") for p in page.locator("#live-results svg.map path").all()],
        "by territory": text("section[aria-labelledby=children-title] table"),
        "night": text("section[aria-labelledby=night-title] table"),
    }


def fresh_figures(page: Page, url: str, size: int) -> dict[str, Any]:
    """The figures of a fresh load of ``url`` once it is served at ``size`` (a page is
    rebuilt at most every few seconds, so a load may first show the one before)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        page.goto(url)
        if block_size(page) == size or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert block_size(page) == size
    return figures(page)


def seat_cells(found: dict[str, Any]) -> dict[str, int]:
    """The seats column of the votes table (the last of four cells)."""
    return {
        option: int("".join(c for c in cells[2] if c.isdigit()))
        for option, cells in found["rows"].items()
        if len(cells) == 3 and any(c.isdigit() for c in cells[2]) and cells[2] != "0"
    }


def test_every_figure_moves_together_and_equals_a_fresh_load(night: Night) -> None:
    """Protocols arrive while the page is open, one batch of them changing the projected
    seats: without a reload, every figure of the open page is the one a fresh load shows."""
    expected = len(night.waiting)
    start = int(expected * SETTINGS.seat_projection_share) + 5
    night.submit_next(start)
    before = night.seats()
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(night.page())
        assert figures(page)["chamber"] == 1
        browser = page.context.browser
        assert browser is not None
        embedding = browser.new_context()
        widget = embedding.new_page()  # the embeddable widget keeps up the same way
        widget.goto(night.page() + "widget")
        widget.evaluate("window.sameDocument = true")
        page.evaluate("window.sameDocument = true")
        link = page.locator("section[aria-labelledby=children-title] tbody a").first
        link.focus()
        focused = link.get_attribute("href")

        # the next protocols give every vote of the list leading now to the list last
        # among those with seats: enough to move the projection
        leader = max(before, key=lambda party: before[party])
        last = min(before, key=lambda party: before[party])
        moved = []
        for protocol in night.waiting[: len(night.waiting) // 2]:
            votes = dict(protocol["votes"])
            votes[last] += votes[leader]
            votes[leader] = 0
            moved.append(protocol | {"votes": votes})
        night.waiting = night.waiting[len(moved) :]
        size = night.submit(moved)
        after = night.seats()
        assert after != before, "the moved votes should change the projected seats"

        wait_for_size(page, size)
        live = figures(page)
        assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
        # a keyboard reader keeps their place; a screen reader is told the new progress
        assert page.evaluate("document.activeElement.getAttribute('href')") == focused
        note = plain(page.locator("#live-note").inner_text())
        assert live["reported"] and note.endswith(live["reported"]), note  # kk: "… 300 ішінен 227"
        elsewhere = browser.new_context()  # a reader of its own, nothing shared
        try:
            fresh = fresh_figures(elsewhere.new_page(), night.page(), size)
        finally:
            elsewhere.close()
        assert live == fresh
        assert seat_cells(live) == after
        wait_for_size(widget, size)
        assert widget.evaluate("window.sameDocument") is True
        shown = {
            str(row.get_attribute("data-option")): plain(row.locator("td").last.inner_text())
            for row in widget.locator("#results tbody tr").all()
        }
        assert {o: int(n) for o, n in shown.items() if n.isdigit() and n != "0"} == after
        assert plain(widget.locator('[data-live="reported"]').inner_text()) == live["reported"]
        embedding.close()
        assert live["footer tree size"] is not None
        assert int("".join(c for c in live["footer tree size"] if c.isdigit())) == size
        # the last update's moment carries its offset: the commission's clock, UTC+5
        assert str(live["last update at"]).endswith("+05:00"), live["last update at"]
        assert str(live["last update"]).endswith(", UTC+5)"), live["last update"]  # zone named

        # the rest arrive, the contest is certified: the page says so and stops polling
        size = night.submit_next(len(night.waiting))
        certified = httpx.post(
            f"{night.server.base}/api/v1/elections/{night.election.id}/contests/{CONTEST}/certify",
            headers={"Authorization": f"Bearer {night.tokens['central']}"},
            timeout=60,
        )
        assert certified.status_code == 201, certified.text
        page.wait_for_function(
            "() => document.querySelector('#live-results').dataset.status === 'certified'",
            timeout=WAIT_MS,
        )
        final = figures(page)
        assert final["projection"] is None and final["chamber"] == 1
        assert final["status"] == translations("kk").gettext(STATUS_WORDS["certified"])
        polls: list[str] = []
        page.on("request", lambda request: polls.append(request.url))
        page.wait_for_timeout(7_000)
        assert [u for u in polls if "/live/" in u] == [], "polling goes on after certification"
        assert page.evaluate("window.sameDocument") is True
        assert errors == []


def test_no_chamber_until_the_share_is_reached_then_a_labelled_projection(
    night: Night,
) -> None:
    """With one precinct of many in, the page draws no chamber and says when seats will be
    projected; once the share set in the settings is reached, the seats appear on the open
    page, labelled a projection."""
    expected = len(night.waiting)
    needed = SETTINGS.seat_projection_share
    night.submit_next(1)
    with chromium_page() as page:
        page.goto(night.page("en"))
        found = figures(page)
        assert found["chamber"] == 0 and found["seats heading"] == "Seats"
        assert found["projection"] is not None
        assert "will be projected once 50%" in found["projection"]
        assert not [h for h in found["table head"] if "Seats" in h]
        assert serious_violations(page) == []
        page.evaluate("window.sameDocument = true")

        below = next(n for n in range(expected, 0, -1) if Fraction(n, expected) < needed)
        size = night.submit_next(below - 1)
        wait_for_size(page, size)
        assert figures(page)["chamber"] == 0, f"{below} of {expected} in: no chamber yet"

        size = night.submit_next(1)
        assert Fraction(below + 1, expected) >= needed
        wait_for_size(page, size)
        found = figures(page)
        assert found["chamber"] == 1
        assert found["seats heading"] == "Projected seats"
        assert found["projection"] is not None
        assert found["projection"].startswith("A projection, not a result")
        assert "Projected seats" in found["table head"]
        assert seat_cells(found) == night.seats()
        assert page.evaluate("window.sameDocument") is True
        assert serious_violations(page) == []
        assert phone_findings(page, [night.page(lang) for lang in ("kk", "ru", "en")]) == []
