"""Screenshots of the commission's desk, for the README and for review.

Generates the 2023 night (``--precincts``, 300 by default), imports it into a fresh SQLite
file with a credential per commission, submits every protocol but one precinct's party-list
protocol, and sends one correction to wait for its district. Then `saylau serve` serves it
and Debian's headless Chromium, signed in as the commissions, saves under docs/screenshots/:

- ``desk-entry-kk.png``: a precinct's first entry, checked by the server as typed (Kazakh);
- ``desk-mismatch-en.png``: the second entry disagreeing with the first on one line;
- ``desk-queue-kk.png``, ``desk-queue-en.png``: the district's approval queue and progress;
- ``desk-phone-kk.png``: the entry form on a 375 px phone.

Run: .venv/bin/python bench/desk_screenshots.py [--precincts 300] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.synth import generate

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
CONTEST = "mazhilis-list"
REPO = Path(__file__).resolve().parents[1]
SAYLAU = [sys.executable, "-m", "saylau"]
LINES = (
    "voters_on_list",
    "voters_added",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_found",
    "invalid",
    "against_all",
)


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([*SAYLAU, "serve", "--db", url, "--port", str(port)], cwd=REPO)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("saylau serve did not come up")


def night(url: str, precincts: int, base: str) -> tuple[dict[str, str], dict[str, Any], str]:
    """Import and submit the night; the tokens, the held-back protocol and the district
    whose queue holds a correction."""
    synthetic = generate(seed=2023, precincts=precincts)
    election = synthetic.election
    ctx = Context.open(url)
    try:
        import_election(ctx, election)
        tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, election.id)}
    finally:
        ctx.engine.dispose()
    mappings = [protocol_to_mapping(p) for p in synthetic.protocols]
    held = next(m for m in mappings if m["contest"] == CONTEST)
    corrected = next(
        m for m in mappings if m["contest"] == CONTEST and m["precinct"] != held["precinct"]
    )
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for mapping in mappings:
        if mapping is not held:
            by_region[election.path(mapping["precinct"])[1]].append(mapping)
    api = f"{base}/api/v1/elections/{election.id}"
    for region, protocols in by_region.items():
        answer = httpx.post(
            f"{api}/protocols/batch",
            json={"submissions": [{"protocol": p} for p in protocols]},
            headers={"Authorization": f"Bearer {tokens[region]}"},
            timeout=120,
        )
        answer.raise_for_status()
    votes = dict(corrected["votes"])
    first, second = list(votes)[:2]
    votes[first], votes[second] = votes[first] - 3, votes[second] + 3
    answer = httpx.post(
        f"{api}/protocols",
        json={"protocol": corrected | {"votes": votes}, "reason": "екі бума қайта саналды"},
        headers={"Authorization": f"Bearer {tokens[corrected['precinct']]}"},
        timeout=60,
    )
    answer.raise_for_status()
    return tokens, held, election.path(corrected["precinct"])[-2]


def shoot(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


def sign_in(page: Page, base: str, lang: str, token: str) -> None:
    page.goto(f"{base}/desk/{lang}/sign-in")
    page.fill("#token", token)
    page.press("#token", "Enter")
    page.wait_for_url(f"{base}/desk/{lang}/")


def sign_out(page: Page) -> None:
    page.locator("form[action$='/sign-out'] button").click()
    page.wait_for_url("**/sign-in")


def type_entry(page: Page, protocol: dict[str, Any], wrong: str | None = None) -> None:
    for name in LINES:
        page.fill(f"#f-{name}", str(protocol[name]))
    for option, votes in protocol["votes"].items():
        value = votes + 10 if option == wrong else votes
        page.fill(f"#f-votes-{option}", str(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--precincts", type=int, default=300)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--port", type=int, default=8732)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'desk.db'}"
        ctx = Context.open(url)  # the schema, before the server opens it
        ctx.engine.dispose()
        server = serve(url, args.port)
        try:
            tokens, held, district = night(url, args.precincts, base)
            precinct = held["precinct"]
            form = f"/protocol/{precinct}/{CONTEST}/"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                sign_in(page, base, "kk", tokens[precinct])
                page.goto(f"{base}/desk/kk{form}")
                type_entry(page, held)
                page.wait_for_selector("#check.check-ok")
                shoot(page, args.out / "desk-entry-kk.png")
                page.set_viewport_size({"width": 375, "height": 812})
                shoot(page, args.out / "desk-phone-kk.png")
                page.set_viewport_size({"width": 1280, "height": 900})
                page.goto(f"{base}/desk/en{form}")
                type_entry(page, held)
                page.press("#f-voters_on_list", "Enter")
                page.wait_for_selector("text=Second entry of two")
                type_entry(page, held, wrong=next(iter(held["votes"])))
                page.press("#f-voters_on_list", "Enter")
                page.wait_for_selector("#problem")
                shoot(page, args.out / "desk-mismatch-en.png")
                sign_out(page)
                for lang in ("kk", "en"):
                    sign_in(page, base, lang, tokens[district])
                    shoot(page, args.out / f"desk-queue-{lang}.png")
                    sign_out(page)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
