"""The NIST SP 1500-100 v2 Election Results Common Data Format (JSON) of one contest.

The report has no element for a signature, so the stamp travels as external identifiers
and in the notes; Saylau's counts map onto NIST's as the notes of each report say.
"""

from __future__ import annotations

import json
from typing import Any

from saylau import __version__
from saylau.election import LANGUAGES, ContestDef, Election, Names
from saylau.model import Kind
from saylau.outcome.records import (
    AnyOutcome,
    ListOutcome,
    MajorityOutcome,
    PluralityOutcome,
    Status,
)
from saylau.publication.results import Results

ISSUER = "Central Election Commission of the Republic of Kazakhstan"
PARTY_KINDS = frozenset((Kind.MAZHILIS_LIST, Kind.KURULTAI_LIST, Kind.MASLIKHAT_LIST))
NIST_UNIT_TYPES = {
    "republic": "country",
    "region": "state",
    "district": "county",
    "precinct": "precinct",
}
VOTE_VARIATIONS = {
    Kind.PRESIDENTIAL: "majority",
    Kind.SINGLE_MEMBER: "plurality",
    Kind.AKIM: "plurality",
    Kind.SENATE: "majority",
}


def _text(names: Names) -> dict[str, Any]:
    return {
        "@type": "ElectionResults.InternationalizedText",
        "Text": [
            {"@type": "ElectionResults.LanguageString", "Language": lang, "Content": names[lang]}
            for lang in LANGUAGES
        ],
    }


def _identifier(kind: str, value: object) -> dict[str, Any]:
    return {
        "@type": "ElectionResults.ExternalIdentifier",
        "Type": "other",
        "OtherType": kind,
        "Value": str(value),
    }


def _count_status(reported: int, expected: int) -> list[dict[str, Any]]:
    done = "completed" if reported >= expected else "in-process" if reported else "not-processed"
    return [{"@type": "ElectionResults.CountStatus", "Type": "total", "Status": done}]


def _vote_counts(gp_unit: str, count: int, kind: str = "total") -> dict[str, Any]:
    return {
        "@type": "ElectionResults.VoteCounts",
        "GpUnitId": gp_unit,
        "Type": kind,
        "Count": count,
    }


class _Ids:
    """The report's identifiers: one namespace per kind of object, all unique in the file."""

    @staticmethod
    def unit(code: str) -> str:
        return f"gpu-{code}"

    @staticmethod
    def party(party: str) -> str:
        return f"party-{party}"

    @staticmethod
    def candidate(contest: str, option: str) -> str:
        return f"candidate-{contest}-{option}"

    @staticmethod
    def selection(contest: str, option: str) -> str:
        return f"selection-{contest}-{option}"


def _gp_units(results: Results, district: str | None) -> list[dict[str, Any]]:
    """A ReportingUnit for every unit of the file, composed of the units below it in it."""
    election = results.election
    lines = results.territory + results.precincts
    included = {line.unit.code for line in lines}
    units = []
    for line in lines:
        code = line.unit.code
        unit: dict[str, Any] = {
            "@id": _Ids.unit(code),
            "@type": "ElectionResults.ReportingUnit",
            "Type": NIST_UNIT_TYPES[line.unit.level],
            "Name": _text(line.unit.names),
            "ExternalIdentifier": [
                {
                    "@type": "ElectionResults.ExternalIdentifier",
                    "Type": "national-level",
                    "Value": code,
                }
            ],
            "VotersRegistered": line.registered,
            "CountStatus": _count_status(line.precincts_reported, line.precincts_expected),
        }
        parts = [_Ids.unit(c.code) for c in election.children(code) if c.code in included]
        if parts:
            unit["ComposingGpUnitIds"] = parts
        if line.unit.level != "precinct":
            unit["SubUnitsReported"] = line.precincts_reported
            unit["TotalSubUnits"] = line.precincts_expected
        if line.counts is not None:
            unit["VotersParticipated"] = line.counts["ballots_found"]
        units.append(unit)
    if district is not None:
        contest = results.contest
        area = [_Ids.unit(code) for code in contest.area if code in included]
        top = results.republic
        units.append(
            {
                "@id": district,
                "@type": "ElectionResults.ReportingUnit",
                "Type": "other",
                "OtherType": "electoral-district",
                "Name": _text(contest.names),
                "CountStatus": _count_status(top.precincts_reported, top.precincts_expected),
                "SubUnitsReported": top.precincts_reported,
                "TotalSubUnits": top.precincts_expected,
                **({"ComposingGpUnitIds": area} if area else {}),
            }
        )
    return units


def _district(results: Results) -> tuple[str, str | None]:
    """The contest's ElectionDistrictId; an electoral district that is not one unit of the
    territory gets a ReportingUnit of its own (the second value)."""
    area = results.contest.area
    included = {line.unit.code for line in results.territory + results.precincts}
    if len(area) == 1 and area[0] in included:
        return _Ids.unit(area[0]), None
    district = f"gpu-district-{results.contest.id}"
    return district, district


def _parties(election: Election, contest: ContestDef) -> list[dict[str, Any]]:
    """The parties the contest names; a party is called by its list's names where it has one."""
    listed: dict[str, Names] = {}
    for other in election.contests:
        if other.kind in PARTY_KINDS:
            for option in other.options:
                listed.setdefault(option.party or option.id, option.names)
    wanted: dict[str, Names] = {}
    for option in contest.options:
        if contest.kind in PARTY_KINDS:
            wanted[option.party or option.id] = option.names
        elif option.party is not None:
            party = option.party
            wanted[party] = listed.get(party, dict.fromkeys(LANGUAGES, party))
    return [
        {"@id": _Ids.party(party), "@type": "ElectionResults.Party", "Name": _text(names)}
        for party, names in wanted.items()
    ]


def _candidate_status(outcome: AnyOutcome | None, option: str) -> str | None:
    """The certified outcome as NIST's post-election status of a candidate."""
    if not isinstance(outcome, MajorityOutcome | PluralityOutcome):
        return None
    if outcome.status is Status.ELECTED:
        return "winner" if outcome.winner == option else "defeated"
    runoff = outcome.runoff if isinstance(outcome, MajorityOutcome) else None
    if outcome.status is Status.RUNOFF and runoff:
        return "advanced-to-runoff" if option in runoff else "defeated"
    return None


def _against_all_on_ballot(results: Results) -> bool:
    """A selection for the votes against all: where the law prints it, or where some were
    counted anyway (a referendum asks yes or no, and has none)."""
    if results.contest.kind is Kind.REFERENDUM:
        return False
    return results.against_all_on_ballot or any(
        line.counts is not None and line.counts["against_all"] > 0 for line in results.territory
    )


def _selections(results: Results, district: str, own_district: str | None) -> list[dict[str, Any]]:
    """One selection per ballot line, with its votes at every unit that has counts; an
    electoral district of its own counts what the whole contest counts."""
    contest = results.contest
    counted = [
        (_Ids.unit(line.unit.code), line.counts)
        for line in results.territory + results.precincts
        if line.counts is not None
    ]
    if own_district is not None:
        counted.append((own_district, results.republic.counts or {}))

    def counts_for(option: str | None) -> list[dict[str, Any]]:
        """The votes for ``option`` (None: against all) at every unit with counts."""
        return [
            _vote_counts(
                gp_unit,
                counts["against_all"] if option is None else counts["votes"].get(option, 0),
            )
            for gp_unit, counts in counted
        ]

    decided = results.certified_outcome
    seats = decided.seats if isinstance(decided, ListOutcome) else {}
    selections: list[dict[str, Any]] = []
    for order, option in enumerate(contest.options, start=1):
        selection: dict[str, Any] = {
            "@id": _Ids.selection(contest.id, option.id),
            "SequenceOrder": order,
        }
        votes = counts_for(option.id)
        if contest.kind in PARTY_KINDS:
            selection["@type"] = "ElectionResults.PartySelection"
            selection["PartyIds"] = [_Ids.party(option.party or option.id)]
            if option.id in seats:
                votes.append(_vote_counts(district, int(seats[option.id]), "seats"))
        elif contest.kind is Kind.REFERENDUM:
            selection["@type"] = "ElectionResults.BallotMeasureSelection"
            selection["Selection"] = _text(option.names)
        else:
            selection["@type"] = "ElectionResults.CandidateSelection"
            selection["CandidateIds"] = [_Ids.candidate(contest.id, option.id)]
        selection["VoteCounts"] = votes
        selections.append(selection)
    if _against_all_on_ballot(results):
        selections.append(
            {
                "@id": _Ids.selection(contest.id, "against-all"),
                "@type": "ElectionResults.CandidateSelection",
                "SequenceOrder": len(contest.options) + 1,
                "VoteCounts": counts_for(None),
            }
        )
    return selections


def report(results: Results) -> dict[str, Any]:
    """The ElectionReport of one contest; the notes say how Saylau's counts were mapped."""
    election, contest, stamp = results.election, results.contest, results.stamp
    republic = results.republic
    district, own_district = _district(results)
    selections = _selections(results, district, own_district)
    common = {
        "@id": f"contest-{contest.id}",
        "Name": contest.names["en"],
        "BallotTitle": _text(contest.names),
        "ElectionDistrictId": district,
        "SequenceOrder": [c.id for c in election.contests].index(contest.id) + 1,
        "ContestSelection": selections,
        "CountStatus": _count_status(republic.precincts_reported, republic.precincts_expected),
        "SubUnitsReported": republic.precincts_reported,
        "TotalSubUnits": republic.precincts_expected,
        "ExternalIdentifier": [_identifier("saylau-contest", contest.id)],
    }
    candidates: list[dict[str, Any]] = []
    if contest.kind in PARTY_KINDS:
        nist_contest = common | {
            "@type": "ElectionResults.PartyContest",
            "VoteVariation": "proportional",
        }
    elif contest.kind is Kind.REFERENDUM:
        nist_contest = common | {
            "@type": "ElectionResults.BallotMeasureContest",
            "Type": "referendum",
        }
    else:
        nist_contest = common | {
            "@type": "ElectionResults.CandidateContest",
            "VotesAllowed": 1,
            "NumberElected": contest.seats or 1,
            "VoteVariation": VOTE_VARIATIONS[contest.kind],
        }
        for option in contest.options:
            candidate: dict[str, Any] = {
                "@id": _Ids.candidate(contest.id, option.id),
                "@type": "ElectionResults.Candidate",
                "BallotName": _text(option.names),
            }
            if option.party is not None:
                candidate["PartyId"] = _Ids.party(option.party)
            status = _candidate_status(results.certified_outcome, option.id)
            if status is not None:
                candidate["PostElectionStatus"] = status
            candidates.append(candidate)
    counted = [line for line in results.territory + results.precincts if line.counts is not None]
    nist_election: dict[str, Any] = {
        "@type": "ElectionResults.Election",
        "Name": _text(election.names),
        "StartDate": election.date.isoformat(),
        "EndDate": election.date.isoformat(),
        "Type": "general",
        "ElectionScopeId": _Ids.unit(republic.unit.code),
        "ExternalIdentifier": [_identifier("saylau-election", election.id)],
        "CountStatus": _count_status(republic.precincts_reported, republic.precincts_expected),
        "Contest": [nist_contest],
        "BallotCounts": [
            {
                "@type": "ElectionResults.BallotCounts",
                "GpUnitId": _Ids.unit(line.unit.code),
                "Type": "total",
                "BallotsCast": line.counts["ballots_found"],
                "BallotsRejected": line.counts["invalid"],
            }
            for line in counted
            if line.counts is not None
        ],
    }
    if candidates:
        nist_election["Candidate"] = candidates
    against_all = (
        " The selection without a candidate counts the votes against all."
        if _against_all_on_ballot(results)
        else ""
    )
    head = (
        f"tree head of size {stamp.tree_size}, root {stamp.tree_root}, timestamp "
        f"{stamp.tree_timestamp}, Ed25519 signature {stamp.tree_signature} under key "
        f"{stamp.public_key}"
    )
    return {
        "@type": "ElectionResults.ElectionReport",
        "Format": "precinct-level" if results.level == "precinct" else "summary-contest",
        "GeneratedDate": results.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Issuer": ISSUER,
        "IssuerAbbreviation": republic.unit.code,
        "Status": stamp.status,
        "VendorApplicationId": f"Saylau {__version__}",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Notes": (
            f"One contest ({contest.id}) of election {election.id}, {stamp.status}, as of the "
            f"Saylau ledger's {head}. BallotCounts are this contest's ballots: BallotsCast are "
            "the ballots found in the boxes, BallotsRejected the invalid ones." + against_all
        ),
        "ExternalIdentifier": [
            _identifier("saylau-status", stamp.status),
            _identifier("saylau-tree-size", stamp.tree_size),
            _identifier("saylau-tree-root", stamp.tree_root),
            _identifier("saylau-tree-timestamp", stamp.tree_timestamp),
            _identifier("saylau-tree-signature", stamp.tree_signature),
            _identifier("saylau-public-key", stamp.public_key),
        ],
        "GpUnit": _gp_units(results, own_district),
        "Party": _parties(election, contest),
        "Election": [nist_election],
    }


def write(results: Results) -> bytes:
    """The report as compact UTF-8 JSON."""
    return json.dumps(report(results), ensure_ascii=False, separators=(",", ":")).encode()
