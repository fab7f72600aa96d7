"""Whether the service answers at all: for load balancers and process supervisors."""

from __future__ import annotations

from fastapi import APIRouter

from saylau.api.strictbody import StrictRoute

router = APIRouter(route_class=StrictRoute)


@router.get("/health", tags=["service"])
def health() -> dict[str, str]:
    return {"status": "ok"}
