"""Counting a signed envelope, the same way from the API and from a petition's page: the
address's limit before the chain check, the signature verified on the service's clock, the
identity's limit once it verified, the signature counted, and its metadata kept for the
moderators' flags (a repeated signature counts nothing and records nothing)."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from saylau.api.signing_limits import SigningLimits
from saylau.petitions.abuse import SigningEvent
from saylau.petitions.signing import Signer
from saylau.pki import SignatureRefused, SignedEnvelope, Trust, VerifiedSigner, verify_signature
from saylau.service import petitions, signingevents
from saylau.service.context import Context
from saylau.service.signing_desk import SigningDesk


def limits_of(request: Request) -> SigningLimits:
    """The application's signing limits, made once from the settings."""
    found: SigningLimits | None = getattr(request.app.state, "signing_limits", None)
    if found is None:
        found = SigningLimits.from_settings()
        request.app.state.signing_limits = found
    return found


def address_of(request: Request) -> str:
    """The client's address (behind a trusted proxy, the one it forwarded)."""
    return request.client.host if request.client else "unknown"


def count_signature(
    context: Context,
    trust: Trust,
    limits: SigningLimits,
    petition_id: str,
    raw: object,
    address: str,
) -> petitions.Receipt:
    """The receipt of the envelope ``raw`` (JSON) signed for ``petition_id``; the address
    must have been counted by the caller (:meth:`SigningLimits.address`)."""
    now = dt.datetime.now(dt.UTC)
    try:
        envelope = SignedEnvelope.from_json(raw)
        verified = verify_signature(
            envelope, petition_id, petitions.text_of(context, petition_id), trust, now
        )
    except SignatureRefused as refused:
        raise petitions.SignatureNotVerified(
            refused.field, refused.rule.value, dict(refused.values), str(refused)
        ) from None
    limits.identity(verified.iin)
    signer = Signer(verified.iin, verified.display_name, verified.certificate_serial)
    day = now.astimezone(petitions.KAZAKHSTAN).date()
    receipt = petitions.sign(context, signer, petition_id, day)
    if not receipt.already_signed:
        event = SigningEvent(
            petition_id,
            now,
            address,
            verified.iin,
            verified.issuer,
            verified.certificate_not_before,
        )
        signingevents.record(context, event)
    return receipt


def _verified(
    context: Context, trust: Trust, petition_id: str, raw: object, texts: dict[str, str]
) -> tuple[VerifiedSigner, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    text = texts.get(petition_id)
    if text is None:
        text = petitions.text_of(context, petition_id)
        if len(texts) >= TEXTS_KEPT:
            texts.clear()
        texts[petition_id] = text
    try:
        envelope = SignedEnvelope.from_json(raw)
        return verify_signature(envelope, petition_id, text, trust, now), now
    except SignatureRefused as refused:
        raise petitions.SignatureNotVerified(
            refused.field, refused.rule.value, dict(refused.values), str(refused)
        ) from None


TEXTS_KEPT = 1024


async def count_signature_together(
    context: Context,
    trust: Trust,
    limits: SigningLimits,
    desk: SigningDesk,
    petition_id: str,
    raw: object,
    address: str,
) -> petitions.Receipt:
    """:func:`count_signature` with the signature counted by the worker's signing writer,
    in one transaction with the other signatures of the moment. A petition's text is read
    once per worker (a text never changes once drafted; whether the petition may still be
    signed is decided in the signature's own transaction); with the text held, the check
    (a tenth of a millisecond) runs on the event loop, cheaper than a thread hop."""
    if petition_id in desk.texts:
        verified, now = _verified(context, trust, petition_id, raw, desk.texts)
    else:
        verified, now = await run_in_threadpool(
            _verified, context, trust, petition_id, raw, desk.texts
        )
    await limits.hit_identity(verified.iin)
    signer = Signer(verified.iin, verified.display_name, verified.certificate_serial)
    day = now.astimezone(petitions.KAZAKHSTAN).date()
    event = SigningEvent(
        petition_id,
        now,
        address,
        verified.iin,
        verified.issuer,
        verified.certificate_not_before,
    )  # kept in the signature's own transaction, and only if it counts
    return await desk.sign(petitions.Signing(signer, petition_id, day, event))
