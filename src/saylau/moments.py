"""One way to write a moment: ISO 8601 with its offset in data, the commission's clock on pages.

The Central Election Commission sits in Astana and counts on the country's clock. Since
1 March 2024 all of Kazakhstan keeps UTC+5; before, Astana and Almaty kept UTC+6. The IANA
zone ``Asia/Almaty`` holds both (tzdata 2024a), so a moment of a 2021 night is written with
+06:00 and one of a 2026 night with +05:00, each as the commission's clock showed it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: the commission's clock (Astana and Almaty share it)
ZONE = ZoneInfo("Asia/Almaty")


def local(when: dt.datetime) -> dt.datetime:
    """``when`` on the commission's clock; a stored moment without offset is UTC (SQLite
    keeps no offset)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(ZONE)


def iso(when: dt.datetime | None) -> str | None:
    """``when`` as ISO 8601 with the commission's offset, to the second
    ('2024-03-19T21:04:05+05:00'); None stays None."""
    if when is None:
        return None
    return local(when).isoformat(timespec="seconds")


def parse(text: str) -> dt.datetime:
    """An ISO 8601 moment read back; one written without offset is UTC."""
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
