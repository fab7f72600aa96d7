"""Security headers over real HTTP: every page and API answer carries them, and the API's
documentation is served from the package itself.

The policy is read back from the header and judged directive by directive: no inline script
anywhere, no page framed by another site except the embeddable widget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.serving import ELECTION, Server, prepare, start_server

P1 = "KZ-71-D01-P0001"


@dataclass
class Served:
    server: Server
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("headers")
    url = f"sqlite:///{folder / 'saylau.db'}"
    tokens = prepare(url)
    server = start_server(url, folder)
    try:
        yield Served(server, tokens)
    finally:
        server.stop()
    assert "Traceback" not in server.log_text()


def policy(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as directive → sources."""
    header = response.headers.get("content-security-policy")
    assert header, f"{response.request.url}: no Content-Security-Policy"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


API = f"/api/v1/elections/{ELECTION}"
# (path, method, expected status): pages, static files, JSON, problems, documentation
ANSWERS = [
    ("/health", "GET", 200),
    ("/openapi.json", "GET", 200),
    (f"{API}/ledger/head", "GET", 200),
    (f"{API}/results/mazhilis-list", "GET", 200),
    (f"{API}/ledger/inclusion?size=0", "GET", 422),
    ("/api/v1/elections/nowhere/ledger/head", "GET", 404),
    (f"{API}/protocols", "POST", 401),
    (f"/kk/{ELECTION}/", "GET", 200),
    (f"/ru/{ELECTION}/mazhilis-list/", "GET", 200),
    (f"/en/{ELECTION}/mazhilis-list/{P1}/", "GET", 200),
    (f"/live/{ELECTION}/mazhilis-list.json", "GET", 200),
    ("/kk/parties/", "GET", 200),
    ("/ru/parties/amanat/", "GET", 200),
    ("/api/v1/parties", "GET", 200),
    ("/api/v1/parties/applications", "POST", 401),
    (f"/kk/{ELECTION}/candidates/", "GET", 200),
    (f"/ru/{ELECTION}/deputies/", "GET", 200),
    (f"/kk/{ELECTION}/lists/", "GET", 200),
    (f"{API}/candidates", "GET", 200),
    (f"{API}/deputies", "GET", 200),
    (f"{API}/lists", "GET", 200),
    (f"{API}/candidates", "POST", 401),
    ("/static/site.css", "GET", 200),
    ("/static/live.js", "GET", 200),
    ("/static/missing.css", "GET", 404),
    ("/", "GET", 307),
    ("/docs", "GET", 200),
]


@pytest.mark.parametrize(("path", "method", "status"), ANSWERS, ids=[a[0] for a in ANSWERS])
def test_every_answer_carries_the_headers(
    served: Served, path: str, method: str, status: int
) -> None:
    response = httpx.request(
        method, served.server.base + path, json={}, timeout=30, follow_redirects=False
    )
    assert response.status_code == status, response.text
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy") in ("no-referrer", "same-origin")
    directives = policy(response)
    assert directives.get("frame-ancestors") in (["'none'"], ["'self'"]), directives
    assert directives.get("default-src") == ["'none'"], directives
    assert directives.get("base-uri") == ["'none'"], directives
    for name in ("script-src", "script-src-elem", "default-src"):
        assert "'unsafe-inline'" not in directives.get(name, []), directives
        assert "'unsafe-eval'" not in directives.get(name, []), directives
        assert not [s for s in directives.get(name, []) if s.startswith(("http", "*"))]


def test_the_widget_may_be_framed_by_any_site(served: Served) -> None:
    """News sites embed the widget in an iframe; every other page refuses to be framed."""
    response = httpx.get(served.server.base + f"/kk/{ELECTION}/mazhilis-list/widget")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["frame-ancestors"] == ["*"]
    # only framing is relaxed: the rest of the policy is every page's
    assert directives.get("default-src") == ["'none'"] and directives.get("base-uri") == ["'none'"]
    assert directives.get("script-src") == ["'self'"]
    assert "'unsafe-inline'" not in directives.get("script-src", [])
    assert response.headers.get("x-content-type-options") == "nosniff"


def test_inline_scripts_are_only_those_the_policy_hashes(served: Served) -> None:
    """Any inline script a page holds must be named by its hash in the policy."""
    import base64
    import hashlib

    for path in ("/docs", f"/kk/{ELECTION}/mazhilis-list/", f"/kk/{ELECTION}/mazhilis-list/widget"):
        response = httpx.get(served.server.base + path)
        allowed = set(policy(response).get("script-src", []))
        for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.text, re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, (path, body[:80])


def test_documentation_is_served_from_the_package(served: Served) -> None:
    """/docs names only this server's files: Swagger UI's script, style and icon."""
    page = httpx.get(served.server.base + "/docs")
    assert page.status_code == 200
    links = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', page.text)
    links += re.findall(r"""url:\s*['"]([^'"]+)""", page.text)
    assert links, page.text
    for link in links:
        assert link.startswith("/") and not link.startswith("//"), link
    assets = [link for link in links if link.endswith((".js", ".css"))]
    assert len(assets) >= 2, links
    for link in assets:
        asset = httpx.get(served.server.base + link)
        assert asset.status_code == 200, link
        assert len(asset.content) > 10_000, link  # the real bundle, not a stub
    redoc = httpx.get(served.server.base + "/redoc", follow_redirects=True)
    assert redoc.status_code >= 400 and "redoc" not in redoc.text.lower()


def test_docs_assets_are_pinned_in_the_project() -> None:
    """The assets come from a package the project pins, so no request leaves at run time."""
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"swagger-ui-bundle-v2==[\d.]+"', text)
