"""Candidates and deputies of an election: the commissions' registration decisions, each
written to the ledger, and who holds the seats once they are given.

A candidate is registered by the commission of the contest's area: the central commission
for a contest of the whole republic (the President, the party lists), a regional or
district commission for a contest inside its unit. The application is decided by
``register.candidates`` under the law of election day, and the decision is ledgered either
way, refusals with every rule they failed. The deputies are read back from the ledger: the
newest mandates (or vacancy) record of each list contest, and the certified winner of each
single-member district.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from saylau.election import ContestDef, Election
from saylau.law.rules import PartyRules, rules_at
from saylau.model import BadInput, Kind
from saylau.register.candidate_files import candidate_json, read_candidate
from saylau.register.candidates import CandidateApplication, Office, decide_candidate
from saylau.register.lists import ListCandidate, in_quota_group, quota_judged_on
from saylau.service import ledgering
from saylau.service.auth import Principal
from saylau.service.certification import CERTIFICATION, latest_decision
from saylau.service.context import Context
from saylau.service.errors import Forbidden
from saylau.service.mandates import LISTS, MANDATES, VACANCY, Recorded
from saylau.store.tables import LedgerEntryRow

CANDIDATE = "candidate"
COMMISSIONS = ("central", "territorial")

#: The offices a candidate of each kind of contest stands for.
OFFICES: dict[Kind, tuple[Office, ...]] = {
    Kind.PRESIDENTIAL: (Office.PRESIDENT,),
    Kind.MAZHILIS_LIST: (Office.MAZHILIS_LIST,),
    Kind.KURULTAI_LIST: (Office.KURULTAI_LIST,),
    Kind.MASLIKHAT_LIST: (Office.MASLIKHAT_LIST,),
    Kind.SENATE: (Office.SENATE,),
    Kind.AKIM: (Office.AKIM_RURAL, Office.AKIM_DISTRICT),
}
LIST_KINDS = (Kind.MAZHILIS_LIST, Kind.KURULTAI_LIST)


def _offices(contest: ContestDef) -> tuple[Office, ...]:
    if contest.kind is Kind.SINGLE_MEMBER:
        if contest.body == "maslikhat":
            return (Office.MASLIKHAT_DISTRICT,)
        return (Office.MAZHILIS_DISTRICT,)
    return OFFICES.get(contest.kind, ())


def _commission_may_register(principal: Principal, election: Election, contest: ContestDef) -> None:
    """Forbidden unless ``principal`` is the commission of the contest's area: the central
    one for a contest of the whole republic, a territorial one whose unit holds it all."""
    if principal.role not in COMMISSIONS or principal.unit_code is None:
        raise Forbidden(
            f"only an election commission registers candidates; this is a {principal.role}"
        )
    republic = election.path(contest.area[0])[0]
    whole = contest.area == (republic,)
    if whole:
        if principal.role != "central":
            raise Forbidden(
                f"the candidates of contest {contest.id!r}, which covers the whole republic, "
                "are registered by the central commission"
            )
        return
    if principal.role == "central" or not all(
        principal.unit_code in election.path(unit) for unit in contest.area
    ):
        raise Forbidden(
            f"the candidates of contest {contest.id!r} are registered by the commission of "
            f"its area ({', '.join(contest.area)}); this is the commission of "
            f"{principal.unit_code}"
        )


def _check_fits(application: CandidateApplication, election: Election, contest: ContestDef) -> None:
    offices = _offices(contest)
    if not offices:
        raise BadInput("contest", "has no candidates to register (a referendum)", contest.id)
    if application.office not in offices:
        raise BadInput(
            "application.office",
            f"a candidate of contest {contest.id!r} stands for "
            f"{' or '.join(o.value for o in offices)}",
            application.office.value,
        )
    if application.election_day != election.date:
        raise BadInput(
            "application.election_day",
            f"must be the day of election {election.id!r}, {election.date.isoformat()}",
            application.election_day.isoformat(),
        )


def register(ctx: Context, principal: Principal, contest_id: str, raw_application: Any) -> Recorded:
    """Decide a candidate's application for ``contest_id`` under the law of election day and
    ledger the decision, registered or refused; BadInput or Forbidden changes nothing."""
    election_id = principal.election_id
    application = read_candidate(raw_application, "application")
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() as session:
        state = ledgering.lock(session, election_id)
        election = ctx.catalog(session, election_id).election
        if not election.has_contest(contest_id):
            raise BadInput("contest", f"not a contest of election {election_id!r}", contest_id)
        contest = election.contest(contest_id)
        _commission_may_register(principal, election, contest)
        _check_fits(application, election, contest)
        try:
            decision = decide_candidate(application, rules_at(election.date))
        except BadInput as exc:
            raise BadInput(f"application.{exc.field}", exc.rule, exc.found) from None
        nomination = application.nomination
        record: dict[str, Any] = {
            "type": CANDIDATE,
            "election": election_id,
            "contest": contest_id,
            "law_date": election.date.isoformat(),
            "candidate": candidate_json(decision),
            "nominated_by": {"by": nomination.by.value, "name": nomination.name},
            "tree_size": state.size,
            "decided_by": principal.as_record(),
            "decided_at": now.isoformat(),
        }
        index = state.size
        appended = ledgering.append(session, state, [(CANDIDATE, record)])
        return Recorded(CANDIDATE, index, appended.head.head.size, record)


def _entries(ctx: Context, election_id: str, kinds: tuple[str, ...]) -> list[LedgerEntryRow]:
    with ctx.sessions() as session:
        ctx.catalog(session, election_id)
        return list(
            session.scalars(
                select(LedgerEntryRow)
                .where(LedgerEntryRow.election_id == election_id, LedgerEntryRow.kind.in_(kinds))
                .order_by(LedgerEntryRow.index)
            )
        )


def candidates(ctx: Context, election_id: str) -> list[dict[str, Any]]:
    """Every candidate of the election as the newest decision on them stands (a candidate
    is one name in one contest), with its ledger index, in contest and name order."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _entries(ctx, election_id, (CANDIDATE,)):
        record = json.loads(row.leaf)
        body = record["candidate"]
        latest[(record["contest"], body["name"])] = {
            "ledger_index": row.index,
            "contest": record["contest"],
            "name": body["name"],
            "office": body["office"],
            "nominated_by": record["nominated_by"],
            "decision": body["decision"],
            "failed": body["failed"],
            "rules_checked": body["rules_checked"],
            "decided_by": record["decided_by"]["commission"],
            "decided_at": record["decided_at"],
        }
    return [latest[key] for key in sorted(latest)]


def _winner(ctx: Context, election_id: str, contest: ContestDef) -> dict[str, Any] | None:
    with ctx.sessions() as session:
        latest = latest_decision(session, election_id, contest.id)
    if latest is None or latest.kind != CERTIFICATION or latest.outcome is None:
        return None
    winner = json.loads(latest.outcome).get("winner")
    if winner is None:
        return None
    (option,) = [o for o in contest.options if o.id == winner]
    return {
        "contest": contest.id,
        "contest_names": contest.names,
        "option": option.id,
        "names": option.names,
        "party": option.party,
        "ledger_index": latest.ledger_index,
    }


def deputies(ctx: Context, election_id: str) -> dict[str, Any]:
    """Who holds the seats: the named deputies of each list contest whose mandates are
    given (after any vacancy filled since), and the certified winner of each single-member
    district; a contest not yet decided is left out."""
    with ctx.sessions() as session:
        election = ctx.catalog(session, election_id).election
    current: dict[str, tuple[int, dict[str, Any]]] = {}
    for row in _entries(ctx, election_id, (MANDATES, VACANCY)):
        record = json.loads(row.leaf)
        current[record["contest"]] = (row.index, record)
    lists = []
    for contest in election.contests:
        if contest.kind in LIST_KINDS and contest.id in current:
            index, record = current[contest.id]
            names = {o.id: o.names for o in contest.options}
            lists.append(
                {
                    "contest": contest.id,
                    "contest_names": contest.names,
                    "ledger_index": index,
                    "basis": record.get("basis", "certified"),
                    "parties": [
                        {
                            "party": party,
                            "names": names.get(party, {"kk": party, "ru": party, "en": party}),
                            "seats": body["seats"],
                            "deputies": [
                                {
                                    "name": d["name"],
                                    "position": d["position"],
                                    "via_quota": d["via_quota"],
                                }
                                for d in sorted(body["deputies"], key=lambda d: d["position"])
                            ],
                        }
                        for party, body in record["mandates"].items()
                    ],
                }
            )
    districts = [
        found
        for contest in election.contests
        if contest.kind is Kind.SINGLE_MEMBER
        and (found := _winner(ctx, election_id, contest)) is not None
    ]
    return {"election": election_id, "lists": lists, "districts": districts}


def party_lists(ctx: Context, election_id: str) -> dict[str, Any]:
    """The party lists as the central commission registered them (the newest registration of
    each list contest), each name in list order with whether it counts toward the list quota
    on election day, as the list check counted it."""
    with ctx.sessions() as session:
        election = ctx.catalog(session, election_id).election
    current: dict[str, tuple[int, dict[str, Any]]] = {}
    for row in _entries(ctx, election_id, (LISTS,)):
        record = json.loads(row.leaf)
        current[record["contest"]] = (row.index, record)
    found = []
    for contest in election.contests:
        if contest.id not in current:
            continue
        index, record = current[contest.id]
        day = dt.date.fromisoformat(record["law_date"])
        parties = rules_at(day).parties
        judged_on = quota_judged_on(parties, day)
        names = {o.id: o.names for o in contest.options}
        found.append(
            {
                "contest": contest.id,
                "contest_names": contest.names,
                "ledger_index": index,
                "law_date": record["law_date"],
                "parties": [
                    {
                        "party": party,
                        "names": names.get(party, {"kk": party, "ru": party, "en": party}),
                        "submitted_on": body["submitted_on"],
                        "candidates": [
                            {**c, "quota": _counts_for_quota(c, judged_on, parties)}
                            for c in sorted(body["candidates"], key=lambda c: c["position"])
                        ],
                    }
                    for party, body in record["lists"].items()
                ],
            }
        )
    return {"election": election_id, "lists": found}


def _counts_for_quota(candidate: dict[str, Any], day: dt.date, parties: PartyRules) -> bool:
    """Whether a registered name counts toward the list quota (the check's own rule)."""
    person = ListCandidate(
        iin="",
        name=candidate["name"],
        position=candidate["position"],
        birth_date=dt.date.fromisoformat(candidate["birth_date"]),
        woman=candidate["woman"],
        disability=candidate["disability"],
    )
    return in_quota_group(person, day, parties)


def contest_deputies(ctx: Context, election_id: str, contest_id: str) -> dict[str, Any] | None:
    """The deputies of one contest (a list's or a district's), or None while undecided."""
    found = deputies(ctx, election_id)
    for item in [*found["lists"], *found["districts"]]:
        if item["contest"] == contest_id:
            return dict(item)
    return None
