"""``saylau petitions``: every step of an online petition and its public reads, each a few
lines over ``service.petitions``. Steps take the credential's token (``--token`` or
``SAYLAU_TOKEN``) and are dated ``--on`` (default: today in Kazakhstan)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from saylau.model import BadInput
from saylau.petitions.signing import Signer

petitions_app = typer.Typer(
    help="Online petitions: draft, moderate, sign, the daily tick, and the public counts.",
    no_args_is_help=True,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: DATABASE_URL, else sqlite:///saylau.db)"),
]
TokenOption = Annotated[
    str, typer.Option("--token", envvar="SAYLAU_TOKEN", help="the credential's token")
]
OnOption = Annotated[
    str | None, typer.Option("--on", help="the step's day, YYYY-MM-DD (default: today)")
]
PetitionArgument = Annotated[str, typer.Argument(help="the petition's id")]


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"saylau: {message}\n")
    raise typer.Exit(2)


def _day(on: str | None) -> dt.date:
    from saylau.service.petitions import today

    if on is None:
        return today()
    try:
        return dt.date.fromisoformat(on)
    except ValueError:
        _fail(f"field 'on': must be a day as YYYY-MM-DD, not {on!r}")


def _json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _json(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "log"  # a commitment's receipt is given by its own to_json
        }
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {key: _json(v) for key, v in value.items()}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _run(db: str | None, action: Callable[[Any], Any]) -> None:
    """Run a use case over the database and print its answer as JSON; bad input and
    refusals become one line and exit code 2."""
    from saylau.service.context import Context
    from saylau.service.errors import ServiceError

    context = Context.open(db)
    try:
        answer = action(context)
    except BadInput as exc:
        _fail(str(exc))
    except ServiceError as exc:
        _fail(exc.detail)
    finally:
        context.engine.dispose()
    sys.stdout.write(json.dumps(_json(answer), ensure_ascii=False, indent=2) + "\n")


def _as(context: Any, role: str, token: str) -> Any:
    from saylau.service.auth import authenticate_official

    with context.sessions() as session:
        return authenticate_official(session, role, token)


@petitions_app.command("create")
def create_command(
    title: Annotated[str, typer.Option("--title")],
    text: Annotated[str, typer.Option("--text")],
    addressee: Annotated[str, typer.Option("--addressee", help="government, regional_akimat…")],
    token: TokenOption,
    unit: Annotated[str | None, typer.Option("--unit", help="the region, e.g. KZ-75")] = None,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """Draft a petition as the citizen of the token; prints its id."""
    from saylau.service import petitions

    day = _day(on)
    _run(
        db,
        lambda c: {
            "id": petitions.create(c, _as(c, "citizen", token), title, text, addressee, unit, day)
        },
    )


def _step(role: str, step: str) -> Callable[..., None]:
    def command(
        petition: PetitionArgument, token: TokenOption, on: OnOption = None, db: DbOption = None
    ) -> None:
        from saylau.service import petitions

        day = _day(on)
        take = getattr(petitions, step)
        _run(db, lambda c: {"id": petition, "state": take(c, _as(c, role, token), petition, day)})

    command.__doc__ = f"Take the step '{step}' ({role}'s credential)."
    return command


for _name, _role in (
    ("submit", "citizen"),
    ("approve", "moderator"),
    ("consider", "addressee"),
    ("discuss", "addressee"),
):
    petitions_app.command(_name)(_step(_role, _name))


@petitions_app.command("refuse")
def refuse_command(
    petition: PetitionArgument,
    subject: Annotated[str, typer.Option("--subject", help="a subject the law excludes")],
    token: TokenOption,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """Refuse in moderation, for a subject the law excludes."""
    from saylau.service import petitions

    day = _day(on)
    _run(
        db,
        lambda c: {
            "id": petition,
            "state": petitions.refuse(c, _as(c, "moderator", token), petition, day, subject),
        },
    )


@petitions_app.command("answer")
def answer_command(
    petition: PetitionArgument,
    text: Annotated[str, typer.Option("--text", help="the body's answer")],
    token: TokenOption,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """Publish the addressee body's answer."""
    from saylau.service import petitions

    day = _day(on)
    _run(
        db,
        lambda c: {
            "id": petition,
            "state": petitions.answer(c, _as(c, "addressee", token), petition, day, text),
        },
    )


@petitions_app.command("sign")
def sign_command(
    petition: PetitionArgument,
    envelope: Annotated[
        Path, typer.Option("--envelope", help="the signature made with the citizen's key (JSON)")
    ],
    db: DbOption = None,
) -> None:
    """Count a citizen's signature: the envelope is checked against the trust anchors and
    revocation lists of SAYLAU_PKI_ANCHORS and SAYLAU_PKI_CRLS; prints the receipt (the
    first one if the citizen signed before)."""
    from saylau.pki import SignatureRefused, SignedEnvelope, trust_from_settings, verify_signature
    from saylau.service import petitions

    try:
        document = json.loads(envelope.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _fail(f"field 'envelope': cannot read {envelope} ({exc})")
    try:
        trust = trust_from_settings()
    except (LookupError, OSError, ValueError) as exc:
        _fail(f"signatures cannot be verified: {exc}")

    def action(c: Any) -> Any:
        now = dt.datetime.now(dt.UTC)
        try:
            signed = SignedEnvelope.from_json(document)
            found = verify_signature(signed, petition, petitions.text_of(c, petition), trust, now)
        except SignatureRefused as refused:
            _fail(str(refused))
        signer = Signer(found.iin, found.display_name, found.certificate_serial)
        receipt = petitions.sign(c, signer, petition, now.astimezone(petitions.KAZAKHSTAN).date())
        return _json(receipt) | {"receipt": receipt.log.to_json()}

    _run(db, action)


@petitions_app.command("withdraw")
def withdraw_command(
    petition: PetitionArgument, token: TokenOption, on: OnOption = None, db: DbOption = None
) -> None:
    """Withdraw the citizen's signature while signing is open; prints the new count."""
    from saylau.service import petitions

    day = _day(on)

    def action(c: Any) -> Any:
        citizen = _as(c, "citizen", token)
        done = petitions.withdraw(c, citizen.subject, petition, day)
        return {"id": petition, "signatures": done.signatures, "receipt": done.log.to_json()}

    _run(db, action)


@petitions_app.command("tick")
def tick_command(on: OnOption = None, db: DbOption = None) -> None:
    """Take every step a count or a date asks for by the day (run daily; running it again
    the same day takes nothing more)."""
    from saylau.service import petitions

    day = _day(on)
    _run(db, lambda c: petitions.tick(c, day))


@petitions_app.command("list")
def list_command(
    query: Annotated[str | None, typer.Option("--query", help="words of the title or text")] = None,
    state: Annotated[str | None, typer.Option("--state")] = None,
    db: DbOption = None,
) -> None:
    """The public petitions, newest first."""
    from saylau.service import petitions

    _run(db, lambda c: petitions.listing(c, query, state))


@petitions_app.command("show")
def show_command(petition: PetitionArgument, on: OnOption = None, db: DbOption = None) -> None:
    """One petition: its state, count, threshold, working days left, steps and answer."""
    from saylau.service import petitions

    day = _day(on)
    _run(db, lambda c: petitions.shown(c, petition, day))


@petitions_app.command("counts")
def counts_command(petition: PetitionArgument, db: DbOption = None) -> None:
    """The petition's counts per region and per day (open data)."""
    from saylau.service import petitions

    _run(
        db,
        lambda c: {
            "regions": petitions.by_region(c, petition),
            "days": petitions.by_day(c, petition),
        },
    )


@petitions_app.command("flags")
def flags_command(
    token: TokenOption,
    petition: Annotated[str | None, typer.Option("--petition", help="one petition's id")] = None,
    db: DbOption = None,
) -> None:
    """The bulk patterns of the last week's signatures, for the moderators (a moderator's
    token): many from one address, sequential IINs, certificates issued in one minute."""
    from saylau.service import signingevents

    now = dt.datetime.now(dt.UTC)
    _run(
        db,
        lambda c: signingevents.moderators_flags(c, _as(c, "moderator", token), now, petition),
    )
