"""Charts, the map and the pages of each party and candidate, as a phone shows them:
headless Chromium at 375 px over the site of :mod:`tests.test_site_browser`.

Chart text is measured as painted: an SVG's text is its computed size times the scale the
picture is drawn at, so a chart shrunk to a phone's width cannot pass on its nominal size.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from saylau.tabulation import figures
from saylau.web import charts
from saylau.web.i18n import name, percent
from tests.test_site_browser import (  # noqa: F401 (fixtures)
    CONTEST,
    PHONE,
    Site,
    browser,
    serious_violations,
    site,
)

MIN_TEXT_PX = 12.0

# The painted size of every piece of text inside the charts and the map's key: HTML text
# at its computed size, SVG text at its computed size times the SVG's scale on screen.
PAINTED_SIZES = """
() => {
  const found = [];
  const boxes = document.querySelectorAll("figure.bars, figure.chamber, .map-key, svg.chart");
  for (const box of boxes) {
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode.textContent.trim();
      const element = walker.currentNode.parentElement;
      if (!text || element.closest("title, desc, .visually-hidden")) { continue; }
      let size = parseFloat(getComputedStyle(element).fontSize);
      const svg = element.closest("svg");
      if (svg && element.getScreenCTM) { size *= element.getScreenCTM().a; }
      found.push([text, size]);
    }
  }
  return found;
}
"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def width_of(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_chart_text_is_legible_on_a_phone(site: Site, phone: Page, lang: str) -> None:  # noqa: F811
    """Every word and number of the charts is painted at 12 px or more at 375 px, the page
    is no wider than the phone, and the bars' numbers are the table's shares as text."""
    site.submit_held_back()
    phone.goto(site.page(lang))
    painted = phone.evaluate(PAINTED_SIZES)
    assert len(painted) > 20, painted  # the bars, the chamber, the map's key, the night
    small = [(text, round(size, 1)) for text, size in painted if size < MIN_TEXT_PX]
    assert small == [], small
    assert width_of(phone) <= PHONE["width"] + 1
    assert phone.locator("svg.chart text").count() > 0, "the night's chart is drawn"

    national = site.api()
    shares = figures.shares(CONTEST, national["counts"])
    shown = phone.locator("#shares-chart-title + ul .bar-value").all_inner_texts()
    ranked = sorted(shares, key=lambda o: -national["counts"]["votes"][o])
    assert shown == [percent(shares[o], lang) for o in ranked]
    labels = phone.locator("figure.chamber .legend li").all_inner_texts()
    assert len(labels) >= 2 and all(":" in label for label in labels)


def test_map_is_shaded_by_the_leaders_lead(site: Site, page_on_desktop: Page) -> None:  # noqa: F811
    """Each region's shade is the band of its leader's lead, as the tabulation computes
    it, and the key names the bands in each language."""
    site.submit_held_back()
    page = page_on_desktop
    page.goto(site.page("en"))
    regions = {c["unit"]: c for c in site.api()["children"]}
    drawn = page.locator("svg.map a").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), "
        "a.querySelector('path').getAttribute('data-shade')])"
    )
    assert len(drawn) == len(regions)
    shades = set()
    for href, shade in drawn:
        code = href.rstrip("/").rsplit("/", 1)[1]
        band = charts.margin_band(figures.margin(CONTEST, regions[code]["counts"]))
        assert shade == (None if band is None else str(band)), code
        shades.add(shade)
    keys = {}
    for lang in ("kk", "ru", "en"):
        page.goto(site.page(lang))
        keys[lang] = page.locator(".legend.shades li").all_inner_texts()
        assert len(keys[lang]) == len(charts.MARGIN_OPACITY)
    assert len({tuple(k) for k in keys.values()}) == 3, keys  # worded in each language
    assert "lead" not in " ".join(keys["kk"] + keys["ru"])


@pytest.fixture
def page_on_desktop(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_party_and_candidate_pages(site: Site, page_on_desktop: Page, phone: Page) -> None:  # noqa: F811
    """From the contest's table to a list's page, on to the party's night and to one of
    its candidates: the shares are the tabulation's, region by region; axe finds nothing
    serious at desktop width or at 375 px, and no page is wider than the phone."""
    site.submit_held_back()
    page = page_on_desktop
    national = site.api()
    leader = figures.leaders(national["counts"]["votes"])[0]
    page.goto(site.page("kk"))
    page.locator(f'#results tr[data-option="{leader}"] th a').click()
    page.wait_for_url(f"**/kk/{site.id}/{CONTEST}/options/{leader}/")
    share = percent(figures.shares(CONTEST, national["counts"])[leader], "kk")
    assert share in page.locator("p.headline").inner_text()

    page.goto(site.url(f"/ru/{site.id}/parties/{leader}/"))
    contest = site.election.contest(CONTEST)
    option = next(o for o in contest.options if o.id == leader)
    assert page.locator("h1").inner_text() == name(dict(option.names), "ru")
    rows = page.locator(f'section[aria-labelledby="list-{CONTEST}"] tbody tr').all()
    regions = {c["unit"]: c for c in site.api()["children"]}
    assert len(rows) == len(regions)
    for row in rows:
        href = row.locator("th a").get_attribute("href")
        assert href is not None
        counts = regions[href.rstrip("/").rsplit("/", 1)[1]]["counts"]
        expected = percent(figures.shares(CONTEST, counts).get(leader), "ru")
        assert row.locator("td").nth(2).inner_text() == expected
    nominee = page.locator('section[aria-labelledby="nominees-title"] tbody tr th a').first
    nominee_href = nominee.get_attribute("href")
    assert nominee_href is not None and "/options/" in nominee_href
    urls = [site.page("kk"), page.url, site.url(nominee_href)]
    for url in urls:
        page.goto(url)
        assert serious_violations(page) == [], url
        phone.goto(url)
        assert serious_violations(phone) == [], url
        assert width_of(phone) <= PHONE["width"] + 1, url
    for lang in ("kk", "en"):
        phone.goto(site.url(nominee_href.replace("/ru/", f"/{lang}/")))
        assert phone.locator("html").get_attribute("lang") == lang
        assert phone.locator("table.data tbody tr").count() >= 1
