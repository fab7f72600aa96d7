"""Crash safety of signing: a server of two workers is killed (SIGKILL, the whole process
group) while many clients sign one petition, and restarted; each client then sends again
what it was not answered. Afterwards every acknowledged signature (201 or 200 with a
receipt) is counted once, its leaf is in the petition's log, its receipt verifies against
the head it names and that head is extended by the final head (RFC 9162 consistency), and
the published count is the log's.

On SQLite and PostgreSQL; envelopes are real (certificate chain and revocation lists)."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from saylau import ledger
from saylau.petitions import receipts
from saylau.pki.chain import ANCHORS_ENV, CRLS_ENV
from saylau.service import petitions
from saylau.service.context import Context
from tests.databases import database
from tests.petitions_fixture import citizen, iin_of, official
from tests.petitions_pki import CitizensAuthority
from tests.serving import Server, start_server

SEED = 20250310
CLIENTS = 8
EACH = 15  # citizens per client
KILLS = 2  # server kills under load before it is let finish
TEXT = "Lights on the road."
API = "/api/v1"


@dataclass
class Signers:
    """One client's citizens, signed in order; what the server acknowledged."""

    people: list[tuple[str, dict[str, Any]]]  # (IIN, envelope)
    petition: str
    position: int = 0
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)  # IIN -> receipt
    statuses: list[int] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def run(self, server: Server) -> None:
        try:
            with httpx.Client(base_url=server.base + API, timeout=20) as client:
                while self.position < len(self.people):
                    iin, envelope = self.people[self.position]
                    answer = client.post(f"/petitions/{self.petition}/signatures", json=envelope)
                    if answer.status_code not in (200, 201):
                        self.unexpected.append(f"{iin}: {answer.status_code} {answer.text}")
                        return
                    self.statuses.append(answer.status_code)
                    self.acked[iin] = answer.json()["receipt"]
                    self.position += 1
        except httpx.TransportError:
            pass  # the server was killed: the unanswered signature is sent again


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_server_killed_while_citizens_sign_keeps_every_acknowledged_signature(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(f"{SEED}-{backend}")
    authority = CitizensAuthority.create(tmp_path / "pki")
    monkeypatch.setenv(ANCHORS_ENV, str(authority.anchors))
    monkeypatch.setenv(CRLS_ENV, str(authority.crls))
    monkeypatch.setenv("SAYLAU_SIGN_LIMIT_ADDRESS", "off")  # every client is this machine
    with database(backend, tmp_path) as url:
        ctx = Context.open(url)
        try:
            today = petitions.today()
            author = citizen(ctx, 1)
            petition_id = petitions.create(ctx, author, "Lights", TEXT, "government", None, today)
            petitions.submit(ctx, author, petition_id, today)
            petitions.approve(ctx, official(ctx, "moderator"), petition_id, today)
        finally:
            ctx.engine.dispose()
        iins = [iin_of(n) for n in range(100, 100 + CLIENTS * EACH)]
        envelopes = {
            iin: authority.envelope(authority.citizen(iin), petition_id, TEXT) for iin in iins
        }
        clients = [
            Signers([(i, envelopes[i]) for i in iins[n * EACH : (n + 1) * EACH]], petition_id)
            for n in range(CLIENTS)
        ]
        for round_ in range(KILLS + 1):
            server = start_server(url, tmp_path, workers=2)
            threads = [threading.Thread(target=c.run, args=(server,)) for c in clients]
            for thread in threads:
                thread.start()
            if round_ < KILLS:  # after a random number of receipts, at a random instant
                target = sum(len(c.acked) for c in clients) + rng.randint(5, 25)
                while sum(len(c.acked) for c in clients) < target and any(
                    thread.is_alive() for thread in threads
                ):
                    time.sleep(0.002)
                time.sleep(rng.uniform(0.0, 0.02))
                server.kill()
            for thread in threads:
                thread.join(timeout=120)
            if round_ == KILLS:
                with httpx.Client(base_url=server.base + API, timeout=30) as client:
                    log = client.get(f"/petitions/{petition_id}/log").json()
                    leaves = client.get(
                        f"/petitions/{petition_id}/log/leaves",
                        params={"start": 0, "limit": 1000},
                    ).json()
            server.stop()
            assert "Traceback" not in server.log_text(), server.log_text()
            for signers in clients:
                assert not signers.unexpected, signers.unexpected
            done = [c.position == len(c.people) for c in clients]
            assert all(done) == (round_ == KILLS), (round_, [c.position for c in clients])

    key = ledger.NoteKey.from_vkey(log["key"])
    final = ledger.verify_checkpoint(log["checkpoint"], [key])
    entries = [receipts.LogEntry.from_leaf(bytes.fromhex(leaf)) for leaf in leaves]
    hashes = [entry.leaf_hash() for entry in entries]
    assert final.size == len(entries) == len(iins)
    receipts.check_count(log["checkpoint"], petition_id, entries, log["signatures"], key)
    acknowledged = {iin: r for c in clients for iin, r in c.acked.items()}
    assert sorted(acknowledged) == sorted(iins)
    indices = set()
    for iin, body in acknowledged.items():
        receipt = receipts.Receipt.from_json(body)
        head = receipts.check_receipt(receipt, iin, key)
        assert entries[receipt.leaf_index] == receipt.entry(iin)
        proof = ledger.consistency_proof(head.size, final.size, hashes)
        receipts.check_growth(receipt.signed_head, log["checkpoint"], proof, key)
        indices.add(receipt.leaf_index)
    assert len(indices) == len(iins)  # every citizen's own leaf, counted once
