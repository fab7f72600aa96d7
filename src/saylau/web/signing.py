"""Signing a petition from its page, as a citizen signs with the national PKI in a browser.

The page's script (``static/sign.js``) reads the citizen's certificate and private key from
a file the citizen chooses (PEM; never uploaded), asks :func:`signing_parameters` for the
petition's id, the SHA-256 of its text and the signing time the service will accept, signs
the canonical bytes with WebCrypto (RSASSA-PKCS1-v1_5, SHA-256) and posts the envelope to
:func:`sign_from_page`, which answers the receipt.

Forms from other sites are refused as on the desk (:mod:`saylau.web.desk`): the parameters'
answer sets a random token in an HttpOnly, SameSite=Strict cookie and returns it; the post
must carry it back in ``X-CSRF-Token`` and come from this origin. Only a POST signs: a GET
of any of these addresses (a prefetched link, a crawler) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from saylau.api.petitions import SigningNotConfigured
from saylau.api.problems import PROBLEM
from saylau.api.signatures import address_of, count_signature, limits_of
from saylau.api.signing_limits import SigningLimits
from saylau.pki import Trust, trust_from_settings
from saylau.pki.signing import signing_time, text_sha256
from saylau.service import petitions
from saylau.service.context import Context
from saylau.service.errors import ServiceError, problem_of
from saylau.web.desk import _same, _same_origin

CSRF_COOKIE = "saylau_sign_csrf"
CSRF_HEADER = "x-csrf-token"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
ENVELOPE_LIMIT = 64 * 1024

Language = Annotated[str, PathParam(pattern="^(kk|ru|en)$")]
PetitionId = Annotated[str, PathParam(pattern=r"^[a-z0-9]{1,64}$")]

router = APIRouter(include_in_schema=False)


def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def _trust(request: Request) -> Trust | None:
    trust: Trust | None = getattr(request.app.state, "pki_trust", None)
    if trust is None:
        try:
            trust = trust_from_settings()
        except (LookupError, OSError, ValueError):
            return None
        request.app.state.pki_trust = trust
    return trust


def _problem(exc: Exception) -> JSONResponse:
    problem = problem_of(exc)
    body = {"type": "about:blank"} | problem.as_json()
    response = JSONResponse(body, status_code=problem.status, media_type=PROBLEM, headers=NO_STORE)
    if "retry_after" in problem.extra:
        response.headers["Retry-After"] = str(problem.extra["retry_after"])
    return response


@router.get("/{lang}/petitions/{petition_id}/signing")
def signing_parameters(lang: Language, petition_id: PetitionId, request: Request) -> Response:
    """What the page signs: the petition's id, its text's SHA-256 and the service's time
    (the signing time it accepts), with the form's CSRF token. Reads only."""
    try:
        text = petitions.text_of(_context(request), petition_id)
    except ServiceError as exc:
        return _problem(exc)
    csrf = secrets.token_urlsafe(24)
    response = JSONResponse(
        {
            "petition_id": petition_id,
            "text_sha256": text_sha256(text),
            "signed_at": signing_time(dt.datetime.now(dt.UTC)),
            "csrf": csrf,
        },
        headers=NO_STORE,
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        path=f"/{lang}/petitions/{petition_id}/",
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
    )
    return response


class FormRefused(ServiceError):
    status = 403
    title = "Forbidden"


def _sign(
    context: Context, trust: Trust, limits: SigningLimits, petition_id: str, raw: object, who: str
) -> tuple[int, dict[str, Any]]:
    receipt = count_signature(context, trust, limits, petition_id, raw, who)
    answer = {
        "already_signed": receipt.already_signed,
        "signatures": petitions.shown(context, petition_id).signatures,
        "receipt": receipt.log.to_json(),
    }
    return (200 if receipt.already_signed else 201), answer


@router.post("/{lang}/petitions/{petition_id}/signing")
async def sign_from_page(lang: Language, petition_id: PetitionId, request: Request) -> Response:
    """Count the envelope the page signed: 201 with the receipt, 200 with the first receipt
    when the citizen had signed already, 403 for a form of another site, 422 naming the
    field and the rule for a signature that does not verify, 429 past a limit."""
    if not _same_origin(request) or not _same(
        request.headers.get(CSRF_HEADER), request.cookies.get(CSRF_COOKIE)
    ):
        return _problem(FormRefused("the form is out of date or came from another site"))
    address = address_of(request)
    limits = limits_of(request)
    try:
        await limits.hit_address(address)
        body = await request.body()
        if len(body) > ENVELOPE_LIMIT:
            raise petitions.SignatureNotVerified(
                "envelope", "envelope_form", {}, f"an envelope is at most {ENVELOPE_LIMIT} bytes"
            )
        try:
            raw = json.loads(body)
        except ValueError:
            raise petitions.SignatureNotVerified(
                "envelope", "envelope_form", {}, "the envelope is not JSON"
            ) from None
        trust = _trust(request)
        if trust is None:
            return _problem(SigningNotConfigured("signatures cannot be verified now"))
        status, answer = await run_in_threadpool(
            _sign, _context(request), trust, limits, petition_id, raw, address
        )
    except ServiceError as exc:
        return _problem(exc)
    return JSONResponse(answer, status_code=status, headers=NO_STORE)


def install(app: FastAPI) -> None:
    """Add the signing routes (before the public site's, whose paths are broader)."""
    app.include_router(router)
