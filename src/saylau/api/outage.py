"""A database that cannot be reached is answered 503 problem+json with Retry-After.

Whatever a request was doing when the database went away (a read, a submission, a
download), nothing was committed: the transaction is rolled back with the connection. The
client is told to ask again later instead of getting a bare 500 with a traceback, and the
next request after the database is back gets a fresh connection (PostgreSQL's pool checks a
connection before handing it out).
"""

from __future__ import annotations

import logging
import sqlite3

import psycopg
from sqlalchemy import exc
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saylau.api.problems import retry_after_seconds, send_unavailable

log = logging.getLogger(__name__)


#: Errors that mean "the database cannot answer now", not "this request is wrong":
#: connection refused or cut, server shutting down, pool exhausted, file that cannot be
#: opened, lock not granted in time.
UNREACHABLE: tuple[type[BaseException], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)


def unreachable(error: BaseException) -> bool:
    """Whether ``error`` (or one it was raised from, or one of a group) is a lost database."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UNREACHABLE):
            return True
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return False


class DatabaseOutage:
    """ASGI middleware: a lost database becomes 503 with Retry-After, if nothing was sent yet."""

    def __init__(self, app: ASGIApp, retry_after: int | None = None) -> None:
        self.app = app
        self.retry_after = retry_after or retry_after_seconds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            if started or not unreachable(error):
                raise
            log.warning("database unreachable for %s %s: %s", scope["method"], scope["path"], error)
            await send_unavailable(
                send,
                self.retry_after,
                "the database cannot be reached just now; nothing was changed, "
                f"try again in {self.retry_after} s",
            )
