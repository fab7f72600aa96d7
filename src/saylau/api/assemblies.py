"""Peaceful assemblies over HTTP: an organiser files a notice or withdraws it, the akimat
answers and runs the tick; anyone reads the calendar (JSON or iCalendar), each assembly, the
places the maslikhats set and the size and root of the log of steps."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from saylau.api.params import ServiceContext, bearer
from saylau.api.strictbody import StrictRoute
from saylau.assemblies import icalendar
from saylau.assemblies.places import place_book
from saylau.model import BadInput, iso_date
from saylau.service import assemblies
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context

ASSEMBLIES = "/api/v1/assemblies"
PLACES = "/api/v1/assembly-places"
AssemblyId = Annotated[str, Path(pattern=r"^a[0-9a-f]{12}$")]
City = Annotated[str | None, Query(pattern=r"^KZ-[0-9]{2}$")]
Day = Annotated[str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
State = Annotated[str | None, Query(pattern=r"^[a-z_]{1,16}$")]
LocalTime = Annotated[StrictStr, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")]
Text = Annotated[StrictStr, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]+$")]

router = APIRouter(route_class=StrictRoute)


def _official(request: Request, role: str, token: str | None) -> Official:
    context: Context = request.app.state.context
    with context.sessions() as session:
        return authenticate_official(session, role, token)


def organiser_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Official:
    """The organiser behind the bearer token (an akimat's or a commission's is 403)."""
    return _official(request, "organiser", credentials.credentials if credentials else None)


def akimat_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Official:
    """The akimat official behind the bearer token (an organiser's is 403)."""
    return _official(request, "akimat", credentials.credentials if credentials else None)


async def today_of(request: Request) -> dt.date:
    """Today in Kazakhstan: the day a notice is filed or a step taken (an application may
    set ``assembly_clock`` on its state to run on another day)."""
    clock = getattr(request.app.state, "assembly_clock", None)
    day: dt.date = clock() if clock is not None else assemblies.today()
    return day


Organiser = Annotated[Official, Depends(organiser_of)]
Akimat = Annotated[Official, Depends(akimat_of)]
Today = Annotated[dt.date, Depends(today_of)]


class NoticeIn(BaseModel):
    """A notice: the form, the city (ISO 3166-2) and the place its maslikhat set, the city's
    local start and end, the expected participants and the purpose."""

    model_config = ConfigDict(extra="forbid")
    kind: Annotated[StrictStr, Field(pattern=r"^[a-z]{1,16}$")]
    city: Annotated[StrictStr, Field(pattern=r"^KZ-[0-9]{2}$")]
    place: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    starts: LocalTime
    ends: LocalTime
    participants: Annotated[StrictInt, Field(ge=0, le=10_000_000)]
    purpose: Text


class AnswerIn(BaseModel):
    """The akimat's answer: agree (a notification), approve (a request) or refuse, with
    its reason."""

    model_config = ConfigDict(extra="forbid")
    decision: Annotated[StrictStr, Field(pattern=r"^(agree|approve|refuse)$")]
    reason: Text | None = None


class StepOut(BaseModel):
    number: int
    state: str
    on: str
    late: bool
    reason: str | None
    recorded_at: str
    log_index: int


class AssemblyOut(BaseModel):
    id: str
    organiser: str
    kind: str
    procedure: str
    city: str
    place: str
    place_names: dict[str, str]
    starts: str
    ends: str
    participants: int
    purpose: str
    filed_on: str
    answer_due: str
    state: str
    reason: str | None
    over_capacity: bool
    overlaps_with: list[str]
    answer_overdue: bool
    citations: list[str]
    history: list[StepOut]


class TickOut(BaseModel):
    on: str
    went_ahead: list[str]


class LogOut(BaseModel):
    size: int
    root: str
    checkpoint: str | None
    key: str


class ProofOut(BaseModel):
    leaf: str
    index: int
    size: int
    root: str
    proof: list[str]


class PlaceOut(BaseModel):
    city: str
    place: str
    kinds: list[str]
    names: dict[str, str]
    capacity: int | None
    since: str
    until: str | None
    decision: str
    source: str
    open: str | None


def _local(text: str, field: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(field, "must be a local time YYYY-MM-DDTHH:MM", text) from None


def _day(text: str | None, field: str) -> dt.date | None:
    return iso_date(text, field) if text is not None else None


@router.post(
    ASSEMBLIES,
    response_model=AssemblyOut,
    status_code=201,
    tags=["assemblies"],
    responses={403: {}, 422: {}},
)
def notify(
    body: NoticeIn, organiser: Organiser, today: Today, context: ServiceContext
) -> dict[str, Any]:
    """File a notice today under today's law: a picket, meeting or rally is notified (the
    akimat answers within the law's working days, silence lets it go ahead), a march or a
    demonstration is requested; a notice breaking a rule is 422 with every reason."""
    view = assemblies.notify(
        context,
        organiser,
        body.kind,
        body.city,
        body.place,
        _local(body.starts, "starts"),
        _local(body.ends, "ends"),
        body.participants,
        body.purpose,
        on=today,
    )
    return view.as_json()


@router.post(
    ASSEMBLIES + "/{assembly_id}/answer",
    response_model=AssemblyOut,
    status_code=201,
    tags=["assemblies"],
    responses={403: {}, 404: {}, 422: {}},
)
def answer(
    assembly_id: AssemblyId, body: AnswerIn, akimat: Akimat, today: Today, context: ServiceContext
) -> dict[str, Any]:
    """The akimat's answer, recorded as the assembly's next step."""
    return assemblies.answer(
        context, akimat, assembly_id, body.decision, body.reason, on=today
    ).as_json()


@router.post(
    ASSEMBLIES + "/{assembly_id}/withdrawal",
    response_model=AssemblyOut,
    status_code=201,
    tags=["assemblies"],
    responses={403: {}, 404: {}, 422: {}},
)
def withdraw(
    assembly_id: AssemblyId, organiser: Organiser, today: Today, context: ServiceContext
) -> dict[str, Any]:
    """The organiser who filed the notice withdraws it (until the assembly's day)."""
    return assemblies.withdraw(context, organiser, assembly_id, on=today).as_json()


@router.post(
    ASSEMBLIES + "/tick",
    response_model=TickOut,
    tags=["assemblies"],
    responses={403: {}},
)
def tick(akimat: Akimat, today: Today, context: ServiceContext) -> dict[str, Any]:
    """Record every notification of the akimat's city unanswered past its deadline as going
    ahead as notified; run again the same day, it records nothing more."""
    recorded = assemblies.tick(context, on=today, city=akimat.unit_code)
    return {"on": today.isoformat(), "went_ahead": recorded}


def _filter(
    city: str | None, state: str | None, since: str | None, until: str | None
) -> assemblies.Filter:
    return assemblies.Filter(city, state, _day(since, "since"), _day(until, "until"))


@router.get(ASSEMBLIES, response_model=list[AssemblyOut], tags=["assemblies"], responses={422: {}})
def calendar(
    context: ServiceContext,
    city: City = None,
    state: State = None,
    since: Day = None,
    until: Day = None,
) -> list[dict[str, Any]]:
    """The public calendar: assemblies by start, each with its answer and its overlaps at
    the same place; filtered by city, state and days."""
    return [v.as_json() for v in assemblies.calendar(context, _filter(city, state, since, until))]


@router.get(
    ASSEMBLIES + "/calendar.ics",
    tags=["assemblies"],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}, 422: {}},
)
def calendar_ics(
    request: Request,
    context: ServiceContext,
    city: City = None,
    state: State = None,
    since: Day = None,
    until: Day = None,
) -> Response:
    """The same calendar as iCalendar (RFC 5545), for a calendar application to subscribe."""
    views = assemblies.calendar(context, _filter(city, state, since, until))
    stamp = dt.datetime.now(dt.UTC)
    events = [
        icalendar.Event(
            uid=f"{v.id}@saylau",
            summary=f"{v.kind}: {v.purpose}",
            starts=v.starts,
            ends=v.ends,
            location=f"{v.place_names['ru']} ({v.city})",
            description=f"{v.state}; organiser {v.organiser}; {v.participants} participants",
            url=str(request.url_for("assembly_json", assembly_id=v.id)),
            status=icalendar.STATUS[v.state],
            stamp=stamp,
        )
        for v in views
    ]
    body = icalendar.calendar("Saylau: peaceful assemblies", events)
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get(ASSEMBLIES + "/log", response_model=LogOut, tags=["assemblies"])
def log(context: ServiceContext) -> dict[str, Any]:
    """The size and root (hex) of the Merkle log every step of every assembly is a leaf of,
    its signed checkpoint (C2SP) and the verifier key that signs it."""
    state = assemblies.log_state(context)
    return {
        "size": state.size,
        "root": state.root,
        "checkpoint": state.checkpoint,
        "key": state.key,
    }


@router.get(
    ASSEMBLIES + "/{assembly_id}",
    response_model=AssemblyOut,
    tags=["assemblies"],
    name="assembly_json",
    responses={404: {}},
)
def show(assembly_id: AssemblyId, context: ServiceContext) -> dict[str, Any]:
    """One assembly with its history (each step dated and recorded) and overlaps."""
    return assemblies.assembly(context, assembly_id).as_json()


@router.get(
    ASSEMBLIES + "/{assembly_id}/steps/{number}/proof",
    response_model=ProofOut,
    tags=["assemblies"],
    responses={404: {}},
)
def step_proof(
    assembly_id: AssemblyId,
    number: Annotated[int, Path(ge=1, le=1000)],
    context: ServiceContext,
) -> dict[str, Any]:
    """A step's record as the log holds it and its inclusion proof (RFC 9162, SHA-256) in
    the log at its present size and root: anyone can check that the step is in the log."""
    return assemblies.step_proof(context, assembly_id, number).as_json()


@router.get(PLACES, response_model=list[PlaceOut], tags=["assemblies"], responses={422: {}})
def places(city: City = None, on: Day = None) -> list[dict[str, Any]]:
    """The places and routes the maslikhats set, each with its decision and dates; on a
    day, only those in force."""
    day = _day(on, "on")
    found = [
        p
        for p in place_book().places
        if (city is None or p.city == city) and (day is None or p.covers(day))
    ]
    return [
        {
            "city": p.city,
            "place": p.id,
            "kinds": sorted(k.value for k in p.kinds),
            "names": dict(p.names),
            "capacity": p.capacity,
            "since": p.start.isoformat(),
            "until": p.until.isoformat() if p.until else None,
            "decision": p.decision,
            "source": p.source,
            "open": p.open,
        }
        for p in found
    ]
