"""Errors of the use cases, each mapped by the API to one HTTP status and problem type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ServiceError(Exception):
    """Base: ``status`` is the HTTP status the API answers with; ``title`` a short name."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class Unauthenticated(ServiceError):
    status = 401
    title = "Credential missing or not recognised"


class Forbidden(ServiceError):
    status = 403
    title = "Not allowed for this credential"


class NotFound(ServiceError):
    status = 404
    title = "Not found"


class Conflict(ServiceError):
    status = 409
    title = "Conflicts with what is already accepted"


@dataclass(frozen=True)
class Problem:
    """A rejected item of a batch: the same fields the single-item answer would carry."""

    status: int
    title: str
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "title": self.title, "detail": self.detail} | self.extra


class Unprocessable(ServiceError):
    status = 422
    title = "The protocol breaks a rule"


def problem_of(exc: Exception) -> Problem:
    """The problem an exception stands for (BadInput included), for batches and the API."""
    from saylau.model import BadInput

    if isinstance(exc, BadInput):
        return Problem(
            422,
            "Bad input",
            str(exc),
            {"field": exc.field, "rule": exc.rule},
        )
    if isinstance(exc, ServiceError):
        return Problem(exc.status, exc.title, exc.detail, dict(exc.extra))
    raise exc
