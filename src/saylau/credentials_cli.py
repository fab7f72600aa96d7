"""``saylau election credentials issue|revoke|rotate|list``: the operator's hands on who may
submit and approve.

``saylau election credentials ELECTION --out FILE`` (without a subcommand) still issues,
as it did before the subcommands existed. Token files are created readable by their owner
only, in one step, and never overwrite an existing file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from saylau.model import BadInput

BAD_INPUT = 2


class _IssueByDefault(TyperGroup):
    """A group whose first argument, when it names no subcommand, is the election to issue
    credentials for (the usage before revoke and rotate existed)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["issue", *args]
        return super().parse_args(ctx, args)


credentials_app = typer.Typer(
    cls=_IssueByDefault,
    help="Issue, revoke, rotate and list the credentials of an election's commissions.",
    no_args_is_help=True,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: DATABASE_URL, else sqlite:///saylau.db)"),
]
ElectionArgument = Annotated[str, typer.Argument(help="election id")]
ById = Annotated[list[int] | None, typer.Option("--id", help="credential id (repeat for several)")]
ByUnit = Annotated[
    str | None, typer.Option("--unit", help="every credential of this commission's unit")
]
ByName = Annotated[str | None, typer.Option("--name", help="with --unit: only this member")]
Operator = Annotated[str, typer.Option("--by", help="who withdraws it (the operator's name)")]
ValidDays = Annotated[int, typer.Option("--valid-days", help="days until the new tokens expire")]


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"saylau: {message}\n")
    raise typer.Exit(BAD_INPUT)


def write_private(path: Path, document: Any) -> None:
    """Create ``path`` readable and writable by its owner only, from the first byte; refuse
    to replace a file that exists (it may hold tokens still in use)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _fail(f"field 'out': {path} exists; tokens are never written over a file")
    except OSError as exc:
        _fail(f"field 'out': cannot create {path} ({exc.strerror})")
    with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
        sink.write(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def _context(db: str | None) -> Any:
    from saylau.service.context import Context

    return Context.open(db)


def _run(action: Any) -> Any:
    """Run a use case; bad input and refusals become one line and exit code 2."""
    from saylau.service.errors import ServiceError

    try:
        return action()
    except BadInput as exc:
        _fail(str(exc))
    except ServiceError as exc:
        _fail(exc.detail)


def _free(out: Path) -> None:
    """Refuse before anything is issued if the tokens could not be written."""
    if out.exists():
        _fail(f"field 'out': {out} exists; tokens are never written over a file")


def _chosen(
    ctx: Any, election_id: str, ids: list[int] | None, unit: str | None, name: str | None
) -> list[int]:
    from saylau.service.credentials import select_credentials

    if ids and (unit or name):
        _fail("field 'id': give credential ids or --unit (with --name), not both")
    if ids:
        return ids
    if name and not unit:
        _fail("field 'unit': --name needs the member's commission (--unit)")
    chosen: list[int] = _run(lambda: select_credentials(ctx, election_id, unit, name))
    return chosen


@credentials_app.command("issue")
def issue_command(
    election_id: ElectionArgument,
    out: Annotated[Path, typer.Option(help="where to write the new tokens (JSON, mode 0600)")],
    members: Annotated[
        Path | None,
        typer.Option(
            help="members to issue for: CSV with header unit,name,position, or a JSON list "
            "of such objects (an empty unit is an observer); default: one placeholder "
            "member per commission and one for observers"
        ),
    ] = None,
    valid_days: ValidDays = 31,
    db: DbOption = None,
) -> None:
    """Issue one credential per member; a member who holds one already is refused."""
    from saylau.service.credentials import issue, read_members

    _free(out)
    chosen = None
    if members is not None:
        try:
            chosen = _run(lambda: read_members(members))
        except OSError as exc:
            _fail(f"field 'members': cannot read {members} ({exc.strerror})")
    ctx = _context(db)
    validity = dt.timedelta(days=valid_days)
    issued = _run(lambda: issue(ctx, election_id, chosen, validity))
    write_private(out, [credential.as_json() for credential in issued])
    sys.stdout.write(f"wrote {len(issued)} credentials to {out}\n")


@credentials_app.command("revoke")
def revoke_command(
    election_id: ElectionArgument,
    by: Operator,
    reason: Annotated[str | None, typer.Option(help="why (recorded with the revocation)")] = None,
    ids: ById = None,
    unit: ByUnit = None,
    name: ByName = None,
    db: DbOption = None,
) -> None:
    """Withdraw credentials now: their tokens get 401 from the next request on."""
    from saylau.service.credentials import revoke

    if not reason or not reason.strip():
        _fail("field 'reason': a revocation must say why")
    ctx = _context(db)
    chosen = _chosen(ctx, election_id, ids, unit, name)
    revoked = _run(lambda: revoke(ctx, election_id, chosen, by, reason))
    for credential in revoked:
        sys.stdout.write(
            f"revoked credential {credential.credential_id} of {credential.member!r} "
            f"({credential.unit_code or 'observers'})\n"
        )


@credentials_app.command("rotate")
def rotate_command(
    election_id: ElectionArgument,
    by: Operator,
    out: Annotated[Path, typer.Option(help="where to write the new tokens (JSON, mode 0600)")],
    reason: Annotated[str, typer.Option(help="why (recorded on the old credential)")] = "rotated",
    ids: ById = None,
    unit: ByUnit = None,
    name: ByName = None,
    valid_days: ValidDays = 31,
    db: DbOption = None,
) -> None:
    """Give the same members new tokens; the old ones stop working at once."""
    from saylau.service.credentials import rotate

    _free(out)
    ctx = _context(db)
    chosen = _chosen(ctx, election_id, ids, unit, name)
    validity = dt.timedelta(days=valid_days)
    issued = _run(lambda: rotate(ctx, election_id, chosen, by, reason, validity))
    write_private(out, [credential.as_json() for credential in issued])
    sys.stdout.write(f"wrote {len(issued)} new credentials to {out}\n")


@credentials_app.command("list")
def list_command(election_id: ElectionArgument, db: DbOption = None) -> None:
    """Print every credential with its owner and state as JSON (never a token)."""
    from saylau.service.credentials import listing

    found = _run(lambda: listing(_context(db), election_id))
    sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")


@credentials_app.command("official")
def official_command(
    out: Annotated[Path, typer.Option(help="where to write the new token (JSON, mode 0600)")],
    name: Annotated[str, typer.Option("--name", help="the official who holds it")],
    position: Annotated[str, typer.Option("--position", help="the official's position")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="justice (registers parties), akimat (answers assembly notices), organiser "
            "(files them), moderator (petitions), addressee (a body petitions are addressed "
            "to) or citizen",
        ),
    ] = "justice",
    city: Annotated[
        str | None,
        typer.Option("--city", help="an akimat's city (ISO 3166-2, KZ-75): its notices only"),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(
            "--subject",
            help="an addressee's body (government, regional_akimat:KZ-75) or a citizen's IIN",
        ),
    ] = None,
    valid_days: ValidDays = 31,
    db: DbOption = None,
) -> None:
    """Issue a credential to an official of a body that is not a commission (the Ministry
    of Justice, which registers parties; a city's akimat; an assembly's organiser); it
    belongs to no election."""
    from saylau.service.credentials import issue_official

    _free(out)
    ctx = _context(db)
    validity = dt.timedelta(days=valid_days)
    issued = _run(
        lambda: issue_official(ctx, role, name, position, validity, city, subject=subject)
    )
    write_private(out, [issued.as_json()])
    sys.stdout.write(f"wrote 1 credential to {out}\n")
