"""The results site in a real browser: headless Chromium drives a `saylau serve` process.

What a reader meets is checked as a reader meets it: numbers that rise while the page is
open, the language links and the remembered choice, the drill-down to a precinct and its
proof, the same numbers as the API, Kazakh letters, pages without JavaScript, a phone's
width, axe-core's serious and critical findings, and no request to any other machine.
The browser is Debian's Chromium (Playwright's own download needs a network we do not have).
"""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Request,
    ViewportSize,
    sync_playwright,
)

from saylau import ledger
from saylau.election import Election
from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.synth import generate
from saylau.tabulation import figures
from saylau.web.i18n import name, number, percent
from tests.latin_names import english_names_in
from tests.serving import Server, start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PRECINCTS = 300
CONTEST = "mazhilis-list"
LIVE_WAIT_MS = 12_000  # live.js polls every 3 s; a change shows within one or two polls
PHONE: ViewportSize = {"width": 375, "height": 812}
PROTOCOL_ROWS = {
    "voters_on_list": "Voters on the list",
    "voters_added": "Voters added on the day",
    "ballots_received": "Ballots received",
    "ballots_issued": "Ballots issued",
    "ballots_cancelled": "Ballots cancelled",
    "ballots_found": "Ballots found in the boxes",
    "invalid": "Invalid ballots",
    "against_all": "Against all",
}


def digits(text: str) -> int:
    """A number as the page shows it (Babel's or Intl's grouping, any separator)."""
    found = re.sub(r"\D", "", text)
    assert found, f"no number in {text!r}"
    return int(found)


def share(text: str) -> float:
    """'53,90 %' or '53.90 %' → 53.9."""
    match = re.search(r"(\d+)[.,](\d+)", text)
    assert match, f"no share in {text!r}"
    return float(f"{match[1]}.{match[2]}")


@dataclass
class Site:
    """The server, the election and what is still held back for the live test."""

    server: Server
    election: Election
    tokens: dict[str, str]  # region code → territorial token
    first_region: str  # complete from the start: the drill-down goes here
    live_region: str  # its party-list protocols arrive while a page is open
    held_back: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.election.id

    def url(self, path: str) -> str:
        return self.server.base + path

    def page(self, lang: str, unit: str | None = None, contest: str = CONTEST) -> str:
        return self.url(f"/{lang}/{self.id}/{contest}/" + (f"{unit}/" if unit else ""))

    def submit(self, region: str, protocols: list[dict[str, Any]]) -> None:
        """Submit over HTTP as the region's commission, as on election night."""
        answer = httpx.post(
            self.url(f"/api/v1/elections/{self.id}/protocols/batch"),
            json={"submissions": [{"protocol": p} for p in protocols]},
            headers={"Authorization": f"Bearer {self.tokens[region]}"},
            timeout=60,
        )
        answer.raise_for_status()
        assert answer.json()["accepted"] == len(protocols), answer.text

    def submit_held_back(self) -> None:
        """Let the rest arrive (tests after the live one see a complete count)."""
        if self.held_back:
            rest, self.held_back = self.held_back, []
            self.submit(self.live_region, rest)

    def api(self, unit: str | None = None, contest: str = CONTEST) -> dict[str, Any]:
        answer = httpx.get(
            self.url(f"/api/v1/elections/{self.id}/results/{contest}"),
            params={"unit": unit} if unit else {},
            timeout=30,
        )
        answer.raise_for_status()
        document: dict[str, Any] = answer.json()
        return document


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A generated election on a fresh SQLite file, served; all but one region's party-list
    protocols submitted."""
    folder = tmp_path_factory.mktemp("site")
    url = f"sqlite:///{folder / 'saylau.db'}"
    synthetic = generate(seed=2023, precincts=PRECINCTS)
    election = synthetic.election
    ctx = Context.open(url)
    try:
        import_election(ctx, election)
        tokens = {
            c.unit_code: c.token
            for c in issue_credentials(ctx, election.id)
            if c.role == "territorial" and c.unit_code and c.unit_code.count("-") == 1
        }
    finally:
        ctx.engine.dispose()
    republic = election.path(synthetic.protocols[0].precinct)[0]
    regions = [u.code for u in election.children(republic)]
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    held_back: list[dict[str, Any]] = []
    for protocol in synthetic.protocols:
        region = election.path(protocol.precinct)[1]
        mapping = protocol_to_mapping(protocol)
        if region == regions[-1] and protocol.contest == CONTEST:
            held_back.append(mapping)
        else:
            by_region[region].append(mapping)
    assert len(held_back) >= 4, "the live region needs a few precincts"
    server = start_server(url, folder)
    try:
        served = Site(server, election, tokens, regions[0], regions[-1], held_back)
        for region, protocols in by_region.items():
            served.submit(region, protocols)
        yield served
    finally:
        server.stop()
    log = server.log_text()
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-dejavu-core)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport={"width": 1280, "height": 900})
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def live_text(page: Page, field_name: str) -> str:
    return page.locator(f'[data-live="{field_name}"]').first.inner_text()


def wait_for_change(page: Page, selector: str, before: str) -> None:
    page.wait_for_function(
        "([selector, before]) => document.querySelector(selector).textContent !== before",
        arg=[selector, before],
        timeout=LIVE_WAIT_MS,
    )


def precinct_of(site: Site, region: str) -> str:
    """The first precinct under ``region``, found through the API."""
    unit = region
    while site.election.unit(unit).level != "precinct":
        unit = site.api(unit)["children"][0]["unit"]
    return unit


def test_counts_rise_while_the_overview_is_open(site: Site, page: Page) -> None:
    """Protocols arriving after the page loaded show up in it without a reload."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.page("kk"))
    expected = site.api()["precincts_expected"]
    before = live_text(page, "reported")
    assert digits(before) == site.api()["precincts_reported"] < expected
    page.evaluate("window.sameDocument = true")

    half = len(site.held_back) // 2
    first, site.held_back = site.held_back[:half], site.held_back[half:]
    site.submit(site.live_region, first)
    wait_for_change(page, '[data-live="reported"]', before)
    risen = live_text(page, "reported")
    assert digits(risen) == digits(before) + half
    assert page.evaluate("window.sameDocument") is True, "the page was reloaded"

    site.submit_held_back()
    wait_for_change(page, '[data-live="reported"]', risen)
    assert digits(live_text(page, "reported")) == expected
    national = site.api()
    assert digits(live_text(page, "participated")) == national["counts"]["ballots_found"]
    for option, votes in national["counts"]["votes"].items():
        row = page.locator(f'#results tr[data-option="{option}"]')
        assert digits(row.locator('[data-live="votes"]').inner_text()) == votes, option
    assert page.evaluate("window.sameDocument") is True
    assert errors == []
    # written as the page writes them in Kazakh, not as the browser would ('195,657')
    assert live_text(page, "participated") == number(national["counts"]["ballots_found"], "kk")
    shares = figures.shares("mazhilis-list", national["counts"])
    for option in national["counts"]["votes"]:
        cell = page.locator(f'#results tr[data-option="{option}"] [data-live="percent"]')
        assert cell.inner_text() == percent(shares[option], "kk"), option


def test_language_links_and_the_remembered_choice(site: Site, page: Page) -> None:
    """Kazakh first; a switch keeps the same page, and `/` remembers it next time."""
    page.goto(site.url("/"))
    assert urlsplit(page.url).path == f"/kk/{site.id}/"
    assert page.locator("html").get_attribute("lang") == "kk"
    page.locator(f'main table a[href="/kk/{site.id}/{CONTEST}/"]').click()
    assert urlsplit(page.url).path == f"/kk/{site.id}/{CONTEST}/"

    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(f"**/en/{site.id}/{CONTEST}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Русский", exact=True).click()
    page.wait_for_url(f"**/ru/{site.id}/{CONTEST}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    current = page.locator('nav.languages a[aria-current="true"]')
    assert current.get_attribute("hreflang") == "ru"

    page.goto(site.url("/"))
    assert urlsplit(page.url).path == f"/ru/{site.id}/"
    assert page.locator("html").get_attribute("lang") == "ru"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["saylau_lang"] == "ru"


def test_drill_down_to_a_precinct_and_its_proof(site: Site, page: Page) -> None:
    """Republic → region → district → precinct by clicking; the precinct shows its
    protocol, its versions and an inclusion proof that checks against the signed root."""
    site.submit_held_back()
    page.goto(site.page("en"))
    prefix = f"/en/{site.id}/{CONTEST}/"
    page.locator(f'main table a[href="{prefix}{site.first_region}/"]').click()
    page.wait_for_url(f"**{prefix}{site.first_region}/")
    region_name = name(dict(site.election.unit(site.first_region).names), "en")
    assert region_name in page.locator("h1").inner_text()
    district = page.locator(f'main table a[href^="{prefix}{site.first_region}-"]').first
    district_path = district.get_attribute("href")
    assert district_path is not None
    assert site.election.unit(district_path.split("/")[-2]).level == "district"
    district.click()
    page.wait_for_url(f"**{district_path}")
    precinct = page.locator(f'main table a[href^="{district_path[:-1]}-P"]').first
    precinct_path = precinct.get_attribute("href")
    assert precinct_path is not None
    precinct.click()
    page.wait_for_url(f"**{precinct_path}")
    code = precinct_path.rstrip("/").rsplit("/", 1)[1]
    assert page.locator("nav.breadcrumbs li").count() == 5  # election, republic … precinct

    answer = site.api(code)
    shown = {
        row.locator("th").inner_text(): digits(row.locator("td").inner_text())
        for row in page.locator("#protocol tbody tr").all()
    }
    counts = answer["counts"]
    contest = site.election.contest(CONTEST)
    expected = {label: counts[key] for key, label in PROTOCOL_ROWS.items()} | {
        name(dict(o.names), "en"): counts["votes"][o.id] for o in contest.options
    }
    assert shown == expected
    in_entry = {
        row.locator("th").inner_text(): digits(row.locator("td").inner_text())
        for row in page.locator("#leaf tbody tr").all()
    }
    assert in_entry == expected  # the numbers of the entry the proof is for
    assert page.locator("p.check-ok").is_visible()
    assert not page.locator("p.check-failed").count()

    versions = page.locator('section[aria-labelledby="versions-title"] ol.versions > li')
    assert versions.count() == len(answer["versions"]) == 1
    index = answer["versions"][0]["ledger_index"]
    assert digits(versions.first.locator("dl.version > div dd").last.inner_text()) == index
    # the badge is the precinct's own (its protocol is in), not the contest's status
    assert page.locator(".precinct-state .status").inner_text() == "Reported"

    proof = page.locator("dl.proof")
    codes = [c.inner_text() for c in proof.locator("dd code").all()]
    leaf_hash, root, path = codes[0], codes[1], codes[4:]
    sentence = page.locator('section[aria-labelledby="proof-title"] p:not(.check)').inner_text()
    shown_index, size = (int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", sentence))
    assert shown_index == index
    entries = httpx.get(
        site.url(f"/api/v1/elections/{site.id}/ledger/entries"),
        params={"start": index, "limit": 1},
    ).json()["entries"]
    assert code in entries[0]["leaf"]
    assert ledger.leaf_hash(entries[0]["leaf"].encode()).hex() == leaf_hash
    ledger.verify_inclusion(
        index, size, bytes.fromhex(leaf_hash), [bytes.fromhex(p) for p in path], bytes.fromhex(root)
    )


def check_results_table(page: Page, answer: dict[str, Any]) -> None:
    counts = answer["counts"]
    valid = sum(counts["votes"].values()) + counts["against_all"]
    rows = page.locator("#results tbody tr")
    assert rows.count() == len(counts["votes"])
    for option, votes in counts["votes"].items():
        row = page.locator(f'#results tr[data-option="{option}"]')
        assert digits(row.locator('[data-live="votes"]').inner_text()) == votes, option
        shown = share(row.locator('[data-live="percent"]').inner_text())
        assert abs(shown - 100 * votes / valid) <= 0.006, option
    assert digits(live_text(page, "reported")) == answer["precincts_reported"]
    assert digits(live_text(page, "participated")) == counts["ballots_found"]


def test_numbers_equal_the_api(site: Site, page: Page) -> None:
    """The page and its JSON twin say the same, nationally and in a region."""
    site.submit_held_back()
    for unit in (None, site.first_region):
        page.goto(site.page("kk", unit))
        check_results_table(page, site.api(unit))
        twin = page.locator('link[rel="alternate"][type="application/json"]')
        if unit:
            assert twin.get_attribute("href") == (
                f"/api/v1/elections/{site.id}/results/{CONTEST}?unit={unit}"
            )
        # the outcome is decided nationally: a region's page does not claim one of its own
        assert page.locator("section.outcome").count() == (0 if unit else 1)


# Every text node of the page, chart labels and the words for screen readers included, but
# not what is marked as English on purpose (the switch to the English site, the law's
# sources as recorded).
READABLE = """() => {
    const kept = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent.closest("script, style, [lang='en']")) continue;
        kept.push(node.textContent);
    }
    for (const element of document.querySelectorAll("[title], [aria-label], [alt]")) {
        if (element.closest("[lang='en']")) continue;
        for (const name of ["title", "aria-label", "alt"]) {
            if (element.hasAttribute(name)) kept.push(element.getAttribute(name));
        }
    }
    return kept.join(" ");
}"""


def test_kazakh_pages_name_no_place_in_english(site: Site, page: Page) -> None:
    """The election, the national overview, a region, a district, a precinct, a
    single-member district and the widget in Kazakh: no word of any region's or district's
    English name anywhere on them, and the units' Kazakh names where they belong."""
    site.submit_held_back()
    region = site.election.unit(site.first_region)
    district = site.election.children(region.code)[0]
    precinct = precinct_of(site, district.code)
    pages = {
        "election": site.url(f"/kk/{site.id}/"),
        "overview": site.page("kk"),
        "region": site.page("kk", region.code),
        "district": site.page("kk", district.code),
        "precinct": site.page("kk", precinct),
        "single-member": site.page("kk", contest="smd-01"),
        "widget": site.url(f"/kk/{site.id}/{CONTEST}/widget"),
    }
    for kind, url in pages.items():
        page.goto(url)
        text = page.evaluate(READABLE)
        assert english_names_in(text, site.election) == [], kind
        if kind in ("region", "district", "precinct"):
            assert region.names["kk"] in text, kind
        if kind in ("district", "precinct"):
            assert district.names["kk"] in text, kind
    page.goto(pages["overview"])
    text = page.evaluate(READABLE)
    assert all(r.names["kk"] in text for r in site.election.children("KZ"))
    page.locator("details.explanation summary").click()
    told = page.locator("details.explanation ol").inner_text()
    assert "Партиялық тізімдер бойынша бөлінетін депутаттық мандаттар саны: 69." in told
    assert "«AMANAT» партиясы" in told and "amanat" not in told


def test_kazakh_letters_render(site: Site, page: Page, tmp_path: Path) -> None:
    """Kazakh text reaches the page and the font has its letters (no empty boxes)."""
    page.goto(site.page("kk"))
    text = page.locator("body").inner_text()
    for letter in "Ққәіңұ":
        assert letter in text, letter
    # A letter the font lacks is drawn as the same box as an unassigned code point.
    drawn = page.evaluate(
        """() => {
            const font = getComputedStyle(document.body).fontFamily;
            const draw = (letter) => {
                const canvas = document.createElement("canvas");
                canvas.width = 64; canvas.height = 64;
                const g = canvas.getContext("2d");
                g.font = "40px " + font;
                g.fillText(letter, 8, 48);
                return canvas.toDataURL();
            };
            const missing = draw("\\u0378");
            return ["Қ", "Ә", "Ң", "Ө", "Ұ", "Ү", "Һ", "І", "Ғ"].filter(l => draw(l) === missing);
        }"""
    )
    assert drawn == [], f"drawn as missing glyphs: {drawn}"
    shot = tmp_path / "overview-kk.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_core_tables_without_javascript(site: Site, browser: Browser) -> None:
    """Everything that matters is in the HTML: tables, numbers, proofs."""
    site.submit_held_back()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.page("kk"))
        national = site.api()
        assert page.locator("#results tbody tr").count() == len(national["counts"]["votes"])
        assert digits(live_text(page, "reported")) == national["precincts_reported"]
        by_territory = page.locator('section[aria-labelledby="children-title"] tbody tr')
        assert by_territory.count() == len(national["children"])
        page.goto(site.page("kk", site.first_region))
        check_results_table(page, site.api(site.first_region))
        page.goto(site.page("kk", precinct_of(site, site.first_region)))
        assert page.locator("#protocol tbody tr").count() >= 8
        assert page.locator("dl.proof dd code").count() >= 5
    finally:
        context.close()


def test_readable_on_a_phone(site: Site, browser: Browser) -> None:
    """At 375 px nothing needs a sideways scroll: long names and tables wrap."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        paths = [
            site.url(f"/kk/{site.id}/"),
            site.page("kk"),
            site.page("ru", site.first_region),
            site.page("kk", precinct_of(site, site.first_region)),
            site.url(f"/en/{site.id}/smd-01/"),
        ]
        for path in paths:
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"] + 1, f"{path} is {width} px wide"
    finally:
        context.close()


def serious_violations(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_nothing_serious(site: Site, page: Page) -> None:
    """axe-core on the overview, a region and a precinct: no serious or critical finding."""
    site.submit_held_back()
    for url in (
        site.page("kk"),
        site.page("kk", site.first_region),
        site.page("kk", precinct_of(site, site.first_region)),
    ):
        page.goto(url)
        assert serious_violations(page) == [], url


def is_live_poll(request: Request) -> bool:
    return "/live/" in request.url


def test_no_request_leaves_the_machine(site: Site, context: BrowserContext) -> None:
    """Every request a page makes (styles, scripts, charts, the live poll) stays local."""
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    with page.expect_request(is_live_poll, timeout=LIVE_WAIT_MS):
        page.goto(site.page("kk"))
    for url in (
        site.url(f"/kk/{site.id}/"),
        site.page("en", site.first_region),
        site.page("kk", precinct_of(site, site.first_region)),
        site.url(f"/kk/{site.id}/{CONTEST}/widget"),
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).hostname for url in requested}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requested if "127.0.0.1" not in u)
    assert any(u.endswith("/static/site.css") for u in requested)
    assert any("/live/" in u for u in requested)


# Records every Content-Security-Policy violation the page meets (init scripts run outside
# the page's policy, before its own scripts).
WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`);
});
"""


def policy_violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__violations")
    return found


def test_pages_keep_to_their_security_policy(site: Site, context: BrowserContext) -> None:
    """Scripts, styles, charts, the map and the live poll all work under the site's policy:
    the browser reports no violation on any kind of page."""
    site.submit_held_back()
    context.add_init_script(WATCH_POLICY)
    console: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: console.append(message.text))
    for url in (
        site.url(f"/kk/{site.id}/"),
        site.page("kk"),
        site.page("ru", site.first_region),
        site.page("en", precinct_of(site, site.first_region)),
        site.url(f"/kk/{site.id}/{CONTEST}/widget"),
    ):
        response = page.goto(url)
        assert response is not None and response.headers.get("content-security-policy"), url
        page.wait_for_load_state("networkidle")
        assert policy_violations(page) == [], url
    page.goto(site.page("kk"))
    with page.expect_request(is_live_poll, timeout=LIVE_WAIT_MS):
        pass  # live.js, a file the policy allows, still polls
    assert policy_violations(page) == []
    assert not [m for m in console if "Content Security Policy" in m], console


@contextlib.contextmanager
def news_site(pages: dict[str, str]) -> Iterator[str]:
    """Another origin (its own port) whose pages frame ours: ``/name`` is an iframe of
    ``pages[name]``. A real local server: Chromium keeps public pages, and pages the test
    would fake, from framing a loopback address at all."""

    class News(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            framed = pages.get(self.path.lstrip("/"), "")
            body = f'<!doctype html><title>News</title><iframe src="{framed}"></iframe>'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), News)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_only_the_widget_may_be_framed_by_another_site(site: Site, context: BrowserContext) -> None:
    """A news site's page frames the widget, and it shows; framing a results page is
    refused by the browser."""
    framed = {"widget": site.url(f"/kk/{site.id}/{CONTEST}/widget"), "page": site.page("kk")}
    with news_site(framed) as news:
        page = context.new_page()
        page.goto(f"{news}/widget")
        page.wait_for_load_state("networkidle")
        child = page.frames[-1]
        assert child != page.main_frame
        assert child.locator("table#results").count() == 1, child.url

        page.goto(f"{news}/page")
        page.wait_for_load_state("networkidle")
        child = page.frames[-1]
        assert child != page.main_frame
        assert child.locator("main").count() == 0, child.url


def test_api_documentation_renders_from_this_server(site: Site, context: BrowserContext) -> None:
    """Swagger UI at /docs shows the operations, loading everything from this server, and
    keeps to its policy (its configuration script is allowed by hash)."""
    context.add_init_script(WATCH_POLICY)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(site.url("/docs"))
    page.locator(".opblock").first.wait_for(timeout=30_000)
    assert page.locator(".opblock").count() >= 10
    assert "/protocols" in page.locator(".opblock-summary-path").first.inner_text() or any(
        "/protocols" in t for t in page.locator(".opblock-summary-path").all_inner_texts()
    )
    page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, sorted(requested)
    assert any(url.endswith("/openapi.json") for url in requested)
    assert policy_violations(page) == []
