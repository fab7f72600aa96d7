"""The response cache answers a held page from memory while the ledger grows, until the
page's hold runs out, and never shows the hold to a reader."""

from __future__ import annotations

import asyncio
import threading
import time

from starlette.types import Message, Receive, Scope, Send

from saylau.api.cache import ResponseCache
from saylau.service.snapshots import HOLD_HEADER, SIZE_HEADER, WHILE_BUILDING, Snapshots

PAGE = "/kk/night/mazhilis-list/"


class Pages:
    """An application answering every page with its call count, at the size it was told."""

    def __init__(self, hold: float | None, cookie: bool = False) -> None:
        self.hold = hold
        self.cookie = cookie
        self.calls = 0
        self.size = 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        body = f"call {self.calls}".encode()
        tag = b'"' + body.replace(b" ", b"-") + b'-gzip"'
        headers = [
            (SIZE_HEADER.lower().encode(), str(self.size).encode()),
            (b"etag", tag),
            (b"content-encoding", b"gzip"),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
        ]
        if self.hold is not None:
            headers.append((HOLD_HEADER.encode(), f"{self.hold:.3f}".encode()))
        if self.cookie:
            headers.append((b"set-cookie", b"lang=ru"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def snapshots_at(size: int) -> Snapshots:
    snapshots = Snapshots.__new__(Snapshots)  # only the sizes are read: no database
    snapshots.sizes = {"night": size}
    snapshots.pages, snapshots.built, snapshots.building, snapshots.limit = {}, {}, {}, 100
    snapshots._poller = threading.Thread(target=lambda: None)  # sizes are set by hand
    return snapshots


def get(
    cache: ResponseCache, path: str = PAGE, query: bytes = b"", if_none_match: bytes = b""
) -> tuple[Message, bytes]:
    sent: list[Message] = []
    headers = [(b"host", b"results.example"), (b"accept-encoding", b"gzip, br")]
    if if_none_match:
        headers.append((b"if-none-match", if_none_match))
    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": headers,
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(cache(scope, receive, send))
    return sent[0], sent[1]["body"]


def names(start: Message) -> set[bytes]:
    return {name.lower() for name, _value in start["headers"]}


def test_a_held_page_is_answered_from_memory_while_the_ledger_grows() -> None:
    app = Pages(hold=0.3)
    snapshots = snapshots_at(1)
    cache = ResponseCache(app, snapshots)
    start, body = get(cache)
    assert body == b"call 1" and HOLD_HEADER.lower().encode() not in names(start)
    snapshots.sizes["night"] = 5
    start, again = get(cache)
    assert (again, app.calls) == (b"call 1", 1)
    assert HOLD_HEADER.lower().encode() not in names(start)
    time.sleep(0.35)
    assert get(cache)[1] == b"call 2"


def test_a_page_without_a_hold_is_asked_again_once_the_ledger_grows() -> None:
    app = Pages(hold=None)
    snapshots = snapshots_at(1)
    cache = ResponseCache(app, snapshots)
    assert get(cache)[1] == get(cache)[1] == b"call 1"
    snapshots.sizes["night"] = 2
    assert get(cache)[1] == b"call 2"


def test_a_reader_waiting_for_its_write_is_never_answered_from_memory() -> None:
    app = Pages(hold=5.0)
    cache = ResponseCache(app, snapshots_at(1))
    assert get(cache)[1] == b"call 1"
    start, body = get(cache, query=b"min_tree_size=1")
    assert body == b"call 2" and HOLD_HEADER.lower().encode() not in names(start)
    assert get(cache)[1] == b"call 1", "a min_tree_size answer replaced the stored one"


def test_a_conditional_read_of_the_stored_tag_is_answered_304_from_memory() -> None:
    app = Pages(hold=None)
    cache = ResponseCache(app, snapshots_at(1))
    full, body = get(cache)
    tag = dict(full["headers"])[b"etag"]
    start, empty = get(cache, if_none_match=tag)
    assert (start["status"], empty, app.calls) == (304, b"", 1)
    kept = [(n, v) for n, v in full["headers"] if n not in (b"content-encoding", b"content-length")]
    assert start["headers"] == kept
    other, again = get(cache, if_none_match=b'"an-older-tag"')
    assert (other["status"], again, app.calls) == (200, body, 1)
    get(cache, if_none_match=b'"call-1"')  # the plain coding's tag: the application decides
    assert app.calls == 2


def test_an_answer_setting_a_cookie_is_never_stored() -> None:
    app = Pages(hold=5.0, cookie=True)
    cache = ResponseCache(app, snapshots_at(1))
    assert (get(cache)[1], get(cache)[1]) == (b"call 1", b"call 2")


def test_the_hold_counts_from_the_build() -> None:
    snapshots = snapshots_at(1)
    snapshots.built = {("page",): time.monotonic() - 4.0}
    assert 0.9 < snapshots.held_for(("page",), 5.0) <= 1.0
    assert snapshots.held_for(("page",), 3.0) == 0.0
    assert snapshots.held_for(("other",), 5.0) == 0.0
    loop = asyncio.new_event_loop()
    snapshots.building = {("page",): loop.create_future()}
    assert snapshots.held_for(("page",), 3.0) == WHILE_BUILDING
    loop.close()


def test_a_held_page_past_its_hold_is_rebuilt_while_its_reader_gets_the_previous() -> None:
    snapshots = snapshots_at(1)
    key = ("page",)

    def build(size: int) -> bytes:
        return f"built at {size}".encode()

    async def night() -> list[tuple[int, bytes]]:
        answers = [await snapshots.read_sized("night", key, build, min_interval=0.05)]
        snapshots.sizes["night"] = 2
        answers.append(await snapshots.read_sized("night", key, build, min_interval=0.05))
        await asyncio.sleep(0.06)
        answers.append(await snapshots.read_sized("night", key, build, min_interval=0.05))
        await asyncio.shield(snapshots.building[key])
        answers.append(await snapshots.read_sized("night", key, build, min_interval=0.05))
        return answers

    first, held, past_hold, rebuilt = asyncio.run(night())
    assert first == held == past_hold == (1, b"built at 1")
    assert rebuilt == (2, b"built at 2")


def test_a_page_without_a_hold_is_waited_for_by_the_reader_who_builds_it() -> None:
    snapshots = snapshots_at(1)

    def build(size: int) -> bytes:
        return f"built at {size}".encode()

    async def night() -> tuple[tuple[int, bytes], tuple[int, bytes]]:
        first = await snapshots.read_sized("night", ("json",), build)
        snapshots.sizes["night"] = 2
        return first, await snapshots.read_sized("night", ("json",), build)

    assert asyncio.run(night()) == ((1, b"built at 1"), (2, b"built at 2"))
