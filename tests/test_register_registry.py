"""The registry of parties in the database (SQLite and PostgreSQL): seeded with the real
parties and their history, an application decided against the stored voter register and
recorded as a new event, refusals kept with every failed rule, nothing overwritten."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from saylau.model import BadInput
from saylau.register.iin import parse_iin
from saylau.register.parties import PartyApplication
from saylau.register.registry import Event, EventKind, Status, status_of
from saylau.service import parties
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from saylau.service.errors import Conflict, NotFound, Unauthenticated
from saylau.store.tables import CitizenRow, PartyEventRow, PartyMemberRow, PartyRow
from tests.databases import database
from tests.test_register_parties import UNITS_2023, population, roll_of, saylau

EVEN = {unit: 250 for unit in UNITS_2023}  # 5,000 members, 250 in each of the 20 units
NAMES = {"kk": "«Сынақ» партиясы", "ru": "Партия «Сынақ»", "en": "Test Party"}


def add_citizens(ctx: Context, people: dict[str, list[str]]) -> None:
    with ctx.transaction() as session:
        for unit, iins in people.items():
            for iin in iins:
                person = parse_iin(iin, "iin")
                session.add(
                    CitizenRow(
                        iin=iin,
                        name_kk="Азамат",
                        name_ru="Гражданин",
                        name_en="Citizen",
                        birth_date=person.birth_date,
                        sex=person.sex.value,
                        region=unit,
                        district=f"{unit}-d",
                        precinct=f"{unit}-p",
                        exclusion=None,
                        excluded_since=None,
                        excluded_until=None,
                    )
                )


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with database(request.param, tmp_path) as url:
        context = Context.open(url)
        try:
            yield context
        finally:
            context.engine.dispose()


@pytest.fixture
def justice(ctx: Context) -> Official:
    issued = issue_official(ctx, "justice", "A. Officer", "registration department")
    with ctx.sessions() as session:
        return authenticate_official(session, "justice", issued.token)


def application(
    party: str, roll: Sequence[str], applied_on: str = "2023-05-02"
) -> PartyApplication:
    return PartyApplication(
        party=party,
        applied_on=dt.date.fromisoformat(applied_on),
        group_notified_on=dt.date(2023, 1, 10),
        congress_on=dt.date(2023, 4, 10),
        initiative_group=tuple(roll[:700]),
    )


def event_count(ctx: Context) -> int:
    with ctx.sessions() as session:
        return session.scalar(select(func.count()).select_from(PartyEventRow)) or 0


def test_the_seed_holds_the_real_parties_and_their_history(ctx: Context) -> None:
    registry = {p["id"]: p for p in parties.registry(ctx)}
    assert len(registry) == 9
    assert registry["baytaq"]["status"] == "registered"
    assert registry["baytaq"]["registered_on"] == "2022-11-28"
    assert registry["respublica"]["registered_on"] == "2023-01-18"
    assert registry["amanat"]["registered_on"] is None  # no source gives the day
    assert registry["adal"]["status"] == "merged"
    assert registry["adal"]["history"][-1]["into"] == "amanat"
    renames = [e for e in registry["amanat"]["history"] if e["kind"] == "renamed"]
    assert [(e["on"], e["former_names"]["kk"]) for e in renames] == [
        ("2006-12-22", "Отан"),
        ("2022-03-01", "Нұр Отан"),
    ]
    assert registry["amanat"]["names"]["kk"] == "«AMANAT» партиясы"
    assert all(p["sources"] and all(e["sources"] for e in p["history"]) for p in registry.values())


def test_a_refusal_is_kept_and_a_later_registration_is_a_new_event(
    ctx: Context, justice: Official
) -> None:
    people = population(EVEN)
    add_citizens(ctx, people)
    roll = roll_of(people)
    refused = parties.apply(ctx, justice, application("synaq", roll[:-1]), roll[:-1], NAMES)
    assert (refused["kind"], refused["status"], refused["event"]) == ("refused", "refused", 1)
    failures = refused["decision"]["failures"]
    assert [(f["rule"], f["found"], f["required"]) for f in failures] == [
        ("membership_minimum", 4999, 5000)
    ]
    registered = parties.apply(ctx, justice, application("synaq", roll, "2023-05-20"), roll)
    assert (registered["kind"], registered["status"], registered["event"]) == (
        "registered",
        "registered",
        2,
    )
    shown = parties.party(ctx, "synaq")
    assert [(e["number"], e["kind"], e["on"]) for e in shown["history"]] == [
        (1, "refused", "2023-05-02"),
        (2, "registered", "2023-05-20"),
    ]
    assert shown["history"][0]["decision"]["failures"] == failures  # the refusal unchanged
    assert shown["names"] == NAMES
    assert shown["registered_on"] == "2023-05-20"
    again = parties.apply(ctx, justice, application("synaq", roll, "2023-06-01"), roll)
    assert (again["kind"], again["event"]) == ("re-registered", 3)
    with ctx.sessions() as session:
        members = session.scalar(select(func.count()).select_from(PartyMemberRow))
    assert members == 5000  # counted once, however often the party registers


def test_a_member_of_a_registered_party_is_not_counted_for_another(
    ctx: Context, justice: Official
) -> None:
    people = population(EVEN)
    add_citizens(ctx, people)
    roll = roll_of(people)
    parties.apply(ctx, justice, application("first", roll), roll, NAMES)
    other = {**NAMES, "en": "Second Party"}
    decision = parties.apply(ctx, justice, application("second", roll), roll, other)["decision"]
    assert decision["decision"] == "refused"
    assert decision["members"]["counted"] == 0
    assert {r["message"] for r in decision["members"]["not_counted"]} == {"member_of_other_party"}


def test_bad_input_changes_nothing(ctx: Context, justice: Official) -> None:
    people = population(EVEN)
    add_citizens(ctx, people)
    roll = roll_of(people)
    before = event_count(ctx)
    late = PartyApplication(
        party="late",
        applied_on=dt.date(2023, 3, 1),
        group_notified_on=dt.date(2023, 1, 10),
        congress_on=dt.date(2023, 4, 10),  # after the application
        initiative_group=tuple(roll[:700]),
    )
    with pytest.raises(BadInput) as caught:
        parties.apply(ctx, justice, late, roll, NAMES)
    assert caught.value.field == "applied_on"
    with pytest.raises(BadInput) as caught:
        parties.apply(ctx, justice, application("nameless", roll), roll)
    assert caught.value.field == "names"
    with pytest.raises(BadInput) as caught:
        parties.apply(ctx, justice, application("Not An Id", roll), roll, NAMES)
    assert caught.value.field == "party"
    assert event_count(ctx) == before
    with ctx.sessions() as session:
        assert session.get(PartyRow, "late") is None
        assert session.get(PartyRow, "nameless") is None
    with pytest.raises(NotFound):
        parties.party(ctx, "late")


def test_an_empty_register_is_bad_input_naming_the_units(ctx: Context, justice: Official) -> None:
    roll = roll_of(population(EVEN))
    with pytest.raises(BadInput) as caught:
        parties.apply(ctx, justice, application("early", roll), roll, NAMES)
    assert caught.value.field == "units"
    assert event_count(ctx) == 13  # the seed's


def test_only_a_valid_justice_credential_is_an_official(ctx: Context) -> None:
    with ctx.sessions() as session, pytest.raises(Unauthenticated):
        authenticate_official(session, "justice", "not-a-token")
    with pytest.raises(BadInput):
        issue_official(ctx, "central", "A. Officer", "chair")


def test_status_is_read_from_the_events_in_order() -> None:
    day = dt.date(2020, 1, 1)
    assert status_of([]) is Status.REFUSED
    assert status_of([Event(EventKind.REGISTERED, day), Event(EventKind.REFUSED, day)]) is (
        Status.REGISTERED
    )
    assert status_of([Event(EventKind.REGISTERED, None), Event(EventKind.DISSOLVED, day)]) is (
        Status.DISSOLVED
    )
    assert status_of([Event(EventKind.REGISTERED, None), Event(EventKind.RENAMED, day)]) is (
        Status.REGISTERED
    )


def test_the_operator_issues_the_ministrys_credential(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    out = tmp_path / "justice.json"
    args = ["election", "credentials", "official", "--out", str(out), "--db", url]
    done = saylau(*args, "--name", "A. Officer", "--position", "head of registration")
    assert done.returncode == 0, done.stderr
    (issued,) = json.loads(out.read_text(encoding="utf-8"))
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    ctx = Context.open(url)
    try:
        with ctx.sessions() as session:
            official = authenticate_official(session, "justice", issued["token"])
    finally:
        ctx.engine.dispose()
    assert (official.role, official.name) == ("justice", "A. Officer")
    refused = saylau(
        *args[:-4],
        "--out",
        str(tmp_path / "x.json"),
        "--db",
        url,
        "--name",
        "B",
        "--position",
        "p",
        "--role",
        "central",
    )
    assert refused.returncode == 2
    assert (
        refused.stderr.strip()
        == "saylau: field 'role': must be one of ['justice', 'akimat', 'organiser', "
        "'moderator', 'addressee', 'citizen'] (found 'central')"
    )


def test_a_merger_and_a_dissolution_are_new_events(ctx: Context, justice: Official) -> None:
    before = parties.party(ctx, "osdp")["history"]
    merged = parties.record_event(
        ctx, justice, "osdp", "merged", dt.date(2026, 9, 1), ["decision 1"], into="auyl"
    )
    assert (merged["kind"], merged["status"], merged["event"]) == ("merged", "merged", 2)
    after = parties.party(ctx, "osdp")
    assert after["status"] == "merged"
    assert after["history"][:-1] == before  # nothing earlier changed
    assert (after["history"][-1]["into"], after["history"][-1]["on"]) == ("auyl", "2026-09-01")
    dissolved = parties.record_event(
        ctx, justice, "baytaq", "dissolved", dt.date(2026, 9, 2), ["decision 2"]
    )
    assert dissolved["status"] == "dissolved"
    assert parties.party(ctx, "auyl")["status"] == "registered"


@pytest.mark.parametrize(
    ("party", "kind", "on", "into", "sources", "error", "field"),
    [
        ("osdp", "renamed", "2026-09-01", None, ["d"], BadInput, "kind"),
        ("osdp", "merged", "2026-09-01", None, ["d"], BadInput, "into"),
        ("osdp", "dissolved", "2026-09-01", "auyl", ["d"], BadInput, "into"),
        ("osdp", "merged", "2026-09-01", "osdp", ["d"], BadInput, "into"),
        ("osdp", "merged", "2026-09-01", "nowhere", ["d"], BadInput, "into"),
        ("osdp", "dissolved", "2026-09-01", None, [], BadInput, "sources"),
        ("baytaq", "dissolved", "2022-11-27", None, ["d"], BadInput, "on"),  # before it
        ("adal", "dissolved", "2026-09-01", None, ["d"], Conflict, "party"),  # merged already
        ("osdp", "merged", "2026-09-01", "adal", ["d"], Conflict, "into"),
        ("nowhere", "dissolved", "2026-09-01", None, ["d"], NotFound, None),
    ],
)
def test_a_later_event_that_breaks_a_rule_records_nothing(
    ctx: Context,
    justice: Official,
    party: str,
    kind: str,
    on: str,
    into: str | None,
    sources: list[str],
    error: type[Exception],
    field: str | None,
) -> None:
    before = event_count(ctx)
    with pytest.raises(error) as caught:
        parties.record_event(ctx, justice, party, kind, dt.date.fromisoformat(on), sources, into)
    if isinstance(caught.value, BadInput):
        assert caught.value.field == field
    elif field is not None:
        assert f"field '{field}'" in str(caught.value)
    assert event_count(ctx) == before
