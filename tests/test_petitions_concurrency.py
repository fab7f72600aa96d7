"""Many clients sign one petition at once through the HTTP API of a real server (two
worker processes), each citizen several times and some of them minors, on SQLite and
PostgreSQL: the count equals the number of distinct adults, each first signature answers
201, each repeat 200 with the same receipt, each minor 422 naming the rule, the counts
per day add up to the same number, and the petition's log holds each signature once; every
envelope is checked with its certificate chain and revocation lists."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from saylau.pki.chain import ANCHORS_ENV, CRLS_ENV
from saylau.service import petitions
from saylau.service.context import Context
from tests.databases import database
from tests.petitions_fixture import citizen, iin_of, official
from tests.petitions_pki import CitizensAuthority
from tests.serving import start_server

ADULTS = 60
MINORS = 6
TIMES = 3


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_many_clients_sign_at_once_and_count_exactly(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    authority = CitizensAuthority.create(tmp_path / "pki")
    monkeypatch.setenv(ANCHORS_ENV, str(authority.anchors))
    monkeypatch.setenv(CRLS_ENV, str(authority.crls))
    monkeypatch.setenv("SAYLAU_SIGN_LIMIT_ADDRESS", "off")  # every client is this machine
    with database(backend, tmp_path) as url:
        ctx = Context.open(url)
        try:
            today = petitions.today()
            author = citizen(ctx, 1)
            petition_id = petitions.create(
                ctx, author, "Lights on the road", "Please.", "government", None, today
            )
            petitions.submit(ctx, author, petition_id, today)
            petitions.approve(ctx, official(ctx, "moderator"), petition_id, today)
            people = {f"adult {n}": iin_of(n) for n in range(100, 100 + ADULTS)} | {
                f"minor {n}": iin_of(n, dt.date(2012, 2, 2)) for n in range(500, 500 + MINORS)
            }
            certificates = {who: authority.citizen(iin) for who, iin in people.items()}
        finally:
            ctx.engine.dispose()
        server = start_server(url, tmp_path, workers=2)
        try:
            attempts = [
                (who, authority.envelope(certificates[who], petition_id, "Please."))
                for who in people
                for _ in range(TIMES)
            ]
            random.Random(16).shuffle(attempts)

            def sign(attempt: tuple[str, dict[str, object]]) -> tuple[str, int, str]:
                who, envelope = attempt
                with httpx.Client(base_url=server.base, timeout=60) as client:
                    answer = client.post(
                        f"/api/v1/petitions/{petition_id}/signatures", json=envelope
                    )
                body = answer.json()
                found = body["receipt"]["salt"] if "receipt" in body else body.get("rule")
                return who, answer.status_code, found

            with ThreadPoolExecutor(max_workers=16) as pool:
                answers = list(pool.map(sign, attempts))
            shown = httpx.get(f"{server.base}/api/v1/petitions/{petition_id}").json()
            days = httpx.get(f"{server.base}/api/v1/petitions/{petition_id}/days").json()
            log = httpx.get(f"{server.base}/api/v1/petitions/{petition_id}/log").json()
        finally:
            server.stop()
        assert "Traceback" not in server.log_text()
    statuses = Counter(status for _who, status, _what in answers)
    assert statuses == {201: ADULTS, 200: ADULTS * (TIMES - 1), 422: MINORS * TIMES}
    receipts: dict[str, set[str]] = {}
    for who, status, what in answers:
        if status == 422:
            assert what == "petition_signer_age"
        else:
            receipts.setdefault(who, set()).add(what)
    assert all(len(salts) == 1 for salts in receipts.values())  # one receipt each
    assert log["size"] == log["signatures"] == ADULTS  # the log holds each signature once
    assert shown["signatures"] == ADULTS
    assert shown["state"] == "collecting"  # the 50th adult published it
    assert [s["step"] for s in shown["history"]] == ["submit", "approve", "support"]
    assert sum(d["signed"] for d in days) == ADULTS == days[-1]["total"]
