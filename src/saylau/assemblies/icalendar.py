"""The assemblies calendar as iCalendar (RFC 5545), so a reader can subscribe to it.

Times are written in UTC: an assembly's times are the city's civil time, converted with the
zone database (Kazakhstan moved to one zone, UTC+5, on 1 March 2024; Almaty and Astana were
UTC+6 before), which spares each event a VTIMEZONE block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Almaty")
LINE_OCTETS = 75
#: RFC 5545 STATUS of an event, by the assembly's state.
STATUS = {
    "notified": "TENTATIVE",
    "requested": "TENTATIVE",
    "agreed": "CONFIRMED",
    "approved": "CONFIRMED",
    "went_ahead": "CONFIRMED",
    "refused": "CANCELLED",
    "withdrawn": "CANCELLED",
}


@dataclass(frozen=True, slots=True)
class Event:
    """One assembly as a calendar event; ``status`` is RFC 5545's: TENTATIVE while awaiting
    the akimat, CONFIRMED once it may be held, CANCELLED when refused or withdrawn."""

    uid: str
    summary: str
    starts: dt.datetime
    ends: dt.datetime
    location: str
    description: str
    url: str
    status: str
    stamp: dt.datetime


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LINE_OCTETS:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=ZONE)
    return aware.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, events: Iterable[Event]) -> str:
    """The whole calendar, CRLF-terminated lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Saylau//Peaceful assemblies//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(event.stamp)}",
            f"DTSTART:{_utc(event.starts)}",
            f"DTEND:{_utc(event.ends)}",
            f"SUMMARY:{escape(event.summary)}",
            f"LOCATION:{escape(event.location)}",
            f"DESCRIPTION:{escape(event.description)}",
            f"URL:{event.url}",
            f"STATUS:{event.status}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
