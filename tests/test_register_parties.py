"""Party registration on the application date (electoral-rules §7): every rule on both
sides of its boundary, replayed under the law of another year, the roll checked against the
voter register, and the CLI's JSON and its refusals of bad input."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.law.rules import Rules, rules_at
from saylau.model import BadInput
from saylau.register.iin import Sex, encode
from saylau.register.parties import (
    PartyApplication,
    PartyRule,
    Refused,
    Registered,
    add_months,
    decide_registration,
)
from saylau.register.report import decision_json
from saylau.register.roll import MemberRule
from saylau.register.voters import Exclusion, ExclusionKind, VoterRegister
from tests.conftest import REPO

UNITS_2023 = tuple(f"unit-{i:02d}" for i in range(20))
#: Before 8 June 2022 three of the 2023 regions were parts of others: 17 units.
MERGED_IN_2022 = {"unit-17": "unit-00", "unit-18": "unit-01", "unit-19": "unit-02"}


def iins(start: int = 0) -> Iterator[str]:
    """Distinct valid IINs of adults born in the 1960s, skipping numbers never issued."""
    for k in itertools.count(start):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=k // 9000)
        try:
            iin = encode(birth, Sex.MALE if k % 2 else Sex.FEMALE, k % 9000)
        except BadInput:
            continue
        yield iin


def population(per_unit: dict[str, int], start: int = 0) -> dict[str, list[str]]:
    """IINs of ``per_unit[unit]`` people in each unit."""
    source = iins(start)
    return {unit: [next(source) for _ in range(n)] for unit, n in per_unit.items()}


def register_of(
    people: dict[str, list[str]],
    units: Sequence[str] = UNITS_2023,
    extra: Sequence[tuple[str, str, tuple[Exclusion, ...]]] = (),
    memberships: dict[str, list[str]] | None = None,
    merge: dict[str, str] | None = None,
) -> VoterRegister:
    merge = merge or {}
    rows = [(iin, merge.get(unit, unit), ()) for unit, group in people.items() for iin in group]
    return VoterRegister.build(units, [*rows, *extra], memberships)


def roll_of(people: dict[str, list[str]]) -> list[str]:
    return [iin for group in people.values() for iin in group]


def application(
    roll: Sequence[str],
    applied_on: str = "2023-05-02",
    notified: str = "2023-01-10",
    congress: str = "2023-04-10",
    group_size: int = 700,
) -> PartyApplication:
    return PartyApplication(
        party="Party of Tests",
        applied_on=dt.date.fromisoformat(applied_on),
        group_notified_on=dt.date.fromisoformat(notified),
        congress_on=dt.date.fromisoformat(congress),
        initiative_group=tuple(roll[:group_size]),
    )


def decide(
    app: PartyApplication, roll: Sequence[str], register: VoterRegister, rules: Rules | None = None
) -> Registered | Refused:
    return decide_registration(app, roll, register, rules or rules_at(app.applied_on))


def failed(decision: Registered | Refused) -> list[tuple[str, object, object, str | None]]:
    assert isinstance(decision, Refused)
    return [(f.rule.value, f.found, f.required, f.unit) for f in decision.failures]


EVEN = {unit: 250 for unit in UNITS_2023}  # 5,000 members, 250 in each of 20 units


def test_five_thousand_members_in_2023_are_registered() -> None:
    people = population(EVEN)
    roll = roll_of(people)
    decision = decide(application(roll), roll, register_of(people))
    assert isinstance(decision, Registered)
    assert decision.members.count == 5000
    assert set(decision.members.per_unit.values()) == {250}
    assert decision.initiative_group.count == 700
    assert decision.branches_due == dt.date(2024, 5, 2)  # 12 months from 2023-05-02
    keys = {c.key for c in decision.citations}
    assert {"parties.membership_minimum", "parties.branches_months"} <= keys


def test_4999_members_are_one_short() -> None:
    people = population(EVEN)
    roll = roll_of(people)[:-1]
    decision = decide(application(roll), roll, register_of(people))
    assert failed(decision) == [("membership_minimum", 4999, 5000, None)]
    assert isinstance(decision, Refused)
    citation = decision.failures[0].citation
    assert (citation.key, citation.since) == ("parties.membership_minimum", dt.date(2022, 11, 5))
    assert "Interfax 2022-11-05" in citation.source


@pytest.mark.parametrize(("in_unit", "registered"), [(199, False), (200, True)])
def test_a_region_needs_200_members(in_unit: int, registered: bool) -> None:
    people = population({unit: 264 for unit in UNITS_2023[1:]} | {UNITS_2023[0]: 200})
    roll = roll_of(people)
    if not registered:
        roll.remove(people[UNITS_2023[0]][0])
    assert len(roll) >= 5000
    decision = decide(application(roll), roll, register_of(people))
    assert decision.members.per_unit[UNITS_2023[0]] == in_unit
    if registered:
        assert isinstance(decision, Registered)
    else:
        assert failed(decision) == [("membership_per_unit_minimum", 199, 200, "unit-00")]


def test_a_region_with_nobody_fails_with_zero_found() -> None:
    people = population({unit: 300 for unit in UNITS_2023[1:]} | {UNITS_2023[0]: 0})
    roll = roll_of(people)
    decision = decide(application(roll), roll, register_of(people))
    assert failed(decision) == [("membership_per_unit_minimum", 0, 200, "unit-00")]


@pytest.mark.parametrize(("size", "registered"), [(699, False), (700, True)])
def test_the_initiative_group_needs_700(size: int, registered: bool) -> None:
    people = population(EVEN)
    roll = roll_of(people)
    decision = decide(application(roll, group_size=size), roll, register_of(people))
    if registered:
        assert isinstance(decision, Registered)
    else:
        assert failed(decision) == [("initiative_group_minimum", 699, 700, None)]


@pytest.mark.parametrize(
    ("congress", "registered"),
    [("2023-02-28", True), ("2023-03-01", False)],
)
def test_the_founding_congress_within_three_months_ends_on_the_last_day_of_february(
    congress: str, registered: bool
) -> None:
    # notified on 30 November: three months later has no 30th, so the period ends 28 Feb
    people = population(EVEN)
    roll = roll_of(people)
    app = application(roll, applied_on="2023-03-15", notified="2022-11-30", congress=congress)
    decision = decide(app, roll, register_of(people))
    if registered:
        assert isinstance(decision, Registered)
    else:
        assert failed(decision) == [
            ("founding_congress_months", dt.date(2023, 3, 1), dt.date(2023, 2, 28), None)
        ]


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(dt.date(2022, 11, 30), 3) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 5, 2), 12) == dt.date(2024, 5, 2)
    assert add_months(dt.date(2021, 12, 31), 2) == dt.date(2022, 2, 28)


def test_the_same_roll_registrable_in_2023_is_refused_under_the_2021_law() -> None:
    people = population(EVEN)
    roll = roll_of(people)
    assert isinstance(decide(application(roll), roll, register_of(people)), Registered)
    # the register of 2021 has 17 units: Abai, Jetisu and Ulytau were parts of other regions
    units_2021 = [u for u in UNITS_2023 if u not in MERGED_IN_2022]
    register_2021 = register_of(people, units_2021, merge=MERGED_IN_2022)
    app = application(roll, applied_on="2021-05-02", notified="2021-01-10", congress="2021-03-10")
    decision = decide(app, roll, register_2021)
    assert isinstance(decision, Refused)
    found = failed(decision)
    assert ("membership_minimum", 5000, 20000, None) in found
    assert ("initiative_group_minimum", 700, 1000, None) in found
    # 500 in the three merged units, 250 elsewhere: every unit below 600
    per_unit = {unit: (n, req) for rule, n, req, unit in found if rule.endswith("per_unit_minimum")}
    assert per_unit == {u: (500 if u in MERGED_IN_2022.values() else 250, 600) for u in units_2021}
    by_rule = {f.rule: f.citation for f in decision.failures}
    assert by_rule[PartyRule.MEMBERSHIP].since == dt.date(2020, 5, 26)
    # the congress on 2021-03-10 is within two months of 2021-01-10: no failure for it
    assert all(f.rule is not PartyRule.FOUNDING_CONGRESS for f in decision.failures)


def test_a_congress_late_under_the_two_month_rule_of_2021() -> None:
    people = population(EVEN)
    roll = roll_of(people)
    units_2021 = [u for u in UNITS_2023 if u not in MERGED_IN_2022]
    register_2021 = register_of(people, units_2021, merge=MERGED_IN_2022)
    app = application(roll, applied_on="2021-05-02", notified="2021-01-10", congress="2021-03-11")
    found = failed(decide(app, roll, register_2021))
    assert ("founding_congress_months", dt.date(2021, 3, 11), dt.date(2021, 3, 10), None) in found


def test_each_person_not_counted_is_named_with_the_rule() -> None:
    people = population(EVEN)
    applied = dt.date(2023, 5, 2)
    just_under_18 = encode(dt.date(2005, 5, 3), Sex.FEMALE, 1)  # 18 tomorrow
    just_18 = encode(dt.date(2005, 5, 2), Sex.MALE, 1)  # 18 today
    excluded = next(iins(900_000))
    exclusion_over = next(iins(910_000))
    other_party = next(iins(920_000))
    unknown = next(iins(930_000))
    rows = [
        (just_under_18, "unit-03", ()),
        (just_18, "unit-03", ()),
        (excluded, "unit-04", (Exclusion(ExclusionKind.CONFINED, dt.date(2022, 1, 1)),)),
        (
            exclusion_over,
            "unit-04",
            (Exclusion(ExclusionKind.INCAPABLE, dt.date(2020, 1, 1), dt.date(2023, 5, 1)),),
        ),
        (other_party, "unit-05", ()),
    ]
    register = register_of(people, extra=rows, memberships={"Amanat": [other_party]})
    base = roll_of(people)
    roll = [
        *base,
        "850314401230",  # a wrong check digit
        unknown,
        just_under_18,
        just_18,
        excluded,
        exclusion_over,
        other_party,
        base[10],  # given twice
    ]
    decision = decide(application(base), roll, register)
    assert isinstance(decision, Registered)
    assert decision.members.count == 5002  # just_18 and the ended exclusion count
    assert decision.members.per_unit["unit-03"] == 251
    assert decision.members.per_unit["unit-04"] == 251
    rejected = {(r.field, r.rule) for r in decision.members.rejected}
    assert rejected == {
        ("members[5000]", MemberRule.INVALID_IIN),
        ("members[5001]", MemberRule.NOT_ON_REGISTER),
        ("members[5002]", MemberRule.UNDER_AGE),
        ("members[5004]", MemberRule.EXCLUDED),
        ("members[5006]", MemberRule.OTHER_PARTY),
        ("members[5007]", MemberRule.REPEATED),
    }
    by_rule = {r.rule: r for r in decision.members.rejected}
    assert by_rule[MemberRule.UNDER_AGE].age == 17 and by_rule[MemberRule.UNDER_AGE].min_age == 18
    assert by_rule[MemberRule.REPEATED].first == "members[10]"
    assert by_rule[MemberRule.OTHER_PARTY].party == "Amanat"
    assert by_rule[MemberRule.EXCLUDED].exclusion is ExclusionKind.CONFINED
    invalid = by_rule[MemberRule.INVALID_IIN].invalid
    assert invalid is not None and invalid.part == "iin.check_digit"
    assert by_rule[MemberRule.EXCLUDED].citation == rules_at(applied).elections.cite(
        "voter_exclusions"
    )
    assert "may belong to one party only" in str(by_rule[MemberRule.OTHER_PARTY])


def test_members_not_counted_can_bring_the_roll_below_the_minimum() -> None:
    people = population(EVEN)
    roll = roll_of(people)
    register = register_of(people, memberships={"Amanat": [roll[-1]]})
    decision = decide(application(roll), roll, register)
    assert failed(decision) == [("membership_minimum", 4999, 5000, None)]
    # a member of the applying party itself is no conflict (re-registration)
    register = register_of(people, memberships={"Party of Tests": [roll[-1]]})
    assert isinstance(decide(application(roll), roll, register), Registered)


def test_every_failed_rule_is_listed_at_once() -> None:
    people = population({unit: 10 for unit in UNITS_2023})
    roll = roll_of(people)
    app = application(roll, notified="2022-12-01", congress="2023-04-10", group_size=100)
    found = failed(decide(app, roll, register_of(people)))
    assert found[0] == ("initiative_group_minimum", 100, 700, None)
    assert found[1] == ("founding_congress_months", dt.date(2023, 4, 10), dt.date(2023, 3, 1), None)
    assert found[2] == ("membership_minimum", 200, 5000, None)
    assert found[3:] == [("membership_per_unit_minimum", 10, 200, u) for u in UNITS_2023]


def test_the_minimum_applied_is_the_one_read() -> None:
    """Change the law's minimum and the same roll's decision changes with it."""
    people = population(EVEN)
    roll = roll_of(people)
    app, register = application(roll), register_of(people)
    rules = rules_at(app.applied_on)
    cases: list[tuple[str, int, str]] = [
        ("membership_minimum", 5001, "membership_minimum"),
        ("membership_per_unit_minimum", 251, "membership_per_unit_minimum"),
        ("initiative_group_minimum", 701, "initiative_group_minimum"),
        ("founding_congress_months", 2, "founding_congress_months"),
        ("member_min_age", 64, "membership_minimum"),
    ]
    for name, value, rule in cases:
        change: dict[str, Any] = {name: value}
        changed = dataclasses.replace(rules.parties, **change)
        decision = decide(app, roll, register, dataclasses.replace(rules, parties=changed))
        assert isinstance(decision, Refused), name
        assert rule in {f.rule.value for f in decision.failures}, name


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"congress": "2023-01-09"}, "congress_on"),
        ({"applied_on": "2023-04-09"}, "applied_on"),
    ],
)
def test_dates_out_of_order_are_bad_input(change: dict[str, Any], field: str) -> None:
    people = population({unit: 1 for unit in UNITS_2023})
    roll = roll_of(people)
    with pytest.raises(BadInput) as caught:
        decide(application(roll, **change), roll, register_of(people))
    assert caught.value.field == field


def test_the_law_of_another_day_or_a_register_of_other_units_is_bad_input() -> None:
    people = population({unit: 1 for unit in UNITS_2023})
    roll = roll_of(people)
    app = application(roll)
    with pytest.raises(BadInput) as caught:
        decide(app, roll, register_of(people), rules_at(dt.date(2021, 1, 10)))
    assert caught.value.field == "applied_on"
    with pytest.raises(BadInput, match="20 regions") as caught:
        app_2023 = application(roll)
        nineteen = register_of({u: g for u, g in people.items() if u != "unit-19"}, UNITS_2023[:19])
        decide(app_2023, roll, nineteen)
    assert caught.value.field == "units"


def test_the_register_refuses_what_it_cannot_vouch_for() -> None:
    one = next(iins())
    with pytest.raises(BadInput) as caught:
        VoterRegister.build(["a"], [(one, "a", ()), (one, "a", ())])
    assert caught.value.field == "voters[1].iin"
    with pytest.raises(BadInput) as caught:
        VoterRegister.build(["a"], [(one, "b", ())])
    assert caught.value.field == "voters[0].unit"
    with pytest.raises(BadInput) as caught:
        VoterRegister.build(
            ["a"], [(one[:11] + "0" if one[11] != "0" else one[:11] + "1", "a", ())]
        )
    assert caught.value.field == "voters[0].iin"
    assert "iin.check_digit" in str(caught.value)
    with pytest.raises(BadInput) as caught:
        VoterRegister.build(["a"], [], {"A": [one], "B": [one]})
    assert caught.value.field == "memberships.B[0]"


def test_the_room_imports_only_the_law_and_the_model() -> None:
    room = REPO / "src" / "saylau" / "register"
    allowed = ("saylau.law", "saylau.model", "saylau.register")
    for path in room.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("saylau")
            ):
                assert node.module.startswith(allowed), f"{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("saylau") or alias.name.startswith(allowed)


# --- the command line -------------------------------------------------------------------

SAYLAU = [sys.executable, "-m", "saylau"]


def saylau(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SAYLAU, *args], input=stdin, capture_output=True, text=True, cwd=REPO, check=False
    )


def files(tmp_path: Path, people: dict[str, list[str]], **change: Any) -> tuple[Path, Path]:
    roll = roll_of(people)
    doc: dict[str, Any] = {
        "party": "Party of Tests",
        "applied_on": "2023-05-02",
        "group_notified_on": "2023-01-10",
        "congress_on": "2023-04-10",
        "initiative_group": roll[:700],
        "members": roll,
    } | change
    register = {
        "units": list(UNITS_2023),
        "voters": [{"iin": iin, "unit": u} for u, group in people.items() for iin in group],
        "memberships": {},
    }
    app_path, register_path = tmp_path / "application.json", tmp_path / "register.json"
    app_path.write_text(json.dumps(doc), encoding="utf-8")
    register_path.write_text(json.dumps(register), encoding="utf-8")
    return app_path, register_path


def test_cli_prints_the_decision_as_json(tmp_path: Path) -> None:
    people = population(EVEN)
    app_path, register_path = files(tmp_path, people)
    done = saylau("register", "party", str(app_path), "--register", str(register_path))
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["decision"] == "registered" and body["branches_due"] == "2024-05-02"
    assert body["members"]["counted"] == 5000

    app_path, register_path = files(tmp_path, people, members=roll_of(people)[:-1])
    done = saylau("register", "party", str(app_path), "--register", str(register_path))
    body = json.loads(done.stdout)
    assert body["decision"] == "refused"
    assert body["failures"] == [
        {
            "rule": "membership_minimum",
            "found": 4999,
            "required": 5000,
            "message": "membership_minimum",
            "values": {"found": 4999, "required": 5000},
            "text": "The roll counts 4,999 members; the law requires at least 5,000.",
            "citation": body["failures"][0]["citation"],
        }
    ]
    assert body["failures"][0]["citation"]["parameter"] == "parties.membership_minimum"


def test_the_json_report_names_each_member_not_counted() -> None:
    people = population(EVEN)
    roll = [*roll_of(people), "85031440123x"]
    body = decision_json(decide(application(roll), roll, register_of(people)))
    assert body["members"]["not_counted"] == [
        {
            "field": "members[5000]",
            "iin": "85031440123x",
            "message": "member_invalid_iin",
            "values": {"iin": "85031440123x"},
            "text": "85031440123x is not a valid IIN, so the person is not counted.",
            "iin_rule": {
                "part": "iin",
                "message": "iin_digits",
                "values": {"found": "85031440123x"},
                "text": "An IIN is made of digits only; 85031440123x is not.",
            },
            "rule": None,
        }
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"members": [850314401236]}, "field 'members[0]': an IIN is written as a string"),
        ({"applied_on": "02.05.2023"}, "field 'applied_on': must be an ISO 8601 date"),
        ({"congress_on": "2022-12-01"}, "field 'congress_on': the founding congress cannot"),
        ({"leader": "x"}, "field 'leader': is not a known field"),
        ({"applied_on": "1990-01-01"}, "field 'applied_on': date 1990-01-01 is before the law"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(
    tmp_path: Path, change: dict[str, Any], expected: str
) -> None:
    people = population({unit: 1 for unit in UNITS_2023})
    app_path, register_path = files(tmp_path, people, **change)
    done = saylau("register", "party", str(app_path), "--register", str(register_path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert expected in done.stderr, done.stderr


def test_cli_refuses_a_key_given_twice(tmp_path: Path) -> None:
    people = population({unit: 1 for unit in UNITS_2023})
    app_path, register_path = files(tmp_path, people)
    text = app_path.read_text(encoding="utf-8")
    app_path.write_text(text.replace('"party":', '"party": "Other", "party":', 1), "utf-8")
    done = saylau("register", "party", str(app_path), "--register", str(register_path))
    assert done.returncode == 2
    assert "field 'party': the key appears twice" in done.stderr


def test_every_rule_has_its_sentence_and_every_sentence_a_rule() -> None:
    from saylau.register.iin import IinRule
    from saylau.register.lists import ListRule
    from saylau.register.mandates import MandateMessage
    from saylau.register.messages import MESSAGES
    from saylau.register.signatures import SignatureRule

    keys = {r.value for r in [*IinRule, *MemberRule, *PartyRule, *SignatureRule]}
    keys |= {r.value for r in [*ListRule, *MandateMessage]}
    keys |= {kind.message for kind in ExclusionKind}
    # the rules of a candidate's registration, and the refund of the deposit
    from saylau.register.candidates import DEPOSIT_REFUND, CandidateRule

    keys |= {r.value for r in CandidateRule} | {DEPOSIT_REFUND}
    assert keys == set(MESSAGES)


def test_the_documented_example_decides_as_the_docs_say() -> None:
    done = saylau(
        "register",
        "party",
        "docs/examples/party-application.json",
        "--register",
        "docs/examples/voter-register.json",
    )
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["decision"] == "refused"
    assert [f["rule"] for f in body["failures"][:2]] == [
        "initiative_group_minimum",
        "membership_minimum",
    ]
    assert [entry["message"] for entry in body["members"]["not_counted"]] == [
        "member_under_age",
        "member_excluded",
        "member_of_other_party",
        "member_repeated",
        "member_invalid_iin",
        "member_not_on_register",
    ]


SMALL_UNITS = UNITS_2023[:3]
SMALL_PEOPLE = population({unit: 4 for unit in SMALL_UNITS})


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([iin for group in SMALL_PEOPLE.values() for iin in group]),
            st.sampled_from(["850314401230", "x", "", next(iins(50_000))]),
        ),
        max_size=30,
    )
)
def test_every_entry_is_counted_once_or_named(roll: list[str]) -> None:
    from saylau.register.roll import check_roll

    register = VoterRegister.build(
        SMALL_UNITS, [(iin, unit, ()) for unit, g in SMALL_PEOPLE.items() for iin in g]
    )
    checked = check_roll(
        roll, "members", register, rules_at(dt.date(2023, 5, 2)), "P", dt.date(2023, 5, 2)
    )
    assert checked.count + len(checked.rejected) == len(roll)
    assert len(set(checked.counted)) == checked.count
    assert sum(checked.per_unit.values()) == checked.count
    assert set(checked.counted) == {iin for iin in roll if iin in register.voters}


@pytest.mark.parametrize(
    ("since", "until", "counted"),
    [
        ("2023-05-02", None, False),  # excluded from the application day
        ("2023-05-03", None, True),  # from the day after
        ("2020-01-01", "2023-05-02", False),  # until the application day, inclusive
        ("2020-01-01", "2023-05-01", True),  # ended the day before
    ],
)
def test_an_exclusion_applies_on_the_days_it_covers(
    since: str, until: str | None, counted: bool
) -> None:
    from saylau.register.roll import check_roll

    person = next(iins(70_000))
    exclusion = Exclusion(
        ExclusionKind.INCAPABLE,
        dt.date.fromisoformat(since),
        dt.date.fromisoformat(until) if until else None,
    )
    register = VoterRegister.build(["a"], [(person, "a", (exclusion,))])
    day = dt.date(2023, 5, 2)
    checked = check_roll([person], "members", register, rules_at(day), "P", day)
    assert checked.count == (1 if counted else 0)
