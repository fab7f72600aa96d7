"""The registry of parties as the site shows it: each party named in the reader's
language, its status and registration date, and its history with every refusal's rules
told in that language."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from saylau.register.messages import MESSAGES
from saylau.web.i18n import N_, day, name, number, translations

STATUS_WORDS = {
    "registered": N_("Registered"),
    "refused": N_("Refused registration"),
    "merged": N_("Merged into another party"),
    "dissolved": N_("Dissolved"),
}
EVENT_WORDS = {
    "registered": N_("Registration"),
    "re-registered": N_("Re-registration"),
    "refused": N_("Refusal of registration"),
    "renamed": N_("Renaming"),
    "merged": N_("Merger"),
    "dissolved": N_("Dissolution"),
}
ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _value(value: object, language: str) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number(value, language)
    if isinstance(value, str) and ISO_DAY.match(value):
        return day(dt.date.fromisoformat(value), language)
    return str(value)


def sentence(message: dict[str, Any], language: str) -> str:
    """A message of a decision (its key and values) as the language tells it."""
    english = MESSAGES[message["message"]]
    template = translations(language).gettext(english)
    values = {key: _value(value, language) for key, value in message["values"].items()}
    return template % values


def event_view(event: dict[str, Any], names: dict[str, dict[str, str]], language: str) -> Any:
    """One event as the page lists it: its words, day, details and sources."""
    decision = event.get("decision") or {}
    return {
        "kind": event["kind"],
        "words": EVENT_WORDS[event["kind"]],
        "on": event["on"],
        "former": name(event["former_names"], language) if event["former_names"] else None,
        "into": event["into"],
        "into_name": name(names[event["into"]], language) if event["into"] else None,
        "failures": [sentence(f, language) for f in decision.get("failures", [])],
        "counted": decision["members"]["counted"] if decision else None,
        "sources": event["sources"],
        "decided": bool(decision),
    }


def party_view(party: dict[str, Any], names: dict[str, dict[str, str]], language: str) -> Any:
    return {
        "id": party["id"],
        "name": name(party["names"], language),
        "status": party["status"],
        "status_words": STATUS_WORDS[party["status"]],
        "registered_on": party["registered_on"],
        "history": [event_view(e, names, language) for e in party["history"]],
        "sources": party["sources"],
    }
