"""What readers expect of an election-night site, in a real browser: results on the landing
page, the previous election beside the current shares, search by precinct or place, and a
page that prints. Each page is checked in Kazakh, Russian and English, at a phone's width
and with axe-core, on the generated election the results site's tests serve."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page

from saylau.tabulation import figures, previous, turnout_hours
from saylau.web.i18n import name, number, percent, points
from tests import test_site_browser as served
from tests.browsing import phone_findings
from tests.test_site_browser import CONTEST, Site, digits, serious_violations

# the served election, the browser and its pages, shared with the site's own tests
site = served.site
browser = served.browser
context = served.context
page = served.page


def test_the_landing_page_shows_results(site: Site, page: Page) -> None:
    """`/` lands on the election's page, which headlines the party lists: the leader, the
    first three parties' votes and shares, turnout and precincts reported, as the API has
    them, in each language."""
    site.submit_held_back()
    national = site.api()
    counts = national["counts"]
    shares = figures.shares("mazhilis-list", counts)
    ranked = sorted(counts["votes"], key=lambda o: -counts["votes"][o])
    contest = site.election.contest(CONTEST)
    labels = {o.id: o.names for o in contest.options}
    page.goto(site.url("/"))
    assert urlsplit(page.url).path == f"/kk/{site.id}/"
    for lang in ("kk", "ru", "en"):
        page.goto(site.url(f"/{lang}/{site.id}/"))
        card = page.locator(f'section.night article[data-election="{site.id}"]')
        assert card.count() == 1
        assert card.locator("h3 a").get_attribute("href") == f"/{lang}/{site.id}/{CONTEST}/"
        progress = card.locator(".night-progress").inner_text()
        assert number(national["precincts_reported"], lang) in progress
        shown_turnout = card.locator(".night-turnout").inner_text()
        assert shown_turnout == percent(figures.turnout(counts), lang)
        leader = card.locator(".night-leader").inner_text()
        assert name(dict(labels[ranked[0]]), lang) in leader
        rows = card.locator("tbody tr")
        assert [r.get_attribute("data-option") for r in rows.all()] == ranked[:3]
        for row in rows.all():
            option = row.get_attribute("data-option")
            assert option is not None
            cells = row.locator("td").all_inner_texts()
            assert digits(cells[0]) == counts["votes"][option]
            assert cells[1] == percent(shares[option], lang)
    assert serious_violations(page) == []
    phone = phone_findings(page, [site.url(f"/{lang}/{site.id}/") for lang in ("kk", "ru", "en")])
    assert phone == []


def test_the_contest_page_compares_with_the_previous_election(site: Site, page: Page) -> None:
    """The party lists of 2023 beside those of 2021: each party's share tonight and then and
    the change in points, as tabulation computes them, in each language; a region's page
    has no comparison (the past results are national)."""
    site.submit_held_back()
    counts = site.api()["counts"]
    contest = site.election.contest(CONTEST)
    parties = [(o.id, o.party) for o in contest.options]
    compared = previous.compare(CONTEST, site.election.date, counts, parties)
    assert compared is not None and compared.previous.date.year == 2021
    by_option = {c.option: c for c in compared.changes}
    assert by_option["amanat"].then == 71.09  # Nur Otan's 2021 share, the same party
    for lang in ("kk", "ru", "en"):
        page.goto(site.page(lang))
        table = page.locator("table#previous")
        assert str(compared.previous.date.year) in table.locator("caption").inner_text()
        rows = table.locator("tbody tr")
        assert rows.count() == len(contest.options)
        for row in rows.all():
            option = row.get_attribute("data-option")
            assert option is not None
            now, then, change = row.locator("td").all_inner_texts()
            expected = by_option[option]
            assert now == percent(expected.now, lang)
            if expected.then is not None:
                assert then == percent(expected.then, lang)
            assert change == points(expected.points, lang)
        turnout = table.locator("tfoot td").all_inner_texts()
        assert turnout[2] == points(compared.turnout_points, lang)
    assert serious_violations(page) == []
    page.goto(site.page("kk", site.first_region))
    assert page.locator("table#previous").count() == 0
    found = phone_findings(page, [site.page(lang) for lang in ("kk", "ru", "en")])
    assert found == []


def test_a_reader_finds_a_precinct_by_number_or_place(site: Site, page: Page) -> None:
    """From the landing page's form: a district's Russian name finds it; a precinct's
    number finds it with its region and district, and its link opens its protocol."""
    site.submit_held_back()
    district = site.election.children(site.first_region)[0]
    precinct = site.election.children(district.code)[0]
    page.goto(site.url(f"/ru/{site.id}/"))
    page.get_by_role("searchbox").fill(district.names["ru"].split()[0])
    page.get_by_role("button", name="Искать").click()
    page.wait_for_url(f"**/ru/{site.id}/search/?q=*")
    codes = page.locator("#found tbody tr").evaluate_all("rows => rows.map(r => r.dataset.unit)")
    assert district.code in codes
    number = "".join(c for c in precinct.names["en"] if c.isdigit())
    for lang in ("kk", "ru", "en"):
        page.goto(site.url(f"/{lang}/{site.id}/search/?q={number}"))
        row = page.locator(f'#found tr[data-unit="{precinct.code}"]')
        assert name(dict(district.names), lang) in row.locator("td").inner_text()
        assert serious_violations(page) == []
    page.goto(site.url(f"/en/{site.id}/search/?q={number}"))
    page.locator(f'#found tr[data-unit="{precinct.code}"] a').click()
    page.wait_for_url(f"**/en/{site.id}/{CONTEST}/{precinct.code}/")
    assert page.locator("#protocol tbody tr").count() >= 8
    page.goto(site.url(f"/kk/{site.id}/search/?q=Атлантида"))
    assert page.locator("#found").count() == 0
    assert "Атлантида" in page.locator(".search-count").inner_text()
    urls = [site.url(f"/{lang}/{site.id}/search/?q={number}") for lang in ("kk", "ru", "en")]
    assert phone_findings(page, urls) == []


PRINTED = """() => {
    const shown = (e) => getComputedStyle(e).display !== "none";
    const body = getComputedStyle(document.body);
    return {
        navigation: [...document.querySelectorAll("nav, form, a.skip")].filter(shown).length,
        ink: body.color,
        paper: body.backgroundColor,
        statuses: [...document.querySelectorAll(".status")].map(
            (e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]),
        hiddenRows: [...document.querySelectorAll("table.data tbody tr")].filter(
            (r) => !shown(r) || r.getBoundingClientRect().height === 0).length,
        rows: document.querySelectorAll("table.data tbody tr").length,
    };
}"""


def test_pages_print_black_on_white_without_navigation(site: Site, page: Page) -> None:
    """Printed, the landing page, a contest, a region and the search show no navigation or
    form, black text on white, statuses still readable, every table row; and Chromium makes
    a PDF of each."""
    site.submit_held_back()
    number = "1"
    urls = [
        site.url(f"/kk/{site.id}/"),
        site.page("ru"),
        site.page("en", site.first_region),
        site.url(f"/kk/{site.id}/search/?q={number}"),
    ]
    page.emulate_media(media="print")
    for url in urls:
        page.goto(url)
        printed = page.evaluate(PRINTED)
        assert printed["navigation"] == 0, url
        assert printed["ink"] == "rgb(0, 0, 0)" and printed["paper"] == "rgb(255, 255, 255)"
        for colour, background in printed["statuses"]:
            assert colour == "rgb(0, 0, 0)", url
            assert background in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), url
        assert printed["rows"] > 0 and printed["hiddenRows"] == 0, url
        assert page.pdf()[:5] == b"%PDF-"
    page.emulate_media(media="screen")
    page.goto(urls[0])
    assert page.evaluate(PRINTED)["navigation"] > 0  # the screen keeps its navigation


def test_turnout_at_the_reporting_hours_beside_the_protocols(site: Site, page: Page) -> None:
    """The national page of the 2023 night lists the turnout announced at 18:10, 20:10 and
    22:10 for the country and each region, and the turnout its protocols give."""
    site.submit_held_back()
    announced = turnout_hours.announced(site.election.date)
    assert announced is not None
    national = site.api()
    counted = {c["unit"]: c["turnout_percent"] for c in national["children"]}
    counted[national["unit"]] = national["turnout_percent"]
    for lang in ("kk", "ru", "en"):
        page.goto(site.page(lang))
        table = page.locator("table#turnout-hours")
        heads = table.locator("thead th").all_inner_texts()
        assert heads[1:-1] == list(announced.hours)
        rows = table.locator("tbody tr")
        assert rows.count() == len(counted)
        for row in rows.all():
            unit = row.get_attribute("data-unit")
            assert unit is not None
            cells = row.locator("td").all_inner_texts()
            assert cells[:-1] == [percent(v, lang) for v in announced.of(unit)], unit
            assert cells[-1] == percent(counted[unit], lang), unit
    assert serious_violations(page) == []
    page.goto(site.page("kk", site.first_region))
    assert page.locator("table#turnout-hours").count() == 0
    assert phone_findings(page, [site.page(lang) for lang in ("kk", "ru", "en")]) == []
