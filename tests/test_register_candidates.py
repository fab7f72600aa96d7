"""Candidate registration under the law of election day: every rule on both sides of its
boundary, the 2022 presidential nomination replayed, the same person under two days' law,
and the CLI's JSON and its refusals of bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli import app
from saylau.law.rules import rules_at
from saylau.model import BadInput
from saylau.register.candidate_files import decide_document, read_candidate
from saylau.register.candidates import (
    CandidateApplication,
    CandidateRule,
    Nomination,
    Nominator,
    Office,
    Signatures,
    age_on,
    decide_candidate,
    deposit_refund,
)

DAY = dt.date(2022, 11, 20)
REPLAY = Path(__file__).parent.parent / "docs" / "examples" / "presidential-nomination-2022.json"
ASSOCIATION = Nomination(
    Nominator.ASSOCIATION, "an association", True, supreme_body_members=100,
    supreme_body_votes_for=90,
)  # fmt: skip


def president(day: dt.date = DAY, **changes: Any) -> CandidateApplication:
    base = CandidateApplication(
        name="A",
        office=Office.PRESIDENT,
        election_day=day,
        birth_date=dt.date(1970, 1, 1),
        citizen=True,
        citizen_by_birth=True,
        resident_since=dt.date(1990, 1, 1),
        state_language=True,
        higher_education=True,
        nomination=ASSOCIATION,
        public_service_years=5,
        signatures=Signatures(valid=118_273, base=11_827_277, units_met=14),
        deposit_tenge=3_000_000,
    )
    return dataclasses.replace(base, **changes)


def failed(application: CandidateApplication) -> list[CandidateRule]:
    decision = decide_candidate(application, rules_at(application.election_day))
    return [check.rule for check in decision.failures]


def test_a_complete_presidential_application_lists_every_rule_and_passes() -> None:
    decision = decide_candidate(president(), rules_at(DAY))
    assert decision.registered
    assert [c.rule for c in decision.checks] == [
        CandidateRule.AGE,
        CandidateRule.CITIZEN,
        CandidateRule.CITIZEN_BY_BIRTH,
        CandidateRule.RESIDENCE,
        CandidateRule.STATE_LANGUAGE,
        CandidateRule.HIGHER_EDUCATION,
        CandidateRule.PUBLIC_SERVICE,
        CandidateRule.TERM_LIMIT,
        CandidateRule.NOMINATOR,
        CandidateRule.REPUBLICAN,
        CandidateRule.SUPREME_BODY,
        CandidateRule.SIGNATURES,
        CandidateRule.SIGNATURE_UNITS,
        CandidateRule.DEPOSIT,
    ]
    assert all(c.citation.source for c in decision.checks)


def test_age_40_on_election_day_not_the_day_before() -> None:
    assert age_on(dt.date(1982, 11, 21), DAY) == 39
    assert failed(president(birth_date=dt.date(1982, 11, 21))) == [CandidateRule.AGE]
    assert failed(president(birth_date=dt.date(1982, 11, 20))) == []
    check = decide_candidate(president(birth_date=dt.date(1982, 11, 21)), rules_at(DAY)).checks[0]
    assert (check.found, check.required) == (39, 40)


def test_a_leap_day_birthday_completes_the_year_on_1_march() -> None:
    assert age_on(dt.date(2000, 2, 29), dt.date(2029, 2, 28)) == 28
    assert age_on(dt.date(2000, 2, 29), dt.date(2029, 3, 1)) == 29


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"citizen": False}, CandidateRule.CITIZEN),
        ({"citizen_by_birth": False}, CandidateRule.CITIZEN_BY_BIRTH),
        ({"state_language": False}, CandidateRule.STATE_LANGUAGE),
        ({"higher_education": False}, CandidateRule.HIGHER_EDUCATION),
        ({"public_service_years": 4}, CandidateRule.PUBLIC_SERVICE),
        ({"resident_since": dt.date(2007, 11, 21)}, CandidateRule.RESIDENCE),
        ({"deposit_tenge": 2_999_999}, CandidateRule.DEPOSIT),
        ({"nomination": Nomination(Nominator.SELF)}, CandidateRule.NOMINATOR),
    ],
)
def test_each_presidential_rule_fails_alone(change: dict[str, Any], rule: CandidateRule) -> None:
    assert failed(president(**change)) == [rule]


def test_residence_of_exactly_15_years_passes() -> None:
    assert failed(president(resident_since=dt.date(2007, 11, 20))) == []


def test_the_supreme_body_needs_a_majority_and_a_republican_association() -> None:
    half = dataclasses.replace(ASSOCIATION, supreme_body_votes_for=50)
    assert failed(president(nomination=half)) == [CandidateRule.SUPREME_BODY]
    majority = dataclasses.replace(ASSOCIATION, supreme_body_votes_for=51)
    assert failed(president(nomination=majority)) == []
    local = dataclasses.replace(ASSOCIATION, republican=False)
    assert failed(president(nomination=local)) == [CandidateRule.REPUBLICAN]


def test_signatures_one_percent_and_two_thirds_of_the_units() -> None:
    short = Signatures(valid=118_272, base=11_827_277, units_met=14)
    assert failed(president(signatures=short)) == [CandidateRule.SIGNATURES]
    spread = Signatures(valid=118_273, base=11_827_277, units_met=13)
    assert failed(president(signatures=spread)) == [CandidateRule.SIGNATURE_UNITS]
    with pytest.raises(BadInput, match="signatures"):
        decide_candidate(president(signatures=None), rules_at(DAY))


def test_the_single_term_bar_depends_on_the_law_of_election_day() -> None:
    """Elected on 2022-11-20, the same person may stand again under the 2007 two-term law
    and may not under the single-term rule of 2022-09-17."""
    won = (dt.date(2022, 11, 20),)
    later = dt.date(2029, 11, 20)
    assert failed(president(later, elections_won=won)) == [CandidateRule.TERM_LIMIT]
    assert failed(president(DAY, elections_won=(dt.date(2019, 6, 9),))) == []
    before = dt.date(2022, 9, 16)
    twice = (dt.date(2015, 4, 26), dt.date(2019, 6, 9))
    assert failed(president(before, elections_won=twice[1:])) == []
    assert failed(president(before, elections_won=twice)) == [CandidateRule.TERM_LIMIT]


def test_the_deposit_comes_back_at_5_percent_or_when_elected() -> None:
    rules = rules_at(DAY)
    assert deposit_refund(5, 100, False, rules).returned
    assert not deposit_refund(4, 100, False, rules).returned
    assert deposit_refund(0, 100, True, rules).returned
    abden = deposit_refund(206_206, 8_300_046, False, rules)
    assert (abden.returned, abden.required_votes) == (False, 415_003)
    with pytest.raises(BadInput):
        deposit_refund(101, 100, False, rules)


def member(office: Office, day: dt.date, birth: dt.date, **changes: Any) -> CandidateApplication:
    base = president(day, office=office, birth_date=birth, signatures=None, deposit_tenge=0)
    changes.setdefault("nomination", Nomination(Nominator.PARTY, "a party"))
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("office", "day", "age"),
    [
        (Office.MAZHILIS_LIST, dt.date(2023, 3, 19), 25),
        (Office.MAZHILIS_DISTRICT, dt.date(2023, 3, 19), 25),
        (Office.KURULTAI_LIST, dt.date(2026, 8, 23), 25),
        (Office.MASLIKHAT_LIST, dt.date(2023, 3, 19), 20),
        (Office.MASLIKHAT_DISTRICT, dt.date(2023, 3, 19), 20),
        (Office.AKIM_RURAL, dt.date(2021, 7, 25), 25),
        (Office.AKIM_DISTRICT, dt.date(2023, 11, 5), 25),
    ],
)
def test_age_limit_of_each_office_on_both_sides(office: Office, day: dt.date, age: int) -> None:
    birthday = day.replace(year=day.year - age)
    assert failed(member(office, day, birthday)) == []
    day_after = birthday + dt.timedelta(days=1)
    assert failed(member(office, day, day_after)) == [CandidateRule.AGE]


def test_residence_of_ten_years_for_the_kurultai() -> None:
    day = dt.date(2026, 8, 23)
    ok = member(Office.KURULTAI_LIST, day, dt.date(1980, 1, 1), resident_since=dt.date(2016, 8, 23))
    assert failed(ok) == []
    short = dataclasses.replace(ok, resident_since=dt.date(2016, 8, 24))
    assert failed(short) == [CandidateRule.RESIDENCE]


def test_lists_take_party_nominees_districts_also_self_nominees() -> None:
    day = dt.date(2023, 3, 19)
    own = Nomination(Nominator.SELF)
    lst = member(Office.MAZHILIS_LIST, day, dt.date(1980, 1, 1), nomination=own)
    assert failed(lst) == [CandidateRule.NOMINATOR]
    district = member(Office.MAZHILIS_DISTRICT, day, dt.date(1980, 1, 1), nomination=own)
    assert failed(district) == []


def test_a_self_nominated_akim_needs_1_percent_of_voters() -> None:
    day = dt.date(2021, 7, 25)
    own = Nomination(Nominator.SELF)
    enough = Signatures(valid=10, base=1_000)
    akim = member(Office.AKIM_RURAL, day, dt.date(1980, 1, 1), nomination=own, signatures=enough)
    assert failed(akim) == []
    short = dataclasses.replace(akim, signatures=Signatures(valid=9, base=1_000))
    assert failed(short) == [CandidateRule.SIGNATURES]


def test_a_senate_candidate_on_both_sides_of_each_rule() -> None:
    day = dt.date(2023, 1, 14)
    base = dataclasses.replace(
        member(Office.SENATE, day, dt.date(1993, 1, 14)),
        resident_since=dt.date(2020, 1, 14),
        work_years=5,
        signatures=Signatures(valid=10, base=100),
    )
    assert failed(base) == []
    assert failed(dataclasses.replace(base, birth_date=dt.date(1993, 1, 15))) == [CandidateRule.AGE]
    assert failed(dataclasses.replace(base, resident_since=dt.date(2020, 1, 15))) == [
        CandidateRule.RESIDENCE
    ]
    assert failed(dataclasses.replace(base, work_years=4)) == [CandidateRule.WORK]
    assert failed(dataclasses.replace(base, higher_education=False)) == [
        CandidateRule.HIGHER_EDUCATION
    ]
    assert failed(dataclasses.replace(base, signatures=Signatures(valid=9, base=100))) == [
        CandidateRule.SIGNATURES
    ]


@pytest.mark.parametrize(
    ("office", "day"),
    [
        (Office.KURULTAI_LIST, dt.date(2023, 3, 19)),
        (Office.MAZHILIS_LIST, dt.date(2026, 8, 23)),
        (Office.SENATE, dt.date(2026, 8, 23)),
        (Office.MAZHILIS_DISTRICT, dt.date(2021, 1, 10)),
        (Office.AKIM_RURAL, dt.date(2020, 1, 1)),
        (Office.AKIM_DISTRICT, dt.date(2022, 11, 4)),
        (Office.MASLIKHAT_DISTRICT, dt.date(2021, 1, 10)),
    ],
)
def test_an_office_not_elected_that_day_is_bad_input(office: Office, day: dt.date) -> None:
    with pytest.raises(BadInput) as error:
        failed(member(office, day, dt.date(1970, 1, 1)))
    assert error.value.field == "office"


def test_the_2022_nomination_replayed() -> None:
    body = decide_document(json.loads(REPLAY.read_text(encoding="utf-8")))
    assert (body["applications"], body["registered"]) == (12, 6)
    decisions = body["decisions"]
    registered = [d["name"] for d in decisions if d["decision"] == "registered"]
    assert registered[0] == "Kassym-Jomart Tokayev" and len(registered) == 6
    for refused in (d for d in decisions if d["decision"] == "refused"):
        assert len(refused["failed"]) == 1
        assert refused["failed"][0] in refused["constructed"]
        assert "Constructed" in refused["constructed"]
    refunds = {d["name"]: d["deposit_refund"]["returned"] for d in decisions[:6]}
    assert refunds == {name: name == "Kassym-Jomart Tokayev" for name in registered}
    for check in decisions[0]["rules_checked"]:
        assert check["passed"] and check["citation"]["source"]


def test_the_cli_prints_the_decisions() -> None:
    result = CliRunner().invoke(app, ["register", "candidate", str(REPLAY)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["registered"] == 6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_date": "20.11.1970"}, "birth_date"),
        ({"office": "king"}, "office"),
        ({"citizen": "yes"}, "citizen"),
        ({"deposit_tenge": -1}, "deposit_tenge"),
        ({"election_day": "1990-01-01"}, "election_day"),
        ({"colour": "blue"}, "colour"),
        ({"birth_date": "2023-01-01"}, "birth_date"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(
    change: dict[str, Any], field: str, tmp_path: Path
) -> None:
    one = json.loads(REPLAY.read_text(encoding="utf-8"))["applications"][1] | change
    path = tmp_path / "candidate.json"
    path.write_text(json.dumps(one), encoding="utf-8")
    result = CliRunner().invoke(app, ["register", "candidate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"field '{field}'" in result.stderr and result.stderr.count("\n") == 1


def test_a_missing_field_is_named() -> None:
    with pytest.raises(BadInput) as error:
        read_candidate({"name": "A"})
    assert error.value.field == "birth_date"
