"""Request bodies decoded strictly, before pydantic sees them: a key given twice is refused.

FastAPI decodes a JSON body with ``Request.json()``; every route of the application is of
the class below, whose requests decode through :func:`saylau.strictjson.loads` (the same
reader as the command line). A repeated key becomes a 422 problem naming its path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from saylau import strictjson


class RepeatedKey(HTTPException):
    """An HTTPException, so that FastAPI's body decoding lets it through (any other error
    there becomes a bare 400); answered by :mod:`saylau.api.problems` as a 422."""

    def __init__(self, field: str) -> None:
        super().__init__(422, f"field '{field}': the key appears twice in one object")
        self.field = field


class StrictRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = strictjson.loads(await self.body())
            except strictjson.DuplicateKey as exc:
                raise RepeatedKey(exc.field) from None
            except UnicodeDecodeError as exc:  # else FastAPI answers a bare 400
                raise json.JSONDecodeError("the body is not UTF-8", "", exc.start) from None
        return self._json


class StrictRoute(APIRoute):
    """A route whose JSON body refuses repeated keys."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handle(StrictRequest(request.scope, request.receive))

        return strict
