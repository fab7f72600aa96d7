"""Every public read over real HTTP is what a CDN can carry on election night: CORS for any
site's script, an entity tag answered 304 when it still matches, a Cache-Control, gzip for
a reader who accepts it, HEAD as GET without the body, and never a cookie on an answer a
shared cache keeps."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.elections_fixture import protocol
from tests.serving import API, ELECTION, Server, list_votes, prepare, start_server

P1 = "KZ-71-D01-P0001"
CONTEST = "mazhilis-list"
#: every kind of read: API JSON, downloads, pages, the widget, the live numbers, static files
READS = [
    "/health",
    "/openapi.json",
    "/docs",
    f"{API}/ledger/head",
    f"{API}/ledger/entries",
    f"{API}/results/{CONTEST}",
    f"{API}/outcome/{CONTEST}",
    f"{API}/definition",
    f"{API}/export/{CONTEST}.csv",
    f"{API}/export/{CONTEST}.json",
    f"{API}/export/{CONTEST}.parquet",
    f"{API}/export/{CONTEST}.nist.json",
    f"{API}/candidates",
    f"{API}/deputies",
    f"{API}/lists",
    "/api/v1/parties",
    "/api/v1/parties/amanat",
    f"/kk/{ELECTION}/",
    f"/ru/{ELECTION}/{CONTEST}/",
    f"/en/{ELECTION}/{CONTEST}/{P1}/",
    f"/kk/{ELECTION}/{CONTEST}/widget",
    f"/kk/{ELECTION}/candidates/",
    f"/ru/{ELECTION}/feed.atom",
    "/en/data/",
    "/kk/parties/",
    "/ru/parties/amanat/",
    f"/live/{ELECTION}/{CONTEST}.json",
    "/static/site.css",
    "/static/live.js",
    "/static/embed.js",
    "/static/widget.js",
]
COMPRESSIBLE = ("text/", "application/json")


TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("reads")
    url = f"sqlite:///{folder / 'saylau.db'}"
    TOKENS.update(prepare(url))
    served = start_server(url, folder)
    try:
        document = protocol(P1, CONTEST, list_votes(500, 300, 200))
        with served.client(TOKENS[P1]) as client:
            client.post("/protocols", json={"protocol": document}).raise_for_status()
        yield served
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()


def get(server: Server, path: str, **headers: str) -> httpx.Response:
    """A GET as a CDN makes it: raw bytes, no decoding, no redirects."""
    return httpx.get(server.base + path, headers=headers, timeout=30)


@pytest.mark.parametrize("path", READS)
def test_every_read_is_cacheable_and_open_to_any_site(server: Server, path: str) -> None:
    plain = get(server, path, **{"Accept-Encoding": "identity", "Origin": "https://news.example"})
    assert plain.status_code == 200, plain.text[:300]
    assert plain.headers.get("access-control-allow-origin") == "*"
    assert "access-control-allow-credentials" not in plain.headers
    assert "set-cookie" not in plain.headers
    control = plain.headers.get("cache-control", "")
    assert "public" in control and "no-store" not in control and "private" not in control
    tag = plain.headers.get("etag")
    assert tag and tag.startswith(('"', 'W/"')), plain.headers
    assert "content-encoding" not in plain.headers

    again = get(server, path, **{"If-None-Match": tag, "Accept-Encoding": "identity"})
    assert again.status_code == 304 and again.content == b""
    assert again.headers.get("etag") == tag

    if plain.headers["content-type"].startswith(COMPRESSIBLE) and len(plain.content) >= 256:
        packed = get(server, path, **{"Accept-Encoding": "gzip"})
        assert packed.headers.get("content-encoding") == "gzip"
        assert "accept-encoding" in packed.headers.get("vary", "").lower()
        assert packed.content == plain.content  # httpx decodes it
        assert packed.num_bytes_downloaded < len(plain.content)
        assert packed.headers["etag"] != tag  # each representation its own validator
        revalidated = get(
            server, path, **{"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]}
        )
        assert revalidated.status_code == 304

    head = httpx.head(server.base + path, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers.get("etag") == tag
    assert head.headers.get("content-length") == str(len(plain.content))


def test_a_script_may_revalidate_from_any_site(server: Server) -> None:
    """A script's conditional GET is preflighted; the preflight allows reads, not writes."""
    asked = httpx.options(
        server.base + f"{API}/results/{CONTEST}",
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert asked.status_code == 204
    assert asked.headers["access-control-allow-origin"] == "*"
    assert "GET" in asked.headers["access-control-allow-methods"]
    assert "POST" not in asked.headers["access-control-allow-methods"]
    assert "if-none-match" in asked.headers["access-control-allow-headers"].lower()
    writing = httpx.options(
        server.base + f"{API}/protocols",
        headers={"Origin": "https://news.example", "Access-Control-Request-Method": "POST"},
    )
    assert writing.headers.get("access-control-allow-origin") is None


def test_a_new_protocol_changes_the_tag(server: Server) -> None:
    """A tag answered 304 stands for the numbers it was given with: new numbers, new tag."""
    path = f"{API}/results/{CONTEST}"
    before = get(server, path, **{"Accept-Encoding": "identity"})
    tag = before.headers["etag"]
    assert get(server, path, **{"If-None-Match": tag}).status_code == 304
    document = protocol("KZ-71-D01-P0002", CONTEST, list_votes(10, 20, 30))
    with server.client(TOKENS["KZ-71-D01-P0002"]) as client:
        tree_size = client.post("/protocols", json={"protocol": document}).json()["tree_size"]
    after = get(server, f"{path}?min_tree_size={tree_size}", **{"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag


def test_only_the_language_switch_sets_a_cookie_and_it_is_not_cached(server: Server) -> None:
    chosen = get(server, f"/ru/choose?to=/ru/{ELECTION}/")
    assert chosen.status_code == 303 and chosen.headers["location"] == f"/ru/{ELECTION}/"
    assert "saylau_lang=ru" in chosen.headers["set-cookie"]
    assert chosen.headers["cache-control"] == "no-store"
    root = get(server, "/", Cookie="saylau_lang=ru")
    assert root.headers["location"] == f"/ru/{ELECTION}/"
    assert "private" in root.headers["cache-control"] and "set-cookie" not in root.headers


def test_the_desk_is_no_public_read(server: Server) -> None:
    """The commission's desk answers one signed-in commission: no CORS, never cached."""
    for path in ("/desk/kk/sign-in", "/desk/"):
        answer = get(server, path, Origin="https://news.example")
        assert "access-control-allow-origin" not in answer.headers, path
        assert "public" not in answer.headers.get("cache-control", ""), path


@pytest.mark.parametrize(
    "path", [f"{API}/results/{CONTEST}", f"{API}/ledger/head", f"/kk/{ELECTION}/"]
)
def test_an_answer_to_a_credential_is_never_shared(server: Server, path: str) -> None:
    """A read that carried a token (a moderator's flags, a commission's queue) is that holder's
    answer: a proxy keyed on the address must not hand it to the next reader."""
    answer = get(server, path, Authorization=f"Bearer {TOKENS[P1]}")
    assert answer.status_code == 200, path
    assert answer.headers["cache-control"] == "private, no-store", path
    assert "access-control-allow-origin" not in answer.headers, path
    public = get(server, path)
    assert "public" in public.headers["cache-control"], path
