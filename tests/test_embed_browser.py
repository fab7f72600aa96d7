"""The embed works pasted into a page of another site, as a newsroom pastes it.

A small web server on another port (another origin) serves a news page holding the snippet
exactly as the contest's page shows it; headless Chromium opens it. The widget must show,
every option legible inside the iframe, in each language, at a desktop's and a phone's
width, the iframe sized to its content by the snippet's script, and without scripts the
computed height must still hold every option.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Frame, Page, sync_playwright

from saylau.election import election_from_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election
from tests.elections_fixture import names, small_election_mapping
from tests.serving import ELECTION, Server, start_server
from tests.test_site_browser import CHROMIUM, CHROMIUM_ARGS

CONTEST = "mazhilis-list"
#: twelve lists with long names, as on a real ballot (Kazakh names run long and wrap)
OPTIONS = [
    {
        "id": f"list-{number}",
        "names": {
            "kk": f"«Қазақстанның халықтық демократиялық партиясы» саяси партиясы № {number}",
            "ru": f"Политическая партия «Народно-демократическая партия Казахстана» № {number}",
            "en": f"People's Democratic Party of Kazakhstan No. {number}",
        },
        "party": None,
    }
    for number in range(1, 13)
]
DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("embed")
    url = f"sqlite:///{folder / 'saylau.db'}"
    mapping: dict[str, Any] = small_election_mapping()
    for contest in mapping["contests"]:
        if contest["id"] == CONTEST:
            contest["options"] = OPTIONS
            contest["names"] = names("Mazhilis, party lists")
    ctx = Context.open(url)
    try:
        import_election(ctx, election_from_mapping(mapping))
    finally:
        ctx.engine.dispose()
    served = start_server(url, folder)
    try:
        yield served
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-dejavu-core)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def snippet(server: Server, lang: str) -> str:
    """The embed as the contest's page shows it, unescaped as a reader copies it."""
    page = httpx.get(server.base + f"/{lang}/{ELECTION}/{CONTEST}/", timeout=30)
    page.raise_for_status()
    found = re.search(r"<pre><code>(.*?)</code></pre>", page.text, re.S)
    assert found, "no embed snippet on the page"
    return html.unescape(found.group(1))


@contextlib.contextmanager
def news_site(body: str) -> Iterator[str]:
    """Another origin (its own port) serving one news page with ``body`` in it."""

    class News(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = (
                "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                "<title>News</title></head><body style='margin:0'><h1>Election night</h1>"
                f"<article>{body}</article><p id='after'>More news</p></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    news = http.server.ThreadingHTTPServer(("127.0.0.1", 0), News)
    thread = threading.Thread(target=news.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{news.server_address[1]}/"
    finally:
        news.shutdown()
        news.server_close()


def widget_frame(page: Page) -> Frame:
    page.wait_for_selector("iframe[data-saylau-embed]")
    frame = page.frame_locator("iframe[data-saylau-embed]")
    frame.locator("table#results").wait_for()
    found = [f for f in page.frames if f != page.main_frame]
    assert len(found) == 1
    return found[0]


def hidden_rows(page: Page, frame: Frame) -> list[str]:
    """The options whose row does not fit inside the iframe as it is sized now."""
    inner = page.eval_on_selector("iframe[data-saylau-embed]", "e => e.clientHeight")
    rows: list[dict[str, Any]] = frame.eval_on_selector_all(
        "#results tbody tr",
        "rows => rows.map(r => ({option: r.dataset.option, "
        "bottom: r.getBoundingClientRect().bottom, text: r.innerText}))",
    )
    assert len(rows) == len(OPTIONS)
    return [row["option"] for row in rows if row["bottom"] > inner + 0.5]


def test_the_snippet_names_this_site_by_its_absolute_address(server: Server) -> None:
    for lang in ("kk", "ru", "en"):
        text = snippet(server, lang)
        src = re.search(r'<iframe src="([^"]+)"', text)
        script = re.search(r'<script src="([^"]+)"', text)
        assert src and src.group(1) == f"{server.base}/{lang}/{ELECTION}/{CONTEST}/widget"
        assert script and script.group(1) == f"{server.base}/static/embed.js"
        height = re.search(r'height="(\d+)"', text)
        assert height and int(height.group(1)) > 420  # twelve options need more than that


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_embed_shows_every_option_from_another_site(
    server: Server, browser: Browser, lang: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        with news_site(snippet(server, lang)) as news:
            page.goto(news)
            frame = widget_frame(page)
            assert frame.evaluate("document.documentElement.lang") == lang
            assert frame.url.startswith(server.base)  # another origin than the news page
            # the script sizes the iframe to the widget's own height (fonts may still move it)
            for _attempt in range(50):
                content = frame.evaluate(
                    "Math.ceil(document.documentElement.getBoundingClientRect().height)"
                )
                outer = page.eval_on_selector(
                    "iframe[data-saylau-embed]", "e => e.getBoundingClientRect().height"
                )
                if abs(outer - content) <= 2:
                    break
                page.wait_for_timeout(100)
            assert abs(outer - content) <= 2, (outer, content)
            assert outer != fixed_height(page)  # sized by the script, not the snippet
            assert hidden_rows(page, frame) == []
            labels = frame.locator("#results tbody th").all_inner_texts()
            for option, label in zip(OPTIONS, labels, strict=True):
                assert option["names"][lang] in re.sub(r"\s+", " ", label)  # type: ignore[index]
            assert frame.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()


def test_without_scripts_the_computed_height_holds_every_option(
    server: Server, browser: Browser
) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        with news_site(snippet(server, "kk")) as news:
            page.goto(news)
            frame = widget_frame(page)
            assert hidden_rows(page, frame) == []
    finally:
        context.close()


def fixed_height(page: Page) -> float:
    return float(page.eval_on_selector("iframe[data-saylau-embed]", "e => e.height"))


def test_a_script_that_arrives_late_still_sizes_the_widget(
    server: Server, browser: Browser
) -> None:
    """A news page that loads the snippet's script after the widget has shown (a tag manager,
    a slow network) still gets the widget sized: the script asks the widget to report."""
    frame_html, script_html = snippet(server, "ru").split("\n")
    source = re.search(r'src="([^"]+)"', script_html)
    assert source
    late = (
        f"{frame_html}<script>setTimeout(function () {{ var s = document.createElement('script');"
        f" s.src = '{source.group(1)}'; document.body.appendChild(s); }}, 2000);</script>"
    )
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        with news_site(late) as news:
            page.goto(news)
            frame = widget_frame(page)
            page.wait_for_load_state("networkidle")
            assert page.eval_on_selector("iframe[data-saylau-embed]", "e => e.style.height") == ""
            page.wait_for_function(
                "() => document.querySelector('iframe[data-saylau-embed]').style.height !== ''"
            )
            content = frame.evaluate(
                "Math.ceil(document.documentElement.getBoundingClientRect().height)"
            )
            outer = page.eval_on_selector(
                "iframe[data-saylau-embed]", "e => e.getBoundingClientRect().height"
            )
            assert abs(outer - content) <= 2, (outer, content)
            assert hidden_rows(page, frame) == []
    finally:
        context.close()
