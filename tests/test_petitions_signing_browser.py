"""Signing a petition through its real page in headless Chromium (Debian's): a citizen with
a test-CA certificate chooses their key file, the page signs in the browser and shows the
receipt, the receipt checks in the page (with the IIN typed there) and with
``check_receipt``, signing again is answered politely and counts once; a GET of any signing
address changes nothing, a post without the form's token is refused; axe-core finds nothing
serious and the page fits a 375 px phone."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from playwright.sync_api import Page

from saylau import ledger
from saylau.petitions import receipts
from saylau.pki.authority import Citizen
from saylau.pki.chain import ANCHORS_ENV, CRLS_ENV
from saylau.service import petitions
from saylau.service.context import Context
from saylau.web.i18n import translations
from tests.browsing import chromium_page, phone_findings, plain
from tests.petitions_fixture import citizen, iin_of, official
from tests.petitions_pki import CitizensAuthority
from tests.serving import Server, start_server
from tests.test_site_browser import serious_violations

TEXT = "Біз Жезқазғанға таза су сұраймыз."
SIGNER = 301


@dataclass
class Seeded:
    server: Server
    url: str
    petition: str
    key_file: Path
    log_key: ledger.NoteKey


def key_file(folder: Path, authority: CitizensAuthority, person: Citizen) -> Path:
    """The citizen's certificate, their authority's and their private key (PKCS#8), in PEM,
    as a citizen's key container exports them."""
    path = folder / "citizen.pem"
    path.write_bytes(
        person.certificate.public_bytes(Encoding.PEM)
        + authority.pki.intermediate.certificate.public_bytes(Encoding.PEM)
        + person.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    return path


def count(url: str, petition_id: str) -> int:
    ctx = Context.open(url)
    try:
        return petitions.shown(ctx, petition_id).signatures
    finally:
        ctx.engine.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("petition-signing")
    authority = CitizensAuthority.create(folder / "pki")
    url = f"sqlite:///{folder / 'saylau.db'}"
    ctx = Context.open(url)
    try:
        today = petitions.today()
        author = citizen(ctx, 1)
        petition = petitions.create(ctx, author, "Таза су", TEXT, "regional_akimat", "KZ-62", today)
        petitions.submit(ctx, author, petition, today)
        petitions.approve(ctx, official(ctx, "moderator"), petition, today)
        assert ctx.signer is not None
        log_key = ledger.NoteKey(
            receipts.log_origin(petition),
            ledger.VerifyingKey.from_bytes(ctx.signer.public_key()),
        )
    finally:
        ctx.engine.dispose()
    saved = {name: os.environ.get(name) for name in (ANCHORS_ENV, CRLS_ENV)}
    os.environ[ANCHORS_ENV] = str(authority.anchors)
    os.environ[CRLS_ENV] = str(authority.crls)
    try:
        served = start_server(url, folder)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    person = authority.citizen(iin_of(SIGNER))
    try:
        yield Seeded(served, url, petition, key_file(folder, authority, person), log_key)
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def sign_on_page(page: Page, seeded: Seeded) -> dict[str, object]:
    kk = translations("kk").gettext
    page.goto(f"{seeded.server.base}/kk/petitions/{seeded.petition}/")
    page.get_by_label(kk("Your certificate and key (PEM file)")).set_input_files(
        str(seeded.key_file)
    )
    page.get_by_role("button", name=kk("Sign"), exact=True).click()
    page.locator("#receipt").wait_for()
    found: dict[str, object] = json.loads(page.locator("#receipt").inner_text())
    return found


def test_a_citizen_signs_on_the_page_and_checks_the_receipt(seeded: Seeded, page: Page) -> None:
    kk = translations("kk").gettext
    before = count(seeded.url, seeded.petition)
    shown = sign_on_page(page, seeded)
    assert count(seeded.url, seeded.petition) == before + 1
    status = plain(page.locator("#sign-result p").inner_text())
    assert status == plain(
        kk(
            "Your signature is counted. Keep your receipt: with your IIN it proves your "
            "signature is in the petition's log."
        )
    )
    receipt = receipts.Receipt.from_json(shown)
    checkpoint = receipts.check_receipt(receipt, iin_of(SIGNER), seeded.log_key)
    assert checkpoint.size == receipt.tree_size >= 1
    link = page.get_by_role("link", name=kk("Download your receipt"))
    with page.expect_download() as downloading:
        link.click()
    downloaded = json.loads(Path(downloading.value.path()).read_text(encoding="utf-8"))
    assert downloaded == shown
    assert serious_violations(page) == []

    page.get_by_label(kk("Your IIN")).fill(iin_of(SIGNER))
    page.get_by_role("button", name=kk("Check"), exact=True).click()
    result = page.locator("#check-result")
    result.locator("p").wait_for()
    assert result.get_attribute("data-verdict") == "valid", result.inner_text()
    page.get_by_label(kk("Your IIN")).fill(iin_of(SIGNER + 1))  # another citizen's IIN
    page.get_by_role("button", name=kk("Check"), exact=True).click()
    page.locator("#check-result[data-verdict='invalid']").wait_for()  # no eval under the CSP
    assert kk("The receipt does not check") in result.inner_text()

    again = sign_on_page(page, seeded)
    assert count(seeded.url, seeded.petition) == before + 1  # counted once
    assert plain(page.locator("#sign-result p").inner_text()) == plain(
        kk(
            "You have already signed this petition: it counts your signature once. Here is "
            "the receipt of your signature."
        )
    )
    assert again == shown  # the first receipt
    assert serious_violations(page) == []


def test_a_get_never_signs_and_a_foreign_form_is_refused(seeded: Seeded) -> None:
    before = count(seeded.url, seeded.petition)
    base = seeded.server.base
    paths = (
        f"/kk/petitions/{seeded.petition}/signing",
        f"/en/petitions/{seeded.petition}/signing",
        f"/api/v1/petitions/{seeded.petition}/signatures",
        f"/kk/petitions/{seeded.petition}/",
    )
    with httpx.Client(base_url=base, timeout=30) as client:
        for path in paths:
            client.get(path)
            client.head(path)
        params = client.get(paths[0])
        assert params.status_code == 200
        assert params.headers["cache-control"] == "no-store"
        token = params.json()["csrf"]
        posted = client.post(paths[0], json={}, headers={"X-CSRF-Token": "forged"})
        assert posted.status_code == 403
        assert posted.headers["content-type"].startswith("application/problem+json")
        foreign = client.post(
            paths[0], json={}, headers={"X-CSRF-Token": token, "Origin": "https://evil.example"}
        )
        assert foreign.status_code == 403
        unreadable = client.post(paths[0], content=b"{", headers={"X-CSRF-Token": token})
        assert unreadable.status_code == 422 and unreadable.json()["field"] == "envelope"
    assert count(seeded.url, seeded.petition) == before


def test_the_signing_page_fits_a_phone(seeded: Seeded, page: Page) -> None:
    sign_on_page(page, seeded)  # with its receipt shown
    base = seeded.server.base
    paths = [f"/{lang}/petitions/{seeded.petition}/" for lang in ("kk", "ru", "en")]
    assert phone_findings(page, [base + path for path in paths]) == []
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 376
