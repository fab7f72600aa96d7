"""Answer repeated reads of public pages straight from memory, before anything else runs.

A GET of a results page, its JSON twin or the live summary is answered with the very answer
(status, headers, bytes) the application gave for the same URL and host, as long as the
ledger has not grown since it was made (``Snapshots.sizes``, kept fresh by the poller and by
this worker's own writes). Anything else, and every miss, goes through the application as
usual. This keeps a surge of readers to a dictionary look-up each.

This is the outermost layer, so what it stores is the finished answer: security headers,
CORS, the entity tag, Cache-Control and gzip as :class:`saylau.api.reads.PublicReads` and
:class:`saylau.api.headers.SecurityHeaders` made them, kept apart for readers that accept
gzip and readers that do not. A conditional read whose If-None-Match names the stored tag is
answered 304 with the same headers less the body's own (``Content-Encoding``,
``Content-Length``), as PublicReads answers it; one that names the other coding's tag goes
through the application. An answer that sets a cookie or may not be stored never is.

A page rebuilt at most every few seconds (``min_interval``) says for how long its bytes
stand (``HOLD_HEADER``, removed here): it is answered from memory until then even while the
ledger grows, as the application itself would answer it, instead of going through the
routing to be handed the same bytes.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saylau.api.reads import accepts_gzip, gzip_tag, matches
from saylau.service.snapshots import HOLD_HEADER, SIZE_HEADER, Snapshots

_SIZE = SIZE_HEADER.lower().encode()
_HOLD = HOLD_HEADER.lower().encode()
#: the headers that describe a body, which a 304 does not carry
_BODY_HEADERS = (b"content-encoding", b"content-length")


class Entry:
    """A finished answer and how long it stands."""

    __slots__ = ("body", "not_modified", "other_tag", "size", "start", "tag", "until")

    def __init__(
        self, size: int, until: float, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        self.size = size  # the ledger size its numbers are at
        self.until = until  # monotonic time until which it stands whatever the size (0: none)
        self.start: Message = {"type": "http.response.start", "status": 200, "headers": headers}
        self.body: Message = {"type": "http.response.body", "body": body}
        tag = next((v for n, v in headers if n.lower() == b"etag"), b"")
        self.tag = tag
        # the tag of the other coding, which PublicReads also answers 304 to
        plain = tag.removesuffix(b'-gzip"') + b'"' if tag.endswith(b'-gzip"') else None
        self.other_tag = plain if plain is not None else gzip_tag(tag) if tag else b""
        self.not_modified: Message = {
            "type": "http.response.start",
            "status": 304,
            "headers": [(n, v) for n, v in headers if n.lower() not in _BODY_HEADERS],
        }


class ResponseCache:
    def __init__(self, app: ASGIApp, snapshots: Snapshots, limit: int = 20_000) -> None:
        self.app = app
        self.snapshots = snapshots
        self.limit = limit
        self.entries: dict[bytes, Entry] = {}

    @staticmethod
    def _election(path: str) -> str | None:
        """The election a cacheable path belongs to, or None if the path is not cached."""
        parts = path.strip("/").split("/")
        if (
            len(parts) >= 5
            and parts[:3] == ["api", "v1", "elections"]
            and parts[4]
            in (
                "results",
                "outcome",
            )
        ):
            return parts[3]
        if len(parts) == 3 and parts[0] == "live":
            return parts[1]
        if len(parts) >= 2 and parts[0] in ("kk", "ru", "en"):
            return parts[1]
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if any(name == b"authorization" for name, _value in scope["headers"]):
            await self.app(scope, receive, send)  # a credential's answer is its holder's own
            return
        query: bytes = scope.get("query_string", b"")
        election = self._election(scope["path"])
        if election is None:
            await self.app(scope, receive, send)
            return
        fresh_only = b"min_tree_size" in query  # waits for a snapshot: never stored
        # pages name the site by the address they were asked at (their embeds), so the
        # host is part of what a stored answer is for, and so is the coding
        host = if_none_match = b""
        packed = False
        for name, value in scope["headers"]:
            if name == b"host":
                host = value
            elif name == b"accept-encoding":
                packed = accepts_gzip(value)
            elif name == b"if-none-match":
                if_none_match = value
        key = host + b" " + scope["path"].encode() + b"?" + query + (b" gzip" if packed else b"")
        size = self.snapshots.sizes.get(election)
        entry = self.entries.get(key)
        if (
            entry is not None
            and size is not None
            and not fresh_only
            and (entry.size >= size or time.monotonic() < entry.until)
        ):
            if not if_none_match:
                await send(entry.start)
                await send(entry.body)
                return
            if matches(if_none_match, (entry.tag,)):
                await send(entry.not_modified)
                await send({"type": "http.response.body", "body": b""})
                return
            if not matches(if_none_match, (entry.other_tag,)):
                await send(entry.start)
                await send(entry.body)
                return
        seen = size if size is not None else -1
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        until = 0.0

        async def capture(message: Message) -> None:
            nonlocal status, headers, until
            if message["type"] == "http.response.start":
                status = message["status"]
                given = message.get("headers", [])
                headers = [(n, v) for n, v in given if n.lower() != _HOLD]
                held = _held(given)
                until = time.monotonic() + held if held > 0 else 0.0
                message = {**message, "headers": list(headers)}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                last = not message.get("more_body", False)
                if last and not fresh_only and _storable(status, headers, seen):
                    if len(self.entries) >= self.limit:
                        self.entries.clear()
                    body = b"".join(chunks)
                    self.entries[key] = Entry(_label(headers, seen), until, headers, body)
            await send(message)

        await self.app(scope, receive, capture)


def _storable(status: int, headers: list[tuple[bytes, bytes]], seen: int) -> bool:
    """A full answer at a known ledger size, with a tag, no cookie and nothing forbidding a
    cache to keep it."""
    if status != 200 or seen < 0:
        return False
    present = {name.lower(): value for name, value in headers}
    control = present.get(b"cache-control", b"").lower()
    return (
        b"etag" in present
        and b"set-cookie" not in present
        and b"no-store" not in control
        and b"private" not in control
    )


def _label(headers: list[tuple[bytes, bytes]], seen: int) -> int:
    """The ledger size a response's numbers are at: its own label, else the size seen."""
    for name, value in headers:
        if name.lower() == _SIZE and value.isdigit():
            return int(value)
    return seen


def _held(headers: list[tuple[bytes, bytes]]) -> float:
    """The seconds a page's bytes stand as they are (its ``HOLD_HEADER``), else 0."""
    for name, value in headers:
        if name.lower() == _HOLD:
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 0.0
