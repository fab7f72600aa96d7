"""One read of a live results page, on SQLite and PostgreSQL: every figure of one ledger
size, seats projected only past the share the site's settings set, and a precinct's own
state and its versions' approvers and changes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from saylau.api import create_app
from saylau.service import live
from saylau.service.auth import Principal
from saylau.service.certification import certify
from saylau.service.context import Context
from saylau.service.results import standing, unit_results
from saylau.service.settings import SETTINGS
from saylau.service.submission import approve, submit, submit_batch
from saylau.store.tables import LedgerStateRow
from saylau.web import views
from tests.databases import imported, principals
from tests.elections_fixture import protocol, small_election

ELECTION = "test-2023"
LIST = "mazhilis-list"
P1 = "KZ-71-D01-P0001"
PRECINCTS = [f"{r}-D0{d}-P000{p}" for r in ("KZ-71", "KZ-75") for d in (1, 2) for p in (1, 2, 3)]


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, small_election()) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    return principals(ctx, ELECTION)


def list_votes(number: int) -> dict[str, int]:
    return {"amanat": 500 + number, "auyl": 120, "respublica": 70 - number}


def report(ctx: Context, central: Principal, precincts: list[str]) -> None:
    answers = submit_batch(
        ctx,
        central,
        [(protocol(code, LIST, list_votes(PRECINCTS.index(code))), None) for code in precincts],
    )
    assert all(getattr(a, "status", None) == "accepted" for a in answers), answers


def ledger_size(ctx: Context) -> int:
    with ctx.sessions() as session:
        return int(session.scalars(select(LedgerStateRow.size)).one())


def test_one_read_holds_every_figure_at_the_ledger_size_it_names(
    ctx: Context, who: dict[str, Principal]
) -> None:
    report(ctx, who["KZ"], PRECINCTS[:3])
    read = live.read(ctx, ELECTION, LIST, "KZ")
    assert read.size == ledger_size(ctx) == 4  # the definition and three protocols
    assert read.answer == unit_results(ctx, ELECTION, LIST, "KZ")
    assert read.standing == standing(ctx, ELECTION, LIST)
    assert read.standing is not None
    assert read.standing.precincts_reported == read.answer["precincts_reported"] == 3
    assert read.night and read.night[-1]["reported"] == 3
    assert read.reported_share == 3 / len(PRECINCTS)
    region = live.read(ctx, ELECTION, LIST, "KZ-71")
    assert region.standing is None and region.night == []  # the republic's alone


def test_seats_are_projected_only_past_the_share_set_in_the_settings(
    ctx: Context, who: dict[str, Principal]
) -> None:
    needed = SETTINGS.seat_projection_share
    assert Fraction(0) < needed <= 1
    below = [p for n, p in enumerate(PRECINCTS) if Fraction(n + 1, len(PRECINCTS)) < needed]
    report(ctx, who["KZ"], PRECINCTS[:1])
    contest = small_election().contest(LIST)

    def shown() -> str:
        read = live.read(ctx, ELECTION, LIST, "KZ")
        decided = read.standing.outcome if read.standing is not None else None
        status, projected = read.answer["status"], read.seats_projected
        return views.seats_state(contest, True, status, decided, projected)

    assert shown() == "waiting"  # one precinct of twelve: no chamber
    report(ctx, who["KZ"], below[1:])
    assert shown() == "waiting"
    reached = len(below) + 1
    report(ctx, who["KZ"], PRECINCTS[len(below) : reached])
    assert Fraction(reached, len(PRECINCTS)) >= needed
    assert shown() == "projected"
    report(ctx, who["KZ"], PRECINCTS[reached:])
    assert shown() == "projected"  # every precinct in, still not certified
    certify(ctx, who["KZ"], LIST)
    assert shown() == "final"
    # a region's page and another kind of contest never show seats
    read = live.read(ctx, ELECTION, LIST, "KZ-71")
    assert views.seats_state(contest, False, read.answer["status"], None, True) == "none"


def test_a_precinct_says_its_own_state_and_each_version_who_approved_it_and_what_changed(
    ctx: Context, who: dict[str, Principal]
) -> None:
    def state() -> str:
        return str(live.read(ctx, ELECTION, LIST, P1).answer["precinct_state"])

    assert state() == "not-reported"
    report(ctx, who["KZ"], [P1, *PRECINCTS[1:4]])
    assert state() == "reported"
    fixed = protocol(P1, LIST, {"amanat": 490, "auyl": 130, "respublica": 70})
    pending = submit(ctx, who[P1], fixed, reason="recount")
    assert state() == "correction-pending"
    approve(ctx, who["KZ-71-D01"], pending.protocol_id)
    assert state() == "corrected"
    history = live.read(ctx, ELECTION, LIST, P1).answer["history"]
    original, correction = history
    assert (original.version, original.current) == (1, False)  # kept, no longer counted
    assert original.approved_by is None and original.changes == ()
    assert original.submitted_by is not None and original.submitted_by.role == "central"
    assert (correction.version, correction.state, correction.current) == (2, "accepted", True)
    approver = correction.approved_by
    assert approver is not None and (approver.unit, approver.role) == ("KZ-71-D01", "territorial")
    assert approver.name == who["KZ-71-D01"].member
    before = protocol(P1, LIST, list_votes(0))
    assert {c.line: (c.before, c.after) for c in correction.changes} == {
        f"votes:{option}": (before["votes"][option], votes)
        for option, votes in fixed["votes"].items()
        if before["votes"][option] != votes
    } | {
        line: (before[line], fixed[line])
        for line in ("ballots_issued", "ballots_cancelled", "ballots_found")
        if before[line] != fixed[line]
    }
    # the contest's certification does not change what the precinct's badge says
    report(ctx, who["KZ"], PRECINCTS[4:])
    certify(ctx, who["KZ"], LIST)
    certified = live.read(ctx, ELECTION, LIST, P1).answer
    assert (certified["status"], certified["precinct_state"]) == ("certified", "corrected")


def test_the_block_is_answered_only_when_newer_and_never_for_a_precinct(
    ctx: Context, who: dict[str, Principal]
) -> None:
    """The open page's poll: 204 while the block is no newer than the page's, the whole block
    (every figure, the size it was read at) once it is; a precinct has no block."""
    report(ctx, who["KZ"], PRECINCTS[:2])
    block = f"/live/{ELECTION}/{LIST}/block"
    with TestClient(create_app(ctx=ctx)) as client:
        first = client.get(block, params={"lang": "ru"})
        assert first.status_code == 200, first.text
        size = int(first.headers["X-Saylau-Tree-Size"])
        assert size == ledger_size(ctx) == 3
        assert f'data-tree-size="{size}"' in first.text
        assert first.text.lstrip().startswith('<div id="live-results"')
        assert "Прогноз мандатов появится" in first.text  # 2 of 12: no chamber yet
        unchanged = client.get(block, params={"lang": "ru", "after": size})
        assert (unchanged.status_code, unchanged.content) == (204, b"")
        older = client.get(block, params={"lang": "ru", "after": size - 1})
        assert older.status_code == 200 and older.content == first.content
        missing = client.get(block, params={"unit": P1})
        assert missing.status_code == 404
        widget = client.get(block, params={"lang": "ru", "widget": True})
        assert widget.status_code == 200 and f'data-tree-size="{size}"' in widget.text
        assert "widget=1" in widget.text and 'id="results"' in widget.text
        assert "Прогноз мандатов появится" not in widget.text  # the widget has no chamber


def test_reads_while_protocols_arrive_are_each_of_one_state(tmp_path: Path) -> None:
    """On PostgreSQL, reads taken while a writer submits protocol after protocol each see one
    state: the ledger size, the republic's totals, the standing and the night all count the
    same protocols (a read of separate statements could mix two states)."""
    with imported("postgresql", tmp_path, small_election()) as ctx:
        who = principals(ctx, ELECTION)
        done = threading.Event()
        failures: list[BaseException] = []

        def write() -> None:
            try:
                for code in PRECINCTS:
                    report(ctx, who["KZ"], [code])
            except BaseException as error:  # reported to the test below
                failures.append(error)
            finally:
                done.set()

        writer = threading.Thread(target=write)
        writer.start()
        seen: set[int] = set()

        def check() -> None:
            read = live.read(ctx, ELECTION, LIST, "KZ")
            reported = read.answer["precincts_reported"]
            assert read.size == reported + 1  # the definition, then one entry a protocol
            assert read.standing is not None
            assert read.standing.precincts_reported == reported
            assert (read.night[-1]["reported"] if read.night else 0) == reported
            seen.add(reported)

        while not done.is_set():
            check()
        writer.join()
        check()
        assert failures == []
        assert max(seen) == len(PRECINCTS) and len(seen) > 2  # reads saw the count move
