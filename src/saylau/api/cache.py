"""Answer repeated reads of public pages straight from memory, before any routing.

A GET of a results page, its JSON twin or the live summary is answered with the bytes and
headers the application produced for the same URL, as long as the ledger has not grown
since they were made (``Snapshots.sizes``, kept fresh by the poller and by this worker's
own writes). Anything else, and every miss, goes through the application as usual. This
keeps a surge of readers to a dictionary look-up each. A page rebuilt at most every few
seconds (``min_interval``) says for how long its bytes stand (``HOLD_HEADER``, removed here):
it is answered from memory until then even while the ledger grows, as the application itself
would answer it, instead of going through the routing to be handed the same bytes. A stored
answer keeps its entity tag,
so :class:`saylau.api.reads.PublicReads` answers its conditional reads without hashing it
again.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saylau.api.reads import entity_tag
from saylau.service.snapshots import HOLD_HEADER, SIZE_HEADER, Snapshots

_SIZE = SIZE_HEADER.lower().encode()
_HOLD = HOLD_HEADER.lower().encode()

# size, status, headers, body, and the monotonic time until which the bytes stand whatever
# the ledger's size (0: only while the size has not moved)
Entry = tuple[int, int, list[tuple[bytes, bytes]], bytes, float]


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
        query: bytes = scope.get("query_string", b"")
        election = self._election(scope["path"])
        if election is None:
            await self.app(scope, receive, send)
            return
        fresh_only = b"min_tree_size" in query  # waits for a snapshot: never stored
        # pages name the site by the address they were asked at (their embeds), so the
        # host is part of what a stored answer is for
        host = next((v for n, v in scope["headers"] if n == b"host"), b"")
        key = host + b" " + scope["path"].encode() + b"?" + query
        size = self.snapshots.sizes.get(election)
        entry = self.entries.get(key)
        if (
            entry is not None
            and size is not None
            and not fresh_only
            and (entry[0] >= size or time.monotonic() < entry[4])
        ):
            await send({"type": "http.response.start", "status": entry[1], "headers": entry[2]})
            await send({"type": "http.response.body", "body": entry[3]})
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
                headers = [(n, v) for n, v in message.get("headers", []) if n.lower() != _HOLD]
                held = _held(message.get("headers", []))
                until = time.monotonic() + held if held > 0 else 0.0
                message = {**message, "headers": list(headers)}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                stored = status == 200 and seen >= 0 and not fresh_only
                if not message.get("more_body", False) and stored:
                    if len(self.entries) >= self.limit:
                        self.entries.clear()
                    body = b"".join(chunks)
                    if not any(name.lower() == b"etag" for name, _value in headers):
                        headers.append((b"etag", entity_tag(body)))
                    self.entries[key] = (_label(headers, seen), status, headers, body, until)
            await send(message)

        await self.app(scope, receive, capture)


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
