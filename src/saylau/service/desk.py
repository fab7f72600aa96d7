"""What the commission's desk reads: each commission's own view of the night.

A precinct commission sees the protocol forms of its contests and every version of its
protocols; a territorial commission the corrections it is asked to approve (each with what
it changes and, when the commission may not approve it, the service's own reason) and how
far the units below it have reported; the central commission where each contest stands on
the way to certification. Every rule (who may write, who may approve, what a correction
needs) stays with :mod:`saylau.service.submission` and :mod:`saylau.service.certification`:
the desk only asks them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.election import ContestDef, Election, Names
from saylau.protocol import COUNT_FIELDS, form_lines
from saylau.service import certification
from saylau.service.auth import Principal, authenticate_bearer
from saylau.service.context import Catalog, Context
from saylau.service.errors import Forbidden, NotFound
from saylau.service.submission import approvable, may_write
from saylau.store.tables import CredentialRow, CurrentRow, ProtocolRow, TotalRow


@dataclass(frozen=True, slots=True)
class Commission:
    """Who is signed in: the credential's commission, its unit and the election."""

    principal: Principal
    election_names: Names
    unit_names: Names
    level: str  # the unit's level: precinct, district, region, republic


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    names: Names


@dataclass(frozen=True, slots=True)
class ProtocolFormDef:
    """A protocol form generated from the election definition: its count lines (those of
    the contest's paper form) and one line per option; ``counted_version`` is the version
    that counts now, if any (a new protocol is then a correction and needs a reason)."""

    election_id: str
    precinct: str
    precinct_names: Names
    contest: str
    contest_names: Names
    lines: tuple[str, ...]
    options: tuple[Option, ...]
    counted_version: int | None

    @property
    def fields(self) -> tuple[str, ...]:
        """Every entry of the form: the count lines, then ``votes.<option>``."""
        return (*self.lines, *(f"votes.{o.id}" for o in self.options))


@dataclass(frozen=True, slots=True)
class ProtocolVersion:
    """One stored version of a precinct's protocol for a contest."""

    id: int
    contest: str
    contest_names: Names
    version: int
    state: str  # accepted | pending | superseded | refused
    counts_now: bool
    reason: str | None
    submitted_at: dt.datetime
    by_this_commission: bool


@dataclass(frozen=True, slots=True)
class PrecinctDesk:
    forms: tuple[ProtocolFormDef, ...]
    versions: tuple[ProtocolVersion, ...]

    @property
    def pending(self) -> tuple[ProtocolVersion, ...]:
        return tuple(v for v in self.versions if v.state == "pending")


@dataclass(frozen=True, slots=True)
class Change:
    """A line a correction changes: the count that counts now and the proposed one."""

    line: str  # a count line or votes.<option>
    counted: int
    proposed: int


@dataclass(frozen=True, slots=True)
class QueuedCorrection:
    """A pending correction below a territorial commission; ``refused`` is the service's
    answer if this commission may not approve it (else None)."""

    id: int
    precinct: str
    precinct_names: Names
    contest: str
    contest_names: Names
    version: int
    reason: str | None
    submitted_at: dt.datetime
    submitted_by: str  # the submitting commission's unit code
    changes: tuple[Change, ...]
    refused: str | None
    options: tuple[Option, ...]  # the contest's options, to name the vote lines


@dataclass(frozen=True, slots=True)
class Progress:
    """How many precincts of a unit have reported in a contest."""

    unit: str
    names: Names
    contest: str
    contest_names: Names
    reported: int
    expected: int


@dataclass(frozen=True, slots=True)
class ContestStanding:
    """A contest on the way to certification, as the central commission sees it."""

    contest: str
    names: Names
    reported: int
    expected: int
    certified: bool
    decided_at: dt.datetime | None


def sign_in(ctx: Context, token: str | None) -> Commission:
    """The commission behind ``token``, or Unauthenticated; asked on every desk request,
    so a revoked or expired credential is refused at once."""
    with ctx.sessions() as session:
        principal = authenticate_bearer(session, token)
        return _commission(ctx, session, principal)


def _commission(ctx: Context, session: Session, principal: Principal) -> Commission:
    election = ctx.catalog(session, principal.election_id).election
    unit = election.unit(principal.unit_code) if principal.unit_code else None
    return Commission(
        principal,
        dict(election.names),
        dict(unit.names) if unit else {},
        unit.level if unit else principal.role,
    )


def _contest(election: Election, contest_id: str) -> ContestDef:
    if not election.has_contest(contest_id):
        raise NotFound(f"no contest {contest_id!r} in election {election.id!r}")
    return election.contest(contest_id)


def _form(
    session: Session, election: Election, precinct: str, contest: ContestDef
) -> ProtocolFormDef:
    current = session.scalars(
        select(ProtocolRow.version)
        .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
        .where(
            CurrentRow.election_id == election.id,
            CurrentRow.precinct == precinct,
            CurrentRow.contest == contest.id,
        )
    ).one_or_none()
    return ProtocolFormDef(
        election_id=election.id,
        precinct=precinct,
        precinct_names=dict(election.unit(precinct).names),
        contest=contest.id,
        contest_names=dict(contest.names),
        lines=form_lines(contest.kind),
        options=tuple(Option(o.id, dict(o.names)) for o in contest.options),
        counted_version=current,
    )


def protocol_form(
    ctx: Context, principal: Principal, precinct: str, contest_id: str
) -> ProtocolFormDef:
    """The form for a precinct's protocol of a contest, if ``principal`` may write it."""
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, principal.election_id)
        path = catalog.paths.get(precinct)
        if path is None:
            raise NotFound(f"no precinct {precinct!r} in election {principal.election_id!r}")
        may_write(principal, path)
        if contest_id not in catalog.contests[precinct]:
            raise NotFound(f"precinct {precinct} does not vote in contest {contest_id!r}")
        return _form(session, catalog.election, precinct, _contest(catalog.election, contest_id))


def precinct_desk(ctx: Context, principal: Principal) -> PrecinctDesk:
    """A precinct commission's forms and every version of its protocols, newest first."""
    precinct = principal.unit_code or ""
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, principal.election_id)
        if principal.role != "precinct" or precinct not in catalog.paths:
            raise Forbidden("only a precinct commission enters its own precinct's protocols")
        election = catalog.election
        forms = tuple(
            _form(session, election, precinct, contest)
            for contest in election.contests_for(precinct)
        )
        current = set(
            session.scalars(
                select(CurrentRow.protocol_id).where(
                    CurrentRow.election_id == election.id, CurrentRow.precinct == precinct
                )
            )
        )
        rows = session.scalars(
            select(ProtocolRow)
            .where(ProtocolRow.election_id == election.id, ProtocolRow.precinct == precinct)
            .order_by(ProtocolRow.submitted_at.desc(), ProtocolRow.id.desc())
        ).all()
        versions = tuple(
            ProtocolVersion(
                id=row.id,
                contest=row.contest,
                contest_names=dict(election.contest(row.contest).names),
                version=row.version,
                state=row.state,
                counts_now=row.id in current,
                reason=row.reason,
                submitted_at=row.submitted_at,
                by_this_commission=row.submitted_by == principal.credential_id,
            )
            for row in rows
        )
    return PrecinctDesk(forms, versions)


def _lines(payload: str) -> dict[str, int]:
    protocol = json.loads(payload)
    lines = {name: int(protocol[name]) for name in COUNT_FIELDS}
    lines |= {f"votes.{option}": int(v) for option, v in protocol["votes"].items()}
    return lines


def _form_order(contest: ContestDef) -> tuple[str, ...]:
    """Every line of a contest's protocol in the order of its form."""
    return (*COUNT_FIELDS, *(f"votes.{option}" for option in contest.option_ids))


def _below(catalog: Catalog, principal: Principal) -> list[str]:
    """The precincts below a territorial (or the central) commission."""
    if principal.role not in ("territorial", "central"):
        raise Forbidden(
            f"a {principal.role} credential has no approval queue: corrections are approved "
            "by a territorial or the central commission"
        )
    return [code for code, path in catalog.paths.items() if principal.unit_code in path[:-1]]


def approval_queue(ctx: Context, principal: Principal) -> tuple[QueuedCorrection, ...]:
    """The pending corrections of the precincts below the commission, oldest first, each
    with the lines it changes and whether this commission may approve it."""
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, principal.election_id)
        election = catalog.election
        precincts = set(_below(catalog, principal))
        rows = [
            row
            for row in session.scalars(
                select(ProtocolRow)
                .where(
                    ProtocolRow.election_id == election.id,
                    ProtocolRow.state == "pending",
                )
                .order_by(ProtocolRow.submitted_at, ProtocolRow.id)
            )
            if row.precinct in precincts
        ]
        queued: list[QueuedCorrection] = []
        for row in rows:
            refused: str | None = None
            try:
                approvable(session, catalog, principal, row.id)
            except Forbidden as exc:
                refused = exc.detail
            counted = (
                session.get(ProtocolRow, row.supersedes) if row.supersedes is not None else None
            )
            before = _lines(counted.payload) if counted is not None else {}
            after = _lines(row.payload)
            submitter = session.get(CredentialRow, row.submitted_by)
            queued.append(
                QueuedCorrection(
                    id=row.id,
                    precinct=row.precinct,
                    precinct_names=dict(election.unit(row.precinct).names),
                    contest=row.contest,
                    contest_names=dict(election.contest(row.contest).names),
                    version=row.version,
                    reason=row.reason,
                    submitted_at=row.submitted_at,
                    submitted_by=(submitter.unit_code or "") if submitter else "",
                    changes=tuple(
                        Change(line, before.get(line, 0), after.get(line, 0))
                        for line in _form_order(election.contest(row.contest))
                        if before.get(line, 0) != after.get(line, 0)
                    ),
                    refused=refused,
                    options=tuple(
                        Option(o.id, dict(o.names)) for o in election.contest(row.contest).options
                    ),
                )
            )
    return tuple(queued)


def progress(ctx: Context, principal: Principal) -> tuple[Progress, ...]:
    """For each contest held in the commission's unit: the unit itself, then each unit one
    level below it (a precinct counts 1 once its protocol counts)."""
    unit = principal.unit_code
    if unit is None:
        raise Forbidden("an observer's credential has no units")
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, principal.election_id)
        election = catalog.election
        children = [child.code for child in election.children(unit)]
        totals = {
            (row.contest, row.unit_code): row
            for row in session.scalars(
                select(TotalRow).where(
                    TotalRow.election_id == election.id,
                    TotalRow.unit_code.in_([unit, *children]),
                )
            )
        }
        counted = {
            (precinct, contest)
            for precinct, contest in session.execute(
                select(CurrentRow.precinct, CurrentRow.contest).where(
                    CurrentRow.election_id == election.id,
                    CurrentRow.precinct.in_(children),
                )
            )
        }
        found: list[Progress] = []
        for contest in election.contests:
            own = totals.get((contest.id, unit))
            if own is None:
                continue
            names = dict(contest.names)
            found.append(
                Progress(
                    unit,
                    dict(election.unit(unit).names),
                    contest.id,
                    names,
                    own.precincts_reported,
                    own.precincts_expected,
                )
            )
            for code in children:
                child = election.unit(code)
                if child.level == "precinct":
                    if contest.id not in catalog.contests.get(code, frozenset()):
                        continue
                    reported, expected = int((code, contest.id) in counted), 1
                else:
                    row = totals.get((contest.id, code))
                    if row is None:
                        continue
                    reported, expected = row.precincts_reported, row.precincts_expected
                found.append(
                    Progress(code, dict(child.names), contest.id, names, reported, expected)
                )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Place:
    """A unit by its code and names."""

    code: str
    names: Names


def precincts_below(ctx: Context, principal: Principal) -> tuple[Place, ...]:
    """The precincts a territorial commission may enter protocols for, in definition order."""
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, principal.election_id)
        return tuple(
            Place(code, dict(catalog.election.unit(code).names))
            for code in _below(catalog, principal)
        )


def certification_board(ctx: Context, principal: Principal) -> tuple[ContestStanding, ...]:
    """Every contest of the election: precincts reported of expected, and whether it is
    certified now (with the time of the latest decision)."""
    if principal.role != "central":
        raise Forbidden(
            f"only the central commission certifies; this is a {principal.role} credential"
        )
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, principal.election_id)
        election = catalog.election
        totals = {
            row.contest: row
            for row in session.scalars(
                select(TotalRow).where(
                    TotalRow.election_id == election.id,
                    TotalRow.unit_code == catalog.republic,
                )
            )
        }
        board: list[ContestStanding] = []
        for contest in election.contests:
            row = totals.get(contest.id)
            latest = certification.latest_decision(session, election.id, contest.id)
            board.append(
                ContestStanding(
                    contest.id,
                    dict(contest.names),
                    row.precincts_reported if row else 0,
                    row.precincts_expected if row else 0,
                    latest is not None and latest.kind == certification.CERTIFICATION,
                    latest.decided_at if latest is not None else None,
                )
            )
    return tuple(board)
