"""The what-if page of a contest: its seats under the law of another date, and the seat
Monte-Carlo of the count so far, as tables a reader can check (kk, ru, en)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from saylau.forensics.seats_montecarlo import SeatDistribution
from saylau.law.book import LegalValue
from saylau.model import BadInput
from saylau.service.context import Context
from saylau.service.whatif import night_what_if
from saylau.web.i18n import N_, name, number, percent, share, translations
from saylau.web.pages import election_of, render

#: Draws of the Monte-Carlo the page shows, and its seed (so every reader sees the same).
DRAWS = 1000
SEED = 1

#: The parameters that decide a list's seats, as the page names them.
PARAMETERS = {
    "list_threshold": N_("Threshold"),
    "threshold_base": N_("What the threshold is a share of"),
    "allocation_method": N_("Method of allocating seats"),
    "list_seats": N_("Seats by party lists"),
    "single_member_seats": N_("Seats in single-member districts"),
    "assembly_seats": N_("Seats elected by the Assembly of People"),
    "total_seats": N_("Deputies in all"),
    "second_party_rule": N_("A second list is admitted when only one passes"),
    "against_all_on_ballot": N_("“Against all” on the ballot"),
}
WORDS = {
    "largest_remainder_hare": N_("largest remainder, Hare quota"),
    "largest_remainder_droop": N_("largest remainder, Droop quota"),
    "dhondt": N_("D'Hondt"),
    "sainte_lague": N_("Sainte-Laguë"),
    "valid_votes": N_("votes for the lists and against all"),
    "participated": N_("voters who took part"),
}


@dataclass(frozen=True, slots=True)
class Change:
    parameter: str
    actual: str
    what_if: str


@dataclass(frozen=True, slots=True)
class Row:
    option: str
    actual: int
    what_if: int
    difference: int


@dataclass(frozen=True, slots=True)
class Chance:
    option: str
    passes: str
    low: int
    high: int
    likeliest: int
    likeliest_probability: str


def _value(value: LegalValue, language: str, say: Callable[[str], str]) -> str:
    if isinstance(value, bool):
        return say("yes") if value else say("no")
    if isinstance(value, Fraction):
        return share(value, language)
    if isinstance(value, int):
        return number(value, language)
    if isinstance(value, str):
        return say(WORDS[value]) if value in WORDS else value
    return "—"


def _chances(result: SeatDistribution, names: dict[str, str], language: str) -> list[Chance]:
    rows = []
    for party in result.parties:
        likeliest = max(range(len(party.probability)), key=party.probability.__getitem__)
        rows.append(
            Chance(
                option=names.get(party.option, party.option),
                passes=percent(100 * party.passes_threshold, language),
                low=party.low,
                high=party.high,
                likeliest=likeliest,
                likeliest_probability=percent(100 * party.probability[likeliest], language),
            )
        )
    return rows


def whatif_page(
    context: Context,
    language: str,
    election_id: str,
    contest_id: str,
    rules_on: dt.date | None,
    size: int,
) -> bytes:
    """The contest decided under the law of ``rules_on`` (default: its own date) beside its
    own outcome, and the Monte-Carlo of both."""
    gettext = translations(language).gettext
    election = election_of(context, election_id)
    contest = election.contest(contest_id)
    shown = {option.id: name(dict(option.names), language) for option in contest.options}
    day = rules_on or election.date
    refused = False
    rows: list[Row] = []
    changes: list[Change] = []
    actual_chances: list[Chance] = []
    what_if_chances: list[Chance] = []
    reported = pending = 0
    try:
        found = night_what_if(context, election_id, contest_id, day, DRAWS, SEED)
    except BadInput:
        refused = True
    else:
        rows = [
            Row(shown.get(s.option, s.option), s.actual, s.what_if, s.difference)
            for s in found.what_if.seats
        ]
        changes = [
            Change(
                gettext(PARAMETERS[c.parameter.partition(".")[2]]),
                _value(c.actual, language, gettext),
                _value(c.what_if, language, gettext),
            )
            for c in found.what_if.changes
            if c.parameter.partition(".")[2] in PARAMETERS
        ]
        if found.actual_seats is not None and found.what_if_seats is not None:
            reported = found.actual_seats.precincts_reported
            pending = found.actual_seats.precincts_pending
            actual_chances = _chances(found.actual_seats, shown, language)
            what_if_chances = _chances(found.what_if_seats, shown, language)
    return render(
        language,
        "whatif.html",
        election=election,
        contest=contest,
        chosen=day,
        refused=refused,
        rows=rows,
        changes=changes,
        actual_chances=actual_chances,
        what_if_chances=what_if_chances,
        draws=DRAWS,
        pending=pending,
        reported=reported,
        tree_size=size,
        page_path=f"/{election_id}/{contest_id}/whatif/"
        + (f"?rules_on={rules_on.isoformat()}" if rules_on else ""),
    )
