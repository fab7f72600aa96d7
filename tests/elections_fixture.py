"""A small election for service tests: 2 regions, 4 districts, 12 precincts, 3 contests."""

from __future__ import annotations

from typing import Any

from saylau.election import Election, election_from_mapping

PARTIES = ("amanat", "auyl", "respublica")


def names(text: str) -> dict[str, str]:
    return {"kk": text, "ru": text, "en": text}


def small_election_mapping() -> dict[str, Any]:
    units: list[dict[str, Any]] = [
        {"code": "KZ", "level": "republic", "parent": None, "names": names("Kazakhstan")}
    ]
    for r in ("KZ-71", "KZ-75"):
        units.append({"code": r, "level": "region", "parent": "KZ", "names": names(r)})
        for d in (1, 2):
            district = f"{r}-D0{d}"
            units.append(
                {"code": district, "level": "district", "parent": r, "names": names(district)}
            )
            for p in (1, 2, 3):
                code = f"{district}-P000{p}"
                units.append(
                    {
                        "code": code,
                        "level": "precinct",
                        "parent": district,
                        "names": names(code),
                        "registered": registered(code),
                    }
                )
    options = [{"id": p, "names": names(p.title()), "party": p} for p in PARTIES]
    contests: list[dict[str, Any]] = [
        {
            "id": "mazhilis-list",
            "kind": "mazhilis-list",
            "names": names("Mazhilis, party lists"),
            "options": options,
            "seats": 69,
            "area": ["KZ"],
        }
    ]
    for number, region in ((1, "KZ-71"), (2, "KZ-75")):
        contests.append(
            {
                "id": f"smd-{number}",
                "kind": "single-member",
                "names": names(f"District {number}"),
                "options": [
                    {"id": f"c{number}a", "names": names("Candidate A"), "party": "amanat"},
                    {"id": f"c{number}b", "names": names("Candidate B"), "party": None},
                ],
                "seats": 1,
                "area": [region],
                "body": "mazhilis",
            }
        )
    return {
        "id": "test-2023",
        "date": "2023-03-19",
        "names": names("Test election"),
        "units": units,
        "contests": contests,
    }


def registered(precinct: str) -> int:
    """The list of a precinct of the small election: 1,100, 1,200 or 1,300 voters."""
    return 1000 + 100 * int(precinct[-1])


def small_election() -> Election:
    return election_from_mapping(small_election_mapping())


def protocol(
    precinct: str, contest: str, votes: dict[str, int], voters: int | None = None, **changes: int
) -> dict[str, Any]:
    """A consistent protocol with these votes (no invalid, no against all unless given), its
    voters on the list the precinct's list unless ``voters`` says otherwise."""
    if voters is None:
        voters = registered(precinct)
    invalid = changes.pop("invalid", 0)
    against_all = changes.pop("against_all", 0)
    found = sum(votes.values()) + invalid + against_all
    document: dict[str, Any] = {
        "precinct": precinct,
        "contest": contest,
        "voters_on_list": voters,
        "voters_added": 0,
        "ballots_received": voters,
        "ballots_issued": found,
        "ballots_cancelled": voters - found,
        "ballots_found": found,
        "invalid": invalid,
        "against_all": against_all,
        "neither": 0,
        "votes": votes,
    }
    document.update(changes)
    return document
