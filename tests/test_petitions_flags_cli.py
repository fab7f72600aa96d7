"""``saylau petitions flags``: a moderator reads the bulk patterns of recorded signatures
from the shell; another role is refused with exit code 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from saylau.cli import app
from saylau.petitions.abuse import SigningEvent
from saylau.service import petitions, signingevents
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from tests.petitions_fixture import citizen, iin_of, official

RUNNER = CliRunner()


def test_a_moderator_reads_the_flags_from_the_shell(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    ctx = Context.open(url)
    try:
        today = petitions.today()
        author = citizen(ctx, 1)
        petition = petitions.create(ctx, author, "Water", "Please.", "government", None, today)
        petitions.submit(ctx, author, petition, today)
        petitions.approve(ctx, official(ctx, "moderator"), petition, today)
        now = dt.datetime.now(dt.UTC)
        for i in range(20):  # twenty signers from one address within two minutes
            signingevents.record(
                ctx,
                SigningEvent(
                    petition,
                    now - dt.timedelta(seconds=6 * i),
                    "198.51.100.7",
                    iin_of(13 * i + 2),
                    "CN=test",
                    now - dt.timedelta(days=i + 1),
                ),
            )
        moderator = issue_official(ctx, "moderator", "M", "petitions").token
        other = issue_official(ctx, "addressee", "A", "petitions", subject="government").token
    finally:
        ctx.engine.dispose()
    done = RUNNER.invoke(app, ["petitions", "flags", "--token", moderator, "--db", url])
    assert done.exit_code == 0, done.output
    found = json.loads(done.output)
    assert [(f["pattern"], f["key"], f["signatures"]) for f in found] == [
        ("one_address", "198.51.100.7", 20)
    ]
    refused = RUNNER.invoke(app, ["petitions", "flags", "--token", other, "--db", url])
    assert refused.exit_code == 2
