"""Public results over HTTP: a contest's totals at a unit, and the outcome decided so far.

Both are served from this worker's snapshots, at most a moment old; ``min_tree_size`` (a
receipt's ``tree_size``) asks for numbers that include that submission.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from saylau.api.params import API, ElectionId, PublicSnapshots, ServiceContext
from saylau.api.strictbody import StrictRoute
from saylau.service import forensics, results
from saylau.service.context import Context
from saylau.service.snapshots import stamp

router = APIRouter(route_class=StrictRoute)

#: The forensic answer runs every method: rebuilt at most this often (seconds) while counting.
FORENSICS_INTERVAL = 30.0

MinTreeSize = Annotated[int | None, Query(ge=0, le=2**40)]


def page(document: dict[str, Any], size: int) -> bytes:
    """A public answer stamped with the ledger size it was read at."""
    return json.dumps(stamp(document, size), ensure_ascii=False).encode()


def republic_of(context: Context, election_id: str) -> str:
    with context.sessions() as session:
        return context.catalog(session, election_id).republic


@router.get(API + "/results/{contest_id}", tags=["results"], response_model=dict[str, Any])
async def unit_results(
    election_id: ElectionId,
    contest_id: str,
    context: ServiceContext,
    snapshots: PublicSnapshots,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    min_tree_size: MinTreeSize = None,
) -> Response:
    """Totals of a contest at a unit (default: the republic) with counting progress.

    Served from a snapshot at most a moment old; ``min_tree_size`` (a receipt's
    ``tree_size``) asks for numbers that include that submission."""

    def build(size: int) -> bytes:
        code = unit or republic_of(context, election_id)
        return page(results.unit_results(context, election_id, contest_id, code), size)

    key = ("results", election_id, contest_id, unit)
    body = await snapshots.read(election_id, key, build, min_tree_size)
    return Response(body, media_type="application/json")


@router.get(API + "/outcome/{contest_id}", tags=["results"], response_model=dict[str, Any])
async def contest_outcome(
    election_id: ElectionId,
    contest_id: str,
    context: ServiceContext,
    snapshots: PublicSnapshots,
    min_tree_size: MinTreeSize = None,
) -> Response:
    """The outcome decided from the totals so far, under the law of the election's date."""

    def build(size: int) -> bytes:
        return page(results.outcome(context, election_id, contest_id), size)

    key = ("outcome", election_id, contest_id)
    body = await snapshots.read(election_id, key, build, min_tree_size)
    return Response(body, media_type="application/json")


@router.get(API + "/forensics/{contest_id}", tags=["results"], response_model=dict[str, Any])
async def contest_forensics(
    election_id: ElectionId,
    contest_id: str,
    context: ServiceContext,
    snapshots: PublicSnapshots,
) -> Response:
    """Every forensic method on the protocols counted so far, as ``saylau forensics`` prints
    it (format ``saylau-forensics/1``), rebuilt at most every 30 seconds while counting."""

    def build(size: int) -> bytes:
        _read_at, report = forensics.night_report(context, election_id, contest_id)
        return page(report.to_json(), size)

    key = ("forensics", election_id, contest_id)
    body = await snapshots.read(election_id, key, build, min_interval=FORENSICS_INTERVAL)
    return Response(body, media_type="application/json")
