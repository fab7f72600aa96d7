"""The candidates page in a real browser (headless Chromium, Debian's): in Kazakh, every
status is Kazakh and a refusal's reason is told in Kazakh with its numbers, no English word
of status is on the page, and axe-core finds nothing serious."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from saylau.register.messages import MESSAGES
from saylau.service import candidates
from saylau.service.auth import authenticate
from saylau.service.context import Context
from saylau.web.i18n import number, translations
from tests.browsing import chromium_page, phone_findings, plain
from tests.candidates_fixture import district_application, list_application, too_young
from tests.serving import ELECTION, Server, prepare, start_server
from tests.test_site_browser import serious_violations

ENGLISH_STATUS = ("Registered", "Refused", "registration")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two candidates registered and one refused for being a day short of 25."""
    folder = tmp_path_factory.mktemp("candidates-site")
    url = f"sqlite:///{folder / 'saylau.db'}"
    tokens = prepare(url)
    ctx = Context.open(url)
    try:
        with ctx.sessions() as session:
            who = {unit: authenticate(session, ELECTION, tokens[unit]) for unit in ("KZ", "KZ-71")}
        candidates.register(ctx, who["KZ"], "mazhilis-list", list_application())
        candidates.register(ctx, who["KZ-71"], "smd-1", district_application())
        candidates.register(ctx, who["KZ-71"], "smd-1", too_young())
    finally:
        ctx.engine.dispose()
    served = start_server(url, folder)
    try:
        yield served
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def test_the_kazakh_candidates_page_tells_statuses_and_reasons_in_kazakh(
    server: Server, page: Page
) -> None:
    page.goto(server.base + f"/kk/{ELECTION}/candidates/")
    assert page.locator("html").get_attribute("lang") == "kk"
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 3
    kk = translations("kk")
    status = {
        plain(rows.nth(i).locator("th").inner_text()): plain(
            rows.nth(i).locator("td .status").inner_text()
        )
        for i in range(rows.count())
    }
    assert status == {
        "Dana Amanova": kk.gettext("Registered"),
        "Aigerim Seitkali": kk.gettext("Registered"),
        "Yerlan Zhaksybek": kk.gettext("Refused registration"),
    }
    text = plain(page.locator("main").inner_text())
    reason = kk.gettext(MESSAGES["candidate_age"]) % {
        "found": number(24, "kk"),
        "required": number(25, "kk"),
    }
    assert plain(reason) in text
    assert "years old" not in text
    for word in ENGLISH_STATUS:
        assert not re.search(rf"\b{word}\b", text), word
    assert serious_violations(page) == []


def test_the_candidates_page_reads_on_a_phone_with_every_status_painted(
    server: Server, page: Page
) -> None:
    """At 375 px the six columns wrap inside the page, and each status is white on its own
    colour (without one it would be white on the white page)."""
    urls = [server.base + f"/{lang}/{ELECTION}/candidates/" for lang in ("kk", "ru")]
    assert phone_findings(page, urls) == []
