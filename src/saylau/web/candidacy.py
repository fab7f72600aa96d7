"""Candidates and deputies as the site shows them: each candidate's office, nominator and
status in the reader's language, every failed rule told as a sentence of that language
(yes/no and the kinds of nominator included: no English word is left in a value)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saylau.register.messages import MESSAGES
from saylau.web.i18n import N_, listing, name, number, translations

STATUS_WORDS = {
    "registered": N_("Registered"),
    "refused": N_("Refused registration"),
}
OFFICE_WORDS = {
    "president": N_("President"),
    "mazhilis_list": N_("Mazhilis deputy, party list"),
    "mazhilis_district": N_("Mazhilis deputy, single-member district"),
    "kurultai_list": N_("Kurultai deputy, party list"),
    "senate": N_("Senator"),
    "maslikhat_list": N_("Maslikhat deputy, party list"),
    "maslikhat_district": N_("Maslikhat deputy, single-member district"),
    "akim_rural": N_("Akim of a rural district, village or town"),
    "akim_district": N_("Akim of a district or city of regional significance"),
}
NOMINATOR_WORDS = {
    "party": N_("a political party"),
    "association": N_("a public association"),
    "self": N_("self-nomination"),
}
YES_NO = {True: N_("yes"), False: N_("no")}


def _value(value: object, language: str) -> str:
    told = translations(language).gettext
    if isinstance(value, bool):
        return told(YES_NO[value])
    if isinstance(value, int):
        return number(value, language)
    if isinstance(value, str):
        parts = value.split(", ")
        if all(part in NOMINATOR_WORDS for part in parts):
            return listing([told(NOMINATOR_WORDS[p]) for p in parts], language)
    return str(value)


def reason(check: dict[str, Any], language: str) -> str:
    """A failed rule of a decision (its message key and values) as the language tells it."""
    key = check["message"]
    template = translations(language).gettext(MESSAGES[key])
    return template % {key: _value(v, language) for key, v in check["values"].items()}


def candidate_view(
    candidate: dict[str, Any],
    contests: dict[str, dict[str, str]],
    language: str,
    parties: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """A candidate as the page shows it; a nominating party named by the registry's id is
    shown by its name in the language (an id is no name for a Kazakh or Russian reader)."""
    told = translations(language).gettext
    nominated = candidate["nominated_by"]
    by = nominated["by"]
    nominator = told(NOMINATOR_WORDS[by])
    if nominated.get("name"):
        party = (parties or {}).get(str(nominated["name"]).strip().lower())
        shown = name(dict(party), language) if party is not None else nominated["name"]
        nominator = f"{nominator}: {shown}"
    return {
        "name": candidate["name"],
        "contest": candidate["contest"],
        "contest_name": name(contests[candidate["contest"]], language),
        "office": OFFICE_WORDS[candidate["office"]],
        "nominator": nominator,
        "status": candidate["decision"],
        "status_words": STATUS_WORDS[candidate["decision"]],
        "reasons": [reason(c, language) for c in candidate["rules_checked"] if not c["passed"]],
        "ledger_index": candidate["ledger_index"],
    }
