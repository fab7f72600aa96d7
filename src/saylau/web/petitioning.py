"""Online petitions as the site shows them: the service's values with every state, step,
body, region and refusal subject named in the reader's language. Nothing is counted here:
the counts, the threshold and the working days left come from ``service.petitions``."""

from __future__ import annotations

from functools import cache
from typing import Any

from saylau import territory
from saylau.petitions.messages import STATES, STEPS, SUBJECTS
from saylau.service.petitions import DayCount, RegionCount, Shown, Summary
from saylau.web.i18n import N_, translations

ADDRESSEES = {
    "government": N_("the Government"),
    "regional_maslikhat": N_("the regional maslikhat"),
    "regional_akimat": N_("the regional akimat"),
    "district_maslikhat": N_("the district maslikhat"),
    "district_akimat": N_("the district akimat"),
}
COLUMNS = {"kk": "name_kk", "ru": "name_ru_official", "en": "name_en_wikipedia"}


@cache
def _regions() -> dict[str, dict[str, str]]:
    return {row["iso_3166_2"]: row for row in territory.rows("regions.csv")}


def region_name(code: str | None, language: str) -> str | None:
    """The region's name in the language (None where there is no region)."""
    if code is None:
        return None
    row = _regions().get(code)
    return row[COLUMNS[language]] if row else code


def addressee(kind: str, unit: str | None, language: str) -> str:
    """The body a petition is addressed to, with its region: «the regional akimat (Ulytau)»."""
    words = translations(language).gettext(ADDRESSEES[kind])
    where = region_name(unit, language)
    return f"{words} ({where})" if where else words


def summary_view(found: Summary, language: str) -> dict[str, Any]:
    gettext = translations(language).gettext
    return {
        "id": found.id,
        "title": found.title,
        "addressee": addressee(found.addressee, found.unit, language),
        "state": found.state,
        "state_words": gettext(STATES[found.state]),
        "signatures": found.signatures,
        "required": found.required,
    }


def petition_view(
    found: Shown, regions: list[RegionCount], days: list[DayCount], language: str
) -> dict[str, Any]:
    gettext = translations(language).gettext
    return {
        "id": found.id,
        "title": found.title,
        "text": found.text,
        "addressee": addressee(found.addressee, found.unit, language),
        "state": found.state,
        "state_words": gettext(STATES[found.state]),
        "signatures": found.signatures,
        "required": found.required,
        "citation": found.threshold_citation,
        "population": found.population,
        "population_date": found.population_date,
        "working_days_left": found.working_days_left,
        "deadline": found.deadline,
        "signing_closes": found.signing_closes,
        "refused_for": gettext(SUBJECTS[found.refused_for])
        if found.refused_for in SUBJECTS
        else found.refused_for,
        "answer": found.answer,
        "history": [
            {
                "on": step.on,
                "words": gettext(STEPS[step.step]),
                "state_words": gettext(STATES[step.state]),
                "late": step.late,
                "ledger_index": step.ledger_index,
            }
            for step in found.history
        ],
        "regions": [
            {
                "name": region_name(r.region, language),
                "signatures": r.signatures,
            }
            for r in regions
        ],
        "days": days,
    }
