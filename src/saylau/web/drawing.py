"""Charts are drawn in a helper process, so a page rebuild never holds the interpreter that
answers readers (Matplotlib spends a few hundred milliseconds per national page)."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from saylau.web import charts

Job = tuple[str, tuple[Any, ...], dict[str, Any]]  # chart function, positional, keyword

_pool: ProcessPoolExecutor | None = None
_guard = threading.Lock()


def _draw(job: Job) -> str:
    function, args, kwargs = job
    drawn: str = getattr(charts, function)(*args, **kwargs)
    return drawn


def _leave_with(parent: int) -> None:
    """In the helper: exit once the server process that started it is gone. A uvicorn
    worker ends without shutting its pool down, and a helper waiting for its next chart
    would otherwise live on as an orphan after the server stopped."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="leave-with-server", daemon=True).start()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _guard:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_leave_with,
                initargs=(os.getpid(),),
            )
        return _pool


#: Charts drawn lately, by what they were drawn from: a page and its results block read at
#: the same state ask for the same charts, and the second asks no helper.
_drawn: dict[str, str] = {}
DRAWN_LIMIT = 256


def draw(jobs: dict[str, Job]) -> dict[str, str]:
    """Every chart of a page as SVG, drawn in the helper process (the caller only waits);
    a chart drawn lately from the same data is not drawn again."""
    if not jobs:
        return {}
    keys = {name: repr(job) for name, job in jobs.items()}
    with _guard:
        found = {name: _drawn[key] for name, key in keys.items() if key in _drawn}
    futures: dict[str, Future[str]] = {
        name: _executor().submit(_draw, job) for name, job in jobs.items() if name not in found
    }
    drawn = {name: future.result() for name, future in futures.items()}
    with _guard:
        if len(_drawn) + len(drawn) > DRAWN_LIMIT:
            _drawn.clear()
        _drawn.update({keys[name]: svg for name, svg in drawn.items()})
    return {name: found[name] if name in found else drawn[name] for name in jobs}


def shutdown() -> None:
    """Stop the helper and release its queues (a new one starts on the next chart)."""
    global _pool
    with _guard:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


Lifespan = Callable[[Any], AbstractAsyncContextManager[Any]]


def stopping_helper(lifespan: Lifespan) -> Lifespan:
    """The application's lifespan, with the helper shut down when the server shuts down:
    uvicorn ends a worker by raising the stop signal again once it has shut down, so no
    exit handler of the worker would ever stop the helper."""

    @asynccontextmanager
    async def wrapped(app: Any) -> AsyncIterator[Any]:
        try:
            async with lifespan(app) as state:
                yield state
        finally:
            shutdown()

    return wrapped
