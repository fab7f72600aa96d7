"""Online petitions in the database, on SQLite and PostgreSQL: each step through the pure
lifecycle and into the petitions' log, signatures one per citizen with exact counts per
region and per day, the daily tick idempotent, and identities never published."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from saylau import ledger
from saylau.model import BadInput
from saylau.petitions import receipts
from saylau.petitions.lifecycle import State
from saylau.petitions.signing import Signer
from saylau.service import petitionlog, petitions
from saylau.service.context import Context
from saylau.service.errors import Forbidden, NotFound
from saylau.service.petitions import StepRefused
from saylau.store.tables import CitizenRow, PetitionSignatureRow, PetitionTransitionRow
from tests.databases import database
from tests.petitions_fixture import (
    APPROVED,
    DRAFTED,
    SUBMITTED,
    ULYTAU,
    citizen,
    iin_of,
    official,
    signer,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with database(request.param, tmp_path) as url:
        context = Context.open(url)
        try:
            yield context
        finally:
            context.engine.dispose()


def approved(ctx: Context, addressee: str = "regional_akimat", unit: str | None = ULYTAU) -> str:
    author = citizen(ctx, 1)
    petition_id = petitions.create(
        ctx, author, "Clean water for Zhezkazgan", "We ask for ...", addressee, unit, DRAFTED
    )
    assert petitions.submit(ctx, author, petition_id, SUBMITTED) is State.MODERATION
    moderator = official(ctx, "moderator")
    assert petitions.approve(ctx, moderator, petition_id, APPROVED) is State.GATHERING_SUPPORT
    return petition_id


def add_signatures(ctx: Context, petition_id: str, serials: range, on: dt.date) -> None:
    """Signatures written straight into the table, as a long collection leaves them."""
    with ctx.transaction() as session:
        session.add_all(
            PetitionSignatureRow(
                petition_id=petition_id,
                iin=iin_of(serial),
                name="x",
                certificate_serial="",
                region="KZ-62",
                signed_on=on,
            )
            for serial in serials
        )


def test_a_petition_from_draft_to_answer(ctx: Context) -> None:
    petition_id = approved(ctx)
    for serial in range(100, 149):
        petitions.sign(ctx, signer(serial), petition_id, APPROVED)
    assert petitions.shown(ctx, petition_id, APPROVED).state == "gathering_support"
    petitions.sign(ctx, signer(149), petition_id, dt.date(2025, 3, 11))  # the 50th supporter
    page = petitions.shown(ctx, petition_id, dt.date(2025, 3, 11))
    assert (page.state, page.signatures) == ("collecting", 50)
    assert page.required == 2217  # 1 % of Ulytau's 221,612 people (2024-07-01), rounded up
    assert page.population == 221_612
    assert page.signing_closes == dt.date(2025, 9, 11)  # six months after publication

    add_signatures(ctx, petition_id, range(1000, 3167), dt.date(2025, 4, 2))
    assert petitions.tick(ctx, dt.date(2025, 4, 1)) == []  # the count is dated on 2 April
    taken = petitions.tick(ctx, dt.date(2025, 4, 5))
    assert [(t.step, t.on, t.state) for t in taken] == [
        ("tally", dt.date(2025, 4, 2), State.REACHED)
    ]
    assert petitions.tick(ctx, dt.date(2025, 4, 5)) == []  # idempotent

    body = official(ctx, "addressee", "regional_akimat:KZ-62")
    other = official(ctx, "addressee", "regional_akimat:KZ-75")
    with pytest.raises(Forbidden):
        petitions.consider(ctx, other, petition_id, dt.date(2025, 4, 7))
    assert [p.id for p in petitions.addressed_to(ctx, body)] == [petition_id]
    assert petitions.addressed_to(ctx, other) == []
    petitions.consider(ctx, body, petition_id, dt.date(2025, 4, 7))
    petitions.discuss(ctx, body, petition_id, dt.date(2025, 4, 21))
    petitions.answer(ctx, body, petition_id, dt.date(2025, 4, 28), "A new pipeline in 2026.")
    page = petitions.shown(ctx, petition_id, dt.date(2025, 5, 1))
    assert page.state == "answered" and page.answer == "A new pipeline in 2026."
    assert [s.step for s in page.history] == [
        "submit",
        "approve",
        "support",
        "tally",
        "consider",
        "discuss",
        "answer",
    ]
    assert page.signatures == 2217
    with ctx.sessions() as session:
        assert petitionlog.size(session) == len(page.history)
    trusted = ledger.NoteKey(
        "saylau.kz/petitions", ledger.VerifyingKey.from_bytes(ctx.signer.public_key())
    )
    for step in page.history:
        proof = petitions.step_proof(ctx, petition_id, step.number)
        record = json.loads(proof.leaf)
        assert (record["petition"], record["number"], record["step"]) == (
            petition_id,
            step.number,
            step.step,
        )
        assert "iin" not in proof.leaf
        head = ledger.verify_checkpoint(proof.checkpoint, [trusted])  # signed by the log
        assert (head.size, head.root.hex()) == (proof.size, proof.root)
        ledger.verify_inclusion(
            proof.index,
            head.size,
            ledger.leaf_hash(proof.leaf.encode()),
            [bytes.fromhex(p) for p in proof.proof],
            head.root,
        )
    with pytest.raises(ledger.ProofError):  # a changed step does not verify
        ledger.verify_inclusion(
            proof.index,
            head.size,
            ledger.leaf_hash(proof.leaf.replace("answer", "refuse").encode()),
            [bytes.fromhex(p) for p in proof.proof],
            head.root,
        )


def test_moderation_refuses_only_for_a_subject_the_law_excludes(ctx: Context) -> None:
    author = citizen(ctx, 1)
    petition_id = petitions.create(
        ctx, author, "Rename the courts", "...", "government", None, DRAFTED
    )
    petitions.submit(ctx, author, petition_id, SUBMITTED)
    moderator = official(ctx, "moderator")
    with pytest.raises(StepRefused) as refused:
        petitions.refuse(ctx, moderator, petition_id, APPROVED, "we do not like it")
    assert refused.value.extra["field"] == "subject"
    assert refused.value.extra["rule"] == "petition_refusal_subject"
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PetitionTransitionRow)) == 1
    with pytest.raises(Forbidden):
        petitions.refuse(ctx, author, petition_id, APPROVED, "courts")
    assert petitions.refuse(ctx, moderator, petition_id, APPROVED, "courts") is State.REFUSED
    assert petitions.shown(ctx, petition_id).refused_for == "courts"
    assert petitions.listing(ctx) == []  # a refused petition never became public


def test_one_signature_per_citizen_adults_only_and_withdrawal(ctx: Context) -> None:
    petition_id = approved(ctx, "government", None)
    first = petitions.sign(ctx, signer(7), petition_id, APPROVED)
    again = petitions.sign(ctx, signer(7), petition_id, dt.date(2025, 3, 12))
    assert not first.already_signed and again.already_signed
    assert (again.signed_on, again.signed_at) == (first.signed_on, first.signed_at)
    assert again.log == first.log  # the first receipt, to the byte
    log_key = ledger.NoteKey(
        receipts.log_origin(petition_id), ledger.VerifyingKey.from_bytes(ctx.signer.public_key())
    )
    receipts.check_receipt(first.log, iin_of(7), log_key)
    with pytest.raises(receipts.ReceiptError):  # another citizen cannot claim it
        receipts.check_receipt(first.log, iin_of(9), log_key)
    minor = signer(8, born=dt.date(2007, 3, 11))  # 18 the day after
    with pytest.raises(StepRefused) as refused:
        petitions.sign(ctx, minor, petition_id, dt.date(2025, 3, 10))
    assert (refused.value.extra["rule"], refused.value.extra["values"]) == (
        "petition_signer_age",
        {"found": 17, "required": 18},
    )
    assert "signer_min_age" in str(refused.value.extra["citation"])
    petitions.sign(ctx, minor, petition_id, dt.date(2025, 3, 11))  # adult on the day
    assert petitions.shown(ctx, petition_id).signatures == 2
    withdrawn = petitions.withdraw(ctx, iin_of(7), petition_id, dt.date(2025, 3, 12))
    assert (withdrawn.signatures, withdrawn.log.withdraws) == (1, first.log.leaf_index)
    receipts.check_receipt(withdrawn.log, iin_of(7), log_key)
    published = petitions.signature_log(ctx, petition_id)
    entries = [
        receipts.LogEntry.from_leaf(bytes.fromhex(leaf))
        for leaf in petitions.signature_leaves(ctx, petition_id, 0, 100)
    ]
    counted = receipts.check_count(
        published.checkpoint, petition_id, entries, published.signatures, log_key
    )
    assert (counted.signatures, counted.withdrawals, counted.standing) == (2, 1, 1)
    with pytest.raises(StepRefused) as twice:
        petitions.sign(ctx, signer(7), petition_id, dt.date(2025, 3, 12))
    assert twice.value.extra["rule"] == "petition_signature_withdrawn"
    days = petitions.by_day(ctx, petition_id)
    assert [(d.on, d.signed, d.withdrawn, d.total) for d in days] == [
        (dt.date(2025, 3, 10), 1, 0, 1),
        (dt.date(2025, 3, 11), 1, 0, 2),
        (dt.date(2025, 3, 12), 0, 1, 1),
    ]
    closes = petitions.shown(ctx, petition_id, APPROVED).signing_closes
    assert closes is not None
    petitions.sign(ctx, signer(9), petition_id, closes)
    with pytest.raises(StepRefused) as late:
        petitions.sign(ctx, signer(10), petition_id, closes + dt.timedelta(days=1))
    assert late.value.extra["rule"] == "petition_signing_closed"


def test_the_tick_lapses_a_petition_without_its_first_supporters(ctx: Context) -> None:
    petition_id = approved(ctx)
    for serial in range(10, 20):
        petitions.sign(ctx, signer(serial), petition_id, APPROVED)
    due = petitions.shown(ctx, petition_id, APPROVED).deadline
    assert due == dt.date(2025, 3, 27)  # ten working days; 21, 24 and 25 March are days off
    assert petitions.tick(ctx, due) == []
    taken = petitions.tick(ctx, due + dt.timedelta(days=1))
    assert [(t.step, t.state) for t in taken] == [("lapse", State.LAPSED)]
    assert petitions.tick(ctx, due + dt.timedelta(days=2)) == []


def test_counts_per_region_are_exact_and_name_no_one(ctx: Context) -> None:
    petition_id = approved(ctx, "government", None)
    with ctx.transaction() as session:
        for serial, region in ((21, "KZ-62"), (22, "KZ-62"), (23, "KZ-75")):
            session.add(
                CitizenRow(
                    iin=iin_of(serial),
                    name_kk="x",
                    name_ru="x",
                    name_en="x",
                    birth_date=dt.date(1990, 5, 17),
                    sex="male",
                    region=region,
                    district="d",
                    precinct="p",
                )
            )
    for serial in (21, 22, 23, 24):
        petitions.sign(ctx, signer(serial), petition_id, APPROVED)
    regions = petitions.by_region(ctx, petition_id)
    assert [(r.region, r.signatures) for r in regions] == [("KZ-62", 2), ("KZ-75", 1), (None, 1)]
    published = json.dumps(
        [
            dataclasses.asdict(petitions.shown(ctx, petition_id)),
            [dataclasses.asdict(r) for r in regions],
            [dataclasses.asdict(d) for d in petitions.by_day(ctx, petition_id)],
        ],
        default=str,
    )
    for serial in (1, 21, 22, 23, 24):
        assert iin_of(serial) not in published


def test_a_district_body_cannot_be_addressed_without_its_population(ctx: Context) -> None:
    with pytest.raises(BadInput) as refused:
        petitions.create(ctx, citizen(ctx, 1), "A road", "...", "district_akimat", ULYTAU, DRAFTED)
    assert refused.value.field == "addressee"


def test_drafts_are_not_public(ctx: Context) -> None:
    author = citizen(ctx, 1)
    petition_id = petitions.create(ctx, author, "A draft", "...", "government", None, DRAFTED)
    with pytest.raises(NotFound):
        petitions.shown(ctx, petition_id)
    with pytest.raises(NotFound):
        petitions.sign(ctx, signer(5), petition_id, DRAFTED)
    with pytest.raises(Forbidden):
        petitions.submit(ctx, citizen(ctx, 2), petition_id, SUBMITTED)


def test_many_signers_at_once_count_exactly(ctx: Context) -> None:
    """Sixty adults and five minors, each signing three times, from eight threads at once:
    sixty signatures, one publication step, every duplicate answered with its receipt."""
    petition_id = approved(ctx)
    adults = [signer(serial) for serial in range(200, 260)]
    minors = [signer(serial, born=dt.date(2010, 1, 1)) for serial in range(300, 305)]
    attempts = [s for s in adults + minors for _ in range(3)]
    random.Random(16).shuffle(attempts)

    def attempt(who: Signer) -> str:
        try:
            receipt = petitions.sign(ctx, who, petition_id, APPROVED)
        except StepRefused as refused:
            return str(refused.extra["rule"])
        return "again" if receipt.already_signed else "signed"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, attempts))
    assert outcomes.count("signed") == 60
    assert outcomes.count("again") == 120
    assert outcomes.count("petition_signer_age") == 15
    page = petitions.shown(ctx, petition_id, APPROVED)
    assert page.signatures == 60
    steps = [s.step for s in page.history]
    assert steps.count("support") <= 1
    petitions.tick(ctx, APPROVED)
    page = petitions.shown(ctx, petition_id, APPROVED)
    assert [s.step for s in page.history].count("support") == 1
    assert page.state == "collecting"
    published = petitions.signature_log(ctx, petition_id)
    entries = [
        receipts.LogEntry.from_leaf(bytes.fromhex(leaf))
        for leaf in petitions.signature_leaves(ctx, petition_id, 0, 1000)
    ]
    log_key = ledger.NoteKey(
        receipts.log_origin(petition_id), ledger.VerifyingKey.from_bytes(ctx.signer.public_key())
    )
    assert (
        receipts.check_count(published.checkpoint, petition_id, entries, 60, log_key).standing == 60
    )  # the log holds every signature once, as the count says
