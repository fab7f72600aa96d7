"""Every read is public and carried well by a proxy or a CDN: CORS, validators, compression.

Every GET or HEAD the server answers is a public read (writes are POSTs with a bearer token),
so each answer here gets what lets a newsroom's script, a browser's cache and a CDN carry
election night:

* ``Access-Control-Allow-Origin: *`` without credentials, and an answer to the preflight a
  script's conditional GET causes;
* an ``ETag`` (the body's hash, unless the handler named one) and an ``If-None-Match`` that
  matches it answered ``304 Not Modified``;
* a ``Cache-Control`` (short for results, which move while counting goes on; longer for
  the style sheet and scripts) unless the handler chose one;
* gzip when the reader accepts it, compressed once per entity tag;
* HEAD as GET without the body.

A cacheable answer never sets a cookie: an answer that sets one is marked ``no-store``, so
no shared cache can hand one reader's cookie to another. The commission's desk (``/desk``)
is no public read: its pages answer one signed-in commission and pass through untouched.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: how long a reader or a CDN may reuse a result or a page without asking again (seconds);
#: a page is rebuilt at most every 5 s while counting goes on, so nothing is staler than that
RESULTS_MAX_AGE = 5
STATIC_MAX_AGE = 300
#: bodies larger than this stream through unchanged (an export of a whole country's
#: precincts is a few megabytes; nothing served is near this)
BUFFER_LIMIT = 64 * 1024 * 1024
#: compressed copies kept, by entity tag (bytes)
COMPRESSED_LIMIT = 64 * 1024 * 1024
#: smaller bodies are not worth a gzip header
COMPRESS_FROM = 256
#: where pages answer one signed-in reader, never the public
PRIVATE = "/desk"

COMPRESSIBLE = (
    b"text/",
    b"application/json",
    b"application/problem+json",
    b"application/atom+xml",
    b"application/xml",
    b"application/javascript",
    b"image/svg+xml",
)
EXPOSED = b"ETag, Content-Disposition, X-Saylau-Status, X-Saylau-Tree-Size, X-Saylau-Tree-Root"
CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", EXPOSED),
]
PREFLIGHT = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, HEAD"),
    (b"access-control-allow-headers", b"If-None-Match, If-Modified-Since, Accept, Accept-Language"),
    (b"access-control-max-age", b"86400"),
]


def entity_tag(body: bytes) -> bytes:
    """A strong validator of ``body``: its BLAKE2b digest, quoted."""
    return b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'


def gzip_tag(tag: bytes) -> bytes:
    """The validator of the gzip-encoded representation of the entity tagged ``tag``."""
    opaque = tag.removeprefix(b"W/")
    return tag[: len(tag) - len(opaque)] + opaque[:-1] + b'-gzip"'


def matches(if_none_match: bytes, tags: tuple[bytes, ...]) -> bool:
    """Whether an If-None-Match header names one of ``tags`` (weak comparison, RFC 9110)."""
    if if_none_match.strip() == b"*":
        return True
    wanted = {tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")}
    return any(tag.removeprefix(b"W/") in wanted for tag in tags)


def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether an Accept-Encoding header accepts gzip (a ``q=0`` refuses it)."""
    for part in accept_encoding.lower().split(b","):
        coding, _, params = part.partition(b";")
        if coding.strip() in (b"gzip", b"*"):
            quality = params.strip().removeprefix(b"q=")
            try:
                return not params.strip() or float(quality) > 0
            except ValueError:
                return False
    return False


def is_private(path: str) -> bool:
    return path == PRIVATE or path.startswith(PRIVATE + "/")


def default_cache_control(path: str) -> bytes:
    if path.startswith("/static/"):
        return f"public, max-age={STATIC_MAX_AGE}".encode()
    return f"public, max-age={RESULTS_MAX_AGE}".encode()


def _kept_private(send: Send) -> Send:
    """An answer to a request that carried a credential is that holder's alone: no shared
    cache (a proxy keyed on the address, a CDN) may store it and hand it to the next reader."""

    async def private(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (name, value)
                for name, value in message.get("headers", [])
                if name.lower() not in (b"cache-control", b"access-control-allow-origin")
            ]
            headers.append((b"cache-control", b"private, no-store"))
            message = {**message, "headers": headers}
        await send(message)

    return private


class PublicReads:
    """ASGI middleware: CORS, validators, conditional answers and gzip on every read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.compressed: OrderedDict[bytes, bytes] = OrderedDict()
        self.compressed_size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        request = dict(scope["headers"])
        path: str = scope["path"]
        if is_private(path):
            await self.app(scope, receive, send)
            return
        if b"authorization" in request:
            await self.app(scope, receive, _kept_private(send))
            return
        asked = request.get(b"access-control-request-method")
        if method == "OPTIONS" and asked in (b"GET", b"HEAD"):
            await send({"type": "http.response.start", "status": 204, "headers": PREFLIGHT})
            await send({"type": "http.response.body", "body": b""})
            return
        if method not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = method == "HEAD"
        inner = {**scope, "method": "GET"} if head else scope
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        streaming = False

        async def buffer(message: Message) -> None:
            nonlocal start, size, streaming
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            if streaming:
                await send({**message, "body": b""} if head else message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > BUFFER_LIMIT:  # too large to hold: pass it on as it comes
                streaming = True
                headers = [*start.get("headers", []), *CORS]
                await send({**start, "headers": headers})
                body = b"" if head else b"".join(chunks)
                await send({**message, "body": body})
                return
            if not message.get("more_body", False):
                body = b"".join(chunks)
                await self._answer(scope["path"], request, start, body, head, send)

        await self.app(inner, receive, buffer)

    async def _answer(
        self,
        path: str,
        request: dict[bytes, bytes],
        start: Message,
        body: bytes,
        head: bool,
        send: Send,
    ) -> None:
        status: int = start["status"]
        headers = [
            (name, value)
            for name, value in start.get("headers", [])
            if name.lower() not in (b"content-length", b"access-control-allow-origin")
        ]
        present = {name.lower(): value for name, value in headers}
        headers += CORS
        if b"set-cookie" in present:
            headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
            headers.append((b"cache-control", b"no-store"))
        elif status == 200:
            if b"cache-control" not in present:
                headers.append((b"cache-control", default_cache_control(path)))
            tag = present.get(b"etag")
            if tag is None:
                tag = entity_tag(body)
                headers.append((b"etag", tag))
            content_type = present.get(b"content-type", b"")
            compressible = (
                content_type.startswith(COMPRESSIBLE) and b"content-encoding" not in present
            )
            if compressible:
                headers.append((b"vary", b"Accept-Encoding"))
            zipped = gzip_tag(tag)
            packed = (
                compressible
                and len(body) >= COMPRESS_FROM
                and accepts_gzip(request.get(b"accept-encoding", b""))
            )
            if packed:
                headers = [(n, zipped if n.lower() == b"etag" else v) for n, v in headers]
            if matches(request.get(b"if-none-match", b""), (tag, zipped)):
                await self._send(send, 304, headers, b"", head=True)
                return
            if packed:
                body = self._gzip(path.encode() + b" " + zipped, body)
                headers.append((b"content-encoding", b"gzip"))
        elif status == 304:
            head = True
        await self._send(send, status, headers, body, head)

    @staticmethod
    async def _send(
        send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes, head: bool
    ) -> None:
        if status != 304:
            headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})

    def _gzip(self, tag: bytes, body: bytes) -> bytes:
        """``body`` compressed, once per path and entity tag while the copy is kept."""
        found = self.compressed.get(tag)
        if found is not None:
            self.compressed.move_to_end(tag)
            return found
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        self.compressed[tag] = packed
        self.compressed_size += len(packed)
        while self.compressed_size > COMPRESSED_LIMIT and self.compressed:
            _tag, dropped = self.compressed.popitem(last=False)
            self.compressed_size -= len(dropped)
        return packed
