"""Screenshots of the results site after a realistic night, for the README and for review.

Runs `saylau demo --no-serve` (the national dataset, every protocol submitted) into a fresh
SQLite file, serves it with `saylau serve`, and has Debian's headless Chromium save PNGs of
the overview, the Mazhilis party-list page, a region, a precinct and the map, in Kazakh and
English, under docs/screenshots/ (``overview-kk.png``, ``map-en.png``, …).

Run: .venv/bin/python bench/screenshots.py [--precincts 10000] [--out docs/screenshots]
(``--db URL`` serves a database a demo already filled instead of running a new night).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ELECTION = "elections-2023-synthetic"  # the default night: Mazhilis and maslikhats
CONTEST = "mazhilis-list"
REGION = "KZ-10"  # Abay Region: every district has its Kazakh name
REPO = Path(__file__).resolve().parents[1]
SAYLAU = [sys.executable, "-m", "saylau"]


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


def first_precinct(base: str, unit: str) -> str:
    """Down the first child at each level until a precinct."""
    while True:
        answer = httpx.get(
            f"{base}/api/v1/elections/{ELECTION}/results/{CONTEST}", params={"unit": unit}
        ).json()
        if not answer["children"]:
            return unit
        unit = answer["children"][0]["unit"]


def shoot(page: Page, url: str, path: Path, section: str | None = None) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if section:
        page.locator(f'section[aria-labelledby="{section}"]').screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--db", help="serve this database instead of running a new night")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'night.db'}"
        if not args.db:
            night = [*SAYLAU, "demo", "--no-serve", "--db", url]
            subprocess.run([*night, "--precincts", str(args.precincts)], cwd=REPO, check=True)
        server = serve(url, args.port)
        base = f"http://127.0.0.1:{args.port}"
        try:
            precinct = first_precinct(base, REGION)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                for lang in ("kk", "en"):
                    contest = f"{base}/{lang}/{ELECTION}/{CONTEST}/"
                    shoot(page, f"{base}/{lang}/{ELECTION}/", args.out / f"overview-{lang}.png")
                    shoot(page, contest, args.out / f"mazhilis-{lang}.png")
                    shoot(page, contest, args.out / f"map-{lang}.png", section="map-title")
                    shoot(page, f"{contest}{REGION}/", args.out / f"region-{lang}.png")
                    shoot(page, f"{contest}{precinct}/", args.out / f"precinct-{lang}.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
