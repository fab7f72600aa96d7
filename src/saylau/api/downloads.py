"""Open-data downloads over HTTP: a contest's results as CSV, JSON, Parquet or NIST JSON.

``/export/{contest_id}.{fmt}`` names the file as it will be saved. Starlette would split
``smd-1.nist.json`` at the last dot, so the contest takes the shortest match and the format
is one of the four known suffixes.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import FileResponse
from starlette.convertors import Convertor, register_url_convertor

from saylau import publication
from saylau.api.decisions import problems
from saylau.api.params import API, ElectionId, ServiceContext
from saylau.api.strictbody import StrictRoute
from saylau.service import exportfiles, exports

SUFFIX_FORMATS = {suffix: fmt for fmt, suffix in publication.SUFFIXES.items()}


class ContestConvertor(Convertor[str]):
    """A contest id before the format's suffix: the shortest run without a slash."""

    regex = r"[^/]+?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class SuffixConvertor(Convertor[str]):
    """One of the download formats' suffixes."""

    regex = "|".join(re.escape(suffix) for suffix in SUFFIX_FORMATS)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("saylau_contest", ContestConvertor())
register_url_convertor("saylau_suffix", SuffixConvertor())

router = APIRouter(route_class=StrictRoute)

ContestId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]
Suffix = Annotated[
    Literal["csv", "json", "parquet", "nist.json"],
    Path(description="csv, json, parquet, or nist.json (NIST SP 1500-100 v2)"),
]
Level = Annotated[
    Literal["precinct", "territory"],
    Query(description="a row per precinct, or per unit above the precincts"),
]

BINARY = {"schema": {"type": "string", "format": "binary"}}
DOWNLOADED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, stamped with the ledger's signed tree head and the status; "
        "the same stamp is in the X-Saylau-* headers",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
            "application/vnd.apache.parquet": BINARY,
        },
    }
}


@router.get(
    API + "/export/{contest_id:saylau_contest}.{fmt:saylau_suffix}",
    response_class=Response,
    tags=["open data"],
    summary="Download a contest's results as open data",
    responses=DOWNLOADED
    | problems({404: "No such election or contest", 422: "Not a format or level"}),
)
def export_results(
    request: Request,
    election_id: ElectionId,
    contest_id: ContestId,
    fmt: Suffix,
    context: ServiceContext,
    level: Level = "precinct",
) -> Response:
    """A contest's results per precinct or per territorial unit as open data: CSV (UTF-8,
    one row per unit, the stamp in columns), JSON, Parquet (the stamp also as schema
    metadata) or the NIST SP 1500-100 v2 Election Results Common Data Format, with
    names in Kazakh, Russian and English."""
    done = exportfiles.export_file(context, election_id, contest_id, SUFFIX_FORMATS[fmt], level)
    stamp = done.stamp
    headers = {
        "Content-Disposition": exports.content_disposition(done.filename),
        "ETag": done.etag,
        "Cache-Control": "public, no-cache",
        "X-Saylau-Status": stamp.status,
        "X-Saylau-Tree-Size": str(stamp.tree_size),
        "X-Saylau-Tree-Root": stamp.tree_root,
    }
    if done.etag in _tags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return FileResponse(done.path, media_type=done.media_type, headers=headers)


def _tags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header (``*`` matches any)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
