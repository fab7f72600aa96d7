"""The service hands the outcome engine everything the law decides a contest by: the units'
own totals for a constitutional referendum, the lists' order of registration for equal
remainders, an akim's level and the round; and a definition the law of its date does not
allow is refused at import. On real SQLite and real PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saylau.election import election_from_mapping
from saylau.model import BadInput
from saylau.service.results import outcome
from saylau.service.submission import submit
from tests.databases import imported, principals
from tests.elections_fixture import names, protocol, small_election_mapping

#: The 17 units of 5 June 2022: 14 regions and the cities of Almaty, Astana and Shymkent.
UNITS_2022 = 17


def referendum_mapping() -> dict[str, Any]:
    """A constitutional referendum over the 17 units of its day, one precinct in each."""
    units: list[dict[str, Any]] = [
        {"code": "KZ", "level": "republic", "parent": None, "names": names("Kazakhstan")}
    ]
    for number in range(1, UNITS_2022 + 1):
        region = f"KZ-R{number:02d}"
        district = f"{region}-D01"
        units += [
            {"code": region, "level": "region", "parent": "KZ", "names": names(region)},
            {"code": district, "level": "district", "parent": region, "names": names(district)},
            {
                "code": f"{district}-P0001",
                "level": "precinct",
                "parent": district,
                "names": names(f"{district}-P0001"),
                "registered": 1100,
            },
        ]
    return {
        "id": "referendum-2022",
        "date": "2022-06-05",
        "names": names("Republican referendum"),
        "units": units,
        "contests": [
            {
                "id": "constitution",
                "kind": "referendum",
                "names": names("Amendments to the Constitution"),
                "options": [
                    {"id": "yes", "names": names("Yes")},
                    {"id": "no", "names": names("No")},
                ],
                "seats": None,
                "area": ["KZ"],
                "question_type": "constitution",
            }
        ],
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    yield str(request.param)


@pytest.mark.parametrize("yes_units", [12, 11])
def test_a_constitutional_referendum_is_decided_from_its_units_totals(
    backend: str, tmp_path: Path, yes_units: int
) -> None:
    """Two thirds of 17 units is 12: with a yes majority in 12 the amendment is adopted,
    in 11 it is not, though yes leads the country either way. Decided from the republic's
    totals alone, adoption could only be unknown."""
    election = election_from_mapping(referendum_mapping())
    with imported(backend, tmp_path, election) as ctx:
        by_unit = principals(ctx, election.id)
        for number in range(1, UNITS_2022 + 1):
            precinct = f"KZ-R{number:02d}-D01-P0001"
            votes = {"yes": 700, "no": 200} if number <= yes_units else {"yes": 300, "no": 400}
            submit(ctx, by_unit[precinct], protocol(precinct, "constitution", votes))
        decided = outcome(ctx, election.id, "constitution")
    result = decided["outcome"]
    assert decided["status"] == "unofficial-complete"
    assert result["valid"] is True
    assert result["units"]["total"] == UNITS_2022
    assert result["units"]["needed"] == 12
    assert len(result["units"]["with_yes_majority"]) == yes_units
    assert result["adopted"] is (yes_units >= 12)


def test_a_referendum_still_counting_leaves_adoption_open(backend: str, tmp_path: Path) -> None:
    """Five units in, yes winning in each: twelve are needed and twelve are still counting,
    so adoption is unknown, not refused."""
    election = election_from_mapping(referendum_mapping())
    with imported(backend, tmp_path, election) as ctx:
        by_unit = principals(ctx, election.id)
        for number in range(1, 6):
            precinct = f"KZ-R{number:02d}-D01-P0001"
            votes = {"yes": 700, "no": 200}
            submit(ctx, by_unit[precinct], protocol(precinct, "constitution", votes))
        decided = outcome(ctx, election.id, "constitution")
    result = decided["outcome"]
    assert decided["status"] == "unofficial-partial"
    assert len(result["units"]["with_yes_majority"]) == 5
    assert result["units"]["unknown"] == UNITS_2022 - 5
    assert result["adopted"] is None


def tied_mapping(order: list[str] | None) -> dict[str, Any]:
    mapping = small_election_mapping()
    if order is not None:
        mapping["contests"][0]["registration_order"] = order
    return mapping


@pytest.mark.parametrize(
    ("order", "thirty_five"),
    [(["auyl", "amanat", "respublica"], "auyl"), (["amanat", "auyl", "respublica"], "amanat")],
)
def test_equal_remainders_go_to_the_list_registered_first(
    backend: str, tmp_path: Path, order: list[str], thirty_five: str
) -> None:
    """Two lists with equal votes share 69 seats: 34 each and one left on equal
    remainders, which the list registered earlier takes (the order is the definition's)."""
    election = election_from_mapping(tied_mapping(order))
    with imported(backend, tmp_path, election) as ctx:
        region = principals(ctx, election.id)["KZ-71"]
        votes = {"amanat": 500, "auyl": 500, "respublica": 20}
        submit(ctx, region, protocol("KZ-71-D01-P0001", "mazhilis-list", votes))
        seats = outcome(ctx, election.id, "mazhilis-list")["outcome"]["seats"]
    other = "amanat" if thirty_five == "auyl" else "auyl"
    assert seats == {thirty_five: 35, other: 34, "respublica": 0}


def test_without_an_order_of_registration_the_tie_is_shown_unsettled(
    backend: str, tmp_path: Path
) -> None:
    election = election_from_mapping(tied_mapping(None))
    with imported(backend, tmp_path, election) as ctx:
        region = principals(ctx, election.id)["KZ-71"]
        votes = {"amanat": 500, "auyl": 500, "respublica": 20}
        submit(ctx, region, protocol("KZ-71-D01-P0001", "mazhilis-list", votes))
        result = outcome(ctx, election.id, "mazhilis-list")["outcome"]
    assert result["tie"] is not None
    assert set(result["tie"]["parties"]) == {"amanat", "auyl"}


def akim_mapping(date: str, level: str | None) -> dict[str, Any]:
    mapping = small_election_mapping()
    mapping["date"] = date
    contest: dict[str, Any] = {
        "id": "akim",
        "kind": "akim",
        "names": names("Akim"),
        "options": [
            {"id": "a", "names": names("Candidate A"), "party": None},
            {"id": "b", "names": names("Candidate B"), "party": None},
        ],
        "seats": 1,
        "area": ["KZ-71-D01"],
    }
    if level is not None:
        contest["level"] = level
    mapping["contests"] = [contest]
    return mapping


def test_a_district_akim_is_decided_as_a_district_akim(backend: str, tmp_path: Path) -> None:
    election = election_from_mapping(akim_mapping("2024-10-06", "district"))
    assert election.contest("akim").level == "district"
    with imported(backend, tmp_path, election) as ctx:
        region = principals(ctx, election.id)["KZ-71"]
        submit(ctx, region, protocol("KZ-71-D01-P0001", "akim", {"a": 400, "b": 300}))
        result = outcome(ctx, election.id, "akim")["outcome"]
    assert result["winner"] == "a"
    cited = {rule["parameter"] for rule in result["rules_applied"]}
    assert "akim.district_elected" in cited
    assert "akim.rural_elected" not in cited


def test_definitions_the_law_of_their_date_does_not_allow_are_refused() -> None:
    # district akims were first elected directly on 5 November 2022's law
    with pytest.raises(BadInput) as refused:
        election_from_mapping(akim_mapping("2022-06-05", "district"))
    assert refused.value.field == "contests[0].level"
    assert "district_elected" in str(refused.value)
    # an akim's level must be one the law knows
    with pytest.raises(BadInput) as refused:
        election_from_mapping(akim_mapping("2024-10-06", "oblast"))
    assert refused.value.field == "contests[0].level"
    # in 2023 the district and city maslikhats were wholly single-member
    mapping = small_election_mapping()
    lists = copy.deepcopy(mapping["contests"][0])
    lists |= {"id": "maslikhat", "kind": "maslikhat-list", "seats": 20, "area": ["KZ-71"]}
    mapping["contests"].append(lists | {"level": "district"})
    with pytest.raises(BadInput) as refused:
        election_from_mapping(mapping)
    assert refused.value.field == "contests[3].kind"
    assert "district_list_share" in str(refused.value)
    mapping["contests"][3]["level"] = "regional"
    assert election_from_mapping(mapping).contest("maslikhat").level == "regional"
    # a registration order names the contest's own lists, each once
    mapping = tied_mapping(["amanat", "amanat"])
    with pytest.raises(BadInput) as refused:
        election_from_mapping(mapping)
    assert refused.value.field == "contests[0].registration_order[1]"
    with pytest.raises(BadInput) as refused:
        election_from_mapping(tied_mapping(["nur-otan"]))
    assert refused.value.field == "contests[0].registration_order[0]"
    # repeat voting only where the law holds one: not for a party list, nor an akim
    mapping = small_election_mapping()
    mapping["contests"][0]["round"] = 2
    with pytest.raises(BadInput) as refused:
        election_from_mapping(mapping)
    assert refused.value.field == "contests[0].round"
    akim = akim_mapping("2024-10-06", "rural")
    akim["contests"][0]["round"] = 2
    with pytest.raises(BadInput) as refused:
        election_from_mapping(akim)
    assert refused.value.field == "contests[0].round"


def presidential_mapping(candidates: int) -> dict[str, Any]:
    mapping = small_election_mapping()
    mapping["date"] = "2022-11-20"
    mapping["contests"] = [
        {
            "id": "president-round-2",
            "kind": "presidential",
            "names": names("President, repeat voting"),
            "options": [
                {"id": f"c{i}", "names": names(f"Candidate {i}"), "party": None}
                for i in range(candidates)
            ],
            "seats": 1,
            "area": ["KZ"],
            "round": 2,
        }
    ]
    return mapping


def test_repeat_voting_is_between_the_two_the_law_names(backend: str, tmp_path: Path) -> None:
    with pytest.raises(BadInput) as refused:
        election_from_mapping(presidential_mapping(3))
    assert refused.value.field == "contests[0].options"
    assert "runoff_candidates" in str(refused.value)
    election = election_from_mapping(presidential_mapping(2))
    with imported(backend, tmp_path, election) as ctx:
        region = principals(ctx, election.id)["KZ-71"]
        # 40 % against 35 %: no majority of those who took part, yet the repeat is won
        votes = {"c0": 400, "c1": 350}
        document = protocol("KZ-71-D01-P0001", "president-round-2", votes, invalid=250)
        submit(ctx, region, document)
        result = outcome(ctx, election.id, "president-round-2")["outcome"]
    assert result["status"] == "elected" and result["winner"] == "c0"
