"""Signatures of a worker's concurrent requests counted together: a writer thread per worker.

When a petition is signed by many at once, a transaction per signature would take the
petition log's lock, sign a head and wait for a commit for each signer in turn. Here the
request handler, once the envelope's certificate chain and signature are verified (on the
request's own thread: the costly part runs in parallel with the writer), hands the signing
to the worker's writer and awaits a future; the writer takes what arrived within a few
milliseconds (at most ``limit``) and counts them with :func:`petitions.sign_many`, one
transaction and one signed head per petition for the group. Each request is answered with
its own receipt or refusal, and only after the commit.

Nothing is kept between groups: several workers over one database each have their own
writer, and each petition's log lock orders them. A group that fails as a whole is counted
again one signature at a time, so one fault never fails the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from saylau.service import petitions
from saylau.service.context import Context
from saylau.service.errors import ServiceError

log = logging.getLogger(__name__)

#: How long the writer waits for more signatures after the first of a group arrives.
LINGER_SECONDS = float(os.environ.get("SAYLAU_SIGNING_LINGER_MS", "2")) / 1000
#: At most this many signatures in one transaction.
GROUP_LIMIT = int(os.environ.get("SAYLAU_SIGNING_GROUP", "500"))


class DatabaseFailed(ServiceError):
    status = 503
    title = "Service unavailable"


Answer = petitions.Signed | BaseException


@dataclass(eq=False, slots=True)
class _Waiting:
    signing: petitions.Signing
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[petitions.Receipt]


def _settle_all(settled: list[tuple[asyncio.Future[petitions.Receipt], Answer]]) -> None:
    for future, answer in settled:
        if future.done():  # the client went away: nobody to tell
            continue
        if isinstance(answer, BaseException):
            future.set_exception(answer)
        else:
            future.set_result(answer)


class SigningDesk:
    """The signature writer of one worker process; started on the first signature."""

    def __init__(
        self, ctx: Context, linger: float = LINGER_SECONDS, limit: int = GROUP_LIMIT
    ) -> None:
        self.ctx = ctx
        self.linger = linger
        self.limit = max(1, limit)
        self._queue: queue.SimpleQueue[_Waiting] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()
        self.groups = 0  # transactions written, for tests and diagnostics
        self.texts: dict[str, str] = {}  # petitions' texts, which never change once drafted

    async def sign(self, signing: petitions.Signing) -> petitions.Receipt:
        """The receipt of one signature once its group is committed, or its refusal."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[petitions.Receipt] = loop.create_future()
        self._start()
        self._queue.put(_Waiting(signing, loop, future))
        return await future

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._starting:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="signing", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            group = [self._queue.get()]
            deadline = time.monotonic() + self.linger
            while len(group) < self.limit:
                left = deadline - time.monotonic()
                try:
                    group.append(
                        self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
                    )
                except queue.Empty:
                    break
            try:
                answers = self._write(group)
            except BaseException as exc:  # never leave a request waiting for ever
                log.exception("the signing writer failed on a group")
                answers = [exc] * len(group)
            self.groups += 1
            by_loop: dict[
                asyncio.AbstractEventLoop,
                list[tuple[asyncio.Future[petitions.Receipt], Answer]],
            ] = {}
            for item, answer in zip(group, answers, strict=True):
                by_loop.setdefault(item.loop, []).append((item.future, answer))
            for loop, settled in by_loop.items():
                with contextlib.suppress(RuntimeError):  # a closed loop waits for nobody
                    loop.call_soon_threadsafe(_settle_all, settled)

    def _write(self, group: list[_Waiting]) -> list[Answer]:
        signings = [item.signing for item in group]
        if len(signings) > 1:
            try:
                return list(petitions.sign_many(self.ctx, signings))
            except Exception:
                log.warning("a group of signatures failed; they are counted one by one")
        return [self._alone(signing) for signing in signings]

    def _alone(self, signing: petitions.Signing) -> Answer:
        try:
            (answer,) = petitions.sign_many(self.ctx, [signing])
        except DBAPIError as exc:
            log.warning("the database failed a signature: %s", str(exc).splitlines()[0])
            return DatabaseFailed(
                "the signature was not counted: the database did not answer; sign again "
                "(a signature counted after all is answered with its first receipt)"
            )
        except Exception as exc:
            return exc
        return answer
