"""Single submissions grouped into one transaction: a writer per worker process.

When every precinct commission sends its own protocol, one transaction per request would
take the ledger lock, sign a tree head and wait for a commit for each protocol in turn. Here
the request handler hands its protocol to the worker's writer thread and awaits a future; the
writer takes what arrived within a few milliseconds (at most ``limit`` items), looks up each
caller's credential, checks every protocol and stores all of them with the batch path, in one
transaction with one signed head. What arrives while the writer waits for the ledger lock
(another worker's writer holds it) joins the group once the lock is held, its credentials
and checks then read under the lock: with several workers the writers take turns, and a
submission would otherwise wait behind the lock twice. Each request is answered with its own
receipt or problem, and only after the commit: an acknowledged protocol is as durable as one
sent alone.

Why a thread rather than a task on the event loop: the group's work is blocking database I/O
and CPU-bound checks; on its own thread it neither blocks the loop that parses the next
requests nor needs the loop's thread pool, and the loop only awaits a future per request.

Credentials are looked up in the database for every group (one query for all its tokens, in
the group's own transaction), after its requests arrived and never from a cache, so a revoked
or expired credential is refused from the next group on.
Several workers over one database each have their own writer; the ledger lock orders them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from saylau.protocol import ProtocolForm
from saylau.service import submission
from saylau.service.auth import authenticate_many
from saylau.service.context import Context
from saylau.service.errors import Problem, ServiceError, Unauthenticated, problem_of
from saylau.service.submission import Item, Receipt

log = logging.getLogger(__name__)

#: How long the writer waits for more submissions after the first of a group arrives.
LINGER_SECONDS = float(os.environ.get("SAYLAU_INTAKE_LINGER_MS", "2")) / 1000
#: At most this many protocols in one transaction (as a batch request may carry).
GROUP_LIMIT = int(os.environ.get("SAYLAU_INTAKE_GROUP", "250"))

DATABASE_FAILED = Problem(
    503,
    "Service unavailable",
    "the protocol was not stored: the database did not answer; send it again "
    "(a protocol that was stored after all is answered as a duplicate)",
)


@dataclass(eq=False)
class _Waiting:
    """One request's submission and the future its handler awaits."""

    election_id: str
    token: str
    raw: ProtocolForm | dict[str, Any]  # as the API read it, or as parsed JSON
    reason: str | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Receipt | Problem]

    @property
    def pair(self) -> tuple[str, Any, Any]:
        if isinstance(self.raw, ProtocolForm):
            return (self.election_id, self.raw.precinct, self.raw.contest)
        return (self.election_id, self.raw.get("precinct"), self.raw.get("contest"))

    def answer(self, answer: Receipt | Problem | BaseException) -> None:
        # a closed loop (the worker is stopping) has nobody waiting any more
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(_settle, self.future, answer)


def _settle(
    future: asyncio.Future[Receipt | Problem], answer: Receipt | Problem | BaseException
) -> None:
    if future.done():  # the request was given up (client gone): nothing to tell
        return
    if isinstance(answer, BaseException):
        future.set_exception(answer)
    else:
        future.set_result(answer)


def _settle_all(
    settled: list[tuple[asyncio.Future[Receipt | Problem], Receipt | Problem | BaseException]],
) -> None:
    for future, answer in settled:
        _settle(future, answer)


def answer_all(
    items: Sequence[_Waiting], answers: Sequence[Receipt | Problem | BaseException]
) -> None:
    """Answer a group's requests with one hand-over per event loop: each hand-over wakes the
    loop through its self-pipe (a system call on both sides), once per group instead of once
    per request."""
    by_loop: dict[
        asyncio.AbstractEventLoop,
        list[tuple[asyncio.Future[Receipt | Problem], Receipt | Problem | BaseException]],
    ] = {}
    for item, answer in zip(items, answers, strict=True):
        by_loop.setdefault(item.loop, []).append((item.future, answer))
    for loop, settled in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop has nobody waiting any more
            loop.call_soon_threadsafe(_settle_all, settled)


class Intake:
    """The writer of one worker process; started on the first submission it is given."""

    def __init__(
        self, ctx: Context, linger: float = LINGER_SECONDS, limit: int = GROUP_LIMIT
    ) -> None:
        self.ctx = ctx
        self.linger = linger
        self.limit = max(1, limit)
        self._queue: queue.SimpleQueue[_Waiting] = queue.SimpleQueue()
        self._carried: deque[_Waiting] = deque()  # taken from the queue, not yet grouped
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()
        self.groups = 0  # transactions written, for tests and diagnostics

    async def submit(
        self,
        election_id: str,
        token: str | None,
        raw: ProtocolForm | dict[str, Any],
        reason: str | None,
    ) -> Receipt | Problem:
        """The answer to one submission, once its group is committed (or refused)."""
        if not token:
            raise Unauthenticated(
                "send 'Authorization: Bearer <token>' with your commission's token"
            )
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Receipt | Problem] = loop.create_future()
        self._start()
        self._queue.put(_Waiting(election_id, token, raw, reason, loop, future))
        return await future

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._starting:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="intake", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        carried = self._carried
        while True:
            if not carried:
                carried.append(self._queue.get())
            deadline = time.monotonic() + self.linger
            while len(carried) < self.limit:
                left = deadline - time.monotonic()
                try:
                    carried.append(
                        self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
                    )
                except queue.Empty:
                    break
            group = _take_group(carried, self.limit)
            writing: list[list[_Waiting]] = []  # the group by election, with who joined late
            try:
                self._write(group, writing)
            except BaseException as exc:  # never leave a request waiting for ever
                log.exception("the intake writer failed on a group")
                for item in [*group, *(item for items in writing for item in items)]:
                    item.answer(exc)  # an answered request ignores a second answer

    def _late(self, election_id: str, group: list[_Waiting]) -> list[_Waiting]:
        """What arrived for ``election_id`` since ``group`` was formed, as far as the group
        may take it (its limit; no second, different protocol for a pair it holds); the rest
        stays in arrival order for the next group."""
        while True:
            try:
                self._carried.append(self._queue.get_nowait())
            except queue.Empty:
                break
        room = self.limit - len(group)
        if room <= 0 or not self._carried:
            return []
        seen = {item.pair: item.raw for item in group}
        taken: list[_Waiting] = []
        kept: deque[_Waiting] = deque()
        while self._carried:
            item = self._carried.popleft()
            first = seen.setdefault(item.pair, item.raw)
            if (
                len(taken) < room
                and item.election_id == election_id
                and (first is item.raw or first == item.raw)
            ):
                taken.append(item)
            else:
                kept.append(item)
        self._carried.extend(kept)
        return taken

    def _write(self, group: list[_Waiting], writing: list[list[_Waiting]]) -> None:
        """Store ``group``, one transaction per election; ``writing`` receives each
        election's submissions as they grow, so that a failure can answer every one."""
        by_election: dict[str, list[_Waiting]] = {}
        for item in group:
            by_election.setdefault(item.election_id, []).append(item)
        writing.extend(by_election.values())
        for election_id, items in by_election.items():
            answers: Sequence[Receipt | Problem | BaseException]
            if len(items) == 1 and not self._waiting():
                answers = [self._alone(election_id, items[0])]
            else:
                try:  # ``items`` grows by what joins the group under the lock
                    answers = self._answers(election_id, items, late=True)
                except Exception:
                    # nothing of the group was stored; one item must not fail the others,
                    # so each goes again in its own transaction and gets its own answer
                    log.warning("a group failed; its submissions are stored one by one")
                    answers = [self._alone(election_id, item) for item in items]
            self.groups += 1  # counted before anyone is answered, who may look at it
            answer_all(items, answers)

    def _alone(self, election_id: str, item: _Waiting) -> Receipt | Problem | BaseException:
        try:
            (answer,) = self._answers(election_id, [item])
        except DBAPIError as exc:
            # the database's own words are enough: a lost connection is not a fault here
            log.warning("the database failed a submission: %s", str(exc).splitlines()[0])
            return DATABASE_FAILED
        except ServiceError as exc:
            return problem_of(exc)
        except Exception as exc:  # a fault of the service: answered as a server error
            return exc
        return answer

    def _waiting(self) -> bool:
        return bool(self._carried) or not self._queue.empty()

    def _answers(
        self, election_id: str, items: list[_Waiting], late: bool = False
    ) -> list[Receipt | Problem]:
        """Authenticate each caller, check and store the group: one transaction for all of
        it, so a group costs one connection and one commit (the ledger lock is taken only
        once the credentials are read and the protocols checked). With ``late``, what
        arrived while the lock was awaited joins the group once it is held: ``items`` is
        extended with it, and the answers follow ``items`` as extended."""
        answers: list[Receipt | Problem | None] = [None] * len(items)
        where: list[int] = []  # the item each submission handed to the store comes from

        def authenticated(session: Session, chosen: Sequence[_Waiting], first: int) -> list[Item]:
            principals = authenticate_many(session, election_id, sorted({i.token for i in chosen}))
            found: list[Item] = []
            for position, item in enumerate(chosen, start=first):
                principal = principals[item.token]
                if isinstance(principal, ServiceError):
                    answers[position] = problem_of(principal)
                else:
                    where.append(position)
                    found.append((principal, item.raw, item.reason))
            return found

        with self.ctx.transaction() as session:

            def joining() -> list[Item]:
                extra = self._late(election_id, items)
                if not extra:
                    return []
                first = len(items)
                items.extend(extra)
                answers.extend([None] * len(extra))
                return authenticated(session, extra, first)

            accepted = authenticated(session, items, 0)
            if accepted:
                stored = submission.submit_group(
                    self.ctx, election_id, accepted, session, joining if late else None
                )
                for position, answer in zip(where, stored, strict=True):
                    answers[position] = answer
        assert all(a is not None for a in answers)
        return [a for a in answers if a is not None]


def _take_group(waiting: deque[_Waiting], limit: int) -> list[_Waiting]:
    """Up to ``limit`` submissions in arrival order; a second, different protocol for a
    precinct and contest already in the group waits for the next group, so that it is
    answered as if it had come after the first (a duplicate or a correction)."""
    group: list[_Waiting] = []
    seen: dict[tuple[str, Any, Any], ProtocolForm | dict[str, Any]] = {}
    later: deque[_Waiting] = deque()
    while waiting and len(group) < limit:
        item = waiting.popleft()
        first = seen.setdefault(item.pair, item.raw)
        if first is item.raw or first == item.raw:
            group.append(item)
        else:
            later.append(item)
    waiting.extendleft(reversed(later))
    return group


def problem_error(problem: Problem) -> ServiceError:
    """The error a problem stands for, as the API answers it."""
    error = ServiceError(problem.detail, **problem.extra)
    error.status = problem.status
    error.title = problem.title
    return error


def raise_problem(problem: Problem) -> None:
    """Raise the error a problem stands for, so the API answers it as problem+json."""
    raise problem_error(problem)
