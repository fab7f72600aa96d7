"""Per-client limits on the public reads that cost the most: proofs, ledger entries, downloads.

Results pages are answered from snapshots and cost a dictionary look-up, so they are not
limited; the reads below each run queries or build files. Every client (its address) gets a
burst window and a sustained window per kind of read; the first request over either is
answered 429 problem+json with ``Retry-After``, the seconds until the window lets it in.

Settings (environment):

- ``SAYLAU_RATE_LIMIT``: the windows, e.g. ``50/second;1200/minute`` (the default), or
  ``off``.
- ``SAYLAU_RATE_LIMIT_STORAGE``: where the counters live, a ``limits`` storage URI. The
  default ``memory://`` keeps them in each worker: with W workers a client gets at most W
  times the limit (the kernel spreads its connections over the workers). A shared store
  (``redis://host:6379``, with the ``coredis`` client installed) makes the limit exact
  across workers and machines.
- The client is the connection's address. Behind a reverse proxy, ``saylau serve`` takes it
  from ``X-Forwarded-For`` only when the proxy's address is listed in
  ``SAYLAU_TRUSTED_PROXIES`` (comma-separated; uvicorn's proxy-headers handling), so that
  nobody else can pick an address to escape the limit.
"""

from __future__ import annotations

import math
import os
import re
import time

from fastapi import FastAPI
from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from saylau.api.problems import send_too_many

LIMIT = "SAYLAU_RATE_LIMIT"
STORAGE = "SAYLAU_RATE_LIMIT_STORAGE"
TRUSTED_PROXIES = "SAYLAU_TRUSTED_PROXIES"
DEFAULT_LIMIT = "50/second;1200/minute"

# The kind of expensive read a path is, or None.
_KINDS = (
    (re.compile(r"^/api/v1/elections/[^/]+/ledger/(inclusion|consistency)$"), "proofs"),
    (re.compile(r"^/api/v1/elections/[^/]+/ledger/entries$"), "entries"),
    (re.compile(r"^/api/v1/elections/[^/]+/export/"), "exports"),
)


def kind_of(path: str) -> str | None:
    for pattern, kind in _KINDS:
        if pattern.match(path):
            return kind
    return None


def configured_limits() -> list[RateLimitItem]:
    """The windows from ``SAYLAU_RATE_LIMIT``; empty when it is ``off``."""
    text = os.environ.get(LIMIT, DEFAULT_LIMIT).strip()
    if text.lower() in ("off", "none", "0", ""):
        return []
    return list(parse_many(text))


class Throttle:
    """ASGI middleware: count each client's expensive reads; 429 past any window."""

    def __init__(
        self, app: ASGIApp, limits: list[RateLimitItem], storage: str = "memory://"
    ) -> None:
        self.app = app
        self.limits = limits
        uri = storage if storage.startswith("async+") else "async+" + storage
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limits:
            await self.app(scope, receive, send)
            return
        kind = kind_of(scope["path"])
        if kind is None:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        for item in self.limits:
            if not await self.limiter.hit(item, kind, address):
                stats = await self.limiter.get_window_stats(item, kind, address)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                detail = (
                    f"more than {item.amount} {kind} requests per {item.multiples} "
                    f"{item.GRANULARITY.name} from {address}; try again in {wait} s"
                )
                await send_too_many(send, wait, detail)
                return
        await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    """Add the middleware with the settings from the environment."""
    app.add_middleware(
        Throttle, limits=configured_limits(), storage=os.environ.get(STORAGE, "memory://")
    )
