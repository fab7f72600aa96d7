"""``saylau petitions``: an operator runs a petition's steps and the daily tick from the
shell, each printing JSON; a refused step is one line on stderr and exit code 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli import app
from saylau.pki.chain import ANCHORS_ENV, CRLS_ENV
from saylau.service import petitions
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from tests.petitions_fixture import citizen as citizen_of
from tests.petitions_fixture import iin_of
from tests.petitions_fixture import signer as signer_of
from tests.petitions_pki import CitizensAuthority

RUNNER = CliRunner()


def authenticate(ctx: Context, token: str) -> Official:
    with ctx.sessions() as session:
        return authenticate_official(session, "moderator", token)


def run(*args: str, code: int = 0) -> Any:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return json.loads(result.stdout) if code == 0 else result.stderr


def test_a_petition_through_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    authority = CitizensAuthority.create(tmp_path / "pki")
    monkeypatch.setenv(ANCHORS_ENV, str(authority.anchors))
    monkeypatch.setenv(CRLS_ENV, str(authority.crls))
    db = f"sqlite:///{tmp_path / 'saylau.db'}"
    ctx = Context.open(db)
    author = issue_official(ctx, "citizen", "An author", "citizen", subject=iin_of(1)).token
    moderator = issue_official(ctx, "moderator", "A moderator", "portal").token
    made = run(
        "petitions", "create", "--title", "Bike lanes", "--text", "Build them.",
        "--addressee", "government", "--token", author, "--on", "2025-03-03", "--db", db,
    )  # fmt: skip
    petition = made["id"]
    run("petitions", "submit", petition, "--token", author, "--on", "2025-03-04", "--db", db)
    refused = run(
        "petitions", "refuse", petition, "--subject", "dull", "--token", moderator,
        "--on", "2025-03-10", "--db", db, code=2,
    )  # fmt: skip
    assert refused.startswith("saylau: subject: Moderation may refuse") and refused.count("\n") == 1
    approved = run(
        "petitions", "approve", petition, "--token", moderator, "--on", "2025-03-10", "--db", db
    )
    assert approved["state"] == "gathering_support"
    for serial in range(11, 61):  # the first supporters, by the service
        petitions.sign(ctx, signer_of(serial), petition, dt.date(2025, 3, 11))
    ctx.engine.dispose()
    envelope = tmp_path / "signature.json"
    citizen = authority.citizen(iin_of(10))
    envelope.write_text(json.dumps(authority.envelope(citizen, petition, "Build them.")))
    refused = run("petitions", "sign", petition, "--envelope", str(envelope), "--db", db, code=2)
    assert "Signing closed" in refused  # counted today, long after its first supporters' window
    ctx = Context.open(db)
    today = petitions.today()
    fresh = petitions.create(
        ctx, citizen_of(ctx, 2), "Trees", "Plant them.", "government", None, today
    )
    petitions.submit(ctx, citizen_of(ctx, 2), fresh, today)
    moderating = authenticate(ctx, moderator)
    petitions.approve(ctx, moderating, fresh, today)
    ctx.engine.dispose()
    envelope.write_text(json.dumps(authority.envelope(citizen, fresh, "Plant them.")))
    signed = run("petitions", "sign", fresh, "--envelope", str(envelope), "--db", db)
    again = run("petitions", "sign", fresh, "--envelope", str(envelope), "--db", db)
    assert (signed["already_signed"], again["already_signed"]) == (False, True)
    assert again["receipt"] == signed["receipt"] and signed["receipt"]["leaf_index"] == 0
    assert run("petitions", "tick", "--on", "2025-03-12", "--db", db) == []
    shown = run("petitions", "show", petition, "--on", "2025-03-12", "--db", db)
    assert (shown["state"], shown["signatures"], shown["required"]) == ("collecting", 50, 50_000)
    listed = run("petitions", "list", "--query", "BIKE", "--db", db)
    assert [p["id"] for p in listed] == [petition]
    counts = run("petitions", "counts", petition, "--db", db)
    assert counts["days"] == [{"on": "2025-03-11", "signed": 50, "withdrawn": 0, "total": 50}]
    expired = run("petitions", "tick", "--on", "2025-09-12", "--db", db)
    assert [(t["step"], t["state"]) for t in expired] == [("expire", "expired")]
    assert run("petitions", "tick", "--on", "2025-09-12", "--db", db) == []
