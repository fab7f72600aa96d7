"""``saylau register party``: the registering side's decisions from files, as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from saylau import strictjson
from saylau.law.rules import NotInForce, rules_at
from saylau.model import BadInput

register_app = typer.Typer(
    help="Decide registrations under the law of their date: parties.", no_args_is_help=True
)


def _fail(message: str) -> NoReturn:
    """One clear line on stderr, nothing on stdout, exit code 2."""
    sys.stderr.write(f"saylau: {message}\n")
    raise typer.Exit(2)


def _read_json(file: str) -> Any:
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror}")
    try:
        return strictjson.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{file}: not valid JSON ({exc.msg} at line {exc.lineno})")
    except strictjson.DuplicateKey as exc:
        _fail(f"{file}: {exc}")


@register_app.command("party")
def party(
    file: Annotated[
        str,
        typer.Argument(help="the application and its membership roll as JSON; - for stdin"),
    ],
    register: Annotated[
        Path,
        typer.Option(
            "--register", help="the voter register and registered parties' members as JSON"
        ),
    ],
) -> None:
    """Decide whether a party may be registered on its application date (docs/formats.md)."""
    from saylau.register.parties import decide_registration
    from saylau.register.reading import read_application, read_register
    from saylau.register.report import decision_json

    raw_application = _read_json(file)
    raw_register = _read_json(str(register))
    try:
        application, roll = read_application(raw_application)
    except BadInput as exc:
        _fail(f"{file}: {exc}")
    try:
        voters = read_register(raw_register)
    except BadInput as exc:
        _fail(f"{register}: {exc}")
    try:
        rules = rules_at(application.applied_on)
    except NotInForce as exc:
        _fail(f"{file}: field 'applied_on': {exc}")
    try:
        decision = decide_registration(application, roll, voters, rules)
    except BadInput as exc:
        where = register if exc.field == "units" else file
        _fail(f"{where}: {exc}")
    sys.stdout.write(json.dumps(decision_json(decision), ensure_ascii=False, indent=2) + "\n")
