"""Downloads are built once per ledger size, kept on disk, and say which state they hold."""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saylau.model import BadInput
from saylau.service import exportfiles, exports, proofs
from saylau.service.auth import Principal
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.submission import submit
from tests.databases import database, imported, principals
from tests.elections_fixture import protocol
from tests.open_data import (
    ELECTION,
    ELECTION_DEF,
    LIST,
    PRECINCTS,
    counting_night,
    list_votes,
)
from tests.serving import start_server


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, ELECTION_DEF) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    return principals(ctx, ELECTION)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, str]]:
    """Every build of a download, counted; the data directory in the test's folder."""
    monkeypatch.setenv(exportfiles.DATA_DIR, str(tmp_path / "data"))
    made: list[tuple[str, str]] = []
    real = exports.export

    def counted(*args: Any, **kwargs: Any) -> exports.Download:
        made.append((args[2], args[3]))
        return real(*args, **kwargs)

    monkeypatch.setattr(exports, "export", counted)
    return made


def size_of(ctx: Context) -> int:
    with ctx.sessions() as session:
        return proofs.ledger_size(session, ELECTION)


def test_a_download_is_built_once_per_tree_size(
    ctx: Context, who: dict[str, Principal], builds: list[tuple[str, str]]
) -> None:
    counting_night(ctx, who)
    first = exportfiles.export_file(ctx, ELECTION, LIST, "json")
    again = exportfiles.export_file(ctx, ELECTION, LIST, "json")
    assert builds == [(LIST, "json")], "the second request rebuilt the file"
    assert again == first and first.length == first.path.stat().st_size
    document = json.loads(first.path.read_bytes())
    assert document["stamp"] == first.stamp.published()
    assert first.stamp.tree_size == size_of(ctx)
    fresh = json.loads(exports.export(ctx, ELECTION, LIST, "json").body)
    assert {k: v for k, v in document.items() if k != "generated_at"} == {
        k: v for k, v in fresh.items() if k != "generated_at"
    }
    builds.clear()  # that one was built here, to compare

    # Another format or level is another file; the ledger growing makes a new one.
    exportfiles.export_file(ctx, ELECTION, LIST, "csv", "territory")
    assert len(builds) == 1
    late = protocol(PRECINCTS[9], LIST, list_votes(40))
    submit(ctx, who["KZ"], late)
    grown = exportfiles.export_file(ctx, ELECTION, LIST, "json")
    assert len(builds) == 2 and grown.stamp.tree_size == first.stamp.tree_size + 1
    units = {u["unit"]: u for u in json.loads(grown.path.read_bytes())["units"]}
    assert units[PRECINCTS[9]]["counts"]["votes"] == list_votes(40)
    assert first.path.exists(), "the previous size is kept for readers that just found it"
    submit(ctx, who["KZ"], protocol(PRECINCTS[10], LIST, list_votes(41)))
    exportfiles.export_file(ctx, ELECTION, LIST, "json")
    assert not first.path.exists(), "sizes older than the two newest are removed"
    assert not first.path.with_suffix(".json").exists()


def test_concurrent_requests_build_one_file(
    ctx: Context, who: dict[str, Principal], builds: list[tuple[str, str]]
) -> None:
    counting_night(ctx, who)
    found: list[exportfiles.ExportFile] = []
    failures: list[BaseException] = []
    start = threading.Barrier(6)

    def fetch() -> None:
        try:
            start.wait()
            found.append(exportfiles.export_file(ctx, ELECTION, LIST, "nist"))
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert builds == [(LIST, "nist")]
    assert len({item.path for item in found}) == 1
    folder = found[0].path.parent
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_bad_level_or_format_writes_nothing(
    ctx: Context, builds: list[tuple[str, str]], tmp_path: Path
) -> None:
    for fmt, level in (("xml", "precinct"), ("csv", "../../etc")):
        with pytest.raises(BadInput):
            exportfiles.export_file(ctx, ELECTION, LIST, fmt, level)
    assert builds == [] and not (tmp_path / "data").exists()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_downloads_are_files_with_an_etag_over_http(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv(exportfiles.DATA_DIR, str(data))
    with database(backend, tmp_path) as url:
        ctx = Context.open(url)
        import_election(ctx, ELECTION_DEF)
        tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION)}
        ctx.engine.dispose()
        server = start_server(url, tmp_path, workers=2)
        try:
            public = server.client()
            central = server.client(tokens["KZ"])
            batch = [
                {"protocol": protocol(c, LIST, list_votes(n))} for n, c in enumerate(PRECINCTS)
            ]
            assert central.post("/protocols/batch", json={"submissions": batch}).status_code == 200
            first = public.get(f"/export/{LIST}.nist.json", headers={"Accept-Encoding": "identity"})
            assert first.status_code == 200, first.text
            files = sorted(data.rglob("*.bin"))
            assert len(files) == 1
            built = files[0].stat()
            assert first.headers["content-length"] == str(len(first.content)) == str(built.st_size)
            packed = public.get(f"/export/{LIST}.nist.json", headers={"Accept-Encoding": "gzip"})
            assert packed.headers["content-encoding"] == "gzip"
            assert packed.content == first.content  # the same file, compressed on the way
            assert first.headers["x-saylau-tree-size"] == str(
                1 + len(PRECINCTS)
            )  # definition + protocols
            assert first.json()["ExternalIdentifier"]  # the stamp travels inside the file
            etag = first.headers["etag"]
            for _ in range(4):  # both workers: neither builds it again
                again = public.get(
                    f"/export/{LIST}.nist.json", headers={"Accept-Encoding": "identity"}
                )
                assert again.headers["etag"] == etag and again.content == first.content
            assert files[0].stat().st_mtime_ns == built.st_mtime_ns
            assert sorted(data.rglob("*.bin")) == files
            unchanged = public.get(f"/export/{LIST}.nist.json", headers={"If-None-Match": etag})
            assert unchanged.status_code == 304 and unchanged.content == b""
            certified = central.post(f"/contests/{LIST}/certify")
            assert certified.status_code == 201
            later = public.get(f"/export/{LIST}.nist.json", headers={"If-None-Match": etag})
            assert later.status_code == 200 and later.headers["etag"] != etag
            assert later.headers["x-saylau-tree-size"] == str(2 + len(PRECINCTS))
            assert later.json()["Status"] == "certified"
        finally:
            server.stop()
        assert "Traceback" not in server.log_text(), server.log_text()


def test_a_shared_temporary_folder_opened_to_others_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SAYLAU_DATA_DIR on PostgreSQL, downloads go to the temporary directory: a
    folder there that others may write (made first by someone else) is never used."""
    monkeypatch.delenv(exportfiles.DATA_DIR, raising=False)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    ctx = Context.open("postgresql+psycopg://nobody@127.0.0.1:1/elections", upgrade=False)
    try:
        made = exportfiles.data_dir(ctx)
        assert made.parent == tmp_path and (made.stat().st_mode & 0o777) == 0o700
        made.chmod(0o777)  # as a folder planted by another user would be
        with pytest.raises(PermissionError, match="not a folder private"):
            exportfiles.data_dir(ctx)
    finally:
        ctx.engine.dispose()
