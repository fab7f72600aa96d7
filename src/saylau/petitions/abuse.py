"""Bulk patterns in a petition's signing, flagged for the moderators (never refused here).

A signature that verifies counts: the law gives no ground to refuse it for where it came
from. What a moderator wants to see is the shape of a campaign that is not many citizens
acting one by one:

- **one address**: many signatures from one client address in a short window (a script,
  or a shared terminal that deserves a look);
- **sequential IINs**: signers whose IINs share the birth date and century digit and whose
  serial numbers run on without a gap (identities taken from a list);
- **bulk certificates**: many signers whose certificates were issued by the same authority
  in the same minute (keys made in a batch, not by citizens at a service centre).

Pure: the events come from wherever the service records them; the thresholds are the
moderation's working figures, not the law's, so they are parameters with defaults.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Pattern(StrEnum):
    ONE_ADDRESS = "one_address"
    SEQUENTIAL_IINS = "sequential_iins"
    BULK_CERTIFICATES = "bulk_certificates"


@dataclass(frozen=True, slots=True)
class SigningEvent:
    """One accepted signature's metadata: what the flags read, nothing they publish."""

    petition_id: str
    at: dt.datetime
    address: str
    iin: str
    issuer: str
    certificate_not_before: dt.datetime


@dataclass(frozen=True, slots=True)
class Thresholds:
    """How many alike signatures make a flag (moderation's figures, tunable)."""

    per_address: int = 20
    address_window: dt.timedelta = dt.timedelta(minutes=10)
    sequential_run: int = 5
    same_minute_certificates: int = 10


@dataclass(frozen=True, slots=True)
class Flag:
    """A pattern seen on one petition: ``key`` says where (the address, the first and last
    IIN of the run, or the issuer and the minute) and ``signatures`` how many it covers."""

    pattern: Pattern
    petition_id: str
    key: str
    signatures: int
    first: dt.datetime
    last: dt.datetime


def _densest(moments: Sequence[dt.datetime], window: dt.timedelta) -> tuple[int, int, int]:
    """The most moments within ``window`` of each other: (count, first index, last index)."""
    best = (0, 0, 0)
    start = 0
    for end, moment in enumerate(moments):
        while moment - moments[start] > window:
            start += 1
        if end - start + 1 > best[0]:
            best = (end - start + 1, start, end)
    return best


def _one_address(events: Sequence[SigningEvent], limits: Thresholds) -> list[Flag]:
    found: list[Flag] = []
    by_key: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    for event in events:
        by_key[(event.petition_id, event.address)].append(event.at)
    for (petition, address), moments in sorted(by_key.items()):
        moments.sort()
        count, first, last = _densest(moments, limits.address_window)
        if count >= limits.per_address:
            found.append(
                Flag(Pattern.ONE_ADDRESS, petition, address, count, moments[first], moments[last])
            )
    return found


def _sequential(events: Sequence[SigningEvent], limits: Thresholds) -> list[Flag]:
    """Runs of IINs with one birth date and century digit (the first 7 digits) and serials
    (the next 4) that follow one another."""
    found: list[Flag] = []
    by_key: dict[tuple[str, str], dict[int, SigningEvent]] = defaultdict(dict)
    for event in events:
        if len(event.iin) == 12 and event.iin.isdigit():
            by_key[(event.petition_id, event.iin[:7])][int(event.iin[7:11])] = event
    for (petition, _prefix), serials in sorted(by_key.items()):
        ordered = sorted(serials)
        run = [ordered[0]] if ordered else []
        for serial in [*ordered[1:], None]:
            if serial is not None and serial == run[-1] + 1:
                run.append(serial)
                continue
            if len(run) >= limits.sequential_run:
                members = [serials[s] for s in run]
                moments = sorted(m.at for m in members)
                key = f"{members[0].iin}..{members[-1].iin}"
                found.append(
                    Flag(Pattern.SEQUENTIAL_IINS, petition, key, len(run), moments[0], moments[-1])
                )
            if serial is not None:
                run = [serial]
    return found


def _bulk_certificates(events: Sequence[SigningEvent], limits: Thresholds) -> list[Flag]:
    found: list[Flag] = []
    by_key: dict[tuple[str, str, dt.datetime], set[str]] = defaultdict(set)
    moments: dict[tuple[str, str, dt.datetime], list[dt.datetime]] = defaultdict(list)
    for event in events:
        minute = event.certificate_not_before.astimezone(dt.UTC).replace(second=0, microsecond=0)
        key = (event.petition_id, event.issuer, minute)
        by_key[key].add(event.iin)
        moments[key].append(event.at)
    for (petition, issuer, minute), signers in sorted(by_key.items()):
        if len(signers) >= limits.same_minute_certificates:
            seen = sorted(moments[(petition, issuer, minute)])
            where = f"{issuer} @ {minute.strftime('%Y-%m-%dT%H:%MZ')}"
            found.append(
                Flag(Pattern.BULK_CERTIFICATES, petition, where, len(signers), seen[0], seen[-1])
            )
    return found


def flags(events: Iterable[SigningEvent], limits: Thresholds | None = None) -> list[Flag]:
    """Every pattern the events show, by pattern, then petition, then key."""
    seen = list(events)
    limits = limits or Thresholds()
    return [
        *_one_address(seen, limits),
        *_sequential(seen, limits),
        *_bulk_certificates(seen, limits),
    ]
