"""``saylau petitions``: an operator runs a petition's steps and the daily tick from the
shell, each printing JSON; a refused step is one line on stderr and exit code 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from saylau.cli import app
from saylau.service import petitions
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from tests.petitions_fixture import iin_of
from tests.petitions_fixture import signer as signer_of

RUNNER = CliRunner()


def run(*args: str, code: int = 0) -> Any:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return json.loads(result.stdout) if code == 0 else result.stderr


def test_a_petition_through_the_shell(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'saylau.db'}"
    ctx = Context.open(db)
    author = issue_official(ctx, "citizen", "An author", "citizen", subject=iin_of(1)).token
    moderator = issue_official(ctx, "moderator", "A moderator", "portal").token
    signer = issue_official(ctx, "citizen", "A signer", "citizen", subject=iin_of(10)).token
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
    for serial in range(11, 60):  # 49 supporters by the service, the 50th from the shell
        petitions.sign(ctx, signer_of(serial), petition, dt.date(2025, 3, 11))
    ctx.engine.dispose()
    run("petitions", "sign", petition, "--token", signer, "--on", "2025-03-11", "--db", db)
    again = run("petitions", "sign", petition, "--token", signer, "--on", "2025-03-12",
                "--db", db)  # fmt: skip
    assert again["already_signed"] and again["signed_on"] == "2025-03-11"
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
