"""Counting a signed envelope, the same way from the API and from a petition's page: the
address's limit before the chain check, the signature verified on the service's clock, the
identity's limit once it verified, the signature counted, and its metadata kept for the
moderators' flags (a repeated signature counts nothing and records nothing)."""

from __future__ import annotations

import datetime as dt

from fastapi import Request

from saylau.api.signing_limits import SigningLimits
from saylau.petitions.abuse import SigningEvent
from saylau.petitions.signing import Signer
from saylau.pki import SignatureRefused, SignedEnvelope, Trust, verify_signature
from saylau.service import petitions, signingevents
from saylau.service.context import Context


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
