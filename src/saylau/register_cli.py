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
    help="Decide registrations under the law of their date: parties, candidates, lists,"
    " signatures.",
    no_args_is_help=True,
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


@register_app.command("candidate")
def candidate(
    file: Annotated[
        str,
        typer.Argument(
            help='one candidate\'s application, or {"applications": [...]}, as JSON; - for stdin'
        ),
    ],
) -> None:
    """Decide whether candidates may be registered under the law of their election day,
    every rule checked listed with its citation (docs/formats.md)."""
    from saylau.register.candidate_files import decide_document

    raw = _read_json(file)
    try:
        body = decide_document(raw)
    except BadInput as exc:
        _fail(f"{file}: {exc}")
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")


@register_app.command("list")
def party_lists(
    file: Annotated[
        str,
        typer.Argument(help="the parties' lists of one election as JSON; - for stdin"),
    ],
) -> None:
    """Check party lists under the law of their election day: order, the quota, a candidate
    on two lists or on a list and in a district (docs/formats.md)."""
    from saylau.register.list_files import check_document

    raw = _read_json(file)
    try:
        body = check_document(raw)
    except BadInput as exc:
        _fail(f"{file}: {exc}")
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")


@register_app.command("signatures")
def signatures(
    file: Annotated[
        Path,
        typer.Argument(help="the signatures (iin, candidate, unit, signed_on) as Parquet or CSV"),
    ],
    register: Annotated[
        Path, typer.Option("--register", help="the register folder (register.parquet)")
    ],
    on: Annotated[
        str, typer.Option("--on", help="the day the commission checks, YYYY-MM-DD; its law applies")
    ],
    office: Annotated[str, typer.Option(help="president or senate")] = "president",
    sample: Annotated[
        int, typer.Option(help="check only this many signatures drawn at random (0: all)")
    ] = 0,
    confidence: Annotated[
        float, typer.Option(help="the confidence of the sample's interval")
    ] = 0.95,
    seed: Annotated[int, typer.Option(help="the seed of the sample")] = 0,
) -> None:
    """Check signature sheets against the voter register, every rejection with its rule
    (docs/formats.md); with --sample, estimate the invalid share as a commission does."""
    from saylau.model import iso_date
    from saylau.register.report import sample_json, signature_check_json
    from saylau.register.signatures import (
        Office,
        check_sample,
        check_signatures,
        read_signatures,
        register_file,
    )

    try:
        day = iso_date(on, "on")
        chosen = Office(office) if office in {o.value for o in Office} else None
        if chosen is None:
            raise BadInput("office", f"must be one of {[o.value for o in Office]}", office)
        if sample < 0:
            raise BadInput("sample", "must be 0 (check all) or a positive number", sample)
        rules = rules_at(day)
    except (BadInput, NotInForce) as exc:
        _fail(str(exc))
    try:
        rows = read_signatures(file)
    except BadInput as exc:
        _fail(f"{file}: {exc}")
    try:
        register_file(register)
    except BadInput as exc:
        _fail(f"{register}: {exc}")
    try:
        if sample:
            body = sample_json(
                check_sample(rows, register, rules, sample, confidence, seed, chosen)
            )
        else:
            body = signature_check_json(check_signatures(rows, register, rules, chosen))
    except BadInput as exc:
        _fail(str(exc))
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")


@register_app.command("load")
def load(
    register: Annotated[
        Path, typer.Argument(help="the register folder (register.parquet) or the file")
    ],
    db: Annotated[
        str | None,
        typer.Option("--db", help="database URL (default: DATABASE_URL, else sqlite:///saylau.db)"),
    ] = None,
) -> None:
    """Replace the database's voter register with a register file, in one transaction."""
    from saylau.service.citizens import load_register
    from saylau.service.context import Context

    try:
        count = load_register(Context.open(db), register)
    except BadInput as exc:
        _fail(f"{register}: {exc}")
    sys.stdout.write(json.dumps({"loaded": count}) + "\n")
