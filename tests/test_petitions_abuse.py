"""Bulk patterns in a petition's signing, for the moderators: many signatures from one
address in a short window, runs of sequential IINs, certificates issued by one authority in
one minute; citizens signing one by one raise no flag."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.petitions.abuse import Pattern, SigningEvent, Thresholds, flags
from tests.petitions_fixture import iin_of

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
ISSUER = "CN=NCA test intermediate"


def event(
    serial: int,
    at: dt.datetime,
    address: str = "10.0.0.1",
    issued: dt.datetime | None = None,
    petition: str = "p1",
) -> SigningEvent:
    return SigningEvent(
        petition,
        at,
        address,
        iin_of(serial),
        ISSUER,
        issued or START - dt.timedelta(days=serial),  # a certificate of its own day
    )


def spread(n: int, gap: dt.timedelta, **kw: object) -> list[SigningEvent]:
    """``n`` signers far apart in IIN serial (every 7th) signing ``gap`` apart."""
    return [event(7 * i + 3, START + i * gap, **kw) for i in range(n)]  # type: ignore[arg-type]


def test_many_signatures_from_one_address_in_a_short_window_are_flagged() -> None:
    limits = Thresholds(per_address=20, address_window=dt.timedelta(minutes=10))
    burst = spread(20, dt.timedelta(seconds=25))  # 20 within 8 minutes
    found = flags(burst, limits)
    assert [(f.pattern, f.key, f.signatures) for f in found] == [
        (Pattern.ONE_ADDRESS, "10.0.0.1", 20)
    ]
    assert found[0].first == START and found[0].last == START + 19 * dt.timedelta(seconds=25)
    slow = spread(20, dt.timedelta(seconds=40))  # 20 over 12 m 40 s: at most 16 in 10 min
    assert flags(slow, limits) == []
    assert flags(burst[:19], limits) == []  # one short of the figure


def test_sequential_iins_are_flagged_with_their_run() -> None:
    limits = Thresholds(sequential_run=5)
    run = [event(s, START + dt.timedelta(hours=s), address=f"10.0.{s}.1") for s in range(40, 45)]
    found = flags(run, limits)
    assert [(f.pattern, f.signatures) for f in found] == [(Pattern.SEQUENTIAL_IINS, 5)]
    assert found[0].key == f"{iin_of(40)}..{iin_of(44)}"
    broken = [e for e in run if e.iin != iin_of(42)]  # runs of 2 and 2
    assert flags(broken, limits) == []


def test_certificates_issued_in_one_minute_by_one_authority_are_flagged() -> None:
    limits = Thresholds(same_minute_certificates=10)
    minute = dt.datetime(2026, 11, 1, 3, 17, tzinfo=dt.UTC)
    batch = [
        event(
            9 * i + 2,
            START + dt.timedelta(hours=i),
            address=f"10.1.{i}.1",
            issued=minute + dt.timedelta(seconds=5 * i),
        )
        for i in range(10)
    ]
    found = flags(batch, limits)
    assert [(f.pattern, f.signatures) for f in found] == [(Pattern.BULK_CERTIFICATES, 10)]
    assert found[0].key == f"{ISSUER} @ 2026-11-01T03:17Z"
    assert flags(batch[:9], limits) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=3000), min_size=0, max_size=60, unique=True),
)
def test_citizens_signing_one_by_one_raise_no_flag(minutes: list[int]) -> None:
    """Each signer from an address of their own, with a certificate of their own day, IIN
    serials far apart: whatever the moments, nothing is flagged."""
    events = [
        event(11 * i + 1, START + dt.timedelta(minutes=m), address=f"10.2.{i}.1")
        for i, m in enumerate(minutes)
    ]
    assert flags(events) == []
