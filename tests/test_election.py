"""The election definition: round trips, tree helpers, the hash, and every validation rule."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from saylau.election import (
    Election,
    dump_election,
    election_from_mapping,
    election_to_mapping,
    load_election,
)
from saylau.model import BadInput, Kind, plain_name


def names(text: str) -> dict[str, str]:
    return {"kk": f"{text} (kk)", "ru": f"{text} (ru)", "en": text}


def unit(code: str, level: str, parent: str | None, registered: int | None = None) -> Any:
    return {
        "code": code,
        "level": level,
        "parent": parent,
        "names": names(code),
        "registered": registered,
    }


def option(option_id: str, party: str | None = None) -> dict[str, Any]:
    return {"id": option_id, "names": names(option_id), "party": party}


def valid_mapping() -> dict[str, Any]:
    """Two regions, three districts, five precincts; a national list and two districts."""
    return {
        "id": "test-2023",
        "date": "2023-03-19",
        "names": names("Test election"),
        "units": [
            unit("KZ", "republic", None),
            unit("KZ-10", "region", "KZ"),
            unit("KZ-62", "region", "KZ"),
            unit("KZ-10-D01", "district", "KZ-10"),
            unit("KZ-10-D02", "district", "KZ-10"),
            unit("KZ-62-D01", "district", "KZ-62"),
            unit("KZ-10-D01-P0001", "precinct", "KZ-10-D01", 1200),
            unit("KZ-10-D01-P0002", "precinct", "KZ-10-D01", 40),
            unit("KZ-10-D02-P0001", "precinct", "KZ-10-D02", 0),
            unit("KZ-62-D01-P0001", "precinct", "KZ-62-D01", 2900),
            unit("KZ-62-D01-P0002", "precinct", "KZ-62-D01", 700),
        ],
        "contests": [
            {
                "id": "mazhilis-list",
                "kind": "mazhilis-list",
                "names": names("Party lists"),
                "options": [option("amanat", "amanat"), option("auyl", "auyl")],
                "seats": 69,
                "area": ["KZ"],
                "body": None,
                "question_type": None,
            },
            {
                "id": "smd-08",
                "kind": "single-member",
                "names": names("District 8"),
                "options": [option("c01", "amanat"), option("c02")],
                "seats": 1,
                "area": ["KZ-10"],
                "body": "mazhilis",
                "question_type": None,
            },
            {
                "id": "smd-28",
                "kind": "single-member",
                "names": names("District 28"),
                "options": [option("c01"), option("c02", "auyl"), option("c03")],
                "seats": 1,
                "area": ["KZ-62-D01"],
                "body": "mazhilis",
            },
        ],
    }


@pytest.fixture
def election() -> Election:
    return election_from_mapping(valid_mapping())


# --- round trips and helpers ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_dump_and_load_give_the_same_election(
    election: Election, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"election{suffix}"
    dump_election(election, path)
    again = load_election(path)
    assert again == election
    assert again.definition_hash() == election.definition_hash()


def test_mapping_round_trip_is_exact(election: Election) -> None:
    mapping = election_to_mapping(election)
    assert election_from_mapping(mapping) == election
    assert json.loads(json.dumps(mapping)) == mapping


def test_yaml_dates_and_quoted_yes_no_are_read(tmp_path: Path) -> None:
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
    election = election_from_mapping(raw)
    path = tmp_path / "referendum.yaml"
    dump_election(election, path)
    text = path.read_text("utf-8")
    assert "'yes'" in text and "'no'" in text  # quoted, or YAML would read booleans
    path.write_text(text.replace("'2023-03-19'", "2023-03-19"), "utf-8")  # as a person writes it
    assert load_election(path) == election


def test_tree_helpers(election: Election) -> None:
    assert election.unit("KZ-10-D02").parent == "KZ-10"
    assert [u.code for u in election.children("KZ-10")] == ["KZ-10-D01", "KZ-10-D02"]
    assert election.children("KZ-10-D02-P0001") == ()
    assert election.path("KZ-62-D01-P0002") == ("KZ", "KZ-62", "KZ-62-D01", "KZ-62-D01-P0002")
    assert election.path("KZ") == ("KZ",)
    assert [u.code for u in election.precincts()] == [
        "KZ-10-D01-P0001",
        "KZ-10-D01-P0002",
        "KZ-10-D02-P0001",
        "KZ-62-D01-P0001",
        "KZ-62-D01-P0002",
    ]
    assert election.contest("smd-28").kind is Kind.SINGLE_MEMBER
    with pytest.raises(KeyError):
        election.unit("KZ-99")
    with pytest.raises(KeyError):
        election.children("KZ-99")


def test_contests_for_follows_the_areas(election: Election) -> None:
    assert [c.id for c in election.contests_for("KZ-10-D02-P0001")] == ["mazhilis-list", "smd-08"]
    assert [c.id for c in election.contests_for("KZ-62-D01-P0002")] == ["mazhilis-list", "smd-28"]


def test_definition_hash_is_sha256_of_the_content(election: Election) -> None:
    digest = election.definition_hash()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert election_from_mapping(valid_mapping()).definition_hash() == digest
    changed = valid_mapping()
    changed["units"][6]["registered"] = 1201
    assert election_from_mapping(changed).definition_hash() != digest
    renamed = valid_mapping()
    renamed["names"]["kk"] = "Басқа атау"
    assert election_from_mapping(renamed).definition_hash() != digest


# --- validation: each rule names its field ---------------------------------------------------

Edit = Callable[[dict[str, Any]], object]


def set_in(path: tuple[Any, ...], value: Any) -> Edit:
    def edit(raw: dict[str, Any]) -> None:
        target: Any = raw
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def delete(path: tuple[Any, ...]) -> Edit:
    def edit(raw: dict[str, Any]) -> None:
        target: Any = raw
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


def append_unit(item: dict[str, Any]) -> Edit:
    return lambda raw: raw["units"].append(item)


def add_contest(item: dict[str, Any]) -> Edit:
    return lambda raw: raw["contests"].append(item)


def smd(contest_id: str, area: list[str], body: str | None = "mazhilis") -> dict[str, Any]:
    return {
        "id": contest_id,
        "kind": "single-member",
        "names": names(contest_id),
        "options": [option("c01")],
        "seats": 1,
        "area": area,
        "body": body,
    }


CASES: list[tuple[str, Edit, str, str]] = [
    ("unknown top field", set_in(("turnout",), 1), "turnout", "not a field"),
    ("empty id", set_in(("id",), " "), "id", "non-empty"),
    ("id of the site's parties pages", set_in(("id",), "parties"), "id", "site's own pages"),
    ("id of the site's petitions", set_in(("id",), "petitions"), "id", "site's own pages"),
    ("id of the assemblies' calendar", set_in(("id",), "assemblies"), "id", "site's own pages"),
    ("id of the data dictionary", set_in(("id",), "data"), "id", "site's own pages"),
    (
        "contest id of the election's candidates page",
        set_in(("contests", 0, "id"), "candidates"),
        "contests[0].id",
        "election's own pages",
    ),
    (
        "contest id of the election's deputies page",
        set_in(("contests", 0, "id"), "deputies"),
        "contests[0].id",
        "election's own pages",
    ),
    (
        "contest id of the election's lists page",
        set_in(("contests", 0, "id"), "lists"),
        "contests[0].id",
        "election's own pages",
    ),
    (
        "unit code of a contest's observers page",
        set_in(("units", 4, "code"), "observers"),
        "units[4].code",
        "contest's own pages",
    ),
    (
        "unit code of a contest's what-if page",
        set_in(("units", 4, "code"), "whatif"),
        "units[4].code",
        "contest's own pages",
    ),
    ("bad date", set_in(("date",), "19.03.2023"), "date", "ISO 8601 date YYYY-MM-DD"),
    ("date with slashes", set_in(("date",), "2023/03/19"), "date", "ISO 8601 date YYYY-MM-DD"),
    ("date without dashes", set_in(("date",), "20230319"), "date", "ISO 8601 date YYYY-MM-DD"),
    ("date as a week", set_in(("date",), "2023-W11-7"), "date", "ISO 8601 date YYYY-MM-DD"),
    ("date as number", set_in(("date",), 20230319), "date", "ISO 8601 date YYYY-MM-DD"),
    ("missing ru name", delete(("names", "ru")), "names.ru", "non-empty"),
    ("extra language", set_in(("names", "de"), "Wahl"), "names.de", "language"),
    ("unit names not an object", set_in(("units", 2, "names"), "x"), "units[2].names", "kk"),
    ("unknown unit field", set_in(("units", 3, "colour"), "red"), "units[3].colour", "not a"),
    ("empty units", set_in(("units",), []), "units", "non-empty"),
    ("unknown level", set_in(("units", 3, "level"), "oblast"), "units[3].level", "one of"),
    ("duplicate code", set_in(("units", 4, "code"), "KZ-10-D01"), "units[4].code", "unique"),
    ("no republic", set_in(("units", 0, "level"), "region"), "units", "exactly one"),
    (
        "two republics",
        append_unit(unit("XX", "republic", None)),
        "units[11].level",
        "exactly one",
    ),
    ("republic with parent", set_in(("units", 0, "parent"), "KZ-10"), "units[0].parent", "no"),
    ("region without parent", set_in(("units", 1, "parent"), None), "units[1].parent", "needs"),
    (
        "parent missing",
        set_in(("units", 6, "parent"), "KZ-10-D09"),
        "units[6].parent",
        "no unit",
    ),
    (
        "precinct under a region",
        set_in(("units", 7, "parent"), "KZ-10"),
        "units[7].parent",
        "must be a district",
    ),
    (
        "district under a district",
        append_unit(unit("KZ-10-D03", "district", "KZ-10-D01")),
        "units[11].parent",
        "must be a region",
    ),
    ("registered true", set_in(("units", 6, "registered"), True), "units[6].registered", "int"),
    ("registered float", set_in(("units", 6, "registered"), 1.5), "units[6].registered", "int"),
    ("registered text", set_in(("units", 6, "registered"), "7"), "units[6].registered", "int"),
    ("registered negative", set_in(("units", 6, "registered"), -1), "units[6].registered", "non"),
    ("registered missing", delete(("units", 6, "registered")), "units[6].registered", "integer"),
    (
        "registered on a region",
        set_in(("units", 1, "registered"), 5),
        "units[1].registered",
        "only",
    ),
    ("empty contests", set_in(("contests",), []), "contests", "non-empty"),
    ("unknown kind", set_in(("contests", 0, "kind"), "mayor"), "contests[0].kind", "one of"),
    ("empty options", set_in(("contests", 0, "options"), []), "contests[0].options", "non-empty"),
    (
        "duplicate option",
        set_in(("contests", 0, "options", 1, "id"), "amanat"),
        "contests[0].options[1].id",
        "unique",
    ),
    (
        "option id differing only in case",
        set_in(("contests", 0, "options", 1, "id"), "AMANAT"),
        "contests[0].options[1].id",
        "'AMANAT' duplicates 'amanat' (contests[0].options[0].id)",
    ),
    (
        "option id differing only in spaces",
        set_in(("contests", 0, "options", 1, "id"), " amanat "),
        "contests[0].options[1].id",
        "duplicates 'amanat'",
    ),
    (
        "option name differing only in case",
        set_in(("contests", 2, "options", 2, "names", "ru"), "C01 (RU)"),
        "contests[2].options[2].names.ru",
        "'C01 (RU)' duplicates 'c01 (ru)' (contests[2].options[0].names.ru)",
    ),
    (
        "unknown option field",
        set_in(("contests", 0, "options", 1, "votes"), 3),
        "contests[0].options[1].votes",
        "not a field",
    ),
    (
        "option party not text",
        set_in(("contests", 0, "options", 1, "party"), 7),
        "contests[0].options[1].party",
        "party id",
    ),
    ("seats zero", set_in(("contests", 0, "seats"), 0), "contests[0].seats", "positive"),
    ("seats true", set_in(("contests", 0, "seats"), True), "contests[0].seats", "positive"),
    ("unknown area", set_in(("contests", 0, "area"), ["KZ-99"]), "contests[0].area[0]", "no unit"),
    (
        "area listed twice",
        set_in(("contests", 1, "area"), ["KZ-10", "KZ-10"]),
        "contests[1].area[1]",
        "twice",
    ),
    ("empty area", set_in(("contests", 0, "area"), []), "contests[0].area", "non-empty"),
    ("unknown body", set_in(("contests", 1, "body"), "senate"), "contests[1].body", "one of"),
    (
        "duplicate contest id",
        set_in(("contests", 2, "id"), "smd-08"),
        "contests[2].id",
        "unique",
    ),
    (
        "same unit in two districts",
        add_contest(smd("smd-09", ["KZ-10"])),
        "contests[3].area[0]",
        "already in the area",
    ),
    (
        "district nested in another",
        add_contest(smd("smd-09", ["KZ-10-D02"])),
        "contests[3].area",
        "must not overlap",
    ),
    (
        "referendum without question type",
        add_contest(
            {
                "id": "ref",
                "kind": "referendum",
                "names": names("Q"),
                "options": [option("yes"), option("no")],
                "area": ["KZ"],
            }
        ),
        "contests[3].question_type",
        "constitution or ordinary",
    ),
    (
        "referendum without yes",
        add_contest(
            {
                "id": "ref",
                "kind": "referendum",
                "names": names("Q"),
                "options": [option("for"), option("against")],
                "area": ["KZ"],
                "question_type": "ordinary",
            }
        ),
        "contests[3].options",
        "'yes'",
    ),
]


@pytest.mark.parametrize(
    ("edit", "field", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_definition_names_the_field(edit: Edit, field: str, rule: str) -> None:
    raw = valid_mapping()
    edit(raw)
    with pytest.raises(BadInput) as caught:
        election_from_mapping(raw)
    assert caught.value.field == field
    assert rule in caught.value.rule


def test_a_document_that_is_not_an_object() -> None:
    with pytest.raises(BadInput) as caught:
        election_from_mapping([valid_mapping()])
    assert caught.value.field == "(document)"


def test_different_bodies_may_cover_the_same_precincts() -> None:
    raw = valid_mapping()
    raw["contests"].append(smd("maslikhat-1", ["KZ-10"], body="maslikhat"))
    election = election_from_mapping(raw)
    assert [c.id for c in election.contests_for("KZ-10-D01-P0001")] == [
        "mazhilis-list",
        "smd-08",
        "maslikhat-1",
    ]


# --- names and dates read one way ---------------------------------------------------------


def test_names_ids_and_parties_are_stored_normalised() -> None:
    raw = valid_mapping()
    first = raw["contests"][0]["options"][0]
    first["id"] = " amanat\u00a0"
    first["party"] = "amanat "
    first["names"]["kk"] = " E\u0301lkin (kk)\t"
    election = election_from_mapping(raw)
    option = election.contests[0].options[0]
    assert (option.id, option.party, option.names["kk"]) == ("amanat", "amanat", "Élkin (kk)")
    clean = valid_mapping()
    clean["contests"][0]["options"][0]["names"]["kk"] = "Élkin (kk)"
    assert election.definition_hash() == election_from_mapping(clean).definition_hash()


def test_a_decomposed_name_is_the_composed_one_given_twice() -> None:
    raw = valid_mapping()
    options = raw["contests"][2]["options"]
    options[0]["names"]["ru"] = "Ёлкин"
    options[2]["names"]["ru"] = "Е\u0308лкин "
    with pytest.raises(BadInput) as caught:
        election_from_mapping(raw)
    assert caught.value.field == "contests[2].options[2].names.ru"
    assert "'Ёлкин' (contests[2].options[0].names.ru)" in caught.value.rule


@settings(max_examples=50, deadline=None)
@given(
    st.text(st.characters(exclude_categories=("Cs", "Cc", "Zs")), min_size=1, max_size=20),
    st.sampled_from([str.upper, str.lower, str.swapcase, str.title]),
)
def test_any_case_variant_of_a_candidate_is_refused(name: str, case: Callable[[str], str]) -> None:
    assume(case(name) != name and plain_name(name))
    raw = valid_mapping()
    options = raw["contests"][2]["options"]
    options[0]["names"]["en"] = name
    options[1]["names"]["en"] = case(name)
    with pytest.raises(BadInput) as caught:
        election_from_mapping(raw)
    assert caught.value.field == "contests[2].options[1].names.en"
    both = f"{plain_name(case(name))!r} duplicates {plain_name(name)!r}"  # as stored: NFC
    assert both in caught.value.rule


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("date: 2023-3-19", "date"),  # a YAML date, but not in ISO form
        ("date: 2023-03-19 10:00:00", "date"),
        ("date: '20230319'", "date"),
        ("date: 19.03.2023", "date"),
    ],
)
def test_a_yaml_date_not_written_yyyy_mm_dd_is_refused(
    tmp_path: Path, written: str, field: str
) -> None:
    import yaml

    text = yaml.safe_dump({k: v for k, v in valid_mapping().items() if k != "date"})
    path = tmp_path / "election.yaml"
    path.write_text(f"{written}\n{text}", encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_election(path)
    assert caught.value.field == field
    assert "ISO 8601 date YYYY-MM-DD" in caught.value.rule
    path.write_text(f"date: 2023-03-19\n{text}", encoding="utf-8")
    assert load_election(path).date == dt.date(2023, 3, 19)


# --- the law of the date -----------------------------------------------------------------


def test_a_senate_contest_in_2027_is_refused_on_its_kind() -> None:
    raw = valid_mapping()
    raw["date"] = "2027-03-21"
    raw["contests"] = [
        {
            "id": "senate",
            "kind": "senate",
            "names": names("Senate"),
            "options": [option("a"), option("b")],
            "area": ["KZ-10"],
        }
    ]
    with pytest.raises(BadInput) as caught:
        election_from_mapping(raw)
    assert caught.value.field == "contests[0].kind"
    assert "did not exist on 2027-03-21" in caught.value.rule


def senate_on(date: str, **extra: Any) -> dict[str, Any]:
    raw = valid_mapping()
    raw["date"] = date
    raw["contests"] = [
        {
            "id": "senate",
            "kind": "senate",
            "names": names("Senate"),
            "options": [option("a"), option("b")],
            "area": ["KZ-10"],
            **extra,
        }
    ]
    return raw


def test_against_all_on_a_senate_ballot_before_2021_is_refused() -> None:
    """'Against all' joined the ballots by CL of 24 May 2021 (elections.against_all_on_ballot)."""
    with pytest.raises(BadInput) as caught:
        election_from_mapping(senate_on("2020-08-14", against_all=True))
    assert caught.value.field == "contests[0].against_all"
    assert "not on a senate ballot on 2020-08-14" in caught.value.rule
    assert "on the ballot from 2021-05-24" in caught.value.rule
    assert "elections.against_all_on_ballot" in caught.value.rule
    assert election_from_mapping(senate_on("2020-08-14", against_all=False))
    assert election_from_mapping(senate_on("2023-01-14", against_all=True))


def test_a_ballot_says_against_all_as_the_law_of_its_date_does() -> None:
    with pytest.raises(BadInput) as caught:
        election_from_mapping(senate_on("2023-01-14", against_all=False))
    assert caught.value.field == "contests[0].against_all"
    assert "every election ballot" in caught.value.rule
    with pytest.raises(BadInput) as caught:
        election_from_mapping(senate_on("2023-01-14", against_all="yes"))
    assert caught.value.field == "contests[0].against_all"
    said = election_from_mapping(senate_on("2023-01-14", against_all=True))
    unsaid = election_from_mapping(senate_on("2023-01-14"))
    assert said.definition_hash() == unsaid.definition_hash()


def test_a_referendum_ballot_never_carries_against_all() -> None:
    raw = senate_on("2022-06-05", against_all=True)
    raw["contests"][0].update(
        id="ref", kind="referendum", question_type="constitution", options=[option("yes")]
    )
    with pytest.raises(BadInput) as caught:
        election_from_mapping(raw)
    assert caught.value.field == "contests[0].against_all"
    assert "yes or no" in caught.value.rule
    raw["contests"][0]["against_all"] = False
    assert election_from_mapping(raw)


def test_a_mazhilis_list_after_the_2026_constitution_is_refused() -> None:
    raw = valid_mapping()
    raw["date"] = "2026-08-23"
    with pytest.raises(BadInput) as caught:
        election_from_mapping(raw)
    assert caught.value.field == "contests[0].kind"


def test_mazhilis_districts_before_the_2022_reform_are_refused() -> None:
    raw = valid_mapping()
    raw["date"] = "2016-03-20"
    with pytest.raises(BadInput) as caught:
        election_from_mapping(raw)
    assert caught.value.field == "contests[1].kind"
    assert "no single-member districts" in caught.value.rule


def test_a_date_before_the_law_held_is_refused_on_date() -> None:
    raw = valid_mapping()
    raw["date"] = "2001-01-01"
    with pytest.raises(BadInput) as caught:
        election_from_mapping(raw)
    assert caught.value.field == "date"


def test_the_same_contests_pass_on_their_own_dates() -> None:
    raw = valid_mapping()
    raw["date"] = "2016-03-20"
    raw["contests"] = raw["contests"][:1]
    assert election_from_mapping(raw).date == dt.date(2016, 3, 20)


# --- files ---------------------------------------------------------------------------------


def test_unknown_suffix_and_broken_files(tmp_path: Path) -> None:
    text = tmp_path / "election.txt"
    text.write_text("{}", "utf-8")
    with pytest.raises(BadInput) as caught:
        load_election(text)
    assert caught.value.field == "(file)"
    broken = tmp_path / "election.json"
    broken.write_text('{"id": ', "utf-8")
    with pytest.raises(BadInput) as caught:
        load_election(broken)
    assert caught.value.field == "(document)"
    broken_yaml = tmp_path / "election.yaml"
    broken_yaml.write_text("id: [", "utf-8")
    with pytest.raises(BadInput) as caught:
        load_election(broken_yaml)
    assert caught.value.field == "(document)"


# --- any well-formed tree ------------------------------------------------------------------

trees = st.lists(
    st.lists(st.lists(st.integers(0, 3_000), min_size=1, max_size=3), min_size=1, max_size=3),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None)
@given(trees)
def test_any_tree_round_trips_and_paths_follow_parents(tree: list[list[list[int]]]) -> None:
    raw = valid_mapping()
    raw["units"] = [unit("KZ", "republic", None)]
    for r, districts in enumerate(tree, start=1):
        region = f"R{r}"
        raw["units"].append(unit(region, "region", "KZ"))
        for d, precincts in enumerate(districts, start=1):
            district = f"{region}-D{d}"
            raw["units"].append(unit(district, "district", region))
            raw["units"] += [
                unit(f"{district}-P{p}", "precinct", district, voters)
                for p, voters in enumerate(precincts, start=1)
            ]
    raw["contests"] = raw["contests"][:1] + [
        smd(f"smd-{r}", [f"R{r}"]) for r in range(1, len(tree) + 1)
    ]
    election = election_from_mapping(copy.deepcopy(raw))
    assert election_from_mapping(election_to_mapping(election)) == election
    assert len(election.precincts()) == sum(len(p) for d in tree for p in d)
    for precinct in election.precincts():
        path = election.path(precinct.code)
        assert [election.unit(code).level for code in path] == [
            "republic",
            "region",
            "district",
            "precinct",
        ]
        region = path[1]
        assert [c.id for c in election.contests_for(precinct.code)] == [
            "mazhilis-list",
            f"smd-{region[1:]}",
        ]
