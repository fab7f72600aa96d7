"""Limits on signing a petition, per client address and per identity (the signer's IIN).

A signature costs a chain check and a write, and a script signing with stolen or bulk-made
keys is the abuse a petition portal meets first. Each address and each IIN gets a burst and
a sustained window; the first signature over either is answered 429 problem+json with
``Retry-After``. The address is counted before the signature is checked (a flood costs no
chain checks), the IIN once the signature verified (only its holder can spend it).

Settings (environment), read as the public reads' limits (:mod:`saylau.api.throttle`):

- ``SAYLAU_SIGN_LIMIT_ADDRESS``: e.g. ``10/second;300/minute`` (the default; an address
  may be a whole office or a mobile operator's NAT), or ``off``;
- ``SAYLAU_SIGN_LIMIT_IDENTITY``: e.g. ``3/minute;20/day`` (the default), or ``off``;
- ``SAYLAU_RATE_LIMIT=off`` turns these off too (load tests from one address);
- ``SAYLAU_RATE_LIMIT_STORAGE``: the counters' ``limits`` storage, the same as the public
  reads' (asynchronous, so one ``coredis`` client serves both): shared by the workers and
  machines when it is e.g. ``redis://host:6379``; the default ``memory://`` counts per
  worker, so W workers let an address or a citizen through up to W times.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from anyio import from_thread
from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from saylau.api.throttle import LIMIT, STORAGE
from saylau.service.errors import ServiceError

ADDRESS = "SAYLAU_SIGN_LIMIT_ADDRESS"
IDENTITY = "SAYLAU_SIGN_LIMIT_IDENTITY"
DEFAULT_ADDRESS = "10/second;300/minute"
DEFAULT_IDENTITY = "3/minute;20/day"


class TooManySignatures(ServiceError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


def _windows(name: str, default: str) -> list[RateLimitItem]:
    text = os.environ.get(name, default).strip()
    if os.environ.get(LIMIT, "").strip().lower() == "off":
        return []
    if text.lower() in ("off", "none", "0", ""):
        return []
    return list(parse_many(text))


@dataclass
class SigningLimits:
    """The two sets of windows over one store of counters."""

    per_address: list[RateLimitItem]
    per_identity: list[RateLimitItem]
    limiter: MovingWindowRateLimiter

    @classmethod
    def from_settings(cls) -> SigningLimits:
        storage = os.environ.get(STORAGE, "memory://")
        if not storage.startswith("async+"):
            storage = "async+" + storage
        return cls(
            _windows(ADDRESS, DEFAULT_ADDRESS),
            _windows(IDENTITY, DEFAULT_IDENTITY),
            MovingWindowRateLimiter(storage_from_string(storage)),
        )

    async def _hit(self, windows: list[RateLimitItem], kind: str, key: str, who: str) -> None:
        for item in windows:
            if not await self.limiter.hit(item, "signing", kind, key):
                stats = await self.limiter.get_window_stats(item, "signing", kind, key)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise TooManySignatures(
                    f"more than {item.amount} signatures per {item.multiples} "
                    f"{item.GRANULARITY.name} from {who}; try again in {wait} s",
                    wait,
                )

    async def hit_address(self, address: str) -> None:
        """Count a signing request from ``address``; :class:`TooManySignatures` past a
        window."""
        await self._hit(self.per_address, "address", address, "this address")

    async def hit_identity(self, iin: str) -> None:
        """Count a verified signature by ``iin`` (the detail never repeats the IIN)."""
        await self._hit(self.per_identity, "identity", iin, "this citizen")

    def address(self, address: str) -> None:
        """:meth:`hit_address` from a request's worker thread (a synchronous route)."""
        from_thread.run(self.hit_address, address)

    def identity(self, iin: str) -> None:
        """:meth:`hit_identity` from a request's worker thread."""
        from_thread.run(self.hit_identity, iin)
