"""``saylau pki init|issue|revoke|publish``: the demo's test certification authority in a
folder (see :mod:`saylau.pki.folder` for its layout and the settings that point at it)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from saylau.model import BadInput

pki_app = typer.Typer(
    help="A test certification authority shaped like NCA RK, for the demo and tests.",
    no_args_is_help=True,
)

FolderArgument = Annotated[Path, typer.Argument(help="the authority's folder")]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="when, as ISO 8601 (a time without a zone is UTC; default: now)"),
]


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"saylau: {message}\n")
    raise typer.Exit(2)


def _moment(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        _fail(f"field 'at': is an ISO 8601 date or time (found {text!r})")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@pki_app.command("init")
def init(
    folder: FolderArgument,
    name: Annotated[str, typer.Option(help="the authority's name")] = "Saylau Test NCA",
    at: AtOption = None,
) -> None:
    """Create a root, an issuing authority and their empty revocation lists."""
    from saylau.pki import folder as files

    try:
        files.create(folder, _moment(at), name)
    except BadInput as exc:
        _fail(str(exc))
    sys.stdout.write(
        f"wrote {folder}; trust anchors {folder / files.ANCHOR.parent}, "
        f"revocation lists {folder / files.ROOT_CRL.parent}\n"
    )


@pki_app.command("issue")
def issue(
    folder: FolderArgument,
    iin: Annotated[str, typer.Option(help="the citizen's IIN (12 digits)")],
    surname: Annotated[str, typer.Option(help="surname")],
    first_name: Annotated[str, typer.Option(help="first name")],
    patronymic: Annotated[str | None, typer.Option(help="patronymic")] = None,
    at: AtOption = None,
    days: Annotated[int, typer.Option(help="days the certificate is valid")] = 365,
) -> None:
    """Issue a citizen's signing certificate with the IIN in its subject."""
    from saylau.pki import folder as files

    try:
        issued = files.issue(folder, iin, surname, first_name, patronymic, _moment(at), days)
    except BadInput as exc:
        _fail(str(exc))
    sys.stdout.write(f"serial {issued.serial}: wrote {issued.certificate} and {issued.key}\n")


@pki_app.command("revoke")
def revoke(
    folder: FolderArgument,
    serial: Annotated[str, typer.Argument(help="the certificate's serial (hex)")],
    at: AtOption = None,
) -> None:
    """Revoke a citizen's certificate and publish the next revocation list."""
    from saylau.pki import folder as files

    try:
        entry = files.revoke(folder, serial, _moment(at))
    except BadInput as exc:
        _fail(str(exc))
    sys.stdout.write(f"revoked {entry.serial:x} from {entry.revoked_at.isoformat()}\n")


@pki_app.command("publish")
def publish(
    folder: FolderArgument,
    at: AtOption = None,
    days: Annotated[int, typer.Option(help="days the lists stay current")] = 7,
) -> None:
    """Publish fresh revocation lists of both authorities (before the old ones go stale)."""
    from saylau.pki import folder as files

    try:
        files.publish(folder, files.load(folder), _moment(at), days)
    except BadInput as exc:
        _fail(str(exc))
    sys.stdout.write(f"published the revocation lists in {folder / files.ROOT_CRL.parent}\n")
