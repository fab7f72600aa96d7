"""Online petitions (electoral-rules §8): each use case one transaction, every step taken
by the pure :func:`saylau.petitions.lifecycle.advance` under the law of the step's day.

A petition is stored as its draft and the replay of its transitions; each transition is a
new row and a leaf of the petitions' log, never a change. Signatures are insert-only rows,
one per citizen per petition by a unique constraint, so a petition's count, its counts per
region and per day are SQL over those rows and stay exact under any concurrency. The
signer's IIN is kept for eligibility and withdrawal and never leaves this module.

A signature reaching the count of a step (publication with its first supporters, the
threshold) takes that step in its own transaction when it can; the daily :func:`tick` takes
every step a count or a date asks for and was not yet taken, dated on the day the count was
reached, so the two together are idempotent and never miss one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from saylau.law.rules import NotInForce, PetitionRules, Rules, rules_at
from saylau.model import BadInput, plain_name
from saylau.petitions import receipts
from saylau.petitions.abuse import SigningEvent
from saylau.petitions.lifecycle import (
    FINAL,
    LISTED,
    VISIBLE,
    Answer,
    Approve,
    Consider,
    Discuss,
    Event,
    Expire,
    Lapse,
    Petition,
    Refuse,
    State,
    Submit,
    Support,
    Tally,
    advance,
    draft,
    step_name,
    working_days_left,
)
from saylau.petitions.refusal import Refusal, TransitionRefused
from saylau.petitions.signing import (
    Signer,
    check_signature,
    check_withdrawal,
    count_step,
    signing_closes,
)
from saylau.petitions.thresholds import Addressee, Unit, body_key, region_unit
from saylau.register.iin import parse_iin
from saylau.service import petitionlog, signaturelog, signingevents
from saylau.service.auth import Official
from saylau.service.context import Context
from saylau.service.errors import Forbidden, NotFound, ServiceError
from saylau.store.tables import (
    CitizenRow,
    PetitionRow,
    PetitionSignatureRow,
    PetitionTransitionRow,
    PetitionWithdrawalRow,
    SigningEventRow,
)

KAZAKHSTAN = ZoneInfo("Asia/Almaty")
TITLE_LENGTH = 300
TEXT_LENGTH = 20_000
ANSWER_LENGTH = 50_000


def today() -> dt.date:
    """The day in Kazakhstan: the day a step or a signature taken now is dated."""
    return dt.datetime.now(KAZAKHSTAN).date()


class StepRefused(ServiceError):
    """The law or the lifecycle refuses the step; nothing was recorded. The problem names
    the field, the rule (a message key the site translates), its values and the citation."""

    status = 422
    title = "The law of petitions refuses this step"

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(
            str(refusal),
            field=refusal.field,
            rule=refusal.rule,
            values={k: _plain(v) for k, v in refusal.values.items()},
            citation=str(refusal.citation) if refusal.citation is not None else None,
        )
        self.refusal = refusal


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _rules(on: dt.date) -> Rules:
    try:
        rules = rules_at(on)
        rules.require(PetitionRules)
    except (NotInForce, LookupError) as exc:
        raise BadInput("on", f"no law of online petitions is in force: {exc}", on) from None
    return rules


# --- replay: a petition from its rows ---------------------------------------------------------


def _unit(row: PetitionRow, on: dt.date) -> Unit | None:
    if row.unit_code is None:
        return None
    return region_unit(row.unit_code, on)


def _event(step: str, on: dt.date, detail: dict[str, Any]) -> Event:
    match step:
        case "submit":
            return Submit(on)
        case "approve":
            return Approve(on)
        case "refuse":
            return Refuse(on, str(detail["subject"]))
        case "support":
            return Support(on, int(detail["supporters"]))
        case "lapse":
            return Lapse(on)
        case "tally":
            return Tally(on, int(detail["signatures"]))
        case "expire":
            return Expire(on)
        case "consider":
            return Consider(on)
        case "discuss":
            return Discuss(on)
        case "answer":
            return Answer(on, str(detail["text"]))
    raise ValueError(f"unknown petition step {step!r}")


def _detail(event: Event) -> dict[str, Any]:
    match event:
        case Refuse(subject=subject):
            return {"subject": subject}
        case Support(supporters=supporters):
            return {"supporters": supporters}
        case Tally(signatures=signatures):
            return {"signatures": signatures}
        case Answer(text=text):
            return {"text": text}
    return {}


def _transitions(session: Session, petition_id: str) -> list[PetitionTransitionRow]:
    return list(
        session.scalars(
            select(PetitionTransitionRow)
            .where(PetitionTransitionRow.petition_id == petition_id)
            .order_by(PetitionTransitionRow.number)
        )
    )


def _replay(row: PetitionRow, steps: Sequence[PetitionTransitionRow]) -> Petition:
    """The petition its draft and steps make; the unit's population is the one of the day
    it was submitted (the threshold is fixed then)."""
    submitted = steps[0].on if steps else row.drafted_on
    petition = draft(
        row.id,
        row.title,
        row.text,
        Addressee(row.addressee),
        _unit(row, submitted),
        row.drafted_on,
    )
    for step in steps:
        petition = advance(
            petition, _event(step.step, step.on, json.loads(step.detail)), rules_at(step.on)
        )
    return petition


def _load(session: Session, petition_id: str, lock: bool = False) -> tuple[PetitionRow, Petition]:
    # FOR NO KEY UPDATE: it waits for another step on the petition, never for the key-share
    # locks that signatures' foreign keys hold on its row (FOR UPDATE would deadlock there)
    locking = {"key_share": True} if lock else None
    row = session.get(PetitionRow, petition_id, with_for_update=locking, populate_existing=lock)
    if row is None:
        raise NotFound(f"no petition {petition_id!r}")
    return row, _replay(row, _transitions(session, petition_id))


def _take(
    session: Session,
    row: PetitionRow,
    petition: Petition,
    event: Event,
    recorded_by: int | None,
) -> Petition:
    """Take ``event`` (the row locked by the caller): the new transition row, its log leaf
    and the row's state, or StepRefused with nothing written."""
    try:
        after = advance(petition, event, _rules(event.on))
    except TransitionRefused as exc:
        raise StepRefused(exc.refusal) from None
    step = after.history[-1]
    number = len(after.history) - 1
    detail = _detail(event)
    appended = petitionlog.append(
        session,
        {
            "kind": "petition_transition",
            "petition": row.id,
            "number": number,
            "step": step_name(event),
            "state": step.state.value,
            "on": step.on.isoformat(),
            "late": step.late,
            "detail": detail,
        },
    )
    session.add(
        PetitionTransitionRow(
            petition_id=row.id,
            number=number,
            step=step_name(event),
            state=step.state.value,
            on=step.on,
            late=step.late,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
            recorded_by=recorded_by,
            ledger_index=appended.index,
        )
    )
    row.state = step.state.value
    session.flush()
    return after


# --- the author ---------------------------------------------------------------------------


def _text(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise BadInput(field, "must not be empty")
    if len(text) > limit:
        raise BadInput(field, f"must be at most {limit} characters", len(text))
    return text


def create(
    ctx: Context,
    author: Official,
    title: str,
    text: str,
    addressee: str,
    unit: str | None,
    on: dt.date,
) -> str:
    """A new draft by the citizen holding ``author``; returns its id."""
    iin = _citizen(author)
    try:
        body = Addressee(addressee)
    except ValueError:
        raise BadInput(
            "addressee", f"must be one of {[a.value for a in Addressee]}", addressee
        ) from None
    title = plain_name(_text(title, "title", TITLE_LENGTH))
    text = _text(text, "text", TEXT_LENGTH)
    if body is Addressee.GOVERNMENT and unit is not None:
        raise BadInput("unit", "a petition to the Government names no unit", unit)
    if body in (Addressee.DISTRICT_MASLIKHAT, Addressee.DISTRICT_AKIMAT):
        raise BadInput(
            "addressee",
            "a district's threshold is read on its population, which the territory data "
            "does not hold yet: only the Government and regional bodies can be addressed",
            addressee,
        )
    try:
        found = region_unit(unit, on) if unit is not None else None
    except (KeyError, LookupError) as exc:
        raise BadInput("unit", str(exc).strip("'\""), unit) from None
    _rules(on)
    petition_id = secrets.token_hex(6)
    draft(petition_id, title, text, body, found, on)  # the draft's own checks
    with ctx.transaction() as session:
        session.add(
            PetitionRow(
                id=petition_id,
                title=title,
                text=text,
                addressee=body.value,
                unit_code=unit,
                author_iin=iin,
                drafted_on=on,
                state=State.DRAFT.value,
            )
        )
    return petition_id


def _citizen(credential: Official) -> str:
    if credential.role != "citizen" or credential.subject is None:
        raise Forbidden(f"the credential's role is {credential.role}, not citizen")
    return credential.subject


def _author(row: PetitionRow, credential: Official) -> None:
    if _citizen(credential) != row.author_iin:
        raise Forbidden("only the petition's author takes this step")


def submit(ctx: Context, author: Official, petition_id: str, on: dt.date) -> State:
    """The author submits the draft to moderation; its threshold is fixed on this day."""
    with ctx.transaction() as session:
        row, petition = _load(session, petition_id, lock=True)
        _author(row, author)
        return _take(session, row, petition, Submit(on), author.credential_id).state


# --- moderation and the addressee body -------------------------------------------------------


def _role(official: Official, role: str) -> None:
    if official.role != role:
        raise Forbidden(f"the credential's role is {official.role}, not {role}")


def approve(ctx: Context, moderator: Official, petition_id: str, on: dt.date) -> State:
    """Moderation approves: the petition gathers its first supporters."""
    _role(moderator, "moderator")
    with ctx.transaction() as session:
        row, petition = _load(session, petition_id, lock=True)
        return _take(session, row, petition, Approve(on), moderator.credential_id).state


def refuse(ctx: Context, moderator: Official, petition_id: str, on: dt.date, subject: str) -> State:
    """Moderation refuses, for one of the subjects the law excludes (any other reason is
    refused itself, naming the law's list)."""
    _role(moderator, "moderator")
    with ctx.transaction() as session:
        row, petition = _load(session, petition_id, lock=True)
        return _take(session, row, petition, Refuse(on, subject), moderator.credential_id).state


def _body(row: PetitionRow, official: Official) -> None:
    _role(official, "addressee")
    wanted = body_key(Addressee(row.addressee), row.unit_code)
    if official.subject != wanted:
        raise Forbidden(f"the petition is addressed to {wanted}, not to {official.subject}")


def consider(ctx: Context, body: Official, petition_id: str, on: dt.date) -> State:
    """The addressee body takes the petition under consideration."""
    with ctx.transaction() as session:
        row, petition = _load(session, petition_id, lock=True)
        _body(row, body)
        return _take(session, row, petition, Consider(on), body.credential_id).state


def discuss(ctx: Context, body: Official, petition_id: str, on: dt.date) -> State:
    """The addressee body opens the public discussion."""
    with ctx.transaction() as session:
        row, petition = _load(session, petition_id, lock=True)
        _body(row, body)
        return _take(session, row, petition, Discuss(on), body.credential_id).state


def answer(ctx: Context, body: Official, petition_id: str, on: dt.date, text: str) -> State:
    """The addressee body publishes its answer."""
    text = _text(text, "text", ANSWER_LENGTH)
    with ctx.transaction() as session:
        row, petition = _load(session, petition_id, lock=True)
        _body(row, body)
        return _take(session, row, petition, Answer(on, text), body.credential_id).state


# --- signatures ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a signer is given: the petition, the day and moment the signature was counted,
    whether it had already been given (a second signing changes nothing and answers the
    first receipt), and the receipt of its salted commitment in the petition's log (leaf,
    inclusion proof, signed head, salt), which the signer checks with their IIN."""

    petition: str
    signed_on: dt.date
    signed_at: dt.datetime
    already_signed: bool
    log: receipts.Receipt


class SignatureNotVerified(ServiceError):
    """The signature's envelope, certificate or chain does not verify; nothing was counted.
    The problem names the field of the envelope and the rule."""

    status = 422
    title = "The signature does not verify"

    def __init__(self, field: str, rule: str, values: dict[str, object], detail: str) -> None:
        super().__init__(detail, field=field, rule=rule, values=values)


def _counted(petition_id: str) -> Select[Any]:
    """The petition's signatures not withdrawn (the one count every figure derives from)."""
    return (
        select(func.count())
        .select_from(PetitionSignatureRow)
        .outerjoin(
            PetitionWithdrawalRow, PetitionWithdrawalRow.signature_id == PetitionSignatureRow.id
        )
        .where(
            PetitionSignatureRow.petition_id == petition_id,
            PetitionWithdrawalRow.signature_id.is_(None),
        )
    )


def _count(session: Session, petition_id: str) -> int:
    return int(session.scalar(_counted(petition_id)) or 0)


def _receipt(row: PetitionSignatureRow, already: bool, log: receipts.Receipt) -> Receipt:
    moment = row.signed_at if row.signed_at.tzinfo else row.signed_at.replace(tzinfo=dt.UTC)
    return Receipt(row.petition_id, row.signed_on, moment, already, log)


def _first_receipt(session: Session, row: PetitionSignatureRow) -> receipts.Receipt:
    """The commitment's receipt as it was first given: the head its append signed (the
    first tree holding its leaf, which its group's signers share) and the proof in it."""
    if row.leaf_index is None or row.salt is None:
        raise NotFound("the signature was recorded before signatures had receipts")
    size, note = signaturelog.head_covering(session, row.petition_id, int(row.leaf_index))
    proof = signaturelog.inclusion(session, row.petition_id, int(row.leaf_index), size)
    return receipts.Receipt(
        row.petition_id,
        receipts.EntryKind.SIGNATURE,
        int(row.leaf_index),
        size,
        proof,
        note,
        bytes(row.salt),
    )


def _existing(session: Session, petition_id: str, iin: str) -> PetitionSignatureRow | None:
    return session.scalars(
        select(PetitionSignatureRow).where(
            PetitionSignatureRow.petition_id == petition_id, PetitionSignatureRow.iin == iin
        )
    ).one_or_none()


def _withdrawn_on(session: Session, signature_id: int) -> dt.date | None:
    return session.scalar(
        select(PetitionWithdrawalRow.withdrawn_on).where(
            PetitionWithdrawalRow.signature_id == signature_id
        )
    )


def _again(session: Session, found: PetitionSignatureRow) -> Receipt:
    withdrawn = _withdrawn_on(session, found.id)
    if withdrawn is not None:
        raise StepRefused(Refusal("signer", "petition_signature_withdrawn", {"found": withdrawn}))
    return _receipt(found, True, _first_receipt(session, found))


def sign(ctx: Context, signer: Signer, petition_id: str, on: dt.date) -> Receipt:
    """Count ``signer``'s signature of the petition on ``on``: one per citizen (signing again
    answers with the first receipt and counts nothing), only while signing is open and only
    for an adult; a count that reaches the petition's next step takes it."""
    (answer,) = sign_many(ctx, [Signing(signer, petition_id, on)])
    if isinstance(answer, Exception):
        raise answer
    return answer


@dataclass(frozen=True, slots=True)
class Signing:
    """One signature to count: the verified signer, the petition and the day."""

    signer: Signer
    petition: str
    on: dt.date
    event: SigningEvent | None = None  # kept with the signature when it counts


Signed = Receipt | BadInput | ServiceError
"""A signing's answer: its receipt, or the refusal that counted nothing."""


def sign_many(ctx: Context, signings: Sequence[Signing]) -> list[Signed]:
    """Count many signatures in one transaction, each answered as :func:`sign` would answer
    it alone: per petition one lock of its log, one read of who signed already, one insert
    of the new signatures and one signed head for all their leaves. A citizen twice in the
    group is counted once; the second is answered the first's receipt (200, already signed).
    Nothing is answered before the commit, so a receipt is never of a signature lost."""
    answers: list[Signed | None] = [None] * len(signings)
    by_petition: dict[str, list[tuple[int, Signing, str, dt.date]]] = {}
    for n, signing in enumerate(signings):
        try:
            person = parse_iin(signing.signer.iin, "signer.iin")
        except BadInput as exc:
            answers[n] = exc
            continue
        by_petition.setdefault(signing.petition, []).append(
            (n, signing, person.iin, person.birth_date)
        )
    with ctx.transaction() as session:
        # petitions in one order, so that two groups never wait for each other's log lock
        for petition_id in sorted(by_petition):
            _sign_petition(session, petition_id, by_petition[petition_id], answers)
    return [a for a in answers if a is not None]


def _sign_petition(
    session: Session,
    petition_id: str,
    group: list[tuple[int, Signing, str, dt.date]],
    answers: list[Signed | None],
) -> None:
    try:
        row, petition = _load(session, petition_id)
        if petition.state not in VISIBLE:
            raise NotFound(f"no petition {petition_id!r}")
    except NotFound as exc:
        for n, *_ in group:
            answers[n] = exc
        return
    # the log's row lock first: it orders this petition's signers (every signing takes it
    # before it reads who signed), so a signature committed by another group is seen here
    # and the unique constraint is never raced
    origin = receipts.log_origin(petition_id)
    signaturelog.lock(session, petition_id, origin)
    # read again under the lock: a step that closed signing (the threshold reached, the
    # period over) committed while this group waited must be seen before anyone is counted
    row, petition = _load(session, petition_id)
    iins = sorted({iin for _, _, iin, _ in group})
    signed_before = {
        found.iin: found
        for found in session.scalars(
            select(PetitionSignatureRow).where(
                PetitionSignatureRow.petition_id == petition_id,
                PetitionSignatureRow.iin.in_(iins),
            )
        )
    }
    regions: dict[str, str | None] = {
        iin: region
        for iin, region in session.execute(
            select(CitizenRow.iin, CitizenRow.region).where(
                CitizenRow.iin.in_([i for i in iins if i not in signed_before])
            )
        )
    }
    fresh: dict[str, int] = {}  # the IIN's new row in ``rows``
    rows: list[PetitionSignatureRow] = []
    salts: list[bytes] = []
    again: list[tuple[int, str]] = []  # a second signing in this group, answered the first's
    events: list[SigningEventRow] = []  # the counted signatures' metadata, for moderators
    for n, signing, iin, born in group:
        found = signed_before.get(iin)
        if found is not None:
            try:
                answers[n] = _again(session, found)
            except (StepRefused, NotFound) as exc:
                answers[n] = exc
            continue
        if iin in fresh:
            again.append((n, iin))
            continue
        try:
            check_signature(petition, born, signing.on, _rules(signing.on).require(PetitionRules))
        except TransitionRefused as exc:
            answers[n] = StepRefused(exc.refusal)
            continue
        except BadInput as exc:
            answers[n] = exc
            continue
        fresh[iin] = len(rows)
        if signing.event is not None:
            events.append(signingevents.row_of(signing.event))
        salts.append(receipts.new_salt())
        rows.append(
            PetitionSignatureRow(
                petition_id=petition_id,
                iin=iin,
                name=plain_name(signing.signer.name)[:200],
                certificate_serial=signing.signer.certificate_serial[:128],
                region=regions.get(iin),
                signed_on=signing.on,
                salt=salts[-1],
            )
        )
    if not rows:
        return
    leaves = [
        receipts.signature_entry(petition_id, r.iin, salt).leaf()
        for r, salt in zip(rows, salts, strict=True)
    ]
    appended = signaturelog.append_many(session, petition_id, origin, leaves)
    for r, done in zip(rows, appended, strict=True):
        r.leaf_index = done.index
    session.add_all(rows)
    session.add_all(events)
    session.flush()
    for day in sorted({r.signed_on for r in rows}):
        _settle(session, row, petition, day)
    given: list[Receipt] = []
    for r, done, salt in zip(rows, appended, salts, strict=True):
        log = receipts.Receipt(
            petition_id,
            receipts.EntryKind.SIGNATURE,
            done.index,
            done.size,
            done.proof,
            done.checkpoint,
            salt,
        )
        given.append(_receipt(r, False, log))
    seconds = {n for n, _ in again}
    for n, _signing, iin, _born in group:
        if answers[n] is None and n not in seconds:
            answers[n] = given[fresh[iin]]
    for n, iin in again:
        answers[n] = dataclasses.replace(given[fresh[iin]], already_signed=True)


def _settle(session: Session, row: PetitionRow, petition: Petition, on: dt.date) -> None:
    """Take the step the count asks for, if the law grants it: the petition's row is locked
    only then, and the step taken only if no other signer's transaction took it first."""
    event = count_step(petition, _count(session, row.id), on)
    if event is None:
        return
    try:
        advance(petition, event, _rules(on))
    except TransitionRefused:
        return  # not yet enough, or too late: the tick decides what a date asks
    row, petition = _load(session, row.id, lock=True)
    event = count_step(petition, _count(session, row.id), on)
    if event is None:
        return
    try:
        _take(session, row, petition, event, None)
    except StepRefused:
        return


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """The petition's count after a withdrawal, and the receipt of the withdrawal's leaf
    (it names the signature's leaf, never the citizen)."""

    petition: str
    signatures: int
    log: receipts.Receipt


def withdraw(ctx: Context, signer_iin: str, petition_id: str, on: dt.date) -> Withdrawn:
    """Withdraw the citizen's signature while signing is open: a new leaf of the petition's
    log names the signature's leaf; nothing is deleted."""
    iin = parse_iin(signer_iin, "signer.iin").iin
    with ctx.transaction() as session:
        _row, petition = _load(session, petition_id)
        signaturelog.lock(session, petition_id, receipts.log_origin(petition_id))
        _row, petition = _load(session, petition_id)  # as it stands under the signers' lock
        found = _existing(session, petition_id, iin)
        if found is None:
            raise StepRefused(Refusal("signer", "petition_no_signature"))
        withdrawn = _withdrawn_on(session, found.id)
        if withdrawn is not None:
            raise StepRefused(
                Refusal("signer", "petition_signature_withdrawn", {"found": withdrawn})
            )
        try:
            check_withdrawal(petition, on)
        except TransitionRefused as exc:
            raise StepRefused(exc.refusal) from None
        if found.leaf_index is None:
            raise NotFound("the signature was recorded before signatures had receipts")
        salt = receipts.new_salt()
        try:
            with session.begin_nested():
                withdrawal = PetitionWithdrawalRow(
                    signature_id=found.id, petition_id=petition_id, withdrawn_on=on, salt=salt
                )
                session.add(withdrawal)
        except IntegrityError:
            raise StepRefused(
                Refusal("signer", "petition_signature_withdrawn", {"found": on})
            ) from None
        entry = receipts.withdrawal_entry(petition_id, iin, salt, int(found.leaf_index))
        appended = signaturelog.append(
            session, petition_id, receipts.log_origin(petition_id), entry.leaf()
        )
        withdrawal.leaf_index = appended.index
        log = receipts.Receipt(
            petition_id,
            receipts.EntryKind.WITHDRAWAL,
            appended.index,
            appended.size,
            appended.proof,
            appended.checkpoint,
            salt,
            int(found.leaf_index),
        )
        return Withdrawn(petition_id, _count(session, petition_id), log)


def text_of(ctx: Context, petition_id: str) -> str:
    """The text a signature of a public petition signs (with its id)."""
    with ctx.sessions() as session:
        row = session.get(PetitionRow, petition_id)
        if row is None or State(row.state) not in VISIBLE:
            raise NotFound(f"no petition {petition_id!r}")
        return row.text


@dataclass(frozen=True, slots=True)
class SignatureLog:
    """A petition's log of commitments as the public checks it: the newest signed head, the
    log's verifier key and the count the petition shows, which must equal the log's
    signatures less its withdrawals."""

    petition: str
    origin: str
    size: int
    root: str
    checkpoint: str
    key: str
    signatures: int


def signature_log(ctx: Context, petition_id: str) -> SignatureLog:
    """The petition's signature log head with its published count (read together)."""
    with ctx.sessions() as session:
        _visible(session, petition_id)
        head = signaturelog.head(session, petition_id)
        count = _count(session, petition_id)
    return SignatureLog(
        petition_id, head.origin, head.size, head.root.hex(), head.checkpoint, head.key, count
    )


def signature_leaves(ctx: Context, petition_id: str, start: int, limit: int) -> list[str]:
    """The public leaves of the petition's log from ``start`` (hex), at most ``limit``."""
    with ctx.sessions() as session:
        _visible(session, petition_id)
        return [
            leaf.hex() for leaf in signaturelog.leaves(session, petition_id, start, start + limit)
        ]


# --- the daily tick --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Taken:
    """A step the tick took: the petition, the step's name, its day and the new state."""

    petition: str
    step: str
    on: dt.date
    state: State


def _pairs(result: Any) -> dict[Any, int]:
    """A two-column result (a key and a count) as a mapping."""
    return {key: int(count) for key, count in result.all()}


def _counts_by_day(session: Session, petition_id: str, until: dt.date) -> list[tuple[dt.date, int]]:
    """The petition's count at the end of each day a signature or withdrawal happened."""
    signed = _pairs(
        session.execute(
            select(PetitionSignatureRow.signed_on, func.count())
            .where(
                PetitionSignatureRow.petition_id == petition_id,
                PetitionSignatureRow.signed_on <= until,
            )
            .group_by(PetitionSignatureRow.signed_on)
        )
    )
    withdrawn = _pairs(
        session.execute(
            select(PetitionWithdrawalRow.withdrawn_on, func.count())
            .where(
                PetitionWithdrawalRow.petition_id == petition_id,
                PetitionWithdrawalRow.withdrawn_on <= until,
            )
            .group_by(PetitionWithdrawalRow.withdrawn_on)
        )
    )
    total = 0
    days: list[tuple[dt.date, int]] = []
    for day in sorted(set(signed) | set(withdrawn)):
        total += int(signed.get(day, 0)) - int(withdrawn.get(day, 0))
        days.append((day, total))
    return days


def _due_event(session: Session, petition: Petition, on: dt.date) -> Event | None:
    """The step a count or a date asks of ``petition`` by ``on``: the count's step on the
    first day the count was enough (the law decides each day's count), else a lapse or an
    expiry once its date has passed."""
    since = petition.last_step_on
    for day, count in _counts_by_day(session, petition.id, on):
        event = count_step(petition, count, max(day, since))
        if event is None:
            return None
        try:
            advance(petition, event, _rules(event.on))
        except TransitionRefused:
            continue
        return event
    for late in (Lapse(on), Expire(on)):
        try:
            advance(petition, late, _rules(on))
        except TransitionRefused:
            continue
        return late
    return None


def tick(ctx: Context, on: dt.date) -> list[Taken]:
    """Take every step the counts or the dates ask for by ``on`` (each petition in its own
    transaction); running it again the same day takes nothing more."""
    _rules(on)
    waiting = (State.GATHERING_SUPPORT.value, State.COLLECTING.value)
    with ctx.sessions() as session:
        ids = list(
            session.scalars(
                select(PetitionRow.id)
                .where(PetitionRow.state.in_(waiting))
                .order_by(PetitionRow.id)
            )
        )
    taken: list[Taken] = []
    for petition_id in ids:
        with ctx.transaction() as session:
            # the signers' lock first, as signing takes it: no signature is counted between
            # the count this step reads and the step that closes signing
            signaturelog.lock(session, petition_id, receipts.log_origin(petition_id))
            while True:
                row, petition = _load(session, petition_id, lock=True)
                if petition.state in FINAL:
                    break
                event = _due_event(session, petition, on)
                if event is None:
                    break
                after = _take(session, row, petition, event, None)
                taken.append(Taken(petition_id, step_name(event), event.on, after.state))
    return taken


# --- public reads -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One transition as published: its number, step, new state, day, lateness and entry in
    the petitions' log (the refusal's subject or the answer's text in ``detail``)."""

    number: int
    step: str
    state: str
    on: dt.date
    late: bool
    detail: dict[str, Any]
    recorded_at: dt.datetime
    ledger_index: int


@dataclass(frozen=True, slots=True)
class Summary:
    """A petition as a list shows it."""

    id: str
    title: str
    addressee: str
    unit: str | None
    state: str
    signatures: int
    required: int | None


@dataclass(frozen=True, slots=True)
class RegionCount:
    region: str | None
    signatures: int


@dataclass(frozen=True, slots=True)
class DayCount:
    on: dt.date
    signed: int
    withdrawn: int
    total: int


@dataclass(frozen=True, slots=True)
class Shown:
    """One petition as its page and the API show it: the figures computed here once."""

    id: str
    title: str
    text: str
    addressee: str
    unit: str | None
    state: str
    signatures: int
    required: int | None
    threshold_citation: str | None
    population: int | None
    population_date: dt.date | None
    working_days_left: int | None
    deadline: dt.date | None
    signing_closes: dt.date | None
    refused_for: str | None
    answer: str | None
    history: tuple[Step, ...]


def _summary(row: PetitionRow, petition: Petition, count: int) -> Summary:
    required = petition.threshold.required if petition.threshold else None
    return Summary(row.id, row.title, row.addressee, row.unit_code, row.state, count, required)


def listing(
    ctx: Context,
    query: str | None = None,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Summary]:
    """The petitions the public sees (from publication on), newest first, those whose title
    or text holds ``query`` (case-insensitive) or in ``state``."""
    listed = sorted(s.value for s in LISTED)
    if state is not None and state not in listed:
        raise BadInput("state", f"must be one of {listed}", state)
    wanted = [state] if state else listed
    statement = select(PetitionRow).where(PetitionRow.state.in_(wanted))
    if query:
        needle = f"%{query.strip().lower()}%"
        statement = statement.where(
            or_(
                func.lower(PetitionRow.title).like(needle),
                func.lower(PetitionRow.text).like(needle),
            )
        )
    statement = (
        statement.order_by(PetitionRow.created_at.desc(), PetitionRow.id)
        .limit(limit)
        .offset(offset)
    )
    with ctx.sessions() as session:
        found: list[Summary] = []
        for row in session.scalars(statement).all():
            petition = _replay(row, _transitions(session, row.id))
            found.append(_summary(row, petition, _count(session, row.id)))
        return found


def shown(ctx: Context, petition_id: str, on: dt.date | None = None) -> Shown:
    """One public petition with its count, threshold, working days left on ``on`` (today by
    default), its steps and the body's answer."""
    day = on or today()
    with ctx.sessions() as session:
        row = session.get(PetitionRow, petition_id)
        if row is None or State(row.state) not in VISIBLE:
            raise NotFound(f"no petition {petition_id!r}")
        steps = _transitions(session, petition_id)
        petition = _replay(row, steps)
        count = _count(session, petition_id)
    threshold = petition.threshold
    unit = threshold.unit if threshold else None
    deadline = {
        State.GATHERING_SUPPORT: petition.support_due,
        State.COLLECTING: petition.collection_ends,
        State.REACHED: petition.review_due,
        State.UNDER_CONSIDERATION: petition.review_due,
    }.get(petition.state)
    return Shown(
        id=row.id,
        title=row.title,
        text=row.text,
        addressee=row.addressee,
        unit=row.unit_code,
        state=petition.state.value,
        signatures=count,
        required=threshold.required if threshold else None,
        threshold_citation=str(threshold.citation) if threshold else None,
        population=unit.population if unit else None,
        population_date=unit.population_date if unit else None,
        working_days_left=working_days_left(petition, day),
        deadline=deadline,
        signing_closes=signing_closes(petition),
        refused_for=petition.refused_for,
        answer=petition.answer,
        history=tuple(
            Step(
                s.number,
                s.step,
                s.state,
                s.on,
                s.late,
                json.loads(s.detail),
                s.recorded_at if s.recorded_at.tzinfo else s.recorded_at.replace(tzinfo=dt.UTC),
                int(s.ledger_index),
            )
            for s in steps
        ),
    )


def _visible(session: Session, petition_id: str) -> None:
    row = session.get(PetitionRow, petition_id)
    if row is None or State(row.state) not in VISIBLE:
        raise NotFound(f"no petition {petition_id!r}")


def by_region(ctx: Context, petition_id: str) -> list[RegionCount]:
    """The petition's signatures counted per signer's region (open data: no identity)."""
    with ctx.sessions() as session:
        _visible(session, petition_id)
        rows = session.execute(
            select(PetitionSignatureRow.region, func.count())
            .select_from(PetitionSignatureRow)
            .outerjoin(
                PetitionWithdrawalRow,
                PetitionWithdrawalRow.signature_id == PetitionSignatureRow.id,
            )
            .where(
                PetitionSignatureRow.petition_id == petition_id,
                PetitionWithdrawalRow.signature_id.is_(None),
            )
            .group_by(PetitionSignatureRow.region)
        )
        counted = [RegionCount(region, int(n)) for region, n in rows.all()]
    return sorted(counted, key=lambda c: (c.region is None, c.region or ""))


def by_day(ctx: Context, petition_id: str) -> list[DayCount]:
    """Signatures given and withdrawn each day, and the count at the day's end."""
    with ctx.sessions() as session:
        _visible(session, petition_id)
        signed = _pairs(
            session.execute(
                select(PetitionSignatureRow.signed_on, func.count())
                .where(PetitionSignatureRow.petition_id == petition_id)
                .group_by(PetitionSignatureRow.signed_on)
            )
        )
        withdrawn = _pairs(
            session.execute(
                select(PetitionWithdrawalRow.withdrawn_on, func.count())
                .where(PetitionWithdrawalRow.petition_id == petition_id)
                .group_by(PetitionWithdrawalRow.withdrawn_on)
            )
        )
    total = 0
    days: list[DayCount] = []
    for day in sorted(set(signed) | set(withdrawn)):
        given, taken = int(signed.get(day, 0)), int(withdrawn.get(day, 0))
        total += given - taken
        days.append(DayCount(day, given, taken, total))
    return days


def addressed_to(ctx: Context, body: Official) -> list[Summary]:
    """The petitions past their threshold that wait for ``body``'s consideration, discussion
    or answer, the oldest first (the body's own credential only)."""
    _role(body, "addressee")
    waiting = (
        State.REACHED.value,
        State.UNDER_CONSIDERATION.value,
        State.PUBLIC_DISCUSSION.value,
    )
    with ctx.sessions() as session:
        rows = session.scalars(
            select(PetitionRow)
            .where(PetitionRow.state.in_(waiting))
            .order_by(PetitionRow.created_at, PetitionRow.id)
        ).all()
        return [
            _summary(row, _replay(row, _transitions(session, row.id)), _count(session, row.id))
            for row in rows
            if body_key(Addressee(row.addressee), row.unit_code) == body.subject
        ]


def moderation_queue(ctx: Context, moderator: Official, limit: int = 100) -> list[Summary]:
    """The petitions waiting for moderation, oldest first, at most ``limit`` (moderators
    only)."""
    _role(moderator, "moderator")
    with ctx.sessions() as session:
        rows = session.scalars(
            select(PetitionRow)
            .where(PetitionRow.state == State.MODERATION.value)
            .order_by(PetitionRow.created_at, PetitionRow.id)
            .limit(limit)
        ).all()
        return [_summary(r, _replay(r, _transitions(session, r.id)), 0) for r in rows]


@dataclass(frozen=True, slots=True)
class StepProof:
    """A petition's step as the petitions' log holds it, with its inclusion proof in the
    log's newest signed head: anyone can check that the step was logged and never changed."""

    petition: str
    number: int
    index: int
    leaf: str
    leaf_hash: str
    proof: tuple[str, ...]
    size: int
    root: str
    checkpoint: str
    key: str


def step_proof(ctx: Context, petition_id: str, number: int) -> StepProof:
    """The inclusion proof of step ``number`` (1 for the submission) of a public petition."""
    from saylau import ledger

    with ctx.sessions() as session:
        _visible(session, petition_id)
        index = session.scalar(
            select(PetitionTransitionRow.ledger_index).where(
                PetitionTransitionRow.petition_id == petition_id,
                PetitionTransitionRow.number == number,
            )
        )
        if index is None:
            raise NotFound(f"petition {petition_id!r} has no step {number}")
        found = petitionlog.inclusion(session, int(index))
    return StepProof(
        petition_id,
        number,
        found.index,
        found.leaf.decode(),
        ledger.leaf_hash(found.leaf).hex(),
        tuple(p.hex() for p in found.proof),
        found.head.size,
        found.head.root.hex(),
        found.head.checkpoint,
        found.head.key,
    )


def log_head(ctx: Context) -> petitionlog.Head:
    """The petitions' log's newest signed head."""
    with ctx.sessions() as session:
        return petitionlog.head(session)
