"""The registry of parties over HTTP: the Ministry of Justice files an application and gets
the decision (recorded either way); anyone reads the registry and each party's history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials

from saylau.api.params import CODE, ServiceContext, bearer
from saylau.api.schemas import (
    PartyApplicationIn,
    PartyDecisionOut,
    PartyEventIn,
    PartyEventRecordedOut,
    PartyOut,
)
from saylau.api.strictbody import StrictRoute
from saylau.model import iso_date
from saylau.register.reading import read_application
from saylau.service import parties
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context

PARTIES = "/api/v1/parties"
PartyId = Annotated[str, Path(min_length=1, max_length=64, pattern=CODE)]

router = APIRouter(route_class=StrictRoute)


def justice_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Official:
    """The Ministry of Justice official behind the bearer token (a commission's is 403)."""
    context: Context = request.app.state.context
    token = credentials.credentials if credentials else None
    with context.sessions() as session:
        return authenticate_official(session, "justice", token)


Justice = Annotated[Official, Depends(justice_of)]


@router.post(
    PARTIES + "/applications",
    response_model=PartyDecisionOut,
    status_code=201,
    tags=["parties"],
    responses={403: {}, 409: {}, 422: {}},
)
def file_application(
    body: PartyApplicationIn, official: Justice, context: ServiceContext
) -> dict[str, Any]:
    """Decide a party's application on its date under the law of that date and record the
    decision as the party's next event: registered (or re-registered), or refused with
    every failed rule, its found and required numbers and its citation."""
    raw = body.model_dump(exclude={"names"})
    application, roll = read_application(raw)
    names = body.names.model_dump() if body.names is not None else None
    return parties.apply(context, official, application, roll, names)


@router.post(
    PARTIES + "/{party_id}/events",
    response_model=PartyEventRecordedOut,
    status_code=201,
    tags=["parties"],
    responses={403: {}, 404: {}, 409: {}, 422: {}},
)
def record_event(
    party_id: PartyId, body: PartyEventIn, official: Justice, context: ServiceContext
) -> dict[str, Any]:
    """Record that a registered party merged into another registered party, or was
    dissolved: a new event of its history, never a change to an earlier one."""
    on = iso_date(body.on, "on")
    return parties.record_event(context, official, party_id, body.kind, on, body.sources, body.into)


@router.get(PARTIES, response_model=list[PartyOut], tags=["parties"])
def list_parties(context: ServiceContext) -> list[dict[str, Any]]:
    """The registry: every party, its names, status, registration date and history."""
    return parties.registry(context)


@router.get(PARTIES + "/{party_id}", response_model=PartyOut, tags=["parties"])
def show_party(party_id: PartyId, context: ServiceContext) -> dict[str, Any]:
    """One party with its history, each decision with every rule it applied."""
    return parties.party(context, party_id)
