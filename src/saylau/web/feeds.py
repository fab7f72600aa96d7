"""An election's Atom feed (RFC 4287) of its contests' changes of status, in each language,
so a newsroom's reader or a bot hears of a count that began, finished or was certified
without polling every page.

Identifiers are URNs made from the election, the contest, the change and the language, so
an entry keeps its id whatever address the site is reached at; links are absolute.
"""

from __future__ import annotations

import datetime as dt
import uuid
from xml.etree import ElementTree as ET

from saylau import moments
from saylau.election import Election
from saylau.service.changes import COMPLETE, COUNTING, StatusChange
from saylau.web.i18n import name, number, translations

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
#: the newest changes a feed holds (a combined night has thousands of contests)
ENTRIES = 500


def feed_path(language: str, election_id: str) -> str:
    return f"/{language}/{election_id}/feed.atom"


def _urn(*parts: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, "saylau:" + ":".join(parts)).urn


def _title(change: StatusChange, language: str) -> str:
    _ = translations(language).gettext
    contest = name(dict(change.contest.names), language)
    if change.kind == COUNTING:
        return _("%(contest)s: counting has begun") % {"contest": contest}
    if change.kind == COMPLETE:
        return _("%(contest)s: every precinct has reported") % {"contest": contest}
    if change.kind == "certification":
        return _("%(contest)s: the results are certified") % {"contest": contest}
    return _("%(contest)s: the certification is reopened") % {"contest": contest}


def _summary(change: StatusChange, language: str) -> str:
    _ = translations(language).gettext
    text = _("%(reported)s of %(expected)s precincts reported") % {
        "reported": number(change.precincts_reported, language),
        "expected": number(change.precincts_expected, language),
    }
    if change.reason:
        text += ". " + _("Reason: %(reason)s") % {"reason": change.reason}
    return text


def atom(
    election: Election,
    changes: tuple[StatusChange, ...],
    language: str,
    base: str,
    since: dt.datetime,
) -> bytes:
    """The feed of ``changes`` (newest first) in ``language``, its links under ``base``;
    ``since`` dates a feed without entries (the election's import)."""
    _ = translations(language).gettext
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> None:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = text

    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": language})
    shown = changes[:ENTRIES]
    updated = shown[0].at if shown else moments.local(since)
    add(root, "id", _urn(election.id, "feed", language))
    add(
        root,
        "title",
        _("%(election)s: status of the count") % {"election": name(dict(election.names), language)},
    )
    add(root, "updated", updated.isoformat(timespec="seconds"))
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    add(author, "name", "Saylau")
    add(
        root,
        "link",
        rel="self",
        type="application/atom+xml",
        href=base + feed_path(language, election.id),
    )
    add(root, "link", rel="alternate", type="text/html", href=f"{base}/{language}/{election.id}/")
    for change in shown:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        key = (election.id, change.contest.id, change.kind, str(change.number), language)
        add(entry, "id", _urn(*key))
        add(entry, "title", _title(change, language))
        add(entry, "updated", change.at.isoformat(timespec="seconds"))
        add(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=f"{base}/{language}/{election.id}/{change.contest.id}/",
        )
        add(entry, "category", term=change.kind)
        add(entry, "summary", _summary(change, language))
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written
