"""The election's definition over HTTP: what a newsroom's program needs to read the results
(names, the territory tree, contests, options and their parties, the open-data columns).

A definition never changes once imported, so its JSON is made once per worker."""

from __future__ import annotations

from fastapi import APIRouter, Response

from saylau.api.decisions import problems
from saylau.api.params import API, ElectionId, ServiceContext
from saylau.api.schemas import DefinitionOut
from saylau.api.strictbody import StrictRoute
from saylau.service import definitions

router = APIRouter(route_class=StrictRoute)

#: (election, definition hash) → the JSON answer
_made: dict[tuple[str, str], bytes] = {}


@router.get(
    API + "/definition",
    tags=["elections"],
    summary="The election's definition",
    response_model=DefinitionOut,
    responses=problems({404: "No such election"}),
)
def election_definition(election_id: ElectionId, context: ServiceContext) -> Response:
    """The election: its names in Kazakh, Russian and English, election day, the territory
    as a tree (republic, regions, districts, precincts with their voters on the lists),
    the contests with their options, each option's party and its votes column in the
    CSV and Parquet downloads, and the definition's hash as the ledger's first entry holds
    it."""
    found = definitions.definition(context, election_id)
    key = (found.id, found.definition_hash)
    body = _made.get(key)
    if body is None:
        body = DefinitionOut.model_validate(found).model_dump_json().encode()
        _made[key] = body
    return Response(body, media_type="application/json")
