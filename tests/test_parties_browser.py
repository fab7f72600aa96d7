"""The registry of parties in a real browser (headless Chromium, Debian's): the Kazakh page
names every party and its status in Kazakh, with no English name or word of status on it,
a refusal's failed rule is told in Kazakh, and axe-core finds nothing serious."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from importlib import resources

import pytest
from playwright.sync_api import Page

from saylau.register.messages import MESSAGES
from saylau.register.parties import PartyApplication
from saylau.service import parties
from saylau.service.auth import authenticate_official
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from saylau.web.i18n import number, translations
from tests.browsing import chromium_page, phone_findings, plain
from tests.serving import Server, start_server
from tests.test_register_parties import population, roll_of
from tests.test_register_registry import EVEN, add_citizens
from tests.test_site_browser import serious_violations

NEW = {"kk": "«Сынақ» партиясы", "ru": "Партия «Сынақ»", "en": "Trial Party"}
ENGLISH_STATUS = ("Registered", "Refused", "Merged", "Dissolved", "Registration")


def seed_names() -> list[dict[str, str]]:
    text = resources.files("saylau").joinpath("data", "territory", "party-registry.csv")
    return list(csv.DictReader(io.StringIO(text.read_text("utf-8"))))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seeded registry and one party refused for a member short of the minimum."""
    folder = tmp_path_factory.mktemp("parties-site")
    url = f"sqlite:///{folder / 'saylau.db'}"
    ctx = Context.open(url)
    try:
        people = population(EVEN)
        add_citizens(ctx, people)
        roll = roll_of(people)[:-1]
        token = issue_official(ctx, "justice", "A. Officer", "registration department").token
        with ctx.sessions() as session:
            official = authenticate_official(session, "justice", token)
        application = PartyApplication(
            party="synaq",
            applied_on=dt.date(2023, 5, 2),
            group_notified_on=dt.date(2023, 1, 10),
            congress_on=dt.date(2023, 4, 10),
            initiative_group=tuple(roll[:700]),
        )
        parties.apply(ctx, official, application, roll, NEW)
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


def test_the_kazakh_registry_names_parties_and_statuses_in_kazakh(
    server: Server, page: Page
) -> None:
    page.goto(server.base + "/kk/parties/")
    assert page.locator("html").get_attribute("lang") == "kk"
    rows = page.locator("table.data tbody tr")
    assert rows.count() == len(seed_names()) + 1
    shown = {
        plain(rows.nth(i).locator("th").inner_text()): plain(
            rows.nth(i).locator("td").first.inner_text()
        )
        for i in range(rows.count())
    }
    kk = translations("kk")
    for party in seed_names():
        assert plain(party["name_kk"]) in shown, party["id"]
    assert shown[plain(NEW["kk"])] == kk.gettext("Refused registration")
    assert shown["«Adal» саяси партиясы"] == kk.gettext("Merged into another party")
    assert shown["Қазақстанның «Байтақ» жасылдар партиясы (ҚБ)"] == kk.gettext("Registered")
    text = plain(page.locator("main").inner_text())
    assert "2022 ж. 28 қараша" in text  # Baytaq's registration, as Kazakh writes the date
    names = [(p["name_kk"], p["name_ru"], p["name_en"]) for p in seed_names()]
    for kazakh, russian, english in [*names, (NEW["kk"], NEW["ru"], NEW["en"])]:
        if english not in (kazakh, russian):
            assert english not in text, english
    for word in ENGLISH_STATUS:
        assert not re.search(rf"\b{word}\b", text), word
    assert serious_violations(page) == []


def test_a_refusal_is_told_in_kazakh_with_its_numbers(server: Server, page: Page) -> None:
    page.goto(server.base + "/kk/parties/synaq/")
    text = plain(page.locator("main").inner_text())
    rule = translations("kk").gettext(MESSAGES["membership_minimum"]) % {
        "found": number(4999, "kk"),
        "required": number(5000, "kk"),
    }
    assert plain(rule) in text
    assert translations("kk").gettext("Refusal of registration") in text
    assert "The roll counts" not in text
    assert serious_violations(page) == []


def test_the_registry_reads_on_a_phone_without_a_sideways_scroll(
    server: Server, page: Page
) -> None:
    """At 375 px the registry and a party's page with its long source addresses wrap, and
    every status is white on its own colour, not on the white page."""
    paths = ("/kk/parties/", "/kk/parties/amanat/", "/ru/parties/adal/")
    assert phone_findings(page, [server.base + path for path in paths]) == []
