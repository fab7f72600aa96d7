"""Security headers on every answer: pages, static files, JSON and problems alike.

The site runs no inline script (``live.js`` is a file), so scripts come from this server
only. Colours of the table swatches are inline ``style`` attributes, which cannot select or
read anything; ``<style>`` elements stay limited to this server's stylesheet. Nothing may
frame a page (clickjacking of the results) except the widget, which news sites embed.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "content-security-policy"


def policy(frame_ancestors: str = "'none'", scripts: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy for a page; ``scripts`` adds hashes of inline scripts."""
    directives = {
        "default-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "script-src": " ".join(("'self'", *scripts)),
        # browsers without the -elem/-attr directives fall back to style-src
        "style-src": "'self' 'unsafe-inline'",
        "style-src-elem": "'self'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


#: the embeddable widget, /{lang}/{election}/{contest}/widget
WIDGET = re.compile(r"^/[a-z]{2}/[^/]+/[^/]+/widget$")


class SecurityHeaders:
    """ASGI middleware adding the headers to each response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]
        self.page = [*common, (CSP.encode(), policy().encode())]
        self.widget = [*common, (CSP.encode(), policy(frame_ancestors="*").encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.widget if WIDGET.match(scope["path"]) else self.page

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
