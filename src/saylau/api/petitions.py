"""Online petitions over HTTP: a citizen drafts, submits, signs and withdraws; moderation
approves or refuses; the addressee body considers, discusses and answers; anyone reads
the petitions, their counts per region and per day (open data, never a signer).

Each step is dated today in Kazakhstan and taken by ``service.petitions``; a step the law
refuses is a 422 problem naming the field, the rule and the citation. Roles are credentials
as for the registering bodies: ``citizen`` (its subject is the citizen's IIN), ``moderator``
and ``addressee`` (its subject names the body).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from saylau.api.params import CODE, ServiceContext, bearer
from saylau.api.schemas import (
    AnswerIn,
    PetitionCountOut,
    PetitionCreatedOut,
    PetitionDayOut,
    PetitionIn,
    PetitionLogHeadOut,
    PetitionOut,
    PetitionReceiptOut,
    PetitionRegionOut,
    PetitionStateOut,
    PetitionStepProofOut,
    PetitionSummaryOut,
    RefusalIn,
    SignatureEnvelopeIn,
    SignatureLogOut,
    SigningFlagOut,
)
from saylau.api.signatures import address_of, count_signature_together, limits_of
from saylau.api.strictbody import StrictRoute
from saylau.petitions.lifecycle import State
from saylau.petitions.signing import Signer
from saylau.pki import (
    SignatureRefused,
    SignedEnvelope,
    Trust,
    trust_from_settings,
    verify_signature,
)
from saylau.service import petitions, signingevents
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context
from saylau.service.errors import ServiceError
from saylau.service.signing_desk import SigningDesk

PETITIONS = "/api/v1/petitions"
PetitionId = Annotated[str, Path(min_length=1, max_length=64, pattern=CODE)]

router = APIRouter(route_class=StrictRoute)


def _official(request: Request, role: str, token: str | None) -> Official:
    context: Context = request.app.state.context
    with context.sessions() as session:
        return authenticate_official(session, role, token)


def citizen_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Official:
    """The citizen behind the bearer token (its subject is their IIN)."""
    return _official(request, "citizen", credentials.credentials if credentials else None)


def moderator_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Official:
    """The portal's moderator behind the bearer token."""
    return _official(request, "moderator", credentials.credentials if credentials else None)


def body_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Official:
    """The official of the addressee body behind the bearer token."""
    return _official(request, "addressee", credentials.credentials if credentials else None)


Citizen = Annotated[Official, Depends(citizen_of)]
Moderator = Annotated[Official, Depends(moderator_of)]
Body = Annotated[Official, Depends(body_of)]


def trust_of(request: Request) -> Trust:
    """The national PKI's trust anchors and revocation lists (``SAYLAU_PKI_ANCHORS``,
    ``SAYLAU_PKI_CRLS``), read once per application; without them no signature counts."""
    trust: Trust | None = getattr(request.app.state, "pki_trust", None)
    if trust is None:
        try:
            trust = trust_from_settings()
        except (LookupError, OSError, ValueError) as exc:
            raise SigningNotConfigured(f"signatures cannot be verified: {exc}") from None
        request.app.state.pki_trust = trust
    return trust


class SigningNotConfigured(ServiceError):
    status = 503
    title = "Signatures cannot be verified now"


def verified_signer(
    petition_id: str, body: SignatureEnvelopeIn, trust: Trust, context: Context
) -> tuple[Signer, dt.date]:
    """The signer of the envelope, checked at the edge in one call (certificate chain to the
    trust anchors, revocation and validity at the time of receipt, the signature over the
    petition's id and text), and the day in Kazakhstan it is counted on."""
    now = dt.datetime.now(dt.UTC)
    try:
        envelope = SignedEnvelope.from_json(body.model_dump())
        signer = verify_signature(
            envelope, petition_id, petitions.text_of(context, petition_id), trust, now
        )
    except SignatureRefused as refused:
        raise petitions.SignatureNotVerified(
            refused.field, refused.rule.value, dict(refused.values), str(refused)
        ) from None
    day = now.astimezone(petitions.KAZAKHSTAN).date()
    return Signer(signer.iin, signer.display_name, signer.certificate_serial), day


TAGS: list[str | Any] = ["petitions"]


def _state(petition_id: str, state: State) -> dict[str, Any]:
    return {"id": petition_id, "state": state.value}


def _json(value: Any) -> Any:
    """A service value as JSON: days and moments in ISO 8601 (a commitment's receipt is
    given on its own, by :meth:`saylau.petitions.receipts.Receipt.to_json`)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _json(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "log"
        }
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@router.post(PETITIONS, response_model=PetitionCreatedOut, status_code=201, tags=TAGS)
def create(body: PetitionIn, citizen: Citizen, context: ServiceContext) -> dict[str, Any]:
    """Draft a petition (its author is the citizen of the credential)."""
    petition_id = petitions.create(
        context, citizen, body.title, body.text, body.addressee, body.unit, petitions.today()
    )
    return {"id": petition_id, "state": "draft"}


@router.post(
    PETITIONS + "/{petition_id}/submission",
    response_model=PetitionStateOut,
    tags=TAGS,
)
def submit(petition_id: PetitionId, citizen: Citizen, context: ServiceContext) -> dict[str, Any]:
    """The author submits the draft to moderation; the threshold is fixed today."""
    return _state(petition_id, petitions.submit(context, citizen, petition_id, petitions.today()))


@router.get(
    PETITIONS + "/moderation",
    response_model=list[PetitionSummaryOut],
    tags=TAGS,
)
def moderation_queue(
    moderator: Moderator,
    context: ServiceContext,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """The petitions waiting for moderation, oldest first (at most ``limit``)."""
    return _json(petitions.moderation_queue(context, moderator, limit))


@router.get(PETITIONS + "/flags", response_model=list[SigningFlagOut], tags=TAGS)
def signing_flags(
    moderator: Moderator,
    context: ServiceContext,
    petition: Annotated[str | None, Query(min_length=1, max_length=64, pattern=CODE)] = None,
) -> Any:
    """Bulk patterns in the last week's signatures, for the moderators: many from one
    address in a short time, sequential IINs, certificates issued in the same minute."""
    found = signingevents.moderators_flags(context, moderator, dt.datetime.now(dt.UTC), petition)
    return [
        {
            "pattern": f.pattern.value,
            "petition_id": f.petition_id,
            "key": f.key,
            "signatures": f.signatures,
            "first": f.first.isoformat(timespec="seconds"),
            "last": f.last.isoformat(timespec="seconds"),
        }
        for f in found
    ]


@router.get(PETITIONS + "/addressed", response_model=list[PetitionSummaryOut], tags=TAGS)
def addressed(
    body: Body,
    context: ServiceContext,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """The petitions past their threshold waiting for the body of the credential."""
    return _json(petitions.addressed_to(context, body)[:limit])


@router.post(
    PETITIONS + "/{petition_id}/approval",
    response_model=PetitionStateOut,
    tags=TAGS,
)
def approve(
    petition_id: PetitionId, moderator: Moderator, context: ServiceContext
) -> dict[str, Any]:
    """Moderation approves: the petition gathers its first supporters."""
    state = petitions.approve(context, moderator, petition_id, petitions.today())
    return _state(petition_id, state)


@router.post(
    PETITIONS + "/{petition_id}/refusal",
    response_model=PetitionStateOut,
    tags=TAGS,
)
def refuse(
    petition_id: PetitionId, body: RefusalIn, moderator: Moderator, context: ServiceContext
) -> dict[str, Any]:
    """Moderation refuses for one of the subjects the law excludes (any other is a 422)."""
    state = petitions.refuse(context, moderator, petition_id, petitions.today(), body.subject)
    return _state(petition_id, state)


@router.post(
    PETITIONS + "/{petition_id}/signatures",
    response_model=PetitionReceiptOut,
    status_code=201,
    tags=TAGS,
    responses={200: {"model": PetitionReceiptOut}},
)
async def sign(
    petition_id: PetitionId,
    body: SignatureEnvelopeIn,
    request: Request,
    context: ServiceContext,
    response: Response,
) -> Any:
    """Sign the petition with the national PKI: 201 with the receipt; 200 with the first
    receipt when the citizen had signed already (counted once); 422 naming the field and
    the rule when the signature does not verify or the law refuses the signer; 429 with
    ``Retry-After`` past the limits per address and per citizen. The answer comes after the
    signature's commit, which it shares with the worker's other signers of the moment."""
    limits = limits_of(request)
    address = address_of(request)
    await limits.hit_address(address)
    desk: SigningDesk = request.app.state.signing
    receipt = await count_signature_together(
        context, trust_of(request), limits, desk, petition_id, body.model_dump(), address
    )
    if receipt.already_signed:
        response.status_code = 200
    return _json(receipt) | {"receipt": receipt.log.to_json()}


@router.delete(
    PETITIONS + "/{petition_id}/signatures/mine",
    response_model=PetitionCountOut,
    tags=TAGS,
)
def withdraw(petition_id: PetitionId, citizen: Citizen, context: ServiceContext) -> Any:
    """Withdraw the citizen's signature while signing is open: a new leaf of the petition's
    log names the signature's leaf; answers the new count and the withdrawal's receipt."""
    assert citizen.subject is not None
    done = petitions.withdraw(context, citizen.subject, petition_id, petitions.today())
    return {"id": petition_id, "signatures": done.signatures, "receipt": done.log.to_json()}


@router.post(
    PETITIONS + "/{petition_id}/consideration",
    response_model=PetitionStateOut,
    tags=TAGS,
)
def consider(petition_id: PetitionId, body: Body, context: ServiceContext) -> dict[str, Any]:
    """The addressee body takes the petition under consideration."""
    return _state(petition_id, petitions.consider(context, body, petition_id, petitions.today()))


@router.post(
    PETITIONS + "/{petition_id}/discussion",
    response_model=PetitionStateOut,
    tags=TAGS,
)
def discuss(petition_id: PetitionId, body: Body, context: ServiceContext) -> dict[str, Any]:
    """The addressee body opens the public discussion."""
    return _state(petition_id, petitions.discuss(context, body, petition_id, petitions.today()))


@router.post(
    PETITIONS + "/{petition_id}/answer",
    response_model=PetitionStateOut,
    tags=TAGS,
)
def answer(
    petition_id: PetitionId, text: AnswerIn, body: Body, context: ServiceContext
) -> dict[str, Any]:
    """The addressee body publishes its answer."""
    state = petitions.answer(context, body, petition_id, petitions.today(), text.text)
    return _state(petition_id, state)


@router.get(PETITIONS, response_model=list[PetitionSummaryOut], tags=TAGS)
def listing(
    context: ServiceContext,
    q: Annotated[str | None, Query(min_length=1, max_length=200, pattern=CODE)] = None,
    state: Annotated[str | None, Query(max_length=32, pattern=CODE)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """The public petitions, newest first; ``q`` searches titles and texts."""
    return _json(petitions.listing(context, q, state, limit, offset))


@router.get(PETITIONS + "/{petition_id}", response_model=PetitionOut, tags=TAGS)
def show(petition_id: PetitionId, context: ServiceContext) -> Any:
    """One petition: state, count, threshold, working days left, steps and answer."""
    return _json(petitions.shown(context, petition_id))


@router.get(
    PETITIONS + "/{petition_id}/regions",
    response_model=list[PetitionRegionOut],
    tags=TAGS,
)
def regions(petition_id: PetitionId, context: ServiceContext) -> Any:
    """Signatures counted per signer's region (None: not on the voter register)."""
    return _json(petitions.by_region(context, petition_id))


@router.get(
    PETITIONS + "/{petition_id}/days",
    response_model=list[PetitionDayOut],
    tags=TAGS,
)
def days(petition_id: PetitionId, context: ServiceContext) -> Any:
    """Signatures given and withdrawn each day, and the count at each day's end."""
    return _json(petitions.by_day(context, petition_id))


@router.get(
    PETITIONS + "/log/head", response_model=PetitionLogHeadOut, tags=TAGS, responses={404: {}}
)
def log_head(context: ServiceContext) -> Any:
    """The petitions' log's newest signed head: every step of every petition is a leaf (404
    until the first petition is filed)."""
    found = petitions.log_head(context)
    return {
        "origin": found.origin,
        "size": found.size,
        "root": found.root.hex(),
        "checkpoint": found.checkpoint,
        "key": found.key,
    }


@router.get(
    PETITIONS + "/{petition_id}/steps/{number}/proof",
    response_model=PetitionStepProofOut,
    tags=TAGS,
)
def step_proof(
    petition_id: PetitionId,
    number: Annotated[int, Path(ge=1, le=1000)],
    context: ServiceContext,
) -> Any:
    """A step of the petition as the log holds it, with its inclusion proof in the newest
    signed head (RFC 9162): anyone can check the step was logged and never changed."""
    return _json(petitions.step_proof(context, petition_id, number))


@router.get(PETITIONS + "/{petition_id}/log", response_model=SignatureLogOut, tags=TAGS)
def signature_log(petition_id: PetitionId, context: ServiceContext) -> Any:
    """The petition's log of salted commitments: its newest signed head and the count the
    petition shows; anyone checks that the count is the log's with its leaves."""
    return _json(petitions.signature_log(context, petition_id))


@router.get(PETITIONS + "/{petition_id}/log/leaves", response_model=list[str], tags=TAGS)
def signature_leaves(
    petition_id: PetitionId,
    context: ServiceContext,
    start: Annotated[int, Query(ge=0, le=2**53)] = 0,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> Any:
    """The public leaves of the petition's log from ``start`` (hex): commitments, never
    names."""
    return petitions.signature_leaves(context, petition_id, start, limit)
