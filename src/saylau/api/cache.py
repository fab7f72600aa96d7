"""Answer repeated reads of public pages straight from memory, before any routing.

A GET of a results page, its JSON twin or the live summary is answered with the bytes and
headers the application produced for the same URL, as long as the ledger has not grown
since they were made (``Snapshots.sizes``, kept fresh by the poller and by this worker's
own writes). Anything else, and every miss, goes through the application as usual. This
keeps a surge of readers to a dictionary look-up each. A stored answer keeps its entity tag,
so :class:`saylau.api.reads.PublicReads` answers its conditional reads without hashing it
again.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saylau.api.reads import entity_tag
from saylau.service.snapshots import SIZE_HEADER, Snapshots

_SIZE = SIZE_HEADER.lower().encode()

Entry = tuple[int, int, list[tuple[bytes, bytes]], bytes]  # size, status, headers, body


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
        if election is None or b"min_tree_size" in query:
            await self.app(scope, receive, send)
            return
        # pages name the site by the address they were asked at (their embeds), so the
        # host is part of what a stored answer is for
        host = next((v for n, v in scope["headers"] if n == b"host"), b"")
        key = host + b" " + scope["path"].encode() + b"?" + query
        size = self.snapshots.sizes.get(election)
        entry = self.entries.get(key)
        if entry is not None and size is not None and entry[0] >= size:
            await send({"type": "http.response.start", "status": entry[1], "headers": entry[2]})
            await send({"type": "http.response.body", "body": entry[3]})
            return
        seen = size if size is not None else -1
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and status == 200 and seen >= 0:
                    if len(self.entries) >= self.limit:
                        self.entries.clear()
                    body = b"".join(chunks)
                    if not any(name.lower() == b"etag" for name, _value in headers):
                        headers.append((b"etag", entity_tag(body)))
                    self.entries[key] = (_label(headers, seen), status, headers, body)
            await send(message)

        await self.app(scope, receive, capture)


def _label(headers: list[tuple[bytes, bytes]], seen: int) -> int:
    """The ledger size a response's numbers are at: its own label, else the size seen."""
    for name, value in headers:
        if name.lower() == _SIZE and value.isdigit():
            return int(value)
    return seen
