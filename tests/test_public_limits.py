"""Expensive public reads are limited per client, and a lost database answers 503, over HTTP."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import uvicorn

from saylau.api import throttle
from saylau.api.app import create_app
from saylau.election import election_from_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election
from tests.databases import ADMIN_URL, fresh_postgres
from tests.elections_fixture import protocol, small_election_mapping
from tests.serving import (
    API,
    ELECTION,
    free_port,
    is_problem,
    list_votes,
    prepare,
    start_server,
)

P1 = "KZ-71-D01-P0001"
P2 = "KZ-71-D01-P0002"


def retry_after(response: httpx.Response) -> int:
    value = response.headers.get("retry-after", "")
    assert value.isdigit(), response.headers
    return int(value)


def client_from(base: str, address: str, **headers: str) -> httpx.Client:
    """A client whose connections come from ``address`` (any of 127.0.0.0/8 reaches the
    server on 127.0.0.1): another client, as far as the server can tell."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base + API, transport=transport, headers=headers, timeout=30)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def test_the_request_past_a_window_gets_429_and_other_clients_do_not(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(throttle.LIMIT, "3/second;5/minute")
    monkeypatch.delenv(throttle.TRUSTED_PROXIES, raising=False)
    url = f"sqlite:///{folder / 'saylau.db'}"
    prepare(url)
    server = start_server(url, folder)
    try:
        one = client_from(server.base, "127.0.0.1")
        proof = {"size": 1, "index": 0}
        statuses = [one.get("/ledger/inclusion", params=proof).status_code for _ in range(3)]
        assert 429 not in statuses  # entry 0 (the definition) is proved
        burst = one.get("/ledger/consistency", params={"first": 1, "second": 1})
        assert burst.status_code == 429 and is_problem(burst), burst.text
        assert burst.json()["status"] == 429 and "proofs" in burst.json()["detail"]
        assert retry_after(burst) == 1  # the burst window is one second

        # Another client, another kind of read, and the results are not held up.
        two = client_from(server.base, "127.0.0.2")
        assert two.get("/ledger/inclusion", params=proof).status_code == 200
        assert one.get("/ledger/entries").status_code == 200
        assert one.get("/results/mazhilis-list").status_code == 200
        # Naming another address does not help a client that no proxy speaks for.
        spoofed = one.get(
            "/ledger/inclusion", params=proof, headers={"X-Forwarded-For": "10.9.8.7"}
        )
        assert spoofed.status_code == 429

        time.sleep(1.1)  # the burst window has passed; the sustained one has 2 requests left
        assert one.get("/ledger/inclusion", params=proof).status_code == 200
        assert one.get("/ledger/inclusion", params=proof).status_code == 200
        sustained = one.get("/ledger/inclusion", params=proof)
        assert sustained.status_code == 429 and is_problem(sustained)
        assert 1 < retry_after(sustained) <= 60
    finally:
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(throttle.LIMIT, "2/minute")
    monkeypatch.setenv(throttle.TRUSTED_PROXIES, "127.0.0.1")
    url = f"sqlite:///{folder / 'saylau.db'}"
    prepare(url)
    server = start_server(url, folder)
    try:
        proxy = client_from(server.base, "127.0.0.1")
        first = {"X-Forwarded-For": "203.0.113.7"}
        for _ in range(2):
            assert proxy.get("/ledger/entries", headers=first).status_code == 200
        limited = proxy.get("/ledger/entries", headers=first)
        assert limited.status_code == 429 and "203.0.113.7" in limited.json()["detail"]
        second = {"X-Forwarded-For": "203.0.113.8"}
        assert proxy.get("/ledger/entries", headers=second).status_code == 200
    finally:
        server.stop()


def test_rate_limit_settings() -> None:
    assert throttle.kind_of(f"{API}/ledger/inclusion") == "proofs"
    assert throttle.kind_of(f"{API}/export/mazhilis-list.csv") == "exports"
    assert throttle.kind_of(f"{API}/results/mazhilis-list") is None
    assert throttle.kind_of(f"{API}/ledger/head") is None
    os.environ.pop(throttle.LIMIT, None)
    assert [str(item) for item in throttle.configured_limits()] == [
        "50 per 1 second",
        "1200 per 1 minute",
    ]


# --------------------------------------------------------------------------------------------
# A lost database


def unavailable(response: httpx.Response) -> bool:
    return (
        response.status_code == 503
        and is_problem(response)
        and response.json()["status"] == 503
        and retry_after(response) >= 1
    )


def exercise(public: httpx.Client, writer: httpx.Client, precinct: str) -> list[httpx.Response]:
    """A read of each kind and a write; none of them served from a worker's memory."""
    return [
        public.get("/ledger/head"),
        public.get("/ledger/inclusion", params={"size": 1, "index": 0}),
        public.get("/ledger/entries"),
        public.get("/export/mazhilis-list.csv"),
        writer.post(
            "/protocols",
            json={"protocol": protocol(precinct, "mazhilis-list", list_votes(5, 4, 3))},
        ),
    ]


def test_a_lost_postgresql_answers_503_and_recovers(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(throttle.LIMIT, "off")
    with fresh_postgres() as url:
        tokens = prepare(url)
        name = url.rsplit("/", 1)[1]
        server = start_server(url, folder, workers=2)
        try:
            public, writer = server.client(), server.client(tokens[P1])
            first = protocol(P2, "mazhilis-list", list_votes(50, 40, 30))
            assert (
                server.client(tokens[P2]).post("/protocols", json={"protocol": first}).status_code
                == 201
            )
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (name,),
                )
            for _ in range(2):  # both workers, whichever answers
                answers = exercise(public, writer, P1)
                assert all(unavailable(a) for a in answers), [
                    (a.request.url.path, a.status_code, a.text[:200]) for a in answers
                ]
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            answers = exercise(public, writer, P1)
            assert [a.status_code for a in answers] == [200, 200, 200, 200, 201], [
                a.text[:200] for a in answers
            ]
            assert (
                public.get("/ledger/head").json()["size"] == 3
            )  # definition, P2, P1: the refused write left nothing
        finally:
            server.stop()
        assert "Traceback" not in server.log_text(), server.log_text()


@pytest.fixture
def sqlite_app(folder: Path) -> Iterator[tuple[str, Context, Path, dict[str, str]]]:
    """The application over a SQLite file, served over HTTP from a thread of this process so
    that the test can drop its pooled connections when it takes the file away."""
    path = folder / "saylau.db"
    url = f"sqlite:///{path}"
    tokens = prepare(url)
    os.environ[throttle.LIMIT] = "off"
    try:
        ctx = Context.open(url)
        app = create_app(ctx=ctx)
    finally:
        os.environ.pop(throttle.LIMIT)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", ctx, path, tokens
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        ctx.engine.dispose()


def test_a_lost_sqlite_file_answers_503_and_recovers(
    sqlite_app: tuple[str, Context, Path, dict[str, str]],
) -> None:
    base, ctx, path, tokens = sqlite_app
    public = httpx.Client(base_url=base + API, timeout=30)
    writer = httpx.Client(
        base_url=base + API, headers={"Authorization": f"Bearer {tokens[P1]}"}, timeout=30
    )
    assert public.get("/ledger/head").status_code == 200
    aside = path.with_name("moved-away")
    aside.mkdir()
    for part in path.parent.glob(path.name + "*"):
        shutil.move(part, aside / part.name)
    path.mkdir()  # where the file was, something SQLite cannot open
    ctx.engine.dispose()  # the pooled connections still hold the old file open
    try:
        answers = exercise(public, writer, P1)
        assert all(unavailable(a) for a in answers), [
            (a.status_code, a.text[:200]) for a in answers
        ]
    finally:
        path.rmdir()
        for part in aside.iterdir():
            shutil.move(part, path.parent / part.name)
    answers = exercise(public, writer, P1)
    assert [a.status_code for a in answers][-1] == 201, [a.text[:200] for a in answers]
    assert [a.status_code for a in answers][:4] == [200, 200, 200, 200]
    assert ELECTION in public.get("/ledger/entries").text


def test_a_worker_starting_while_postgresql_is_lost_starts_and_loads_later() -> None:
    """Warming the definitions at start meets a lost database: the worker starts anyway
    (a traceback there killed it), and the definitions load once the database is back."""
    with fresh_postgres() as url:
        election = election_from_mapping(small_election_mapping())
        ctx = Context.open(url)
        try:
            import_election(ctx, election)
            name = url.rsplit("/", 1)[1]
            started = Context.open(url, upgrade=False)
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (name,),
                )
            try:
                started.warm()
                assert started.catalogs == {}
            finally:
                with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                    admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            started.warm()
            assert set(started.catalogs) == {election.id}
            started.engine.dispose()
        finally:
            ctx.engine.dispose()
