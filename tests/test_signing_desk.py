"""Signatures arriving together are counted in one transaction per group, on SQLite and
PostgreSQL: every signer is answered as if alone (201 receipt, a repeat in the same group
the first's receipt, a minor refused), every receipt checks against its signed head, the
group's heads are fewer than its signatures, and the count is the number of adults."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from saylau import ledger
from saylau.petitions import receipts
from saylau.service import petitions, signaturelog
from saylau.service.context import Context
from saylau.service.signing_desk import SigningDesk
from tests.databases import database
from tests.petitions_fixture import APPROVED, DRAFTED, SUBMITTED, citizen, official, signer


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with database(request.param, tmp_path) as url:
        context = Context.open(url)
        try:
            yield context
        finally:
            context.engine.dispose()


def published(ctx: Context) -> str:
    author = citizen(ctx, 1)
    made = petitions.create(ctx, author, "Lights", "Please.", "government", None, DRAFTED)
    petitions.submit(ctx, author, made, SUBMITTED)
    petitions.approve(ctx, official(ctx, "moderator"), made, APPROVED)
    return made


def test_a_group_answers_each_signer_as_if_alone(ctx: Context) -> None:
    petition_id = published(ctx)
    petitions.sign(ctx, signer(200), petition_id, APPROVED)  # signed before the group
    desk = SigningDesk(ctx, linger=0.05, limit=100)
    serials = [*range(100, 140), 105, 120, 200]
    minor = signer(300, dt.date(2015, 1, 1))

    async def everyone() -> list[petitions.Receipt | BaseException]:
        calls = [desk.sign(petitions.Signing(signer(s), petition_id, APPROVED)) for s in serials]
        calls.append(desk.sign(petitions.Signing(minor, petition_id, APPROVED)))
        return await asyncio.gather(*calls, return_exceptions=True)

    answers = asyncio.run(everyone())
    *signed, refused = answers
    assert isinstance(refused, petitions.StepRefused)
    assert refused.refusal.rule == "petition_signer_age"
    assert all(isinstance(a, petitions.Receipt) for a in signed)
    got = [a for a in signed if isinstance(a, petitions.Receipt)]
    assert [a.already_signed for a in got] == [False] * 40 + [True] * 3
    assert got[40].log == got[5].log and got[41].log == got[20].log
    assert desk.groups < len(answers)
    with ctx.sessions() as session:
        state = signaturelog.head(session, petition_id)
    key = ledger.NoteKey(
        receipts.log_origin(petition_id), ledger.VerifyingKey.from_bytes(ctx.signer.public_key())
    )
    for serial, receipt in zip(serials, got, strict=True):
        receipts.check_receipt(receipt.log, signer(serial).iin, key)
        assert receipt.log.tree_size <= state.size
    assert len({r.log.signed_head for r in got[:40]}) < 40
    assert petitions.shown(ctx, petition_id, APPROVED).signatures == 41
    assert state.size == 41
