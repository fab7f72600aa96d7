"""The calendar of peaceful assemblies in a real browser (headless Chromium, Debian's): the
Kazakh calendar names each form, state, place and city in Kazakh with no English word of
state on it, its filters narrow it to one city, each assembly's page shows its answer and
history, overlaps are flagged, axe-core finds nothing serious, and a phone reads it all
without a sideways scroll."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from saylau.assemblies.messages import KINDS, STATES
from saylau.service import assemblies
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from saylau.web.i18n import day, translations
from tests.browsing import chromium_page, phone_findings, plain
from tests.serving import Server, start_server
from tests.test_site_browser import serious_violations

D = dt.date
T = dt.datetime


def official(ctx: Context, role: str, name: str, city: str | None = None) -> Official:
    token = issue_official(ctx, role, name, role, unit_code=city).token
    with ctx.sessions() as session:
        return authenticate_official(session, role, token)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    """Almaty: a meeting agreed, a rally at the same place an hour later (an overlap), a
    march refused, a demonstration never answered (its answer overdue); Astana: a picket left
    unanswered, recorded as going ahead."""
    folder = tmp_path_factory.mktemp("assemblies-site")
    url = f"sqlite:///{folder / 'saylau.db'}"
    ctx = Context.open(url)
    ids: dict[str, str] = {}
    try:
        organiser = official(ctx, "organiser", "Айгерім Нұрланқызы")
        akimat = official(ctx, "akimat", "Алматы әкімдігі", "KZ-75")

        def file(kind: str, city: str, place: str, start: int, purpose: str) -> str:
            return assemblies.notify(
                ctx, organiser, kind, city, place,
                T(2025, 6, 20, start), T(2025, 6, 20, start + 2), 120, purpose,
                on=D(2025, 6, 2),
            ).id  # fmt: skip

        ids["meeting"] = file("meeting", "KZ-75", "gandhi-park", 11, "Саябақ ағаштары")
        ids["rally"] = file("rally", "KZ-75", "gandhi-park", 12, "Қала көліктері")
        ids["march"] = file("march", "KZ-75", "zhambyl-route", 16, "Таза ауа")
        ids["picket"] = file("picket", "KZ-71", "circus-square", 10, "Аулалар")
        ids["demonstration"] = file(
            "demonstration", "KZ-75", "zhambyl-route", 18, "Велосипед жолдары"
        )
        assemblies.answer(ctx, akimat, ids["meeting"], "agree", on=D(2025, 6, 3))
        assemblies.answer(
            ctx, akimat, ids["march"], "refuse", "Жамбыл көшесі жөнделуде", on=D(2025, 6, 4)
        )
        assemblies.tick(ctx, on=D(2025, 6, 6))
    finally:
        ctx.engine.dispose()
    served = start_server(url, folder)
    try:
        yield served, ids
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def test_the_kazakh_calendar_is_in_kazakh(
    seeded: tuple[Server, dict[str, str]], page: Page
) -> None:
    server, _ = seeded
    page.goto(server.base + "/kk/assemblies/")
    assert page.locator("html").get_attribute("lang") == "kk"
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 5
    text = plain(page.locator("main").inner_text())
    kk = translations("kk").gettext
    assert text.count(kk("The akimat's answer is overdue")) == 1
    for state in ("agreed", "went_ahead", "refused", "notified"):
        assert kk(STATES[state]) in text, state
    for kind in ("meeting", "rally", "march", "picket"):
        assert kk(KINDS[kind]) in text, kind
    assert "Махатма Ганди атындағы саябақ" in text and "Алматы" in text
    assert plain(day(D(2025, 6, 20), "kk")) in text
    assert text.count(kk("Overlaps another assembly at this place")) == 2
    for english in ("agreed", "refused", "notified", "Mahatma Gandhi", "picket", "Peaceful"):
        assert not re.search(rf"\b{english}\b", text), english
    assert serious_violations(page) == []


def test_the_city_filter_narrows_the_calendar(
    seeded: tuple[Server, dict[str, str]], page: Page
) -> None:
    server, ids = seeded
    page.goto(server.base + "/ru/assemblies/")
    page.select_option("#city", "KZ-71")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"city=KZ-71"))
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    link = rows.first.locator("a")
    assert link.get_attribute("href") == f"/ru/assemblies/{ids['picket']}/"
    assert translations("ru").gettext(STATES["went_ahead"]) in plain(rows.first.inner_text())
    assert page.locator("#city").input_value() == "KZ-71"


def test_an_assemblys_page_shows_its_answer_and_history(
    seeded: tuple[Server, dict[str, str]], page: Page
) -> None:
    server, ids = seeded
    page.goto(server.base + f"/kk/assemblies/{ids['march']}/")
    text = plain(page.locator("main").inner_text())
    kk = translations("kk").gettext
    assert "Жамбыл көшесі жөнделуде" in text
    steps = page.locator("table.data tbody th")
    assert [plain(steps.nth(i).inner_text()).split(" Жамбыл")[0] for i in range(steps.count())] == [
        kk(STATES["requested"]),
        kk(STATES["refused"]),
    ]
    assert "approval_working_days" in text  # the law applied, cited
    assert serious_violations(page) == []


def test_the_calendar_reads_on_a_phone(seeded: tuple[Server, dict[str, str]], page: Page) -> None:
    server, ids = seeded
    paths = ("/kk/assemblies/", "/ru/assemblies/?city=KZ-75", f"/kk/assemblies/{ids['rally']}/")
    assert phone_findings(page, [server.base + path for path in paths]) == []
