"""The commission's desk in a real browser, used with the keyboard alone: a precinct
commission signs in, types a protocol twice with one line mistyped, mends it and submits it,
then corrects it; the district commission approves the correction; the public page then
shows the new numbers. Every desk page met on the way is checked by axe-core at desktop
width and at 375 px, and must fit a 375 px screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browsing import PHONE_WIDTH, chromium_page, plain
from tests.elections_fixture import protocol, small_election
from tests.serving import ELECTION, Server, Tokens, check_invariants, prepare, start_server
from tests.test_site_browser import serious_violations

PRECINCT = "KZ-71-D01-P0001"
DISTRICT = "KZ-71-D01"
CONTEST = "mazhilis-list"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": PHONE_WIDTH, "height": 812}


@dataclass
class Served:
    server: Server
    tokens: Tokens
    url: str

    def at(self, path: str) -> str:
        return self.server.base + path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("desk-browser")
    url = f"sqlite:///{folder / 'desk.db'}"
    tokens = prepare(url)
    server = start_server(url, folder)
    try:
        yield Served(server, tokens, url)
    finally:
        server.stop()
    log = server.log_text()
    assert "Traceback" not in log, log


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        opened.set_viewport_size(DESKTOP)
        yield opened


def audit(page: Page, found: list[str]) -> None:
    """axe-core's serious and critical findings on the page as it stands, at desktop width
    and at 375 px, and whether it is wider than a phone's screen."""
    where = page.url
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        found += [f"{where} at {size['width']} px: {v}" for v in serious_violations(page)]
        if size["width"] == PHONE_WIDTH:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH + 1:
                found.append(f"{where} is {width} px wide at {PHONE_WIDTH} px")
    page.set_viewport_size(DESKTOP)


def focused(page: Page) -> dict[str, Any]:
    """The focused element: its id and whether its focus is drawn (an outline)."""
    answer: dict[str, Any] = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {id: e.id, tag: e.tagName, outline: s.outlineStyle, width: s.outlineWidth}; }"
    )
    return answer


def sign_in(page: Page, served: Served, who: str, found: list[str]) -> None:
    page.goto(served.at("/desk/en/"))
    expect(page.locator("h1")).to_have_text("Sign in to the commission's desk")
    audit(page, found)
    page.keyboard.press("Tab")  # the skip link comes first, then the header's links
    assert focused(page)["tag"] == "A"
    for _link in range(8):
        if focused(page)["id"] == "token":
            break
        page.keyboard.press("Tab")
    assert focused(page)["id"] == "token", "Tab reaches the token field"
    assert focused(page)["outline"] != "none", "the focused field shows it"
    page.keyboard.type(served.tokens[who])
    page.keyboard.press("Enter")
    page.wait_for_url(served.at("/desk/en/"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/en/sign-in")


def type_protocol(page: Page, document: dict[str, Any], reason: str | None = None) -> None:
    """Type every line with the keyboard, moving with Tab in the page's focus order."""
    order = [
        "voters_on_list",
        "voters_added",
        "ballots_received",
        "ballots_issued",
        "ballots_cancelled",
        "ballots_found",
        "invalid",
        "against_all",
        *(f"votes.{option}" for option in document["votes"]),
    ]
    values = {name: document[name] for name in order if not name.startswith("votes.")}
    values |= {f"votes.{o}": v for o, v in document["votes"].items()}
    page.get_by_label("Voters on the list").focus()
    for position, name in enumerate(order):
        state = focused(page)
        assert state["id"] == "f-" + name.replace(".", "-"), (name, state)
        assert state["outline"] != "none", f"{name} has no visible focus"
        page.keyboard.press("Control+A")
        page.keyboard.type(str(values[name]))
        if position < len(order) - 1:
            page.keyboard.press("Tab")
    if reason is not None:
        page.keyboard.press("Tab")
        assert focused(page)["id"] == "f-reason"
        page.keyboard.type(reason)
        page.get_by_label("Voters on the list").focus()


def test_a_protocol_double_entered_corrected_and_approved(served: Served, page: Page) -> None:
    found: list[str] = []
    sign_in(page, served, PRECINCT, found)
    audit(page, found)
    page.get_by_role("link", name="Enter the protocol: Mazhilis, party lists").click()
    expect(page.locator(".step")).to_have_text("First entry of two")
    document = protocol(PRECINCT, CONTEST, {"amanat": 512, "auyl": 231, "respublica": 97})
    type_protocol(page, document)
    # the server's check of the relations, asked as the lines are typed
    expect(page.locator("#check.check-ok")).to_have_text("The numbers keep every control relation.")
    audit(page, found)
    # a line that breaks the relations, sent anyway: refused, each relation named
    page.get_by_label("Ballots found in the boxes").fill(str(document["ballots_found"] + 9))
    page.get_by_label("Ballots found in the boxes").press("Enter")
    refusal = page.locator("#problem")
    expect(refusal).to_contain_text("The protocol breaks a rule")
    expect(refusal.locator("ul.broken li")).to_have_count(2)
    expect(page.locator(".step")).to_have_text("First entry of two")
    audit(page, found)
    page.get_by_label("Ballots found in the boxes").fill(str(document["ballots_found"]))
    page.get_by_label("Ballots found in the boxes").press("Enter")
    expect(page.locator(".step")).to_have_text("Second entry of two")
    assert page.get_by_label("Amanat").input_value() == "", "the first entry is not shown"
    mistyped = protocol(PRECINCT, CONTEST, {"amanat": 521, "auyl": 231, "respublica": 97})
    mistyped["ballots_issued"] = document["ballots_issued"]
    mistyped["ballots_found"] = document["ballots_found"]
    mistyped["ballots_cancelled"] = document["ballots_cancelled"]
    type_protocol(page, mistyped)
    expect(page.locator("#check.check-failed")).to_contain_text("Ballots found in the boxes")
    page.keyboard.press("Enter")
    mismatch = page.locator("#problem")
    expect(mismatch).to_contain_text("The two entries differ on 1 line(s)")
    expect(mismatch.locator("li")).to_have_text(["Amanat"])
    assert "512" not in plain(mismatch.inner_text())
    assert page.get_by_label("Amanat").get_attribute("aria-invalid") == "true"
    audit(page, found)
    # the line mended, from the keyboard: following the link to the line focuses it
    mismatch.get_by_role("link", name="Amanat").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Amanat").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("512")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/en/?done=accepted*")
    expect(page.get_by_role("status")).to_contain_text("The protocol was accepted")
    audit(page, found)

    # a correction: typed twice alike, with its reason; it waits for the district
    page.get_by_role("link", name="Enter a correction: Mazhilis, party lists").click()
    corrected = protocol(PRECINCT, CONTEST, {"amanat": 500, "auyl": 243, "respublica": 97})
    type_protocol(page, corrected, reason="recount of two piles")
    page.keyboard.press("Enter")
    expect(page.locator(".step")).to_have_text("Second entry of two")
    type_protocol(page, corrected, reason="recount of two piles")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/en/?done=correction-pending*")
    expect(page.locator("#pending-title + ul")).to_contain_text("recount of two piles")
    sign_out(page)

    # the district approves it
    sign_in(page, served, DISTRICT, found)
    queue = page.locator(".queued")
    expect(queue).to_have_count(1)
    expect(queue).to_contain_text("recount of two piles")
    audit(page, found)
    approve = page.get_by_role("button", name=f"Approve the correction of {PRECINCT}")
    approve.focus()
    assert focused(page)["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/en/?done=correction-approved*")
    expect(page.get_by_text("No correction is waiting.")).to_be_visible()

    # the public page shows the corrected numbers
    page.goto(served.at(f"/en/{ELECTION}/{CONTEST}/{PRECINCT}/"))
    rows = plain(page.locator("#protocol").inner_text())
    assert "Amanat 500" in rows and "Auyl 243" in rows, rows
    # its badge says the precinct was corrected; the correction names who approved it (the
    # district's commission and its member as the credential stores them) and what changed
    badge = page.locator(".precinct-state .status")
    assert badge.inner_text() == "Corrected: a correction was approved"
    second = page.locator('ol.versions > li[data-version="2"]')
    approved = plain(second.locator(".approved-by").inner_text())
    district = small_election().unit(DISTRICT).names["en"]
    assert approved.startswith(f"Commission of {district} (chair of commission {DISTRICT}, chair)")
    changes = [plain(r.inner_text()) for r in second.locator("table.changes tbody tr").all()]
    assert changes == ["Amanat 512 500", "Auyl 231 243"], changes
    first = page.locator('ol.versions > li[data-version="1"]')
    assert "needs no approval" in first.locator(".approved-by").inner_text()
    audit(page, found)
    stored = check_invariants(served.url)
    assert stored.current[(PRECINCT, CONTEST)]["votes"]["amanat"] == 500

    # the central commission's certification screen, in Kazakh too
    page.goto(served.at("/desk/en/"))
    sign_out(page)
    sign_in(page, served, "KZ", found)
    expect(page.locator("#certification-title")).to_be_visible()
    audit(page, found)
    page.goto(served.at("/desk/kk/"))
    audit(page, found)
    assert found == []
