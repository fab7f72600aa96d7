"""Online petitions in a real browser (headless Chromium, Debian's): the Kazakh list names
each public petition's state in Kazakh and finds it by a word of its title, a petition's
page shows its progress to the threshold, working days left, its steps and the body's
answer, axe-core finds nothing serious, and both pages fit a 375 px phone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from saylau.petitions.messages import STATES, STEPS
from saylau.service import petitions
from saylau.service.context import Context
from saylau.store.tables import PetitionSignatureRow
from saylau.web.i18n import number, translations
from tests.browsing import chromium_page, phone_findings, plain
from tests.petitions_fixture import citizen, iin_of, official, signer
from tests.serving import Server, start_server
from tests.test_site_browser import serious_violations

WATER = "Жезқазғанға таза су"
ANSWERED = "Велосипед жолдары"
ANSWER = "Үкімет 2026 жылы жаңа велосипед жолдарын салады."


@dataclass
class Seeded:
    server: Server
    collecting: str
    gathering: str
    answered: str
    days_left: int


def seed(ctx: Context) -> tuple[str, str, str, int]:
    """A petition collecting today, one gathering its first supporters today, and one the
    akimat of Ulytau answered in 2025."""
    today = petitions.today()
    author = citizen(ctx, 1)
    moderator = official(ctx, "moderator")

    def approved(title: str, addressee: str, unit: str | None, on: dt.date) -> str:
        made = petitions.create(ctx, author, title, "Біз сұраймыз.\nТезірек.", addressee, unit, on)
        petitions.submit(ctx, author, made, on)
        petitions.approve(ctx, moderator, made, on)
        return made

    collecting = approved(WATER, "regional_akimat", "KZ-62", today)
    for serial in range(100, 153):
        petitions.sign(ctx, signer(serial), collecting, today)
    gathering = approved("Саябақ", "government", None, today)
    petitions.sign(ctx, signer(100), gathering, today)
    answered = approved(ANSWERED, "regional_akimat", "KZ-62", dt.date(2025, 3, 10))
    for serial in range(200, 250):
        petitions.sign(ctx, signer(serial), answered, dt.date(2025, 3, 11))
    with ctx.transaction() as session:  # a long collection, as the table keeps it
        session.add_all(
            PetitionSignatureRow(
                petition_id=answered,
                iin=iin_of(serial, dt.date(1980, 1, 1)),
                name="x",
                certificate_serial="",
                region="KZ-75",
                signed_on=dt.date(2025, 4, 2),
            )
            for serial in range(1, 2168)
        )
    taken = petitions.tick(ctx, dt.date(2025, 4, 3))
    assert [t.step for t in taken] == ["tally"], taken
    body = official(ctx, "addressee", "regional_akimat:KZ-62")
    petitions.consider(ctx, body, answered, dt.date(2025, 4, 7))
    petitions.discuss(ctx, body, answered, dt.date(2025, 4, 21))
    petitions.answer(ctx, body, answered, dt.date(2025, 5, 20), ANSWER)
    days_left = petitions.shown(ctx, gathering).working_days_left
    assert days_left is not None
    return collecting, gathering, answered, days_left


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("petitions-site")
    url = f"sqlite:///{folder / 'saylau.db'}"
    ctx = Context.open(url)
    try:
        ids = seed(ctx)
    finally:
        ctx.engine.dispose()
    served = start_server(url, folder)
    try:
        yield Seeded(served, *ids)
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def test_the_kazakh_list_shows_public_petitions_and_finds_them(seeded: Seeded, page: Page) -> None:
    kk = translations("kk").gettext
    page.goto(seeded.server.base + "/kk/petitions/")
    assert page.locator("html").get_attribute("lang") == "kk"
    rows = page.locator("table.data tbody tr")
    titles = [plain(rows.nth(i).locator("th").inner_text()) for i in range(rows.count())]
    assert sorted(titles) == sorted([WATER, ANSWERED])  # not the one gathering supporters
    text = plain(page.locator("main").inner_text())
    assert kk(STATES["collecting"]) in text and kk(STATES["answered"]) in text
    for english in ("collecting signatures", "answered", "Government", "Signatures"):
        assert not re.search(rf"\b{english}\b", text), english
    assert serious_violations(page) == []
    page.get_by_label(kk("Search petitions")).fill("таза су")
    page.get_by_role("button", name=kk("Search")).click()
    page.wait_for_url(re.compile(r"q="))
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1 and plain(rows.first.locator("th").inner_text()) == WATER
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(seeded.collecting))
    bar = page.locator("progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("53", "2190")
    assert serious_violations(page) == []


def test_a_petition_page_shows_its_days_steps_and_answer(seeded: Seeded, page: Page) -> None:
    kk = translations("kk").gettext
    page.goto(f"{seeded.server.base}/kk/petitions/{seeded.gathering}/")
    days = page.locator(".figures div", has_text=kk("Working days left")).locator("dd")
    assert days.inner_text() == number(seeded.days_left, "kk")  # the service's figure
    page.goto(f"{seeded.server.base}/kk/petitions/{seeded.answered}/")
    text = plain(page.locator("main").inner_text())
    assert ANSWER in text
    steps = page.locator("table.data").first.locator("tbody th")
    assert [plain(steps.nth(i).inner_text()) for i in range(steps.count())] == [
        kk(STEPS[s])
        for s in ("submit", "approve", "support", "tally", "consider", "discuss", "answer")
    ]
    progress = translations("kk").gettext(
        "%(count)s of the %(required)s signatures the petition needs"
    ) % {"count": number(2217, "kk"), "required": number(2217, "kk")}
    assert plain(progress) in text  # 50 first supporters and 2,167 more
    assert serious_violations(page) == []


def test_petition_pages_fit_a_phone(seeded: Seeded, page: Page) -> None:
    base = seeded.server.base
    paths = (
        "/kk/petitions/",
        f"/kk/petitions/{seeded.collecting}/",
        f"/ru/petitions/{seeded.answered}/",
        f"/kk/petitions/{seeded.gathering}/",
    )
    assert phone_findings(page, [base + path for path in paths]) == []
