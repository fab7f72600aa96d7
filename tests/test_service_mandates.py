"""The 2023 Mazhilis list seats go to named deputies through the service, with the 30 %
mandate quota held, on real SQLite and real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from saylau import ledger
from saylau.election import election_from_mapping
from saylau.model import BadInput
from saylau.register.mandates import VacancyReason
from saylau.service import ledgering
from saylau.service.auth import Principal
from saylau.service.certification import certify
from saylau.service.context import Context
from saylau.service.errors import Conflict, Forbidden, Unprocessable
from saylau.service.mandates import ListsRefused, assign, register_lists, vacate
from saylau.service.publication import publish
from saylau.service.submission import submit_batch
from saylau.store.tables import LedgerEntryRow
from saylau.synth.lists import constructed_lists
from saylau.verify import Published, verify
from tests.databases import imported, principals
from tests.elections_fixture import names, protocol, small_election_mapping

ELECTION = "test-2023"
LIST = "mazhilis-list"
#: Votes per precinct in the proportions of the 2023 national result (per mille).
VOTES = {
    "amanat": 539,
    "auyl": 109,
    "respublica": 86,
    "ak-zhol": 84,
    "peoples-party": 68,
    "osdp": 52,
    "baytaq": 23,
}
SEATS_2023 = {"amanat": 40, "auyl": 8, "respublica": 6, "ak-zhol": 6, "peoples-party": 5, "osdp": 4}


def election_2023() -> dict[str, Any]:
    mapping = small_election_mapping()
    (contest,) = [c for c in mapping["contests"] if c["id"] == LIST]
    contest["options"] = [{"id": p, "names": names(p), "party": p} for p in VOTES]
    return mapping


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, election_from_mapping(election_2023())) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    return principals(ctx, ELECTION)


def report_all(ctx: Context, central: Principal) -> None:
    precincts = [u["code"] for u in election_2023()["units"] if u["level"] == "precinct"]
    items: list[tuple[Any, str | None]] = [(protocol(p, LIST, VOTES), None) for p in precincts]
    answers = submit_batch(ctx, central, items)
    assert all(getattr(a, "status", None) == "accepted" for a in answers), answers


def test_the_2023_lists_become_named_deputies_with_the_quota_held(
    ctx: Context, who: dict[str, Principal], tmp_path: Path
) -> None:
    """The decisions stand in the published log, which still verifies."""
    central = who["KZ"]
    lists = constructed_lists()
    with pytest.raises(Forbidden):
        register_lists(ctx, who["KZ-71"], LIST, list(lists.values()))
    registered = register_lists(ctx, central, LIST, list(lists.values()))
    assert set(registered.record["lists"]) == set(VOTES)
    assert "iin" not in json.dumps(registered.record)
    report_all(ctx, central)
    certified = certify(ctx, central, LIST)
    decided = assign(ctx, central, LIST)
    record = decided.record
    assert record["basis"] == "certified"
    assert record["certified_index"] == certified.ledger_index
    assert record["lists_index"] == registered.ledger_index
    mandates = record["mandates"]
    assert {party: m["seats"] for party, m in mandates.items()} == SEATS_2023
    for party, given in mandates.items():
        deputies = given["deputies"]
        assert len(deputies) == SEATS_2023[party]
        assert all(d["name"] for d in deputies)
        held = sum(d["quota_member"] for d in deputies)
        assert held == given["quota_held"] >= given["quota_required"]
        assert held * 10 >= len(deputies) * 3
    moved = [d["position"] for d in mandates["respublica"]["deputies"] if d["via_quota"]]
    assert moved == [11, 12]
    top = [d["name"] for d in mandates["respublica"]["deputies"][:4]]
    assert top == [c.name for c in lists["respublica"].in_order()[:4]]
    assert any("mazhilis.mandate_quota_share" in c for c in record["citations"])
    with ctx.sessions() as session:
        kinds = session.scalars(
            select(LedgerEntryRow.kind).where(LedgerEntryRow.election_id == ELECTION)
        ).all()
    assert kinds.count("party-lists") == 1 and kinds.count("mandates") == 1
    folder = tmp_path / "published"
    publish(ctx, ELECTION, folder)
    with ctx.sessions() as session:
        signed, public = ledgering.latest_head(session, ELECTION)
    key = ledger.NoteKey(signed.origin, ledger.VerifyingKey.from_bytes(public))
    checked = verify(Published.read(folder), [key])
    assert checked.ok, checked.failures


def test_a_list_breaking_the_quota_is_refused_and_nothing_is_stored(
    ctx: Context, who: dict[str, Principal]
) -> None:
    lists = constructed_lists()
    amanat = lists["amanat"]
    men = tuple(
        replace(c, birth_date=dt.date(1970, 1, 1), woman=False, disability=False)
        for c in amanat.candidates
    )
    men_only = replace(amanat, candidates=men)
    with pytest.raises(ListsRefused) as refused:
        register_lists(ctx, who["KZ"], LIST, [men_only, lists["auyl"]])
    assert refused.value.extra["failures"][0]["rule"] == "list_quota"
    assert refused.value.extra["failures"][0]["required"] == 24
    with pytest.raises(Conflict, match="no party lists"):
        assign(ctx, who["KZ"], LIST)


def test_before_certification_the_current_count_is_named_as_the_basis(
    ctx: Context, who: dict[str, Principal]
) -> None:
    register_lists(ctx, who["KZ"], LIST, list(constructed_lists().values()))
    with pytest.raises(Conflict, match="no accepted protocol"):
        assign(ctx, who["KZ"], LIST)
    report_all(ctx, who["KZ"])
    record = assign(ctx, who["KZ"], LIST).record
    assert record["basis"] == "current" and record["certified_index"] is None
    assert sum(m["seats"] for m in record["mandates"].values()) == 69


def test_a_vacated_mandate_passes_down_the_list_in_the_ledger(
    ctx: Context, who: dict[str, Principal]
) -> None:
    central = who["KZ"]
    register_lists(ctx, central, LIST, list(constructed_lists().values()))
    report_all(ctx, central)
    given = assign(ctx, central, LIST)
    on = dt.date(2024, 4, 1)
    first = vacate(ctx, central, LIST, "respublica", 1, VacancyReason.DEATH, on)
    assert first.record["follows_index"] == given.ledger_index
    assert first.record["successor"]["position"] == 5  # 1-4, 11 and 12 were seated
    second = vacate(
        ctx, central, LIST, "respublica", 5, VacancyReason.RESIGNATION, on, unavailable=[6]
    )
    assert second.record["successor"]["position"] == 7
    third = vacate(ctx, central, LIST, "respublica", 11, VacancyReason.RESIGNATION, on)
    assert third.record["successor"]["position"] == 8  # 1, 5 and 6 are gone
    held = third.record["mandates"]["respublica"]
    assert [d["position"] for d in held["deputies"]] == [2, 3, 4, 7, 8, 12]
    assert held["quota_held"] == 1  # refilling is not governed by the quota (open reading)
    assert third.record["mandates"]["amanat"] == given.record["mandates"]["amanat"]
    with pytest.raises(Unprocessable, match="leaving the party"):
        vacate(ctx, central, LIST, "amanat", 1, VacancyReason.LEFT_PARTY, on)
    with pytest.raises(BadInput, match="'on'"):
        vacate(ctx, central, LIST, "amanat", 1, VacancyReason.DEATH, dt.date(2023, 3, 1))
    with pytest.raises(Unprocessable, match="holds no mandate"):
        vacate(ctx, central, LIST, "respublica", 1, VacancyReason.DEATH, on)
