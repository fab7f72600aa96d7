"""Assemblies in the database, on SQLite and PostgreSQL: a notice filed and answered, a
refused notice recording nothing, the tick recording silence once, withdrawal by its own
organiser only, overlaps flagged, and every step a leaf of the log."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from saylau import ledger
from saylau.model import BadInput
from saylau.service import assemblies
from saylau.service.assemblies import Filter, NoticeRefused
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from saylau.service.errors import Forbidden
from saylau.store.tables import AssemblyEventRow
from tests.databases import database

D = dt.date
T = dt.datetime


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with database(request.param, tmp_path) as url:
        context = Context.open(url)
        try:
            yield context
        finally:
            context.engine.dispose()


def official(ctx: Context, role: str, name: str, city: str | None = None) -> Official:
    token = issue_official(ctx, role, name, "—", unit_code=city).token
    with ctx.sessions() as session:
        return authenticate_official(session, role, token)


def file(ctx: Context, who: Official, place: str = "gandhi-park", start: int = 11) -> str:
    view = assemblies.notify(
        ctx,
        who,
        "meeting",
        "KZ-75",
        place,
        T(2024, 5, 20, start),
        T(2024, 5, 20, start + 2),
        80,
        "Keep the park's trees",
        on=D(2024, 5, 3),
    )
    return view.id


def test_a_notice_is_answered_in_order_and_each_step_is_in_the_log(ctx: Context) -> None:
    organiser = official(ctx, "organiser", "Aigerim Nurlanqyzy")
    akimat = official(ctx, "akimat", "Almaty akimat", "KZ-75")
    first = file(ctx, organiser)
    view = assemblies.assembly(ctx, first)
    assert (view.state, view.answer_due) == ("notified", D(2024, 5, 10))
    agreed = assemblies.answer(ctx, akimat, first, "agree", on=D(2024, 5, 6))
    assert [s.state for s in agreed.history] == ["notified", "agreed"]
    with pytest.raises(NoticeRefused) as again:
        assemblies.answer(ctx, akimat, first, "refuse", "late thoughts", on=D(2024, 5, 7))
    assert again.value.extra["refusals"][0]["rule"] == "assembly_step_not_allowed"
    with ctx.sessions() as session:
        leaves = [e.leaf_hash for e in session.query(AssemblyEventRow).order_by("log_index")]
    state = assemblies.log_state(ctx)
    assert state.size == 2 == len(leaves)
    assert state.root == ledger.root_hash(leaves).hex()
    assert state.checkpoint is not None
    checkpoint = ledger.verify_checkpoint(state.checkpoint, [ledger.NoteKey.from_vkey(state.key)])
    assert (checkpoint.size, checkpoint.root.hex()) == (2, state.root)
    public = ledger.VerifyingKey.from_bytes(ctx.signer.public_key())
    assert ledger.NoteKey.from_vkey(state.key).public == public
    for number in (1, 2):
        proof = assemblies.step_proof(ctx, first, number)
        leaf = ledger.leaf_hash(proof.leaf.encode())
        hashes = [bytes.fromhex(h) for h in proof.proof]
        root = bytes.fromhex(proof.root)
        ledger.verify_inclusion(proof.index, proof.size, leaf, hashes, root)
        assert f'"number":{number}' in proof.leaf and f'"assembly":"{first}"' in proof.leaf


def test_a_refused_notice_records_nothing_and_names_every_rule(ctx: Context) -> None:
    organiser = official(ctx, "organiser", "Aigerim Nurlanqyzy")
    with pytest.raises(NoticeRefused) as refused:
        assemblies.notify(
            ctx,
            organiser,
            "march",
            "KZ-75",
            "gandhi-park",
            T(2024, 5, 13, 11),
            T(2024, 5, 13, 12),
            80,
            "x",
            on=D(2024, 5, 3),
        )
    rules = [r["rule"] for r in refused.value.extra["refusals"]]
    assert rules == ["assembly_place_kind", "assembly_lead_time"]
    assert assemblies.calendar(ctx) == []
    assert assemblies.log_state(ctx).size == 0


def test_the_tick_records_silence_once_after_the_deadline(ctx: Context) -> None:
    organiser = official(ctx, "organiser", "Aigerim Nurlanqyzy")
    first = file(ctx, organiser)
    assert assemblies.tick(ctx, on=D(2024, 5, 10)) == []
    assert assemblies.tick(ctx, on=D(2024, 5, 11)) == [first]
    assert assemblies.tick(ctx, on=D(2024, 5, 12)) == []
    view = assemblies.assembly(ctx, first)
    assert [(s.state, s.on) for s in view.history] == [
        ("notified", D(2024, 5, 3)),
        ("went_ahead", D(2024, 5, 11)),
    ]
    akimat = official(ctx, "akimat", "Almaty akimat", "KZ-75")
    with pytest.raises(NoticeRefused):
        assemblies.answer(ctx, akimat, first, "agree", on=D(2024, 5, 10))


def test_ticks_at_once_record_each_assembly_once(ctx: Context) -> None:
    organiser = official(ctx, "organiser", "Aigerim Nurlanqyzy")
    ids = {file(ctx, organiser, start=h) for h in (9, 12, 15)}
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(assemblies.tick(ctx, on=D(2024, 5, 11))))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recorded = [i for r in results for i in r]
    assert sorted(recorded) == sorted(ids)
    assert assemblies.log_state(ctx).size == 6


def test_only_the_organiser_who_filed_may_withdraw(ctx: Context) -> None:
    organiser = official(ctx, "organiser", "Aigerim Nurlanqyzy")
    other = official(ctx, "organiser", "Someone Else")
    first = file(ctx, organiser)
    with pytest.raises(Forbidden):
        assemblies.withdraw(ctx, other, first, on=D(2024, 5, 8))
    assert assemblies.withdraw(ctx, organiser, first, on=D(2024, 5, 8)).state == "withdrawn"


def test_overlaps_at_one_place_are_flagged_until_one_is_withdrawn(ctx: Context) -> None:
    organiser = official(ctx, "organiser", "Aigerim Nurlanqyzy")
    first = file(ctx, organiser, start=11)
    second = file(ctx, organiser, start=12)
    elsewhere = file(ctx, organiser, place="sary-arka-square", start=12)
    views = {v.id: v for v in assemblies.calendar(ctx, Filter(city="KZ-75"))}
    assert views[first].overlaps_with == (second,)
    assert views[second].overlaps_with == (first,)
    assert views[elsewhere].overlaps_with == ()
    assemblies.withdraw(ctx, organiser, second, on=D(2024, 5, 8))
    assert assemblies.assembly(ctx, first).overlaps_with == ()
    assert [v.id for v in assemblies.calendar(ctx, Filter(state="withdrawn"))] == [second]
    assert assemblies.calendar(ctx, Filter(city="KZ-71")) == []
    assert assemblies.calendar(ctx, Filter(since=D(2024, 5, 21))) == []
    assert len(assemblies.calendar(ctx, Filter(since=D(2024, 5, 20), until=D(2024, 5, 20)))) == 3


def test_an_akimat_answers_only_its_own_citys_notices(ctx: Context) -> None:
    organiser = official(ctx, "organiser", "Aigerim Nurlanqyzy")
    astana = official(ctx, "akimat", "Astana akimat", "KZ-71")
    first = file(ctx, organiser)
    with pytest.raises(Forbidden):
        assemblies.answer(ctx, astana, first, "agree", on=D(2024, 5, 6))
    assert assemblies.tick(ctx, on=D(2024, 5, 11), city="KZ-71") == []
    assert assemblies.assembly(ctx, first).state == "notified"
    assert assemblies.tick(ctx, on=D(2024, 5, 11), city="KZ-75") == [first]


def test_an_akimat_credential_names_a_real_city(ctx: Context) -> None:
    for city in (None, "KZ-99"):
        with pytest.raises(BadInput) as refused:
            issue_official(ctx, "akimat", "Someone", "akimat", unit_code=city)
        assert refused.value.field == "unit"
    with pytest.raises(BadInput):
        issue_official(ctx, "organiser", "Someone", "organiser", unit_code="KZ-75")
