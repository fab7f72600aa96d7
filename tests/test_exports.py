"""Open data through the service, the command line and HTTP on real SQLite and PostgreSQL:
a file's status follows certification, ``saylau export`` writes what the service makes, and
the download route serves it with its stamp in the headers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from saylau import publication
from saylau.service import exports
from saylau.service.auth import Principal, authenticate
from saylau.service.certification import certify
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.results import unit_results
from tests.conftest import REPO
from tests.databases import database, imported, principals
from tests.elections_fixture import protocol
from tests.open_data import (
    ELECTION,
    ELECTION_DEF,
    LIST,
    PRECINCTS,
    READERS,
    REGION_71,
    head,
    list_votes,
    published_schema,
    read_csv,
    read_parquet,
    report,
    validate,
)
from tests.serving import Server, is_problem, start_server


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, ELECTION_DEF) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    """The principal of every commission (by unit code) and of the observers."""
    return principals(ctx, ELECTION)


def test_status_is_certified_after_certification(ctx: Context, who: dict[str, Principal]) -> None:
    report(ctx, who["KZ"], LIST, PRECINCTS)
    report(ctx, who["KZ"], "smd-1", REGION_71)
    before = {fmt: exports.export(ctx, ELECTION, LIST, fmt) for fmt in publication.FORMATS}
    assert {d.stamp.status for d in before.values()} == {"unofficial-complete"}
    assert json.loads(before["nist"].body)["Status"] == "unofficial-complete"
    certify(ctx, who["KZ"], LIST)
    certify(ctx, who["KZ"], "smd-1")
    stamp = head(ctx)
    assert stamp["tree_size"] == 1 + 12 + 6 + 2
    for fmt in ("csv", "json", "parquet"):
        rows = READERS[fmt](exports.export(ctx, ELECTION, LIST, fmt, "territory").body)
        assert {(r["status"], r["tree_size"], r["tree_root"]) for r in rows} == {
            ("certified", stamp["tree_size"], stamp["tree_root"])
        }
    party = json.loads(exports.export(ctx, ELECTION, LIST, "nist").body)
    validate(published_schema(), party)
    assert party["Status"] == "certified"
    (contest,) = party["Election"][0]["Contest"]
    seats = [
        count["Count"]
        for selection in contest["ContestSelection"]
        for count in selection["VoteCounts"]
        if count["Type"] == "seats"
    ]
    assert sum(seats) == 69 and all(s > 0 for s in seats)
    district = json.loads(exports.export(ctx, ELECTION, "smd-1", "nist").body)
    validate(published_schema(), district)
    statuses = {c["@id"]: c["PostElectionStatus"] for c in district["Election"][0]["Candidate"]}
    votes = unit_results(ctx, ELECTION, "smd-1", "KZ")["counts"]["votes"]
    winner = max(votes, key=votes.__getitem__)
    assert statuses == {
        f"candidate-smd-1-{option}": "winner" if option == winner else "defeated"
        for option in votes
    }
    assert exports.export(ctx, ELECTION, "smd-2", "csv").stamp.status == "unofficial-partial"


def test_export_command_writes_the_files_the_service_makes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    ctx = Context.open(url)
    import_election(ctx, ELECTION_DEF)
    tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION)}
    with ctx.sessions() as session:
        central = authenticate(session, ELECTION, tokens["KZ"])
    report(ctx, central, LIST, PRECINCTS[:5])

    def saylau(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "saylau", "export", "--election", ELECTION, *args]
        return subprocess.run([*command, "--db", url], capture_output=True, text=True, cwd=REPO)

    one = tmp_path / "list.csv"
    done = saylau("--format", "csv", "--contest", LIST, "--level", "territory", "--out", str(one))
    assert done.returncode == 0, done.stderr
    assert "unofficial-partial" in done.stdout and "tree size 6" in done.stdout  # 1 + 5
    assert one.read_bytes() == exports.export(ctx, ELECTION, LIST, "csv", "territory").body
    folder = tmp_path / "parquet"
    done = saylau("--format", "parquet", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    contests = [c.id for c in ELECTION_DEF.contests]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{ELECTION}-{c}-precinct.parquet" for c in contests
    )
    refused = saylau("--format", "csv", "--contest", "nope", "--out", str(tmp_path / "x.csv"))
    assert refused.returncode == 2 and "no contest 'nope'" in refused.stderr
    assert not (tmp_path / "x.csv").exists()
    ctx.engine.dispose()


# --- HTTP ---------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_downloads_over_http(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url:
        ctx = Context.open(url)
        import_election(ctx, ELECTION_DEF)
        tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION)}
        ctx.engine.dispose()
        server = start_server(url, tmp_path)
        try:
            downloads_over_http(server, tokens)
        finally:
            server.stop()
        assert "Traceback" not in server.log_text(), server.log_text()


def downloads_over_http(server: Server, tokens: dict[str, str]) -> None:
    public = server.client()
    central = server.client(tokens["KZ"])
    batch = [{"protocol": protocol(c, LIST, list_votes(n))} for n, c in enumerate(PRECINCTS)]
    assert central.post("/protocols/batch", json={"submissions": batch}).json()["accepted"] == 12
    size = central.get("/ledger/head").json()["size"]
    media = {
        "csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "parquet": "application/vnd.apache.parquet",
        "nist.json": "application/json",
    }
    downloaded = {}
    for suffix, level in [*((suffix, "precinct") for suffix in media), ("csv", "territory")]:
        answer = public.get(f"/export/{LIST}.{suffix}", params={"level": level})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == media[suffix]
        name = f"{ELECTION}-{LIST}-{level}.{suffix}"
        assert answer.headers["content-disposition"].startswith(f'attachment; filename="{name}"')
        assert answer.headers["x-saylau-status"] == "unofficial-complete"
        assert answer.headers["x-saylau-tree-size"] == str(size)
        downloaded[suffix, level] = answer.content
    rows = read_csv(downloaded["csv", "territory"])
    assert read_parquet(downloaded["parquet", "precinct"]) == read_csv(
        downloaded["csv", "precinct"]
    )
    assert rows[0]["unit"] == "KZ" and rows[0]["votes_amanat"] == sum(
        list_votes(n)["amanat"] for n in range(12)
    )
    assert public.get("/export/smd-1.nist.json").json()["Status"] == "unofficial-partial"
    for path, status in (
        ("/export/nope.csv", 404),
        (f"/export/{LIST}.xml", 404),
        (f"/export/{LIST}.csv?level=everything", 422),
    ):
        answer = public.get(path)
        assert answer.status_code == status and is_problem(answer), path
    assert server.client(tokens["KZ"]).post(f"/contests/{LIST}/certify").status_code == 201
    answer = public.get(f"/export/{LIST}.json")
    assert answer.headers["x-saylau-status"] == "certified"
    assert answer.json()["stamp"]["status"] == "certified"
    assert answer.json()["stamp"]["tree_size"] == size + 1
    schema = httpx.get(server.base + "/openapi.json").json()
    operation = schema["paths"]["/api/v1/elections/{election_id}/export/{contest_id}.{fmt}"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {
        "text/csv",
        "application/json",
        "application/vnd.apache.parquet",
    }
    fmt = next(p for p in operation["parameters"] if p["name"] == "fmt")
    assert fmt["schema"]["enum"] == ["csv", "json", "parquet", "nist.json"]
