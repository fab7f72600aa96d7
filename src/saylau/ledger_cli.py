"""``saylau ledger key generate|rotate|show``: the log's signing key, kept out of the database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

ledger_app = typer.Typer(help="The ledger's signing key: generate, rotate, show.")
key_app = typer.Typer(help="The signing key file and the logs' public keys.", no_args_is_help=True)
ledger_app.add_typer(key_app, name="key")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: DATABASE_URL, else sqlite:///saylau.db)"),
]
KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key",
        help="signing key file (default: SAYLAU_SIGNING_KEY, else ledger-signing.key beside "
        "a SQLite database, else var/ledger-signing.key)",
    ),
]


def _fail(message: str) -> None:
    sys.stderr.write(f"saylau: {message}\n")
    raise typer.Exit(2)


def _path(db: str | None, key: Path | None) -> Path:
    from saylau import keyfile
    from saylau.store import database_url

    return keyfile.configured_path(database_url(db), key)


@key_app.command("generate")
def generate(db: DbOption = None, key: KeyOption = None) -> None:
    """Create a new signing key file (mode 0600); never overwrites one."""
    from saylau import keyfile

    path = _path(db, key)
    try:
        created = keyfile.generate(path)
    except keyfile.KeyFileError as exc:
        _fail(str(exc))
        return
    sys.stdout.write(f"wrote {path}; public key {created.verifying_key.to_hex()}\n")


@key_app.command("rotate")
def rotate(db: DbOption = None, key: KeyOption = None) -> None:
    """Replace the key file by a new key that signs every log's heads from its next size on."""
    from saylau import keyfile
    from saylau.service import signers
    from saylau.service.context import Context
    from saylau.store import database_url

    path = _path(db, key)
    try:
        retired, rotated = signers.rotate(Context.open(database_url(db), signer=path), path)
    except keyfile.KeyFileError as exc:
        _fail(str(exc))
        return
    sys.stdout.write(f"new key in {path}; the old one kept as {retired}\n")
    for election_id, from_size, vkey in rotated:
        sys.stdout.write(f"{election_id}: signed from size {from_size} by {vkey}\n")


@key_app.command("show")
def show(db: DbOption = None, key: KeyOption = None) -> None:
    """Print the key file's public key and every log's keys with the first size each signs."""
    from saylau import keyfile
    from saylau.service import signers
    from saylau.service.context import Context
    from saylau.store import database_url

    path = _path(db, key)
    try:
        public = keyfile.load(path).verifying_key.to_hex()
    except keyfile.KeyFileError as exc:
        public = f"unavailable ({exc})"
    sys.stdout.write(f"key file {path}: public key {public}\n")
    for log in signers.show(Context.open(database_url(db), signer=path)):
        sys.stdout.write(f"{log.election_id}: log {log.origin}, {log.size} entries\n")
        for from_size, note_key in log.keys:
            sys.stdout.write(f"  from size {from_size}: {note_key.vkey()}\n")
