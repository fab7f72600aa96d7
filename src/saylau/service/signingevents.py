"""The petitions' signing events, recorded for the moderators and read back as flags.

Each accepted signature's client address, moment and certificate issuer and start are kept
(never published) so that :mod:`saylau.petitions.abuse` can show moderators the bulk
patterns of a campaign; the flags are computed on reading, over a recent window, so the
figures can change without touching what was recorded.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from saylau.petitions.abuse import Flag, SigningEvent, Thresholds, flags
from saylau.service.auth import Official
from saylau.service.context import Context
from saylau.service.errors import Forbidden
from saylau.store.tables import SigningEventRow

#: How far back the moderators' flags look.
WINDOW = dt.timedelta(days=7)


def row_of(event: SigningEvent) -> SigningEventRow:
    """The row that keeps one accepted signature's metadata (added by the caller, in the
    transaction that counts the signature)."""
    return SigningEventRow(
        petition_id=event.petition_id,
        at=event.at,
        address=event.address[:64],
        iin=event.iin,
        issuer=event.issuer[:512],
        certificate_not_before=event.certificate_not_before,
    )


def record(ctx: Context, event: SigningEvent) -> None:
    """Keep one accepted signature's metadata."""
    with ctx.transaction() as session:
        session.add(row_of(event))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def moderators_flags(
    ctx: Context,
    moderator: Official,
    now: dt.datetime,
    petition_id: str | None = None,
    limits: Thresholds | None = None,
) -> list[Flag]:
    """The bulk patterns of the signatures since ``now`` − :data:`WINDOW` (moderators
    only), of one petition or of all."""
    if moderator.role != "moderator":
        raise Forbidden("only the portal's moderators see the signing flags")
    query = select(SigningEventRow).where(SigningEventRow.at >= now - WINDOW)
    if petition_id is not None:
        query = query.where(SigningEventRow.petition_id == petition_id)
    with ctx.sessions() as session:
        rows = session.scalars(query.order_by(SigningEventRow.id)).all()
        events = [
            SigningEvent(
                r.petition_id,
                _aware(r.at),
                r.address,
                r.iin,
                r.issuer,
                _aware(r.certificate_not_before),
            )
            for r in rows
        ]
    return flags(events, limits)
