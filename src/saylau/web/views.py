"""What each page shows, as plain data: results from the service, names in the reader's
language, shares, the headline sentence. Templates only lay these out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from saylau.election import ContestDef, Election
from saylau.outcome.records import (
    AnyOutcome,
    ListOutcome,
    MajorityOutcome,
    PluralityOutcome,
    ReferendumOutcome,
)
from saylau.service.live import Approver, Version
from saylau.tabulation import figures
from saylau.web import charts
from saylau.web.explanation import Step, steps
from saylau.web.i18n import N_, listing, name, number, share, translations

STATUS_WORDS = {
    "unofficial-partial": N_("Unofficial, counting in progress"),
    "unofficial-complete": N_("Unofficial, all precincts counted"),
    "certified": N_("Certified by the Central Election Commission"),
}

#: States of a protocol version, shown translated on the precinct page (``_(v.state)``).
PROTOCOL_STATES = (N_("accepted"), N_("pending"), N_("superseded"), N_("refused"))

#: What a precinct page's badge says of the precinct (see :data:`live.PRECINCT_STATES`).
PRECINCT_WORDS = {
    "not-reported": N_("Not reported yet"),
    "reported": N_("Reported"),
    "correction-pending": N_("Reported; a correction awaits approval"),
    "corrected": N_("Corrected: a correction was approved"),
}

#: The lines of a protocol as the precinct page names them.
PROTOCOL_LINES = {
    "voters_on_list": N_("Voters on the list"),
    "voters_added": N_("Voters added on the day"),
    "ballots_received": N_("Ballots received"),
    "ballots_issued": N_("Ballots issued"),
    "ballots_cancelled": N_("Ballots cancelled"),
    "ballots_found": N_("Ballots found in the boxes"),
    "invalid": N_("Invalid ballots"),
    "against_all": N_("Against all"),
}


@dataclass
class Row:
    """One option of a contest at one unit."""

    id: str
    label: str
    votes: int
    percent: float | None
    colour: str
    seats: int | None = None
    passed: bool | None = None


@dataclass
class Child:
    code: str
    label: str
    reported: int
    expected: int
    turnout: float | None
    leader: str | None
    leader_colour: str | None
    leader_id: str | None = None
    link: bool = True
    margin: float | None = None  # the leader's lead in percentage points
    shade: int | None = None  # the map's shade for that lead (charts.margin_band)


@dataclass(frozen=True, slots=True)
class ChangeView:
    """A line a version changed, named and written in the reader's language."""

    line: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class VersionView:
    """A version of a precinct's protocol as its page lists it."""

    version: Version
    submitted_by: str | None  # the commission
    approved_by: str | None  # the commission
    approver: str | None  # the member, as stored
    changes: tuple[ChangeView, ...]


def commission(who: Approver | None, election: Election, language: str) -> str | None:
    """The commission a credential belongs to, named in the reader's language."""
    if who is None:
        return None
    _ = translations(language).gettext
    if who.role == "central" or who.unit is None or not election.has_unit(who.unit):
        return _("Central Election Commission")
    return _("Commission of %(unit)s") % {
        "unit": name(dict(election.unit(who.unit).names), language)
    }


def member(who: Approver | None) -> str | None:
    """The commission member as the credential stores them (name and position, as written
    when it was issued: a name is not translated)."""
    return None if who is None else f"{who.name}, {who.position}"


def version_view(
    version: Version, election: Election, labels: dict[str, str], language: str
) -> VersionView:
    """A version with who submitted and who approved it, and each changed line before and
    after, in the reader's language."""
    _ = translations(language).gettext

    def line(code: str) -> str:
        if code.startswith("votes:"):
            option = code.removeprefix("votes:")
            return labels.get(option, option)
        return _(PROTOCOL_LINES[code])

    return VersionView(
        version=version,
        submitted_by=commission(version.submitted_by, election, language),
        approved_by=commission(version.approved_by, election, language),
        approver=member(version.approved_by),
        changes=tuple(
            ChangeView(
                line(c.line),
                "—" if c.before is None else number(c.before, language),
                "—" if c.after is None else number(c.after, language),
            )
            for c in version.changes
        ),
    )


@dataclass(frozen=True)
class RoundLink:
    """One round of an election with repeat voting, as the other round's pages link it."""

    round: int
    label: str
    date: dt.date
    href: str
    current: bool


@dataclass
class UnitView:
    election: Election
    contest: ContestDef
    unit: str
    unit_label: str
    level: str
    path: list[tuple[str, str]]
    status: str
    reported: int
    expected: int
    registered: int  # on the lists of every precinct, as the definition registers them
    voters: int  # on the lists of the precincts reported, with those added on the day
    turnout: float | None
    updated_at: str | None
    tree_size: int
    rows: list[Row]
    against_all: int
    against_all_percent: float | None
    against_all_on_ballot: bool
    invalid: int
    participated: int
    children: list[Child]
    outcome: AnyOutcome | None = None
    headline: dict[str, Any] = field(default_factory=dict)
    explanation: list[Step] = field(default_factory=list)
    seats: str = "none"  # none (not a list contest here) | waiting | projected | final


def seats_state(
    contest: ContestDef, top: bool, status: str, decided: AnyOutcome | None, projected: bool
) -> str:
    """How a list contest's seats are shown on its republic's page: as the certified seats,
    as a projection once enough precincts are in (``projected``), else not yet; "none" for
    any other contest or page."""
    if not top or not contest.kind.value.endswith("-list"):
        return "none"
    if not isinstance(decided, ListOutcome):
        return "waiting"
    if status == "certified":
        return "final"
    return "projected" if projected else "waiting"


def option_colours(contest: ContestDef) -> dict[str, str]:
    return {option.id: charts.colour(i) for i, option in enumerate(contest.options)}


def rows_of(contest: ContestDef, counts: dict[str, Any], language: str) -> list[Row]:
    votes: dict[str, int] = counts.get("votes", {})
    shares = figures.shares(contest.kind.value, counts)
    colours = option_colours(contest)
    rows = [
        Row(
            id=option.id,
            label=name(dict(option.names), language),
            votes=votes.get(option.id, 0),
            percent=shares.get(option.id),
            colour=colours[option.id],
        )
        for option in contest.options
    ]
    return sorted(rows, key=lambda r: -r.votes)


def unit_view(
    election: Election,
    contest: ContestDef,
    results: dict[str, Any],
    decided: AnyOutcome | None,
    language: str,
    seats: str = "final",
) -> UnitView:
    """Gather what a unit's page shows from the service's answers; ``seats`` (see
    :func:`seats_state`) keeps a list contest's seats off the page while too few precincts
    are in to project them."""
    counts = results["counts"] or {}
    against_all = counts.get("against_all", 0)
    rows = rows_of(contest, counts, language)
    if isinstance(decided, ListOutcome) and seats in ("projected", "final"):
        for row in rows:
            row.seats = decided.seats.get(row.id, 0)
            row.passed = row.id in decided.passed_threshold
    unit = results["unit"]
    path = [(code, name(dict(election.unit(code).names), language)) for code in election.path(unit)]
    colours = option_colours(contest)
    children = []
    for child in results["children"]:
        child_votes = (child["counts"] or {}).get("votes", {})
        first = figures.leaders(child_votes)
        leader = first[0] if len(first) == 1 else None  # a tie has no one leader to colour
        lead = figures.margin(contest.kind.value, child["counts"] or {}) if leader else None
        children.append(
            Child(
                code=child["unit"],
                label=name(dict(election.unit(child["unit"]).names), language),
                reported=child["precincts_reported"],
                expected=child["precincts_expected"],
                turnout=child["turnout_percent"],
                leader=name(dict(contest_option(contest, leader).names), language)
                if leader
                else None,
                leader_colour=colours.get(leader) if leader else None,
                leader_id=leader,
                margin=lead,
                shade=charts.margin_band(lead),
            )
        )
    return UnitView(
        election=election,
        contest=contest,
        unit=unit,
        unit_label=path[-1][1],
        level=election.unit(unit).level,
        path=path,
        status=results["status"],
        reported=results["precincts_reported"],
        expected=results["precincts_expected"],
        registered=results.get("registered_expected", 0),
        voters=figures.voters(counts),
        turnout=figures.turnout(counts),
        updated_at=results.get("updated_at"),
        tree_size=results.get("as_of_tree_size", 0),
        rows=rows,
        against_all=against_all,
        against_all_percent=figures.against_all_share(contest.kind.value, counts),
        against_all_on_ballot=figures.against_all_on_ballot(contest.kind.value, election.date),
        invalid=counts.get("invalid", 0),
        participated=counts.get("ballots_found", 0),
        children=children,
        outcome=decided,
        headline=headline(contest, decided, language, election),
        explanation=steps(decided, contest, language) if decided else [],
        seats=seats,
    )


def contest_option(contest: ContestDef, option_id: str) -> Any:
    return next(o for o in contest.options if o.id == option_id)


def option_label(contest: ContestDef, option_id: str | None, language: str) -> str | None:
    if option_id is None:
        return None
    return name(dict(contest_option(contest, option_id).names), language)


def headline(
    contest: ContestDef, decided: AnyOutcome | None, language: str, election: Election
) -> dict[str, Any]:
    """The plain facts of the outcome so far, for the sentence at the top of the page."""

    def label(option_id: str | None) -> str | None:
        return option_label(contest, option_id, language)

    match decided:
        case ListOutcome():
            return {
                "kind": "list",
                "threshold": share(decided.threshold, language),
                "passed": listing([label(p) or p for p in decided.passed_threshold], language),
            }
        case ReferendumOutcome():
            return {
                "kind": "referendum",
                "valid": decided.valid,
                "adopted": decided.adopted,
                "validity_share": share(figures.validity_share(election.date), language),
            }
        case MajorityOutcome() | PluralityOutcome():
            runoff = decided.runoff if isinstance(decided, MajorityOutcome) else None
            return {
                "kind": "person",
                "status": decided.status.value,
                "winner": label(decided.winner),
                "runoff": [label(c) for c in runoff or ()],
            }
    return {"kind": "none"}
