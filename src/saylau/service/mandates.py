"""Registering the party lists of a list contest and naming the deputies who take its seats:
the central commission's decisions, each written to the ledger.

The lists are checked under the law of election day and ledgered as registered; the
mandates are then given from the certified outcome (or, before certification, the outcome
of the totals so far, and the record says which) to named candidates in list order, keeping
the mandate quota of the day. The public record names a candidate by name, position, birth
date and quota groups; the IIN, which identifies the person to the commission, is checked
at registration and kept out of the public log.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.election import ContestDef
from saylau.law.rules import rules_at
from saylau.model import BadInput, Kind
from saylau.outcome import decide
from saylau.outcome.records import ListOutcome
from saylau.register.lists import ListCandidate, PartyList, check_lists
from saylau.register.mandates import (
    Chamber,
    Mandate,
    PartyMandates,
    Vacancy,
    VacancyReason,
    assign_mandates,
    fill_vacancy,
)
from saylau.service import ledgering
from saylau.service.auth import Principal
from saylau.service.certification import CERTIFICATION, latest_decision
from saylau.service.context import Context
from saylau.service.errors import Conflict, Forbidden, NotFound, Unprocessable
from saylau.store.tables import LedgerEntryRow

LISTS = "party-lists"
MANDATES = "mandates"
VACANCY = "vacancy"
_CHAMBERS = {Kind.MAZHILIS_LIST: Chamber.MAZHILIS, Kind.KURULTAI_LIST: Chamber.KURULTAI}


class ListsRefused(Unprocessable):
    title = "A party list breaks a rule"


@dataclass(frozen=True, slots=True)
class Recorded:
    """A ledgered decision: its record and where it stands in the log."""

    kind: str
    ledger_index: int
    tree_size: int
    record: dict[str, Any]


def _central(principal: Principal, action: str) -> None:
    if principal.role != "central":
        raise Forbidden(f"only the central commission may {action}; this is a {principal.role}")


def _list_contest(
    ctx: Context, session: Session, election_id: str, contest_id: str
) -> tuple[ContestDef, dt.date, Chamber]:
    election = ctx.catalog(session, election_id).election
    if not election.has_contest(contest_id):
        raise NotFound(f"no contest {contest_id!r} in election {election_id!r}")
    contest = election.contest(contest_id)
    chamber = _CHAMBERS.get(contest.kind)
    if chamber is None:
        raise BadInput(
            "contest", "mandates are named for Mazhilis and Kurultai party lists", contest_id
        )
    return contest, election.date, chamber


def _candidate_json(candidate: ListCandidate) -> dict[str, Any]:
    return {
        "position": candidate.position,
        "name": candidate.name,
        "birth_date": candidate.birth_date.isoformat(),
        "woman": candidate.woman,
        "disability": candidate.disability,
    }


def register_lists(
    ctx: Context,
    principal: Principal,
    contest_id: str,
    lists: Sequence[PartyList],
    district_candidates: Collection[str] = (),
) -> Recorded:
    """Check every list under the law of election day and ledger them as registered; a
    list that breaks a rule refuses them all, naming every failure, and stores nothing."""
    _central(principal, "register party lists")
    election_id = principal.election_id
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() as session:
        state = ledgering.lock(session, election_id)
        contest, day, _ = _list_contest(ctx, session, election_id, contest_id)
        options = {option.id for option in contest.options}
        for party_list in lists:
            if party_list.party not in options:
                raise BadInput("party", f"not a list of contest {contest_id!r}", party_list.party)
        decisions = check_lists(lists, day, rules_at(day), district_candidates)
        broken = [(d.party, f) for d in decisions for f in d.failures]
        if broken:
            raise ListsRefused(
                f"{len(broken)} rule(s) broken: " + "; ".join(f"{p}: {f}" for p, f in broken),
                failures=[
                    {"party": p, "rule": f.rule.value, "failure": str(f), **f.values}
                    for p, f in broken
                ],
            )
        record: dict[str, Any] = {
            "type": LISTS,
            "election": election_id,
            "contest": contest_id,
            "law_date": day.isoformat(),
            "lists": {
                party_list.party: {
                    "submitted_on": party_list.submitted_on.isoformat(),
                    "candidates": [_candidate_json(c) for c in party_list.in_order()],
                }
                for party_list in lists
            },
            "tree_size": state.size,
            "registered_by": principal.as_record(),
            "registered_at": now.isoformat(),
        }
        index = state.size
        appended = ledgering.append(session, state, [(LISTS, record)])
        return Recorded(LISTS, index, appended.head.head.size, record)


def stored_lists(
    session: Session, election_id: str, contest_id: str
) -> tuple[int, dict[str, PartyList]]:
    """The lists last registered for the contest, read back from the ledger, with their
    ledger index; a candidate is known there by party and position."""
    rows = session.scalars(
        select(LedgerEntryRow)
        .where(LedgerEntryRow.election_id == election_id, LedgerEntryRow.kind == LISTS)
        .order_by(LedgerEntryRow.index.desc())
    )
    for row in rows:
        record = json.loads(row.leaf)
        if record["contest"] != contest_id:
            continue
        lists = {
            party: PartyList(
                party,
                dt.date.fromisoformat(body["submitted_on"]),
                tuple(
                    ListCandidate(
                        f"{party}/{c['position']}",
                        c["name"],
                        c["position"],
                        dt.date.fromisoformat(c["birth_date"]),
                        c["woman"],
                        c["disability"],
                    )
                    for c in body["candidates"]
                ),
            )
            for party, body in record["lists"].items()
        }
        return row.index, lists
    raise Conflict(f"no party lists are registered for contest {contest_id!r}")


def _seats(
    ctx: Context, session: Session, election_id: str, contest: ContestDef
) -> tuple[dict[str, int], int | None]:
    """Seats per list from the certified outcome (with its ledger index), or else from the
    totals so far."""
    # results reads certification, which this module reads too
    from saylau.service.results import contest_input, decision_totals

    latest = latest_decision(session, election_id, contest.id)
    if latest is not None and latest.kind == CERTIFICATION and latest.outcome is not None:
        return dict(json.loads(latest.outcome)["seats"]), latest.ledger_index
    catalog = ctx.catalog(session, election_id)
    total, units = decision_totals(session, catalog.election, contest, catalog.republic)
    if total is None or total.precincts_reported == 0:
        raise Conflict(f"contest {contest.id!r} has no accepted protocol: no seats to give")
    outcome = decide(contest_input(catalog.election, contest, json.loads(total.counts), units))
    if not isinstance(outcome, ListOutcome):
        raise BadInput("contest", "not a party-list contest", contest.id)
    if outcome.tie is not None:
        raise Conflict(f"{outcome.tie.seats} seat(s) of contest {contest.id!r} are tied")
    return dict(outcome.seats), None


def _mandates_json(party: PartyMandates) -> dict[str, Any]:
    return {
        "seats": party.seats,
        "quota_required": party.required,
        "quota_held": party.quota_held,
        "deputies": [
            {
                "name": m.name,
                "position": m.position,
                "quota_member": m.quota_member,
                "via_quota": m.via_quota,
            }
            for m in party.mandates
        ],
    }


def assign(ctx: Context, principal: Principal, contest_id: str) -> Recorded:
    """Name the deputies of every list that won seats, from the registered lists, and ledger
    the decision with the law applied and the outcome it stands on."""
    _central(principal, "give the mandates of a list contest")
    election_id = principal.election_id
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() as session:
        state = ledgering.lock(session, election_id)
        contest, day, chamber = _list_contest(ctx, session, election_id, contest_id)
        lists_index, lists = stored_lists(session, election_id, contest_id)
        seats, certified_index = _seats(ctx, session, election_id, contest)
        try:
            given = assign_mandates(seats, lists, day, rules_at(day), chamber)
        except BadInput as exc:
            raise Unprocessable(f"the mandates cannot be given: {exc}") from None
        citations = {str(c) for party in given for c in party.citations}
        record: dict[str, Any] = {
            "type": MANDATES,
            "election": election_id,
            "contest": contest_id,
            "chamber": chamber.value,
            "law_date": day.isoformat(),
            "basis": "certified" if certified_index is not None else "current",
            "certified_index": certified_index,
            "lists_index": lists_index,
            "mandates": {party.party: _mandates_json(party) for party in given},
            "citations": sorted(citations),
            "tree_size": state.size,
            "decided_by": principal.as_record(),
            "decided_at": now.isoformat(),
        }
        index = state.size
        appended = ledgering.append(session, state, [(MANDATES, record)])
        return Recorded(MANDATES, index, appended.head.head.size, record)


def _current(session: Session, election_id: str, contest_id: str) -> tuple[int, dict[str, Any]]:
    """The newest mandates or vacancy record of the contest: who holds its seats now."""
    rows = session.scalars(
        select(LedgerEntryRow)
        .where(
            LedgerEntryRow.election_id == election_id,
            LedgerEntryRow.kind.in_((MANDATES, VACANCY)),
        )
        .order_by(LedgerEntryRow.index.desc())
    )
    for row in rows:
        record = json.loads(row.leaf)
        if record["contest"] == contest_id:
            return row.index, record
    raise Conflict(f"no mandates of contest {contest_id!r} are given yet")


def _held(party: str, body: dict[str, Any]) -> PartyMandates:
    return PartyMandates(
        party,
        body["seats"],
        body["quota_required"],
        tuple(
            Mandate(
                f"{party}/{d['position']}",
                d["name"],
                party,
                d["position"],
                d["quota_member"],
                d["via_quota"],
            )
            for d in body["deputies"]
        ),
        (),
    )


def vacate(
    ctx: Context,
    principal: Principal,
    contest_id: str,
    party: str,
    position: int,
    reason: VacancyReason,
    on: dt.date,
    unavailable: Collection[int] = (),
) -> Recorded:
    """The mandate of the deputy at ``position`` of ``party``'s list falls vacant on ``on``;
    the next candidate on the list who is not seated, not gone before and not in
    ``unavailable`` (positions of candidates who withdrew or died) takes it, under the law
    of that day; the decision is ledgered with the whole party's mandates after it."""
    _central(principal, "fill a vacated mandate")
    election_id = principal.election_id
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() as session:
        state = ledgering.lock(session, election_id)
        _, day, chamber = _list_contest(ctx, session, election_id, contest_id)
        if on < day:
            raise BadInput("on", f"a mandate falls vacant after election day {day.isoformat()}")
        _, lists = stored_lists(session, election_id, contest_id)
        previous_index, previous = _current(session, election_id, contest_id)
        if party not in previous["mandates"]:
            raise BadInput("party", "holds no mandate of this contest", party)
        gone: list[int] = list(previous.get("gone", {}).get(party, []))
        current = _held(party, previous["mandates"][party])
        skip = [f"{party}/{p}" for p in [*gone, *unavailable]]
        try:
            succession = fill_vacancy(
                current,
                Vacancy(f"{party}/{position}", party, reason, on),
                lists[party],
                skip,
                rules_at(on),
                chamber,
                election_day=day,
            )
        except BadInput as exc:
            raise Unprocessable(f"the mandate cannot be filled: {exc}") from None
        mandates = dict(previous["mandates"])
        mandates[party] = _mandates_json(succession.mandates)
        gone_after = dict(previous.get("gone", {}))
        gone_after[party] = sorted({*gone, position, *unavailable})
        record: dict[str, Any] = {
            "type": VACANCY,
            "election": election_id,
            "contest": contest_id,
            "chamber": chamber.value,
            "law_date": on.isoformat(),
            "follows_index": previous_index,
            "vacated": {
                "party": party,
                "position": position,
                "name": succession.vacated.name,
                "reason": reason.value,
                "on": on.isoformat(),
            },
            "successor": {
                "position": succession.successor.position,
                "name": succession.successor.name,
            },
            "mandates": mandates,
            "gone": gone_after,
            "citations": sorted(str(c) for c in succession.citations),
            "tree_size": state.size,
            "decided_by": principal.as_record(),
            "decided_at": now.isoformat(),
        }
        index = state.size
        appended = ledgering.append(session, state, [(VACANCY, record)])
        return Recorded(VACANCY, index, appended.head.head.size, record)
