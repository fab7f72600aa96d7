"""Read snapshots: the results a reader gets are bytes built once per ledger size.

Readers never wait on the database: each worker keeps the encoded answer of every results
page it served, labelled with the ledger size it was built at, and a poller reads the
ledger sizes every ``interval`` seconds (one indexed query for all elections). When the
size moves, the next reader of a page rebuilds it once while the others keep getting the
previous snapshot. A worker learns of its own writes at once, so a client reading from the
worker it wrote through sees its write; one reading elsewhere passes ``min_tree_size`` (the
receipt's ``tree_size``) and waits for a snapshot at least that new. This is a cache of public,
derived data: losing it loses nothing, and no worker needs another worker's copy.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from saylau.service.context import Context
from saylau.store.tables import LedgerStateRow

Key = tuple[Hashable, ...]
#: Response header naming the ledger size a served snapshot was built at.
SIZE_HEADER = "X-Saylau-Tree-Size"
#: Header by which a page held for ``min_interval`` tells the response cache
#: (:mod:`saylau.api.cache`) for how many more seconds its bytes stand while the ledger moves
#: on; the response cache removes it, so no reader sees it.
HOLD_HEADER = "X-Saylau-Hold"
#: how long a held page being rebuilt is answered as it is before the response cache asks
#: again whether its successor is ready (seconds): a build takes from a fraction of a second
#: to several under load, and every reader meanwhile gets the previous snapshot anyway
WHILE_BUILDING = 0.1


class Snapshots:
    def __init__(self, ctx: Context, interval: float = 0.05, limit: int = 20_000) -> None:
        self.ctx = ctx
        self.interval = interval
        self.limit = limit
        self.sizes: dict[str, int] = {}
        self.pages: dict[Key, tuple[int, bytes]] = {}
        self.built: dict[Key, float] = {}
        self.building: dict[Key, asyncio.Future[tuple[int, bytes]]] = {}
        self._poller: threading.Thread | None = None
        self._guard = threading.Lock()

    def _read_sizes(self) -> dict[str, int]:
        with self.ctx.sessions() as session:
            rows = session.execute(select(LedgerStateRow.election_id, LedgerStateRow.size))
            return {election: int(size) for election, size in rows}

    def _poll(self) -> None:
        while True:
            try:
                for election, size in self._read_sizes().items():
                    self.saw(election, size)
            except Exception:  # a transient database error must not stop freshness
                time.sleep(1.0)
            time.sleep(self.interval)

    def _start(self) -> None:
        with self._guard:
            if self._poller is None:
                self.sizes.update(self._read_sizes())
                self._poller = threading.Thread(target=self._poll, name="snapshots", daemon=True)
                self._poller.start()

    def saw(self, election_id: str, size: int) -> None:
        """Record a ledger size seen (by the poller, or by this worker's own write)."""
        if size > self.sizes.get(election_id, -1):
            self.sizes[election_id] = size

    async def read(
        self,
        election_id: str,
        key: Key,
        build: Callable[[int], bytes],
        min_tree_size: int | None = None,
        min_interval: float = 0.0,
    ) -> bytes:
        """The page for ``key``: cached if built at the current size, else built once."""
        return (await self.read_sized(election_id, key, build, min_tree_size, min_interval))[1]

    async def read_sized(
        self,
        election_id: str,
        key: Key,
        build: Callable[[int], bytes],
        min_tree_size: int | None = None,
        min_interval: float = 0.0,
    ) -> tuple[int, bytes]:
        """The page and the ledger size it was built at.

        ``min_interval``: a page rebuilt less than that many seconds ago is served as it is
        even if the ledger moved on (costly pages; their numbers update through /live).
        Once it is older, the next reader starts the rebuild and is answered the previous
        snapshot like every other reader meanwhile, so no reader of such a page waits for
        a build but the very first.
        """
        if self._poller is None:
            await run_in_threadpool(self._start)
        size = self.sizes.get(election_id, 0)
        if min_tree_size is not None and size < min_tree_size:
            fresh = await run_in_threadpool(self._read_sizes)
            for election, seen in fresh.items():
                self.saw(election, seen)
            size = self.sizes.get(election_id, 0)
        cached = self.pages.get(key)
        if cached is not None and cached[0] >= size:
            return cached
        if (
            cached is not None
            and min_tree_size is None
            and time.monotonic() - self.built.get(key, 0.0) < min_interval
        ):
            return cached
        pending = self.building.get(key)
        if pending is None:
            pending = self._rebuild(key, build, size)
            if cached is not None and min_tree_size is None and min_interval > 0:
                return cached  # a held page: even the reader who started the build waits not
        elif cached is not None and min_tree_size is None:
            return cached  # the previous snapshot, while another reader builds the new one
        return await asyncio.shield(pending)

    def held_for(self, key: Key, min_interval: float) -> float:
        """Seconds the snapshot of ``key`` is still served as it is under ``min_interval``,
        however the ledger moves: the rest of its interval, else :data:`WHILE_BUILDING`
        while its successor is being built (readers get it meanwhile), else 0."""
        built = self.built.get(key)
        if built is None:
            return 0.0
        left = min_interval - (time.monotonic() - built)
        if left <= 0 and key in self.building:
            return WHILE_BUILDING
        return max(0.0, left)

    def _rebuild(
        self, key: Key, build: Callable[[int], bytes], size: int
    ) -> asyncio.Future[tuple[int, bytes]]:
        """Start building ``key`` at ``size`` in the thread pool; one build per key at a time."""

        async def run() -> tuple[int, bytes]:
            try:
                body = await run_in_threadpool(build, size)
            finally:
                self.building.pop(key, None)
            if len(self.pages) >= self.limit:
                self.pages.clear()
                self.built.clear()
            current = self.pages.get(key)
            if current is None or current[0] <= size:
                self.pages[key] = (size, body)
                self.built[key] = time.monotonic()
            return size, body

        task = asyncio.ensure_future(run())
        task.add_done_callback(_consume)
        self.building[key] = task
        return task


def _consume(task: asyncio.Future[tuple[int, bytes]]) -> None:
    """A failed background build is answered to its waiters; it need not be logged as lost."""
    if not task.cancelled():
        task.exception()


def stamp(page: dict[str, Any], size: int) -> dict[str, Any]:
    """Label a page with the ledger size its numbers are at least as new as."""
    return page | {"as_of_tree_size": size}
