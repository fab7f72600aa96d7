"""The commissions register candidates through the service, each decision in the ledger,
and the deputies are read back from the ledger, on real SQLite and real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from saylau.election import election_from_mapping
from saylau.model import BadInput
from saylau.register.mandates import VacancyReason
from saylau.service import candidates
from saylau.service.auth import Principal
from saylau.service.certification import certify
from saylau.service.context import Context
from saylau.service.errors import Forbidden
from saylau.service.mandates import assign, register_lists, vacate
from saylau.service.submission import submit_batch
from saylau.store.tables import LedgerEntryRow
from saylau.synth.lists import constructed_lists
from tests.candidates_fixture import district_application, list_application, too_young
from tests.databases import imported, principals
from tests.elections_fixture import protocol, small_election_mapping
from tests.test_service_mandates import LIST, SEATS_2023, election_2023, report_all

ELECTION = "test-2023"


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    election = election_from_mapping(small_election_mapping())
    with imported(request.param, tmp_path, election) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    return principals(ctx, ELECTION)


def ledgered(ctx: Context) -> list[dict[str, Any]]:
    with ctx.sessions() as session:
        rows = session.scalars(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.kind == candidates.CANDIDATE)
            .order_by(LedgerEntryRow.index)
        )
        return [json.loads(row.leaf) for row in rows]


def test_the_regional_commission_registers_and_refuses_with_the_rule(
    ctx: Context, who: dict[str, Principal]
) -> None:
    regional = who["KZ-71"]
    done = candidates.register(ctx, regional, "smd-1", district_application())
    assert done.record["candidate"]["decision"] == "registered"
    refused = candidates.register(ctx, regional, "smd-1", too_young())
    assert refused.record["candidate"]["decision"] == "refused"
    assert refused.record["candidate"]["failed"] == ["candidate_age"]
    assert refused.ledger_index == done.ledger_index + 1
    assert [r["candidate"]["name"] for r in ledgered(ctx)] == [
        "Aigerim Seitkali",
        "Yerlan Zhaksybek",
    ]
    shown = candidates.candidates(ctx, ELECTION)
    assert [(c["name"], c["decision"], c["decided_by"]) for c in shown] == [
        ("Aigerim Seitkali", "registered", "KZ-71"),
        ("Yerlan Zhaksybek", "refused", "KZ-71"),
    ]
    (age,) = [r for r in shown[1]["rules_checked"] if not r["passed"]]
    assert (age["found"], age["required"]) == (24, 25)


def test_a_newer_decision_on_the_same_candidate_stands(
    ctx: Context, who: dict[str, Principal]
) -> None:
    candidates.register(ctx, who["KZ-71"], "smd-1", too_young("Asel"))
    candidates.register(ctx, who["KZ-71"], "smd-1", district_application("Asel"))
    (shown,) = candidates.candidates(ctx, ELECTION)
    assert shown["decision"] == "registered"
    assert len(ledgered(ctx)) == 2


def test_only_the_commission_of_the_area_registers(ctx: Context, who: dict[str, Principal]) -> None:
    # a district commission inside the region's area is not the area's commission either
    for outsider in ("KZ-75", "KZ-71-D01", "KZ", "KZ-71-D01-P0001", "observer"):
        with pytest.raises(Forbidden):
            candidates.register(ctx, who[outsider], "smd-1", district_application())
    with pytest.raises(Forbidden):
        candidates.register(ctx, who["KZ-71"], "mazhilis-list", list_application())
    done = candidates.register(ctx, who["KZ"], "mazhilis-list", list_application())
    assert done.record["candidate"]["decision"] == "registered"
    assert done.record["decided_by"]["role"] == "central"
    assert len(ledgered(ctx)) == 1


@pytest.mark.parametrize(
    ("contest", "application", "field"),
    [
        ("smd-9", district_application(), "contest"),
        ("smd-1", list_application(), "application.office"),
        ("smd-1", district_application(election_day="2023-03-20"), "application.election_day"),
        ("smd-1", district_application(citizen="yes"), "application.citizen"),
        ("smd-1", {"name": "X"}, "application.birth_date"),
    ],
)
def test_bad_input_names_the_field_and_records_nothing(
    ctx: Context, who: dict[str, Principal], contest: str, application: Any, field: str
) -> None:
    with pytest.raises(BadInput) as error:
        candidates.register(ctx, who["KZ-71"], contest, application)
    assert error.value.field == field
    assert ledgered(ctx) == []


def test_the_certified_district_winner_is_its_deputy(
    ctx: Context, who: dict[str, Principal]
) -> None:
    assert candidates.deputies(ctx, ELECTION) == {
        "election": ELECTION,
        "lists": [],
        "districts": [],
    }
    central = who["KZ"]
    precincts = [
        u["code"]
        for u in small_election_mapping()["units"]
        if u["level"] == "precinct" and u["code"].startswith("KZ-71")
    ]
    items: list[tuple[Any, str | None]] = [
        (protocol(p, "smd-1", {"c1a": 300, "c1b": 500}), None) for p in precincts
    ]
    answers = submit_batch(ctx, central, items)
    assert all(getattr(a, "status", None) == "accepted" for a in answers), answers
    certify(ctx, central, "smd-1")
    (district,) = candidates.deputies(ctx, ELECTION)["districts"]
    assert (district["contest"], district["option"], district["names"]["en"]) == (
        "smd-1",
        "c1b",
        "Candidate B",
    )
    assert candidates.contest_deputies(ctx, ELECTION, "smd-2") is None


def test_the_named_list_deputies_follow_the_mandates_and_vacancies(tmp_path: Path) -> None:
    """The deputies of each list are the newest mandates record's, a vacancy's successor
    included (on SQLite; the mandates themselves are tested on both databases)."""
    election = election_from_mapping(election_2023())
    with imported("sqlite", tmp_path, election) as ctx:
        central = principals(ctx, ELECTION)["KZ"]
        lists = constructed_lists()
        register_lists(ctx, central, LIST, list(lists.values()))
        report_all(ctx, central)
        certify(ctx, central, LIST)
        assign(ctx, central, LIST)
        (shown,) = candidates.deputies(ctx, ELECTION)["lists"]
        seats = {p["party"]: len(p["deputies"]) for p in shown["parties"]}
        assert seats == SEATS_2023
        osdp = next(p for p in shown["parties"] if p["party"] == "osdp")
        first = osdp["deputies"][0]
        assert first["name"] == lists["osdp"].in_order()[0].name
        vacate(ctx, central, LIST, "osdp", first["position"], VacancyReason.RESIGNATION,
               dt.date(2023, 6, 1))  # fmt: skip
        after = candidates.contest_deputies(ctx, ELECTION, LIST)
        assert after is not None
        osdp_after = next(p for p in after["parties"] if p["party"] == "osdp")
        names = [d["name"] for d in osdp_after["deputies"]]
        assert first["name"] not in names and len(names) == 4
        assert lists["osdp"].in_order()[4].name in names
