"""Signature sheets against the register: each reason a signature is not counted, on both
sides of its boundary, the President's spread over two-thirds of the units, a commission's
sample, and the command's JSON and refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from saylau.cli import app
from saylau.law.rules import rules_at
from saylau.model import BadInput
from saylau.register.iin import IinRule, Sex, encode
from saylau.register.signatures import (
    CandidateSignatures,
    Office,
    SignatureCheck,
    SignatureRule,
    check_sample,
    check_signatures,
    read_signatures,
    sample_size,
    wilson,
)
from tests.register_files import Citizen, signatures, write_register

ON = dt.date(2022, 10, 15)  # the law of the 2022 presidential nomination
RULES = rules_at(ON)
UNITS = ("KZ-10", "KZ-11", "KZ-15")


def _people(region: str, count: int, first_serial: int) -> list[Citizen]:
    birth = dt.date(1980, 5, 5)
    people: list[Citizen] = []
    serial = first_serial
    while len(people) < count:
        try:
            iin = encode(birth, Sex.MALE, serial)
        except BadInput:
            serial += 1
            continue
        people.append(Citizen(iin, birth, region, f"{region}-D01", f"{region}-D01-P0001"))
        serial += 1
    return people


@pytest.fixture
def crowd() -> dict[str, list[Citizen]]:
    return {unit: _people(unit, 40, 100 * k) for k, unit in enumerate(UNITS)}


def _register(tmp_path: Path, citizens: list[Citizen]) -> Path:
    return write_register(tmp_path / "register", citizens)


def _one(
    tmp_path: Path, citizens: list[Citizen], rows: list[tuple[str, str, str, dt.date]]
) -> SignatureCheck:
    folder = _register(tmp_path, citizens)
    return check_signatures(signatures(rows), folder, RULES, voters={u: 1000 for u in UNITS})


def _reasons(check: SignatureCheck) -> dict[int, SignatureRule]:
    return {r.row: r.rule for r in check.listed}


def test_each_reason_in_order(tmp_path: Path, crowd: dict[str, list[Citizen]]) -> None:
    person = crowd["KZ-10"][0]
    young = Citizen(
        encode(dt.date(2004, 10, 16), Sex.FEMALE, 7),
        dt.date(2004, 10, 16),
        "KZ-10",
        "KZ-10-D01",
        "KZ-10-D01-P0001",
    )
    confined = Citizen(
        encode(dt.date(1970, 1, 1), Sex.MALE, 9),
        dt.date(1970, 1, 1),
        "KZ-10",
        "KZ-10-D01",
        "KZ-10-D01-P0001",
        "confined",
        dt.date(2022, 1, 1),
        dt.date(2022, 10, 1),
    )
    stranger = encode(dt.date(1850, 1, 1), Sex.MALE, 1)
    broken = person.iin[:11] + str((int(person.iin[11]) + 1) % 10)
    check = _one(
        tmp_path,
        [*crowd["KZ-10"], young, confined],
        [
            (person.iin, "A", "KZ-10", ON),  # 0 counts
            (broken, "A", "KZ-10", ON),  # 1 invalid IIN
            (stranger, "A", "KZ-10", ON),  # 2 not on the register
            (young.iin, "A", "KZ-10", dt.date(2022, 10, 15)),  # 3 17 years 364 days
            (young.iin, "B", "KZ-10", dt.date(2022, 10, 16)),  # 4 18 on the day: counts
            (confined.iin, "A", "KZ-10", dt.date(2022, 10, 1)),  # 5 last day excluded
            (confined.iin, "B", "KZ-10", dt.date(2022, 10, 2)),  # 6 the day after: counts
            (crowd["KZ-10"][1].iin, "A", "KZ-11", ON),  # 7 outside the unit
            (person.iin, "A", "KZ-10", ON),  # 8 the same candidate again
            (person.iin, "B", "KZ-10-D01", ON),  # 9 another candidate, by district: counts
        ],
    )
    assert _reasons(check) == {
        1: SignatureRule.INVALID_IIN,
        2: SignatureRule.NOT_ON_REGISTER,
        3: SignatureRule.UNDER_AGE,
        5: SignatureRule.EXCLUDED,
        7: SignatureRule.OUTSIDE_UNIT,
        8: SignatureRule.DUPLICATE,
    }
    assert check.valid == 4 and check.submitted == 10
    assert check.rejected[SignatureRule.DUPLICATE] == 1
    assert check.invalid_iin == {IinRule.CHECK_DIGIT: 1}
    listed = {r.row: r for r in check.listed}
    assert listed[1].iin_rule is IinRule.CHECK_DIGIT
    assert listed[8].values == {"iin": person.iin, "candidate": "A"}
    b = next(c for c in check.candidates if c.candidate == "B")
    assert b.per_unit == {
        "KZ-10": 3,
        "KZ-11": 0,
        "KZ-15": 0,
    }  # a district's sheet counts in its region


def test_two_candidates_are_refused_only_where_the_law_says(
    tmp_path: Path, crowd: dict[str, list[Citizen]]
) -> None:
    person = crowd["KZ-10"][0]
    rows = [
        (person.iin, "B", "KZ-10", dt.date(2022, 10, 3)),
        (person.iin, "A", "KZ-10", dt.date(2022, 10, 2)),  # signed first: the one that counts
    ]
    folder = _register(tmp_path, crowd["KZ-10"])
    president = check_signatures(signatures(rows), folder, RULES, voters={"KZ-10": 100})
    assert not RULES.presidency.signature_one_candidate and president.valid == 2
    senate = check_signatures(signatures(rows), folder, RULES, Office.SENATE, voters={"KZ-10": 100})
    assert RULES.senate is not None and RULES.senate.signature_one_candidate
    assert _reasons(senate) == {0: SignatureRule.OTHER_CANDIDATE}


def _spread(
    tmp_path: Path, crowd: dict[str, list[Citizen]], counts: dict[str, int]
) -> CandidateSignatures:
    rows = [
        (citizen.iin, "A", unit, ON) for unit, n in counts.items() for citizen in crowd[unit][:n]
    ]
    folder = _register(tmp_path, [c for people in crowd.values() for c in people])
    check = check_signatures(signatures(rows), folder, RULES, voters={u: 1000 for u in UNITS})
    (standing,) = check.candidates
    return standing


def test_the_spread_over_exactly_two_thirds_of_the_units(
    tmp_path: Path, crowd: dict[str, list[Citizen]]
) -> None:
    # 1 % of 3,000 voters is 30; equally over 3 units, 10 each; two-thirds of 3 is 2 units
    standing = _spread(tmp_path, crowd, {"KZ-10": 10, "KZ-11": 20})
    assert (standing.required, standing.per_unit_required, standing.units_required) == (30, 10, 2)
    assert standing.units_met == 2 and standing.enough and standing.supported


def test_one_unit_fewer_is_refused(tmp_path: Path, crowd: dict[str, list[Citizen]]) -> None:
    standing = _spread(tmp_path, crowd, {"KZ-10": 9, "KZ-11": 21})
    assert standing.valid == 30 and standing.enough
    assert standing.units_met == 1 and not standing.spread and not standing.supported


def test_one_signature_short_is_refused(tmp_path: Path, crowd: dict[str, list[Citizen]]) -> None:
    standing = _spread(tmp_path, crowd, {"KZ-10": 10, "KZ-11": 10, "KZ-15": 9})
    assert standing.valid == 29 and not standing.enough and standing.spread


def test_the_voters_are_counted_on_the_register_when_not_given(
    tmp_path: Path, crowd: dict[str, list[Citizen]]
) -> None:
    folder = _register(tmp_path, [c for people in crowd.values() for c in people])
    rows = [(crowd["KZ-10"][0].iin, "A", "KZ-10", ON)]
    check = check_signatures(signatures(rows), folder, RULES)
    assert check.voters == 120
    assert check.candidates[0].required == 2  # 1 % of 120, rounded up


def test_every_refusal_carries_exactly_the_values_its_sentence_names() -> None:
    import re

    from saylau.register.messages import MESSAGES, english
    from saylau.register.signatures import RejectedSignature

    for rule in SignatureRule:
        rejected = RejectedSignature(0, "900101300811", "A", "KZ-10", ON, rule)
        named = set(re.findall(r"%\((\w+)\)s", MESSAGES[rule.value]))
        assert set(rejected.values) == named, rule
        assert "%(" not in english(rule.value, rejected.values)


# --- a commission's sample ---------------------------------------------------------------


def test_wilson_interval_known_values() -> None:
    low, high = wilson(5, 10, 0.95)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    low, high = wilson(0, 10, 0.95)
    assert low == pytest.approx(0, abs=1e-12) and high == pytest.approx(0.2775, abs=1e-4)
    assert sample_size(0.05, 0.95) == 385
    with pytest.raises(BadInput, match="confidence"):
        wilson(1, 10, 1.0)


def test_a_sample_of_everything_finds_what_the_full_check_finds(
    tmp_path: Path, crowd: dict[str, list[Citizen]]
) -> None:
    people = crowd["KZ-10"]
    rows = [(c.iin, "A", "KZ-10", ON) for c in people[:20]]
    rows += [(c.iin, "A", "KZ-10", ON) for c in people[:5]]  # five duplicates
    rows += [(c.iin, "A", "KZ-11", ON) for c in people[20:25]]  # five outside the unit
    folder = _register(tmp_path, people)
    table = signatures(rows)
    full = check_signatures(table, folder, RULES, voters={"KZ-10": 1000})
    whole = check_sample(table, folder, RULES, size=len(rows), confidence=0.9)
    assert whole.invalid == len(rows) - full.valid == 10
    assert whole.rejected == full.rejected
    part = check_sample(table, folder, RULES, size=12, confidence=0.9, seed=3)
    assert part.sample == 12 and part.low <= part.share <= part.high


# --- reading and the command -------------------------------------------------------------


def test_an_iin_written_as_a_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    pq.write_table(
        pa.table({"iin": [900101300811], "candidate": ["A"], "unit": ["KZ-10"], "signed_on": [ON]}),
        path,
    )
    with pytest.raises(BadInput, match=r"signatures\.iin"):
        read_signatures(path)


def test_the_command_answers_json_and_refuses_bad_input_in_one_line(
    tmp_path: Path, crowd: dict[str, list[Citizen]]
) -> None:
    folder = _register(tmp_path, crowd["KZ-10"])
    good = tmp_path / "good.csv"
    good.write_text(
        "iin,candidate,unit,signed_on\n"
        f"{crowd['KZ-10'][0].iin},A,KZ-10,2022-10-10\n"
        f"{crowd['KZ-10'][0].iin},A,KZ-10,2022-10-11\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["register", "signatures", str(good), "--register", str(folder), "--on", "2022-10-15"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["valid"] == 1 and body["rejected"] == {"signature_duplicate": 1}
    assert body["rejected_rows"][0]["field"] == "signatures[1]"
    bad = tmp_path / "bad.csv"
    bad.write_text("iin,candidate,signed_on\n1,A,2022-10-10\n", encoding="utf-8")
    refused = runner.invoke(app, [*args[:2], str(bad), *args[3:]])
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.strip().count("\n") == 0 and "signatures.unit" in refused.stderr
    wrong_day = runner.invoke(app, [*args[:2], str(good), *args[3:6], "10.10.2022"])
    assert wrong_day.exit_code == 2 and "'on'" in wrong_day.stderr


def test_a_register_holding_a_citizen_twice_is_refused_naming_the_iin(
    tmp_path: Path, crowd: dict[str, list[Citizen]]
) -> None:
    """A signer found twice on the register would be joined twice: the check is refused with
    the IIN and the rule, not left to fail on mismatched columns or to count one person twice."""
    people = crowd["KZ-10"]
    twice = people[0]
    folder = _register(tmp_path, [*people, twice])
    rows = [(twice.iin, "A", "KZ-10", ON), (people[1].iin, "A", "KZ-10", ON)]
    with pytest.raises(BadInput) as refused:
        check_signatures(signatures(rows), folder, RULES, voters={"KZ-10": 40})
    assert refused.value.field == "register.iin"
    assert refused.value.found == twice.iin
    assert "once" in refused.value.rule


def test_a_senate_check_is_not_counted_against_the_voter_register(
    tmp_path: Path, crowd: dict[str, list[Citizen]]
) -> None:
    """A Senate candidate needs a share of the unit's electors (its maslikhats' deputies),
    not of every voter of the country: without their number the check is refused rather
    than ask for a tenth of the register."""
    folder = _register(tmp_path, crowd["KZ-10"])
    rows = [(crowd["KZ-10"][0].iin, "A", "KZ-10", ON)]
    with pytest.raises(BadInput) as refused:
        check_signatures(signatures(rows), folder, RULES, Office.SENATE)
    assert refused.value.field == "voters" and "electors" in refused.value.rule
    given = check_signatures(signatures(rows), folder, RULES, Office.SENATE, voters={"KZ-10": 50})
    assert given.candidates[0].required == 5  # 10 % of the 50 electors given
