"""The NIST SP 1500-100 v2 report of a counting night on real SQLite and PostgreSQL:
it validates against the published JSON schema in ../shared/standards, every reference
resolves, and its vote counts equal the service's and add up over the territory."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saylau import publication
from saylau.publication import nist
from saylau.publication.table import option_columns
from saylau.service import exports
from saylau.service.auth import Principal
from saylau.service.context import Context
from tests.databases import imported, principals
from tests.open_data import (
    ELECTION,
    ELECTION_DEF,
    LIST,
    NIST_SCHEMA,
    PRECINCTS,
    contests_of,
    counting_night,
    expected,
    head,
    published_schema,
    report,
    validate,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, ELECTION_DEF) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    """The principal of every commission (by unit code) and of the observers."""
    return principals(ctx, ELECTION)


@pytest.fixture(scope="module")
def nist_schema() -> dict[str, Any]:
    schema = published_schema()
    if schema is None:
        pytest.skip(f"the NIST SP 1500-100 v2 JSON schema is not at {NIST_SCHEMA}")
    return schema


def walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every object of the report, depth first."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


REFERENCES = ("GpUnitId", "ElectionDistrictId", "ElectionScopeId", "PartyId")
LIST_REFERENCES = ("ComposingGpUnitIds", "PartyIds", "CandidateIds")


def check_references(report_: dict[str, Any]) -> None:
    ids = Counter(item["@id"] for item in walk(report_) if "@id" in item)
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    for item in walk(report_):
        for key in REFERENCES:
            if key in item:
                assert item[key] in ids, (key, item[key])
        for key in LIST_REFERENCES:
            for target in item.get(key, []):
                assert target in ids, (key, target)


def texts(item: dict[str, Any]) -> dict[str, str]:
    assert item["@type"] == "ElectionResults.InternationalizedText"
    return {text["Language"]: text["Content"] for text in item["Text"]}


def totals_by_unit(selection: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for count in selection["VoteCounts"]:
        if count["Type"] == "total":
            assert count["GpUnitId"] not in found
            found[count["GpUnitId"]] = count["Count"]
    return found


def check_counts(ctx: Context, report_: dict[str, Any], contest_id: str, level: str) -> None:
    """Each selection's votes at each unit equal the service's; the units below a unit add up
    to it; the selections at a unit add up to the ballots that are votes there."""
    (election,) = report_["Election"]
    (contest,) = election["Contest"]
    units = {u["@id"]: u for u in report_["GpUnit"]}
    service = expected(ctx, contest_id, level)
    if level == "precinct":  # the units above the precincts are in a precinct-level file too
        service |= expected(ctx, contest_id, "territory")
    ballots = {b["GpUnitId"]: b for b in election["BallotCounts"]}
    definition = ELECTION_DEF.contest(contest_id)
    by_selection = {s["@id"]: totals_by_unit(s) for s in contest["ContestSelection"]}
    columns = option_columns(definition)
    for option in definition.options:
        votes = by_selection.pop(f"selection-{contest_id}-{option.id}")
        for code, row in service.items():
            if row[columns[option.id]] is None:
                assert f"gpu-{code}" not in votes  # a silent precinct has no counts, not zeros
            else:
                assert votes[f"gpu-{code}"] == row[columns[option.id]], (option.id, code)
    against_all = by_selection.pop(f"selection-{contest_id}-against-all", None)
    assert not by_selection
    assert (against_all is None) == (definition.kind.value == "referendum")
    for code, row in service.items():
        gp = f"gpu-{code}"
        if row["ballots_found"] is None:
            assert gp not in ballots
            continue
        cast = ballots[gp]["BallotsCast"]
        assert (cast, ballots[gp]["BallotsRejected"]) == (row["ballots_found"], row["invalid"])
        # the options and against all: every ballot found that is neither invalid nor "neither"
        counted = sum(totals_by_unit(s).get(gp, 0) for s in contest["ContestSelection"])
        assert counted == cast - row["invalid"] - row["neither"], code
        parts = units[gp].get("ComposingGpUnitIds", [])
        if parts:  # a silent precinct adds nothing: it has no counts
            for selection in contest["ContestSelection"]:
                at = totals_by_unit(selection)
                assert sum(at.get(p, 0) for p in parts) == at[gp], (selection["@id"], gp)


def test_nist_report_validates_and_its_vote_counts_add_up(
    ctx: Context, who: dict[str, Principal], nist_schema: dict[str, Any]
) -> None:
    counting_night(ctx, who)
    report(ctx, who["KZ"], "smd-2", PRECINCTS[6:])
    stamp = head(ctx)
    kinds = {
        LIST: "ElectionResults.PartyContest",
        "smd-1": "ElectionResults.CandidateContest",
        "smd-2": "ElectionResults.CandidateContest",
        "referendum": "ElectionResults.BallotMeasureContest",
    }
    for level, (contest_id, kind) in itertools.product(publication.LEVELS, kinds.items()):
        name = publication.file_name(ELECTION, contest_id, level, "nist")
        assert name == f"{ELECTION}-{contest_id}-{level}.nist.json"
        report_ = json.loads(nist.write(exports.read(ctx, ELECTION, contest_id, level)))
        validate(nist_schema, report_)
        check_references(report_)
        check_counts(ctx, report_, contest_id, level)
        assert report_["Format"] == ("precinct-level" if level == "precinct" else "summary-contest")
        complete = contest_id.startswith("smd")
        assert report_["Status"] == ("unofficial-complete" if complete else "unofficial-partial")
        marks = {i["OtherType"]: i["Value"] for i in report_["ExternalIdentifier"]}
        for key in ("tree_size", "tree_root", "tree_timestamp", "tree_signature", "public_key"):
            assert marks["saylau-" + key.replace("_", "-")] == str(stamp[key])
        (election,) = report_["Election"]
        (contest,) = election["Contest"]
        assert contest["@type"] == kind
        assert texts(election["Name"]) == ELECTION_DEF.names
        assert texts(contest["BallotTitle"]) == ELECTION_DEF.contest(contest_id).names
        units = {u["@id"]: u for u in report_["GpUnit"]}
        for gp, unit in units.items():
            if unit["Type"] != "other":
                code = gp.removeprefix("gpu-")
                assert texts(unit["Name"]) == ELECTION_DEF.unit(code).names
                level_of = ELECTION_DEF.unit(code).level
                assert unit["Type"] == nist.NIST_UNIT_TYPES[level_of]
        assert units["gpu-KZ"]["Type"] == "country"
        precincts = {gp for gp, unit in units.items() if unit["Type"] == "precinct"}
        voting = {
            f"gpu-{p.code}" for p in ELECTION_DEF.precincts() if contest_id in contests_of(p.code)
        }
        assert precincts == (voting if level == "precinct" else set())
        if kind == "ElectionResults.CandidateContest":
            assert contest["VotesAllowed"] == 1 and contest["NumberElected"] == 1
            district = {"smd-1": "gpu-KZ-71", "smd-2": "gpu-district-smd-2"}[contest_id]
            assert contest["ElectionDistrictId"] == district
            if contest_id == "smd-2":  # not one unit of the territory: a unit of its own
                own = units[district]
                assert (own["Type"], own["OtherType"]) == ("other", "electoral-district")
                assert texts(own["Name"]) == ELECTION_DEF.contest(contest_id).names
                assert own["ComposingGpUnitIds"] == ["gpu-KZ-75-D01", "gpu-KZ-75-D02"]
                for selection in contest["ContestSelection"]:
                    at = totals_by_unit(selection)
                    assert at[district] == at["gpu-KZ-75-D01"] + at["gpu-KZ-75-D02"]
                    assert at[district] > 0 or selection["@id"].endswith("against-all")
            names = {c["@id"]: texts(c["BallotName"]) for c in election["Candidate"]}
            for option in ELECTION_DEF.contest(contest_id).options:
                assert names[f"candidate-{contest_id}-{option.id}"] == option.names
        if kind == "ElectionResults.PartyContest":
            parties = {p["@id"]: texts(p["Name"]) for p in report_["Party"]}
            for option in ELECTION_DEF.contest(LIST).options:
                assert parties[f"party-{option.party}"] == option.names
    kk = json.loads(nist.write(exports.read(ctx, ELECTION, LIST)))["GpUnit"][0]
    assert texts(kk["Name"]) == {
        "kk": "Қазақстан Республикасы",
        "ru": "Республика Казахстан",
        "en": "Republic of Kazakhstan",
    }
