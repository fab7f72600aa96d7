"""Finding an English (Latin-script) place name on a page meant for Kazakh or Russian readers."""

from __future__ import annotations

import html
import re

from saylau.election import Election

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def unit_words(election: Election) -> set[str]:
    """Every Latin word of the English names of the republic, its regions and districts."""
    return {
        word
        for unit in election.units
        if unit.level != "precinct"
        for word in LATIN_WORD.findall(unit.names["en"])
    }


def english_names_in(text: str, election: Election) -> list[str]:
    """The words of ``text`` that belong to a unit's English name (case as written)."""
    return sorted(set(LATIN_WORD.findall(text)) & unit_words(election))


def readable(body: str) -> str:
    """What a page gives its reader: text, chart labels, titles and labels for screen
    readers; without scripts, styles and what is marked as English on purpose (the switch
    to the English site, the law's sources quoted as recorded)."""
    body = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<(a|cite|span)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", body, flags=re.S)
    labels = re.findall(r'\b(?:title|aria-label|alt)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(" ".join([text, *labels]))
