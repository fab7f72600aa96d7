"""Charts are drawn in a helper process, so a page rebuild never holds the interpreter that
answers readers (Matplotlib spends a few hundred milliseconds per national page)."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from saylau.web import charts

Job = tuple[str, tuple[Any, ...], dict[str, Any]]  # chart function, positional, keyword

_pool: ProcessPoolExecutor | None = None
_guard = threading.Lock()


def _draw(job: Job) -> str:
    function, args, kwargs = job
    drawn: str = getattr(charts, function)(*args, **kwargs)
    return drawn


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _guard:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return _pool


def draw(jobs: dict[str, Job]) -> dict[str, str]:
    """Every chart of a page as SVG, drawn in the helper process (the caller only waits)."""
    if not jobs:
        return {}
    futures: dict[str, Future[str]] = {
        name: _executor().submit(_draw, job) for name, job in jobs.items()
    }
    return {name: future.result() for name, future in futures.items()}
