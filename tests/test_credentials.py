"""Credentials that belong to named members of a commission, expire, can be revoked and rotated;
approvals that come from another commission above, reveal nothing and answer retries alike.

Storage on real SQLite and PostgreSQL; the command line as a real process (and in-process
where the moment a file is created matters); the HTTP API over a real `saylau serve`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from saylau.service.auth import Principal, authenticate, hash_token
from saylau.service.context import Context
from saylau.service.elections import issue_credentials
from saylau.service.errors import Conflict, Forbidden, NotFound, Unauthenticated
from saylau.service.submission import approve, submit
from saylau.store.tables import CredentialRow, LedgerEntryRow, ProtocolRow
from tests.conftest import REPO
from tests.databases import database, imported
from tests.elections_fixture import protocol, small_election, small_election_mapping
from tests.serving import SAYLAU, Server, is_problem, start_server

ELECTION = "test-2023"
P1 = "KZ-71-D01-P0001"
P2 = "KZ-71-D01-P0002"
DISTRICT = "KZ-71-D01"


def votes(a: int, b: int, c: int) -> dict[str, int]:
    return {"amanat": a, "auyl": b, "respublica": c}


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, small_election()) as context:
        yield context


def who(ctx: Context, token: str) -> Principal:
    with ctx.sessions() as session:
        return authenticate(session, ELECTION, token)


@pytest.fixture
def tokens(ctx: Context) -> dict[str, str]:
    """The demo's placeholder member of every commission, by unit code (and observers)."""
    return {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION)}


@pytest.fixture
def members(ctx: Context, tokens: dict[str, str]) -> dict[str, str]:
    """A second named member of the district commission and of the region above it."""
    from saylau.service.credentials import Member, issue

    seconds = issue(
        ctx,
        ELECTION,
        [
            Member(DISTRICT, "Aigerim Nurlanqyzy", "secretary"),
            Member("KZ-71", "Daulet Serikuly", "deputy chair"),
        ],
    )
    return tokens | {f"{c.unit_code} (2)": c.token for c in seconds}


def ledger_size(ctx: Context) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0)


def leaf(ctx: Context, index: int) -> dict[str, Any]:
    with ctx.sessions() as session:
        row = session.get(LedgerEntryRow, (ELECTION, index))
        assert row is not None
        record: dict[str, Any] = json.loads(row.leaf)
        return record


def correction(ctx: Context, submitter: Principal, amanat: int) -> int:
    """A pending correction of P1's list protocol (accepted first if need be)."""
    submit(ctx, submitter, protocol(P1, "mazhilis-list", votes(500, 100, 50)))
    pending = submit(
        ctx, submitter, protocol(P1, "mazhilis-list", votes(amanat, 100, 50)), reason="recount"
    )
    assert pending.status == "correction-pending"
    return pending.protocol_id


# --------------------------------------------------------------------------------------------
# issuing, owners, expiry, revocation and rotation


def test_issuing_again_gives_no_commission_a_second_token(ctx: Context) -> None:
    first = issue_credentials(ctx, ELECTION)
    with ctx.sessions() as session:
        count = session.scalar(select(func.count()).select_from(CredentialRow))
    with pytest.raises(Conflict) as refused:
        issue_credentials(ctx, ELECTION)
    assert "rotate" in refused.value.detail
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CredentialRow)) == count
    assert len(first) == count
    # every credential has a named owner, the commission and an expiry
    for credential in first:
        assert credential.member and credential.position
        assert credential.expires_at > dt.datetime.now(dt.UTC)
        principal = who(ctx, credential.token)
        assert (principal.unit_code, principal.member) == (credential.unit_code, credential.member)


def test_members_are_named_and_checked(ctx: Context) -> None:
    from saylau.service.credentials import Member, issue

    issued = issue(ctx, ELECTION, [Member(DISTRICT, "Aigerim Nurlanqyzy", "secretary")])
    assert [(c.role, c.unit_code, c.member, c.position) for c in issued] == [
        ("territorial", DISTRICT, "Aigerim Nurlanqyzy", "secretary")
    ]
    with pytest.raises(Conflict):  # the same member again
        issue(ctx, ELECTION, [Member(DISTRICT, "Aigerim Nurlanqyzy", "chair")])
    with pytest.raises(NotFound) as unknown:
        issue(ctx, ELECTION, [Member("KZ-99", "Someone", "chair")])
    assert "KZ-99" in unknown.value.detail
    with pytest.raises(NotFound):
        issue(ctx, "no-such-election", [Member(DISTRICT, "Someone", "chair")])


def test_a_members_file_is_read_one_way(tmp_path: Path) -> None:
    """A key given twice is refused, as in every JSON Saylau reads; a name is stored in NFC
    without surrounding spaces, so the same person is one member whatever the keyboard."""
    from saylau.model import BadInput
    from saylau.service.credentials import read_members

    path = tmp_path / "members.json"
    path.write_text(
        '[{"unit": "KZ-71", "name": "A\u0301sel ", "position": "chair"}]', encoding="utf-8"
    )
    (member,) = read_members(path)
    assert (member.unit_code, member.name) == ("KZ-71", "Ásel")
    path.write_text(
        '[{"unit": "KZ-71", "name": "Asel", "name": "Dana", "position": "chair"}]',
        encoding="utf-8",
    )
    with pytest.raises(BadInput) as caught:
        read_members(path)
    assert caught.value.field == "members[0].name" and "twice" in caught.value.rule


def test_revoked_and_expired_tokens_are_refused(ctx: Context, members: dict[str, str]) -> None:
    from saylau.service.credentials import revoke

    tokens = members
    district = who(ctx, tokens[DISTRICT])
    revoked = revoke(ctx, ELECTION, [district.credential_id], by="A. Operator", reason="lost")
    assert [r.credential_id for r in revoked] == [district.credential_id]
    with pytest.raises(Unauthenticated) as refused:
        who(ctx, tokens[DISTRICT])
    assert "revoked" in refused.value.detail
    with pytest.raises(Conflict):  # revoking twice changes nothing
        revoke(ctx, ELECTION, [district.credential_id], by="A. Operator", reason="lost")
    with ctx.sessions() as session:
        row = session.get(CredentialRow, district.credential_id)
        assert row is not None and row.revoked_at is not None
        assert (row.revoked_by, row.revoke_reason) == ("A. Operator", "lost")

    region = who(ctx, tokens["KZ-71"])
    with ctx.transaction() as session:
        session.execute(
            update(CredentialRow)
            .where(CredentialRow.id == region.credential_id)
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )
    with pytest.raises(Unauthenticated) as expired:
        who(ctx, tokens["KZ-71"])
    assert "expired" in expired.value.detail
    # the other member of the same commission still works
    assert who(ctx, tokens["KZ-71 (2)"]).unit_code == "KZ-71"


def test_rotation_replaces_the_token_of_the_same_owner(
    ctx: Context, tokens: dict[str, str]
) -> None:
    from saylau.service.credentials import rotate

    old = who(ctx, tokens[P1])
    (new,) = rotate(ctx, ELECTION, [old.credential_id], by="A. Operator")
    with pytest.raises(Unauthenticated) as refused:
        who(ctx, tokens[P1])
    assert "replaced" in refused.value.detail
    fresh = who(ctx, new.token)
    assert (fresh.unit_code, fresh.member, fresh.position, fresh.role) == (
        old.unit_code,
        old.member,
        old.position,
        old.role,
    )
    with ctx.sessions() as session:
        row = session.get(CredentialRow, old.credential_id)
        assert row is not None and row.replaced_by == fresh.credential_id
    with pytest.raises(Conflict):  # a revoked credential is not rotated
        rotate(ctx, ELECTION, [old.credential_id], by="A. Operator")


def test_many_tokens_are_checked_in_one_query(ctx: Context, tokens: dict[str, str]) -> None:
    from saylau.service.auth import authenticate_many
    from saylau.service.credentials import revoke

    revoke(ctx, ELECTION, [who(ctx, tokens[P2]).credential_id], by="A. Operator", reason="lost")
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    from sqlalchemy import event

    asked = [tokens[P1], tokens[P2], "not-a-token", tokens["KZ"]]
    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        with ctx.sessions() as session:
            found = authenticate_many(session, ELECTION, asked)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)
    assert len([s for s in statements if "credentials" in s]) == 1
    assert isinstance(found[tokens[P1]], Principal)
    assert isinstance(found[tokens["KZ"]], Principal)
    assert isinstance(found[tokens[P2]], Unauthenticated)
    assert isinstance(found["not-a-token"], Unauthenticated)


def test_tokens_are_kept_only_as_hashes(ctx: Context, tokens: dict[str, str]) -> None:
    with ctx.sessions() as session:
        stored = set(session.scalars(select(CredentialRow.token_hash)))
    assert hash_token(tokens[P1]) in stored and tokens[P1] not in stored


# --------------------------------------------------------------------------------------------
# approvals


def test_a_second_token_of_the_same_commission_cannot_approve_its_correction(
    ctx: Context, members: dict[str, str]
) -> None:
    """The district corrects with one member's token: its other member may not approve it;
    the region above may, and the ledger names both."""
    tokens = members
    pending = correction(ctx, who(ctx, tokens[DISTRICT]), 480)
    size = ledger_size(ctx)
    with pytest.raises(Forbidden) as refused:
        approve(ctx, who(ctx, tokens[f"{DISTRICT} (2)"]), pending)
    assert "another commission" in refused.value.detail
    with pytest.raises(Forbidden):
        approve(ctx, who(ctx, tokens[DISTRICT]), pending)
    assert ledger_size(ctx) == size
    region = who(ctx, tokens["KZ-71 (2)"])
    done = approve(ctx, region, pending)
    assert done.status == "correction-approved"
    record = leaf(ctx, done.ledger_index or 0)
    submitter = who(ctx, tokens[DISTRICT])
    assert record["type"] == "correction"
    assert record["submitted_by"] == {
        "commission": DISTRICT,
        "role": "territorial",
        "member": submitter.member,
        "position": submitter.position,
        "credential": submitter.credential_id,
    }
    assert record["approved_by"] == {
        "commission": "KZ-71",
        "role": "territorial",
        "member": "Daulet Serikuly",
        "position": "deputy chair",
        "credential": region.credential_id,
    }
    original = leaf(ctx, 1)  # entry 0 commits to the definition
    assert original["type"] == "protocol"
    assert original["submitted_by"]["commission"] == DISTRICT
    assert original["submitted_by"]["credential"] == submitter.credential_id


def test_approval_reveals_nothing_to_those_without_the_right(
    ctx: Context, tokens: dict[str, str]
) -> None:
    """A precinct's, an observer's or an unrelated commission's token gets the same answer for
    a correction that exists, for a protocol that is not pending and for an id that does not."""
    pending = correction(ctx, who(ctx, tokens[P1]), 480)
    accepted_id = pending - 1
    with ctx.sessions() as session:
        assert session.get(ProtocolRow, accepted_id) is not None
    missing = 999_999
    for stranger in (P1, P2, "observer", "KZ-75", "KZ-75-D01"):
        principal = who(ctx, tokens[stranger])
        answers = []
        for protocol_id in (pending, accepted_id, missing):
            with pytest.raises(Forbidden) as refused:
                approve(ctx, principal, protocol_id)
            answers.append(refused.value.detail.replace(str(protocol_id), "ID"))
        assert len(set(answers)) == 1, (stranger, answers)
    # the central commission sees every precinct: it is told what does not exist
    with pytest.raises(NotFound):
        approve(ctx, who(ctx, tokens["KZ"]), missing)


def test_a_retried_approval_is_answered_as_the_first(ctx: Context, tokens: dict[str, str]) -> None:
    pending = correction(ctx, who(ctx, tokens[P1]), 480)
    district = who(ctx, tokens[DISTRICT])
    first = approve(ctx, district, pending)
    size = ledger_size(ctx)
    again = approve(ctx, district, pending)
    assert again == first
    assert ledger_size(ctx) == size
    # another commission above is told it was approved already
    with pytest.raises(Conflict):
        approve(ctx, who(ctx, tokens["KZ-71"]), pending)


def test_pending_corrections_superseded_by_an_approval_are_closed(
    ctx: Context, tokens: dict[str, str]
) -> None:
    precinct, district = who(ctx, tokens[P1]), who(ctx, tokens[DISTRICT])
    mine = correction(ctx, precinct, 480)
    rival = submit(
        ctx, district, protocol(P1, "mazhilis-list", votes(470, 100, 50)), reason="recount"
    )
    assert rival.status == "correction-pending"
    region = who(ctx, tokens["KZ-71"])
    approved = approve(ctx, region, mine)
    with ctx.sessions() as session:
        closed = session.get(ProtocolRow, rival.protocol_id)
        assert closed is not None
        assert closed.state == "superseded"
        assert closed.decided_at is not None
        assert closed.decided_by == region.credential_id
    size = ledger_size(ctx)
    assert size == (approved.ledger_index or 0) + 1  # closing it is not a ledger entry
    with pytest.raises(Conflict) as refused:
        approve(ctx, who(ctx, tokens["KZ"]), rival.protocol_id)
    assert "superseded" in refused.value.detail
    assert ledger_size(ctx) == size
    # sent again, it is a new correction of the version that counts now, not the closed one
    again = submit(
        ctx, district, protocol(P1, "mazhilis-list", votes(470, 100, 50)), reason="recount"
    )
    assert again.status == "correction-pending"
    assert again.protocol_id != rival.protocol_id
    assert approve(ctx, who(ctx, tokens["KZ-71"]), again.protocol_id).status == (
        "correction-approved"
    )


def test_certification_names_the_member(ctx: Context, tokens: dict[str, str]) -> None:
    from saylau.service.certification import certify

    central = who(ctx, tokens["KZ"])
    for district in ("KZ-71-D01", "KZ-71-D02"):
        for number in (1, 2, 3):
            document = protocol(f"{district}-P000{number}", "smd-1", {"c1a": 5, "c1b": 6})
            assert submit(ctx, central, document).status == "accepted"
    decision = certify(ctx, central, "smd-1")
    assert decision.record["certified_by"] == {
        "commission": "KZ",
        "role": "central",
        "member": central.member,
        "position": central.position,
        "credential": central.credential_id,
    }


# --------------------------------------------------------------------------------------------
# the command line


def saylau(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SAYLAU, *args], capture_output=True, text=True, cwd=REPO, check=False)


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    definition = tmp_path / "election.json"
    definition.write_text(json.dumps(small_election_mapping()), encoding="utf-8")
    done = saylau("election", "import", str(definition), "--db", url)
    assert done.returncode == 0, done.stderr
    return url


def test_cli_issue_revoke_rotate(cli_db: str, tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text(
        "unit,name,position\n"
        f"{DISTRICT},Aigerim Nurlanqyzy,chair\n"
        f"{DISTRICT},Daulet Serikuly,secretary\n"
        ",Observers of the Civil Alliance,observer\n",
        encoding="utf-8",
    )
    out = tmp_path / "tokens.json"
    done = saylau(
        "election", "credentials", "issue", ELECTION, "--members", str(members),
        "--out", str(out), "--db", cli_db,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    issued = json.loads(out.read_text(encoding="utf-8"))
    assert [(c["unit"], c["member"], c["role"]) for c in issued] == [
        (DISTRICT, "Aigerim Nurlanqyzy", "territorial"),
        (DISTRICT, "Daulet Serikuly", "territorial"),
        (None, "Observers of the Civil Alliance", "observer"),
    ]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # the tokens file is never overwritten, and a second token for a member is refused
    again = saylau(
        "election", "credentials", "issue", ELECTION, "--members", str(members),
        "--out", str(tmp_path / "again.json"), "--db", cli_db,
    )  # fmt: skip
    assert again.returncode == 2 and "Aigerim Nurlanqyzy" in again.stderr
    assert not (tmp_path / "again.json").exists()
    before = out.read_bytes()
    exists = saylau("election", "credentials", "issue", ELECTION, "--out", str(out), "--db", cli_db)
    assert exists.returncode == 2 and str(out) in exists.stderr
    assert out.read_bytes() == before

    secretary = issued[1]
    rotated = tmp_path / "rotated.json"
    done = saylau(
        "election", "credentials", "rotate", ELECTION, "--id", str(secretary["credential"]),
        "--by", "A. Operator", "--out", str(rotated), "--db", cli_db,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (fresh,) = json.loads(rotated.read_text(encoding="utf-8"))
    assert fresh["member"] == "Daulet Serikuly" and fresh["token"] != secretary["token"]
    assert stat.S_IMODE(rotated.stat().st_mode) == 0o600

    done = saylau(
        "election", "credentials", "revoke", ELECTION, "--unit", DISTRICT, "--name",
        "Aigerim Nurlanqyzy", "--by", "A. Operator", "--reason", "left the commission",
        "--db", cli_db,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    no_reason = saylau(
        "election", "credentials", "revoke", ELECTION, "--id", str(fresh["credential"]),
        "--by", "A. Operator", "--db", cli_db,
    )  # fmt: skip
    assert no_reason.returncode == 2 and "reason" in no_reason.stderr

    listed = saylau("election", "credentials", "list", ELECTION, "--db", cli_db)
    assert listed.returncode == 0, listed.stderr
    states = {(c["member"], c["state"]) for c in json.loads(listed.stdout)}
    assert ("Aigerim Nurlanqyzy", "revoked") in states
    assert ("Daulet Serikuly", "replaced") in states and ("Daulet Serikuly", "active") in states
    assert all("token" not in c for c in json.loads(listed.stdout))


def test_cli_keeps_the_old_usage(cli_db: str, tmp_path: Path) -> None:
    out = tmp_path / "tokens.json"
    done = saylau("election", "credentials", ELECTION, "--out", str(out), "--db", cli_db)
    assert done.returncode == 0, done.stderr
    issued = json.loads(out.read_text(encoding="utf-8"))
    assert {c["unit"] for c in issued} >= {"KZ", "KZ-71", DISTRICT, P1, None}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    unknown = saylau(
        "election", "credentials", "nope", "--out", str(tmp_path / "x"), "--db", cli_db
    )
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_tokens_file_is_private_from_its_creation(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every way of changing a file's mode afterwards disabled and a permissive umask,
    the tokens file is still 0600: it was created so, never readable by others."""
    from typer.testing import CliRunner

    from saylau.cli import app

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the tokens file's mode was changed after it was created")

    monkeypatch.setattr(os, "chmod", refuse)
    monkeypatch.setattr(os, "fchmod", refuse)
    monkeypatch.setattr(Path, "chmod", refuse)
    out = tmp_path / "tokens.json"
    previous = os.umask(0)
    try:
        result = CliRunner().invoke(
            app, ["election", "credentials", ELECTION, "--out", str(out), "--db", cli_db]
        )
    finally:
        os.umask(previous)
    assert result.exit_code == 0, (result.output, result.exception)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# --------------------------------------------------------------------------------------------
# over HTTP


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def running(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Context, dict[str, str]]]:
    folder = tmp_path_factory.mktemp(f"http-{request.param}")
    with database(request.param, folder) as url:
        ctx = Context.open(url)
        from saylau.service.elections import import_election

        import_election(ctx, small_election())
        tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION)}
        server = start_server(url, folder)
        try:
            yield server, ctx, tokens
        finally:
            server.stop()
            ctx.engine.dispose()
        log = server.log_text()
        assert "Traceback" not in log, log


def refused(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert is_problem(response)
    body: dict[str, Any] = response.json()
    return body


def test_http_revoked_and_expired_tokens_get_401(
    running: tuple[Server, Context, dict[str, str]],
) -> None:
    from saylau.service.credentials import revoke

    server, ctx, tokens = running
    body = {"protocol": protocol("KZ-75-D02-P0003", "smd-2", {"c2a": 1, "c2b": 2})}
    precinct = who(ctx, tokens["KZ-75-D02-P0003"])
    revoke(ctx, ELECTION, [precinct.credential_id], by="A. Operator", reason="phone stolen")
    answer = refused(server.client(tokens["KZ-75-D02-P0003"]).post("/protocols", json=body), 401)
    assert "revoked" in answer["detail"]
    region = who(ctx, tokens["KZ-75"])
    with ctx.transaction() as session:
        session.execute(
            update(CredentialRow)
            .where(CredentialRow.id == region.credential_id)
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    answer = refused(server.client(tokens["KZ-75"]).post("/protocols", json=body), 401)
    assert "expired" in answer["detail"]
    assert server.client().get("/ledger/head").json()["size"] == 1  # the definition alone


def test_http_approval(running: tuple[Server, Context, dict[str, str]]) -> None:
    server, _ctx, tokens = running
    district = server.client(tokens[DISTRICT])
    original = {"protocol": protocol(P1, "mazhilis-list", votes(500, 100, 50))}
    assert district.post("/protocols", json=original).status_code == 201
    fixed = {"protocol": protocol(P1, "mazhilis-list", votes(480, 120, 50)), "reason": "recount"}
    pending = district.post("/protocols", json=fixed)
    assert pending.status_code == 202, pending.text
    pid = pending.json()["protocol_id"]

    # no right: the same 403 whether the id exists or not
    for stranger in (P1, "KZ-75-D01", "observer"):  # (KZ-75's token expired above)
        client = server.client(tokens[stranger])
        there = refused(client.post(f"/corrections/{pid}/approve"), 403)
        missing = refused(client.post("/corrections/999999/approve"), 403)
        assert there["detail"].replace(str(pid), "ID") == missing["detail"].replace("999999", "ID")
        assert {k: v for k, v in there.items() if k != "detail"} == {
            k: v for k, v in missing.items() if k != "detail"
        }
    region = server.client(tokens["KZ-71"])
    first = region.post(f"/corrections/{pid}/approve")
    assert first.status_code == 200, first.text
    size = server.client().get("/ledger/head").json()["size"]
    again = region.post(f"/corrections/{pid}/approve")
    assert (again.status_code, again.json()) == (200, first.json())
    assert server.client().get("/ledger/head").json()["size"] == size


def test_http_second_member_of_the_submitting_commission_cannot_approve(
    running: tuple[Server, Context, dict[str, str]],
) -> None:
    from saylau.service.credentials import Member, issue

    server, ctx, tokens = running
    (second,) = issue(ctx, ELECTION, [Member(DISTRICT, "Aigerim Nurlanqyzy", "secretary")])
    district = server.client(tokens[DISTRICT])
    original = {"protocol": protocol(P2, "mazhilis-list", votes(300, 200, 100))}
    assert district.post("/protocols", json=original).status_code == 201
    fixed = {"protocol": protocol(P2, "mazhilis-list", votes(290, 210, 100)), "reason": "recount"}
    pid = district.post("/protocols", json=fixed).json()["protocol_id"]
    same = refused(server.client(second.token).post(f"/corrections/{pid}/approve"), 403)
    assert "another commission" in same["detail"]
    done = server.client(tokens["KZ"]).post(f"/corrections/{pid}/approve")
    assert done.status_code == 200, done.text


def test_the_database_itself_holds_one_live_credential_per_member(
    ctx: Context, tokens: dict[str, str]
) -> None:
    """Even a writer that skips the service's check cannot give a member a second live token."""
    from sqlalchemy.exc import IntegrityError

    holder = who(ctx, tokens[DISTRICT])

    def second(revoked: dt.datetime | None) -> None:
        with ctx.transaction() as session:
            session.add(
                CredentialRow(
                    election_id=ELECTION,
                    role="territorial",
                    unit_code=DISTRICT,
                    token_hash=hash_token(f"second {revoked}"),
                    owner_name=holder.member,
                    owner_position="chair",
                    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
                    revoked_at=revoked,
                )
            )

    with pytest.raises(IntegrityError):
        second(None)
    second(dt.datetime.now(dt.UTC))  # a revoked one beside it is history, not a second token
