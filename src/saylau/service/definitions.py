"""An election's definition as a reader's program needs it: names in Kazakh, Russian and
English, the territory as a tree, the contests and their options with the parties behind
them, and each option's column in the open-data tables, read from the one definition the
ledger's first entry hashes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from saylau import territory
from saylau.election import Election, Unit
from saylau.publication.table import option_columns
from saylau.service.context import Context


@dataclass(frozen=True, slots=True)
class Party:
    id: str
    names: dict[str, str] | None  # None: a party the registry of names does not hold


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    names: dict[str, str]
    party: Party | None
    column: str  # the option's votes column in the CSV and Parquet tables


@dataclass(frozen=True, slots=True)
class Contest:
    id: str
    kind: str
    names: dict[str, str]
    seats: int | None
    area: tuple[str, ...]
    level: str | None
    round: int
    body: str | None
    question_type: str | None
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class TerritoryNode:
    code: str
    level: str
    names: dict[str, str]
    registered: int | None  # voters on the precinct's list (precincts only)
    children: tuple[TerritoryNode, ...]


@dataclass(frozen=True, slots=True)
class Definition:
    id: str
    date: str
    names: dict[str, str]
    definition_hash: str  # the hash the ledger's first entry holds
    follows: str | None  # the first round's election, for repeat voting
    territory: TerritoryNode
    contests: tuple[Contest, ...]


@cache
def _party_names() -> dict[str, dict[str, str]]:
    return {
        row["id"]: {"kk": row["name_kk"], "ru": row["name_ru"], "en": row["name_en"]}
        for row in territory.rows("party-registry.csv")
    }


def _node(election: Election, unit: Unit) -> TerritoryNode:
    return TerritoryNode(
        code=unit.code,
        level=unit.level,
        names=dict(unit.names),
        registered=unit.registered,
        children=tuple(_node(election, child) for child in election.children(unit.code)),
    )


def describe(election: Election) -> Definition:
    """The definition of ``election`` as the API answers it."""
    parties = _party_names()
    (republic,) = (unit for unit in election.units if unit.parent is None)
    contests = []
    for contest in election.contests:
        columns = option_columns(contest)
        options = tuple(
            Option(
                id=option.id,
                names=dict(option.names),
                party=Party(option.party, parties.get(option.party)) if option.party else None,
                column=columns[option.id],
            )
            for option in contest.options
        )
        contests.append(
            Contest(
                id=contest.id,
                kind=contest.kind.value,
                names=dict(contest.names),
                seats=contest.seats,
                area=contest.area,
                level=contest.level,
                round=contest.round,
                body=contest.body,
                question_type=contest.question_type,
                options=options,
            )
        )
    return Definition(
        id=election.id,
        date=election.date.isoformat(),
        names=dict(election.names),
        definition_hash=election.definition_hash(),
        follows=election.follows,
        territory=_node(election, republic),
        contests=tuple(contests),
    )


def definition(ctx: Context, election_id: str) -> Definition:
    """The definition of the election ``election_id`` (NotFound if none)."""
    with ctx.sessions() as session:
        election = ctx.catalog(session, election_id).election
    return describe(election)
