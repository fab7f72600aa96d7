"""What the browser tests of the registering side share: a page of Debian's Chromium, text
as a reader sees it, and what a phone shows wrong (a page wider than its screen, a status
painted white on white)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.test_site_browser import CHROMIUM, CHROMIUM_ARGS

PHONE_WIDTH = 375


@contextlib.contextmanager
def chromium_page() -> Iterator[Page]:
    """A page of Debian's Chromium; missing, the test fails in CI and is skipped elsewhere."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-dejavu-core)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            opened = browser.new_page()
            opened.set_default_timeout(15_000)
            yield opened
        finally:
            browser.close()


def plain(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def phone_findings(page: Page, urls: Iterable[str]) -> list[str]:
    """Each url opened at 375 px in the page's browser: any that is wider than the screen,
    and any status left without a colour of its own (its white text would fall on the white
    page)."""
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 812}, is_mobile=True, has_touch=True
    )
    found: list[str] = []
    try:
        phone = context.new_page()
        for url in urls:
            phone.goto(url)
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH + 1:
                found.append(f"{url} is {width} px wide")
            unpainted = phone.eval_on_selector_all(
                "span.status",
                "els => els.filter(e => getComputedStyle(e).backgroundColor === "
                "'rgba(0, 0, 0, 0)').map(e => e.className)",
            )
            found += [f"{url}: status {name} has no colour" for name in unpainted]
    finally:
        context.close()
    return found
