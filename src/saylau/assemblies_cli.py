"""``saylau assemblies``: file, answer and withdraw notices of peaceful assemblies, run the
tick, and read the calendar and the places, as JSON (or iCalendar), each a few lines over
``service/assemblies``. The organiser's or the akimat's credential is read from the file
``saylau election credentials official`` wrote, never from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from saylau import strictjson
from saylau.model import BadInput, iso_date

assemblies_app = typer.Typer(
    help="Peaceful assemblies: notices, the akimat's answers, the calendar and the places.",
    no_args_is_help=True,
)
BAD_INPUT = 2

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: DATABASE_URL, else sqlite:///saylau.db)"),
]
Credential = Annotated[
    Path,
    typer.Option(
        "--credential", help="the credential file written by 'election credentials official'"
    ),
]
City = Annotated[str | None, typer.Option("--city", help="the city's ISO 3166-2 code, KZ-75")]


def _fail(message: str) -> NoReturn:
    """One clear line on stderr, nothing on stdout, exit code 2."""
    sys.stderr.write(f"saylau: {message}\n")
    raise typer.Exit(BAD_INPUT)


def _print(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _run(action: Any) -> Any:
    """Run a use case; bad input and refusals become one line and exit code 2."""
    from saylau.service.errors import ServiceError

    try:
        return action()
    except BadInput as exc:
        _fail(str(exc))
    except ServiceError as exc:
        _fail(exc.detail)


def _context(db: str | None) -> Any:
    from saylau.service.context import Context

    return Context.open(db)


def _official(ctx: Any, role: str, file: Path) -> Any:
    """The official whose credential ``file`` holds, authenticated for ``role``."""
    from saylau.service.auth import authenticate_official

    try:
        document = strictjson.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"field 'credential': cannot read {file} ({exc.strerror})")
    except (json.JSONDecodeError, strictjson.DuplicateKey):
        _fail(f"field 'credential': {file} is not the JSON of a credential file")
    entries = document if isinstance(document, list) else [document]
    tokens = [e.get("token") for e in entries if isinstance(e, dict)]
    if len(tokens) != 1 or not isinstance(tokens[0], str):
        _fail(f"field 'credential': {file} must hold exactly one credential with its token")
    with ctx.sessions() as session:
        return _run(lambda: authenticate_official(session, role, tokens[0]))


def _local(raw: Any, field: str) -> dt.datetime:
    if not isinstance(raw, str):
        _fail(f"field '{field}': must be a local time YYYY-MM-DDTHH:MM")
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        _fail(f"field '{field}': must be a local time YYYY-MM-DDTHH:MM (found {raw!r})")
    return moment


@assemblies_app.command("notify")
def notify_command(
    file: Annotated[Path, typer.Argument(help="the notice as JSON (as POST /api/v1/assemblies)")],
    credential: Credential,
    db: DbOption = None,
) -> None:
    """File a notice today under today's law; print the assembly, or every rule it breaks."""
    from saylau.service import assemblies

    try:
        raw = strictjson.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror}")
    except (json.JSONDecodeError, strictjson.DuplicateKey) as exc:
        _fail(f"{file}: not valid JSON ({exc})")
    if not isinstance(raw, dict):
        _fail(f"{file}: expected an object")
    expected = {"kind", "city", "place", "starts", "ends", "participants", "purpose"}
    if set(raw) != expected:
        _fail(f"{file}: the notice has exactly the fields {sorted(expected)}")
    participants = raw["participants"]
    if isinstance(participants, bool) or not isinstance(participants, int):
        _fail("field 'participants': must be a whole number")
    texts = {k: raw[k] for k in ("kind", "city", "place", "purpose")}
    for name, value in texts.items():
        if not isinstance(value, str):
            _fail(f"field '{name}': must be a text")
    ctx = _context(db)
    organiser = _official(ctx, "organiser", credential)
    view = _run(
        lambda: assemblies.notify(
            ctx,
            organiser,
            texts["kind"],
            texts["city"],
            texts["place"],
            _local(raw["starts"], "starts"),
            _local(raw["ends"], "ends"),
            participants,
            texts["purpose"],
        )
    )
    _print(view.as_json())


@assemblies_app.command("answer")
def answer_command(
    assembly_id: Annotated[str, typer.Argument(help="the assembly's id")],
    decision: Annotated[str, typer.Option("--decision", help="agree, approve or refuse")],
    credential: Credential,
    reason: Annotated[str | None, typer.Option("--reason", help="a refusal's reason")] = None,
    db: DbOption = None,
) -> None:
    """The akimat's answer today."""
    from saylau.service import assemblies

    ctx = _context(db)
    akimat = _official(ctx, "akimat", credential)
    _print(_run(lambda: assemblies.answer(ctx, akimat, assembly_id, decision, reason)).as_json())


@assemblies_app.command("withdraw")
def withdraw_command(
    assembly_id: Annotated[str, typer.Argument(help="the assembly's id")],
    credential: Credential,
    db: DbOption = None,
) -> None:
    """The organiser who filed the notice withdraws it today."""
    from saylau.service import assemblies

    ctx = _context(db)
    organiser = _official(ctx, "organiser", credential)
    _print(_run(lambda: assemblies.withdraw(ctx, organiser, assembly_id)).as_json())


@assemblies_app.command("tick")
def tick_command(db: DbOption = None) -> None:
    """Record today every notification left unanswered past its deadline as going ahead;
    safe to run as often as wanted (a scheduled job)."""
    from saylau.service import assemblies

    ctx = _context(db)
    recorded = _run(lambda: assemblies.tick(ctx))
    _print({"on": assemblies.today().isoformat(), "went_ahead": recorded})


def _day(raw: str | None, field: str) -> dt.date | None:
    if raw is None:
        return None
    return _run(lambda: iso_date(raw, field))  # type: ignore[no-any-return]


@assemblies_app.command("list")
def list_command(
    city: City = None,
    state: Annotated[str | None, typer.Option("--state", help="only this state")] = None,
    since: Annotated[str | None, typer.Option("--since", help="from this day")] = None,
    until: Annotated[str | None, typer.Option("--until", help="to this day")] = None,
    ics: Annotated[bool, typer.Option("--ics", help="as iCalendar instead of JSON")] = False,
    db: DbOption = None,
) -> None:
    """The public calendar: assemblies by start, with answers and overlaps."""
    from saylau.assemblies import icalendar
    from saylau.service import assemblies

    wanted = assemblies.Filter(city, state, _day(since, "since"), _day(until, "until"))
    views = _run(lambda: assemblies.calendar(_context(db), wanted))
    if not ics:
        _print([v.as_json() for v in views])
        return
    stamp = dt.datetime.now(dt.UTC)
    events = [
        icalendar.Event(
            f"{v.id}@saylau",
            f"{v.kind}: {v.purpose}",
            v.starts,
            v.ends,
            f"{v.place_names['ru']} ({v.city})",
            f"{v.state}; organiser {v.organiser}; {v.participants} participants",
            f"/api/v1/assemblies/{v.id}",
            icalendar.STATUS[v.state],
            stamp,
        )
        for v in views
    ]
    sys.stdout.write(icalendar.calendar("Saylau: peaceful assemblies", events))


@assemblies_app.command("show")
def show_command(
    assembly_id: Annotated[str, typer.Argument(help="the assembly's id")], db: DbOption = None
) -> None:
    """One assembly with its whole history."""
    from saylau.service import assemblies

    _print(_run(lambda: assemblies.assembly(_context(db), assembly_id)).as_json())


@assemblies_app.command("places")
def places_command(
    city: City = None,
    on: Annotated[str | None, typer.Option("--on", help="only places in force this day")] = None,
) -> None:
    """The places and routes the maslikhats set, each with its decision and dates."""
    from saylau.assemblies.places import place_book

    day = _day(on, "on")
    _print(
        [
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
            }
            for p in place_book().places
            if (city is None or p.city == city) and (day is None or p.covers(day))
        ]
    )
