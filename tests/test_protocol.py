"""The precinct protocol: strict reading, the content hash, and every control relation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.election import Election, election_from_mapping
from saylau.law import law_book
from saylau.law.rules import NotInForce
from saylau.model import CODE_LENGTH, BadInput
from saylau.protocol import (
    COUNT_FIELDS,
    Protocol,
    ProtocolForm,
    protocol_from_mapping,
    protocol_to_mapping,
)
from saylau.tabulation.relations import protocol_breaks, relations_at
from tests.test_election import names, option, valid_mapping

ELECTION_DAY = dt.date(2023, 3, 19)
BEFORE_AGAINST_ALL = dt.date(2019, 6, 9)  # presidential election without "against all"

ZERO_BY_DEFAULT = ("voters_added", "against_all", "neither")

# the ids of the relations in the law data (law/data/elections.yaml)
RECEIVED = "received"
FOUND_WITHIN_ISSUED = "found_within_issued"
FOUND_ACCOUNTED = "found_accounted"
ISSUED_WITHIN_LIST = "issued_within_list"
AGAINST_ALL_ON_BALLOT = "against_all_on_ballot"


def source_of(relation: str) -> str:
    (found,) = {r.source for r in law_book().relations() if r.id == relation}
    return found


@pytest.fixture(scope="module")
def election() -> Election:
    return election_from_mapping(valid_mapping())


def good_mapping() -> dict[str, Any]:
    """A consistent protocol: 1,200 on the list, 650 took part."""
    return {
        "precinct": "KZ-10-D01-P0001",
        "contest": "mazhilis-list",
        "voters_on_list": 1200,
        "voters_added": 6,
        "ballots_received": 700,
        "ballots_issued": 652,
        "ballots_cancelled": 48,
        "ballots_found": 650,
        "invalid": 15,
        "against_all": 25,
        "neither": 0,
        "votes": {"amanat": 400, "auyl": 210},
    }


def test_a_consistent_protocol_breaks_nothing(election: Election) -> None:
    protocol = protocol_from_mapping(good_mapping(), election)
    assert protocol.option_votes == 610
    assert protocol_breaks(protocol, ELECTION_DAY) == []


def test_mapping_round_trip(election: Election) -> None:
    protocol = protocol_from_mapping(good_mapping(), election)
    assert protocol_to_mapping(protocol) == good_mapping()
    assert protocol_from_mapping(protocol_to_mapping(protocol), election) == protocol


@pytest.mark.parametrize("name", ["voters_added", "against_all", "neither"])
def test_a_line_most_forms_leave_at_zero_may_be_left_out(election: Election, name: str) -> None:
    """The API and the file readers share these defaults (one model, ProtocolForm)."""
    raw = edited(**{name: ...})
    read = protocol_from_mapping(raw, election)
    assert getattr(read, name) == 0
    assert ProtocolForm.model_fields[name].default == 0


@pytest.mark.parametrize("name", [n for n in COUNT_FIELDS if n not in ZERO_BY_DEFAULT])
def test_every_other_line_is_required(election: Election, name: str) -> None:
    with pytest.raises(BadInput) as caught:
        protocol_from_mapping(edited(**{name: ...}), election)
    assert (caught.value.field, caught.value.rule) == (name, "is required")


def test_content_hash_ignores_key_order_and_sees_every_count(election: Election) -> None:
    protocol = protocol_from_mapping(good_mapping(), election)
    shuffled = dict(reversed(list(good_mapping().items())))
    shuffled["votes"] = {"auyl": 210, "amanat": 400}
    again = protocol_from_mapping(shuffled, election)
    assert again.content_hash() == protocol.content_hash()
    assert len(protocol.content_hash()) == 64
    for name in COUNT_FIELDS:
        changed = dataclasses.replace(protocol, **{name: getattr(protocol, name) + 1})
        assert changed.content_hash() != protocol.content_hash(), name
    moved = dataclasses.replace(protocol, votes={"amanat": 399, "auyl": 211})
    assert moved.content_hash() != protocol.content_hash()


# --- strict reading ------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in COUNT_FIELDS if n != "neither"])
@pytest.mark.parametrize("value", [True, 1.5, "7", -1, None, [3]])
def test_a_count_must_be_a_non_negative_integer(
    election: Election, name: str, value: object
) -> None:
    raw = good_mapping()
    raw[name] = value
    with pytest.raises(BadInput) as caught:
        protocol_from_mapping(raw, election)
    assert caught.value.field == name


@pytest.mark.parametrize("value", [False, 2.0, "40", -3, None])
def test_votes_must_be_non_negative_integers(election: Election, value: object) -> None:
    raw = good_mapping()
    raw["votes"]["auyl"] = value
    with pytest.raises(BadInput) as caught:
        protocol_from_mapping(raw, election)
    assert caught.value.field == "votes.auyl"


def test_neither_given_as_null_is_refused(election: Election) -> None:
    raw = good_mapping()
    raw["neither"] = None
    with pytest.raises(BadInput) as caught:
        protocol_from_mapping(raw, election)
    assert caught.value.field == "neither"


def edited(**changes: Any) -> dict[str, Any]:
    raw = good_mapping()
    for key, value in changes.items():
        if value is ...:
            del raw[key]
        else:
            raw[key] = value
    return raw


INPUT_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("missing count", edited(ballots_found=...), "ballots_found", "required"),
    ("unknown field", edited(turnout=54), "turnout", "not a field of this form"),
    ("unknown precinct", edited(precinct="KZ-10-D01-P0999"), "precinct", "code of a unit"),
    ("precinct not text", edited(precinct=17), "precinct", "valid string"),
    ("a district is not a precinct", edited(precinct="KZ-10-D01"), "precinct", "not a district"),
    ("unknown contest", edited(contest="senate"), "contest", "id of a contest"),
    ("missing contest", edited(contest=...), "contest", "is required"),
    ("outside the contest's area", edited(contest="smd-28"), "contest", "does not vote"),
    ("votes not an object", edited(votes=[400, 210]), "votes", "object"),
    ("unknown option", edited(votes={"amanat": 400, "auyl": 210, "adal": 1}), "votes.adal", "not"),
    ("missing option", edited(votes={"amanat": 400}), "votes.auyl", "required"),
    (
        "option given twice in two cases",
        edited(votes={"amanat": 400, "auyl": 210, "Amanat": 5}),
        "votes.Amanat",
        "'Amanat' duplicates 'amanat'",
    ),
    (
        "option given twice, once with spaces",
        edited(votes={"amanat": 400, "auyl": 210, " amanat": 5}),
        "votes. amanat",
        "duplicates 'amanat'",
    ),
    (
        "option in another case alone",
        edited(votes={"AMANAT": 400, "auyl": 210}),
        "votes.AMANAT",
        "not an option",
    ),
]


@pytest.mark.parametrize(
    ("raw", "field", "rule"), [c[1:] for c in INPUT_CASES], ids=[c[0] for c in INPUT_CASES]
)
def test_bad_protocol_names_the_field(
    election: Election, raw: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(BadInput) as caught:
        protocol_from_mapping(raw, election)
    assert caught.value.field == field
    assert rule in caught.value.rule


def test_an_option_id_with_spaces_or_decomposed_is_the_option(election: Election) -> None:
    """An id is read as its NFC form without surrounding spaces, and stored so."""
    raw = edited(votes={" amanat\t": 400, "auyl\u00a0": 210})
    protocol = protocol_from_mapping(raw, election)
    assert protocol.votes == {"amanat": 400, "auyl": 210}
    assert protocol.content_hash() == protocol_from_mapping(good_mapping(), election).content_hash()


def test_not_an_object(election: Election) -> None:
    with pytest.raises(BadInput) as caught:
        protocol_from_mapping([good_mapping()], election)
    assert caught.value.field == "(document)"


def test_a_district_protocol_uses_the_district_s_candidates(election: Election) -> None:
    raw = edited(contest="smd-08", votes={"c01": 300, "c02": 310})
    assert protocol_from_mapping(raw, election).votes == {"c01": 300, "c02": 310}


# --- control relations ---------------------------------------------------------------------

RELATION_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("a received ballot is missing", {"ballots_received": 699}, RECEIVED),
    ("too many cancelled", {"ballots_cancelled": 60}, RECEIVED),
    ("more found than issued", {"ballots_found": 653, "invalid": 18}, FOUND_WITHIN_ISSUED),
    ("a ballot not accounted for", {"invalid": 14}, FOUND_ACCOUNTED),
    ("a vote too many", {"votes": {"amanat": 401, "auyl": 210}}, FOUND_ACCOUNTED),
    (
        "issued beyond the list",
        {"voters_on_list": 600, "voters_added": 51},
        ISSUED_WITHIN_LIST,
    ),
]


@pytest.mark.parametrize(
    ("changes", "relation"),
    [c[1:] for c in RELATION_CASES],
    ids=[c[0] for c in RELATION_CASES],
)
def test_each_relation_is_detected_alone(
    election: Election, changes: dict[str, Any], relation: str
) -> None:
    protocol = protocol_from_mapping(edited(**changes), election)
    broken = protocol_breaks(protocol, ELECTION_DAY)
    assert [b.relation for b in broken] == [relation]
    assert broken[0].source == source_of(relation)
    assert source_of(relation) in broken[0].rule
    assert broken[0].found


def test_a_refusal_names_the_field_and_the_check(election: Election) -> None:
    protocol = protocol_from_mapping(edited(ballots_found=653, invalid=18), election)
    (broken,) = protocol_breaks(protocol, ELECTION_DAY)
    assert broken.field == "ballots_found"
    assert broken.check == "ballots_found <= ballots_issued"
    assert broken.as_json()["relation"] == FOUND_WITHIN_ISSUED


def test_the_found_line_gives_the_numbers(election: Election) -> None:
    protocol = protocol_from_mapping(edited(ballots_received=699), election)
    (broken,) = protocol_breaks(protocol, ELECTION_DAY)
    assert broken.found == (
        "ballots_received 699 ≠ ballots_issued 652 + ballots_cancelled 48 = 700"
    )


def test_against_all_is_refused_when_not_on_the_ballot(election: Election) -> None:
    protocol = protocol_from_mapping(good_mapping(), election)
    broken = protocol_breaks(protocol, BEFORE_AGAINST_ALL)
    assert [b.relation for b in broken] == [AGAINST_ALL_ON_BALLOT]
    assert "2019-06-09" in broken[0].rule and broken[0].field == "against_all"
    assert "elections.against_all_on_ballot" in broken[0].rule  # the flag it read, cited
    assert protocol_breaks(protocol, ELECTION_DAY) == []  # on the ballot in 2023
    none_against = dataclasses.replace(
        protocol, against_all=0, invalid=40, votes={"amanat": 400, "auyl": 210}
    )
    assert protocol_breaks(none_against, BEFORE_AGAINST_ALL) == []


def test_a_day_before_the_law_checks_nothing_but_is_refused(election: Election) -> None:
    """With no relation in force before the law's coverage, a protocol of such a day would
    pass every check however its lines add up: the day is refused instead, as rules_at does."""
    broken = protocol_from_mapping(edited(ballots_received=1), election)
    before = law_book().coverage_start - dt.timedelta(days=1)
    with pytest.raises(NotInForce):
        protocol_breaks(broken, before)
    with pytest.raises(NotInForce):
        relations_at(before)


def test_every_broken_relation_is_listed_at_once(election: Election) -> None:
    raw = edited(
        voters_on_list=500,
        voters_added=0,
        ballots_received=600,
        ballots_issued=640,
        ballots_cancelled=0,
        ballots_found=651,
    )
    protocol = protocol_from_mapping(raw, election)
    relations = [b.relation for b in protocol_breaks(protocol, BEFORE_AGAINST_ALL)]
    assert relations == list(relations_at(BEFORE_AGAINST_ALL).ids()[: len(relations)])
    assert relations == [
        RECEIVED,
        FOUND_WITHIN_ISSUED,
        FOUND_ACCOUNTED,
        ISSUED_WITHIN_LIST,
        AGAINST_ALL_ON_BALLOT,
    ]
    assert [b.relation for b in protocol_breaks(protocol, ELECTION_DAY)] == [
        RECEIVED,
        FOUND_WITHIN_ISSUED,
        FOUND_ACCOUNTED,
        ISSUED_WITHIN_LIST,
    ]


def referendum_election() -> Election:
    raw = valid_mapping()
    raw["contests"] = [
        {
            "id": "referendum",
            "kind": "referendum",
            "names": names("Question"),
            "options": [option("yes"), option("no")],
            "seats": None,
            "area": ["KZ"],
            "question_type": "constitution",
        }
    ]
    return election_from_mapping(raw)


def test_neither_accounts_for_ballots_on_a_referendum() -> None:
    raw = edited(invalid=10, neither=5, against_all=0, contest="referendum")
    raw["votes"] = {"yes": 425, "no": 210}
    protocol = protocol_from_mapping(raw, referendum_election())
    assert protocol.neither == 5
    assert protocol_breaks(protocol, ELECTION_DAY) == []


def test_neither_is_refused_on_a_form_without_the_line(election: Election) -> None:
    """Only a referendum's ballot can be neither invalid nor a vote; elsewhere a ballot moved
    from invalid to 'neither' would still add up and raise the base a majority is taken of
    (those who took part less the invalid), so the line must be 0."""
    with pytest.raises(BadInput) as refused:
        protocol_from_mapping(edited(invalid=10, neither=5), election)
    assert refused.value.field == "neither"
    assert "referendum" in refused.value.rule and refused.value.found == 5


# --- properties ----------------------------------------------------------------------------

counts = st.integers(0, 5_000)


@st.composite
def consistent_protocols(draw: st.DrawFn, with_neither: bool = True) -> Protocol:
    """Any protocol whose lines add up, built from the voters down (with 'neither' only
    where asked: the reader takes the line on a referendum's form alone)."""
    votes = {"amanat": draw(counts), "auyl": draw(counts)}
    invalid, against_all = draw(counts), draw(counts)
    neither = draw(counts) if with_neither else 0
    found = invalid + sum(votes.values()) + against_all + neither
    issued = found + draw(st.integers(0, 50))
    voters_added = draw(st.integers(0, 100))
    on_list = max(issued - voters_added, 0) + draw(st.integers(0, 3_000))
    cancelled = draw(st.integers(0, 500))
    return Protocol(
        "KZ-10-D01-P0001",
        "mazhilis-list",
        on_list,
        voters_added,
        issued + cancelled,
        issued,
        cancelled,
        found,
        invalid,
        against_all,
        neither,
        votes,
    )


@settings(max_examples=200, deadline=None)
@given(consistent_protocols(), st.integers(1, 1_000))
def test_a_single_slip_breaks_exactly_its_relations(protocol: Protocol, slip: int) -> None:
    assert protocol_breaks(protocol, ELECTION_DAY) == []
    expected = {
        "ballots_received": [RECEIVED],
        "ballots_cancelled": [RECEIVED],
        "invalid": [FOUND_ACCOUNTED],
        "against_all": [FOUND_ACCOUNTED],
        "neither": [FOUND_ACCOUNTED],
    }
    for name, relations in expected.items():
        changed = dataclasses.replace(protocol, **{name: getattr(protocol, name) + slip})
        assert [b.relation for b in protocol_breaks(changed, ELECTION_DAY)] == relations
    found_more = dataclasses.replace(protocol, ballots_found=protocol.ballots_found + slip)
    relations = [b.relation for b in protocol_breaks(found_more, ELECTION_DAY)]
    assert FOUND_ACCOUNTED in relations
    assert (FOUND_WITHIN_ISSUED in relations) == (
        found_more.ballots_found > protocol.ballots_issued
    )


@settings(max_examples=100, deadline=None)
@given(consistent_protocols(with_neither=False))
def test_any_consistent_protocol_round_trips(protocol: Protocol) -> None:
    election = election_from_mapping(valid_mapping())
    again = protocol_from_mapping(protocol_to_mapping(protocol), election)
    assert again == protocol
    assert again.content_hash() == protocol.content_hash()


@pytest.mark.parametrize("part", ["unit", "contest", "option"])
def test_a_definition_naming_what_no_protocol_can_name_is_refused(part: str) -> None:
    """A protocol names its precinct, contest and options in at most CODE_LENGTH characters;
    a definition with a longer one would import and then never be counted."""
    raw = valid_mapping()
    long = "x" * (CODE_LENGTH + 1)
    if part == "unit":
        precinct = raw["units"][-1]
        precinct["code"] = long
        field = "units[10].code"
    elif part == "contest":
        raw["contests"][0]["id"] = long
        field = "contests[0].id"
    else:
        raw["contests"][0]["options"][0]["id"] = long
        field = "contests[0].options[0].id"
    with pytest.raises(BadInput) as refused:
        election_from_mapping(raw)
    assert refused.value.field == field
    assert str(CODE_LENGTH) in refused.value.rule


def test_the_longest_code_a_definition_may_hold_is_one_a_protocol_names() -> None:
    raw = valid_mapping()
    longest = "c" * CODE_LENGTH
    raw["contests"][0]["id"] = longest
    election = election_from_mapping(raw)
    protocol = protocol_from_mapping({**good_mapping(), "contest": longest}, election)
    assert protocol.contest == longest


def test_against_all_is_refused_on_a_referendum() -> None:
    """A referendum ballot asks yes or no; whatever the date, it has no 'against all'."""
    raw = edited(invalid=10, neither=0, against_all=5, contest="referendum")
    raw["votes"] = {"yes": 425, "no": 210}
    with pytest.raises(BadInput) as refused:
        protocol_from_mapping(raw, referendum_election())
    assert (refused.value.field, refused.value.found) == ("against_all", 5)
