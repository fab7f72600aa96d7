"""The API's interactive documentation, served from the package: no request leaves.

Swagger UI's files come from the pinned ``swagger-ui-bundle-v2`` package; FastAPI writes the
page, whose one inline script (the configuration) is allowed by its hash and nothing else.
ReDoc is not served: it would load from a CDN and needs inline styles.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from saylau.api.headers import CSP, policy

ASSETS = "/docs-assets"


def _hashes(html: str) -> tuple[str, ...]:
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    return tuple(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline
    )


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and Swagger UI's files (before the site's catch-all routes)."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} — Swagger UI",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        oauth2_redirect_url=None,
    )
    body = bytes(page.body)
    headers = {CSP: policy(scripts=_hashes(body.decode()))}

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(body, headers=headers)
