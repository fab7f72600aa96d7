"""The sentences an outcome's explanation is made of: a message key, typed values and the
parameters of the law the step applied.

The engine states each step as data, never as finished prose, so a reader can be told it in
Kazakh, Russian or English with the options' names and the numbers written as that language
writes them. The English templates here are the site's message ids (marked with ``N_`` for
`saylau i18n update`), and the English ``explanation`` of the JSON output is made from the
same templates with the values as the input gave them (option ids, 1,234).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any


def N_(message: str) -> str:
    """Mark an English template for the site's catalogues; it is translated where shown."""
    return message


class Value(StrEnum):
    """What a value of a sentence is, so each language can write it its own way."""

    NUMBER = "number"  # a count: 6,366,441
    OPTION = "option"  # an option's id, shown by its name
    OPTIONS = "options"  # option ids, listed
    BOTH = "both"  # option ids joined by "and" (the pair of a repeat voting)
    SHARE = "share"  # a share the law sets, exact ("1/20"): 5 %, 2/3
    PERCENT = "percent"  # a share computed from counts, in percent, two places
    FRACTION = "fraction"  # an exact number that need not be whole ("1990573/23", "7/10")
    METHOD = "method"  # a seat-allocation method as the law data names it


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str  # English, with %(name)s placeholders
    values: Mapping[str, Value]


V = Value

SENTENCES: dict[str, Sentence] = {
    # party lists
    "list_seats": Sentence(N_("%(seats)s list seats are allocated."), {"seats": V.NUMBER}),
    "list_seats_given": Sentence(
        N_("%(seats)s list seats are allocated (as given)."), {"seats": V.NUMBER}
    ),
    "threshold_valid_votes": Sentence(
        N_(
            "A list needs at least %(share)s of valid votes (votes for the lists + against "
            "all), %(base)s: %(passed)s passed."
        ),
        {"share": V.SHARE, "base": V.NUMBER, "passed": V.OPTIONS},
    ),
    "threshold_valid_votes_none": Sentence(
        N_(
            "A list needs at least %(share)s of valid votes (votes for the lists + against "
            "all), %(base)s: none passed."
        ),
        {"share": V.SHARE, "base": V.NUMBER},
    ),
    "threshold_participated": Sentence(
        N_(
            "A list needs at least %(share)s of the votes of those who took part, %(base)s: "
            "%(passed)s passed."
        ),
        {"share": V.SHARE, "base": V.NUMBER, "passed": V.OPTIONS},
    ),
    "threshold_participated_none": Sentence(
        N_(
            "A list needs at least %(share)s of the votes of those who took part, %(base)s: "
            "none passed."
        ),
        {"share": V.SHARE, "base": V.NUMBER},
    ),
    "no_list_passed": Sentence(
        N_("No list passed the threshold, so no list seats are allocated."), {}
    ),
    "allocation": Sentence(
        N_("Seats go by %(method)s over the lists that passed."), {"method": V.METHOD}
    ),
    "remainder_tie_broken": Sentence(
        N_("Equal remainders between %(parties)s went to the list registered earlier."),
        {"parties": V.OPTIONS},
    ),
    "remainder_tie": Sentence(
        N_(
            "%(seats)s seat(s) remain tied between %(parties)s: the law gives them to the "
            "list registered earlier; give 'registration_order' to settle it."
        ),
        {"seats": V.NUMBER, "parties": V.OPTIONS},
    ),
    "second_party_alone": Sentence(
        N_("Only %(party)s passed and no other list has votes: it takes every list seat."),
        {"party": V.OPTION},
    ),
    "second_party": Sentence(
        N_(
            "Only %(party)s passed, so the list with the next-largest vote is admitted; "
            "quota = votes of the two ÷ seats = %(quota)s; its quotient is multiplied by "
            "%(factor)s and it gets at least %(min_seats)s seats."
        ),
        {"party": V.OPTION, "quota": V.FRACTION, "factor": V.FRACTION, "min_seats": V.NUMBER},
    ),
    "second_party_tie": Sentence(
        N_("%(parties)s are tied; %(party)s was registered earlier."),
        {"parties": V.OPTIONS, "party": V.OPTION},
    ),
    # majority in two rounds (the President, a senator)
    "nobody_voted": Sentence(
        N_("Nobody cast a vote that counts, so there is no result: the election is invalid."),
        {},
    ),
    "majority_elected": Sentence(
        N_("%(candidate)s has %(votes)s votes, more than half of %(base)s, and is elected."),
        {"candidate": V.OPTION, "votes": V.NUMBER, "base": V.NUMBER},
    ),
    "runoff_impossible": Sentence(
        N_(
            "Nobody has more than half of %(base)s, and fewer than %(size)s candidates have "
            "votes, so a repeat voting cannot be formed: a new election is needed."
        ),
        {"base": V.NUMBER, "size": V.NUMBER},
    ),
    "runoff_places_tied": Sentence(
        N_(
            "Nobody has more than half of %(base)s; the places in the repeat voting are tied "
            "between %(candidates)s: the law names no tie-break."
        ),
        {"base": V.NUMBER, "candidates": V.OPTIONS},
    ),
    "runoff": Sentence(
        N_(
            "Nobody has more than half of %(base)s (%(leader)s leads with %(votes)s), so "
            "repeat voting is held between %(pair)s."
        ),
        {"base": V.NUMBER, "leader": V.OPTION, "votes": V.NUMBER, "pair": V.BOTH},
    ),
    "second_round_equal": Sentence(
        N_(
            "In the repeat voting %(first)s and %(second)s have equal votes; the law names no "
            "tie-break, so a new election is needed."
        ),
        {"first": V.OPTION, "second": V.OPTION},
    ),
    "second_round_elected": Sentence(
        N_(
            "In the repeat voting %(first)s has more votes than %(second)s (%(first_votes)s "
            "to %(second_votes)s) and is elected."
        ),
        {
            "first": V.OPTION,
            "second": V.OPTION,
            "first_votes": V.NUMBER,
            "second_votes": V.NUMBER,
        },
    ),
    # the most votes (single-member districts, akims)
    "no_candidate_votes": Sentence(
        N_("No candidate received a vote: a repeat election is needed."), {}
    ),
    "first_place_tied_repeat": Sentence(
        N_(
            "%(candidates)s share first place with %(votes)s votes each; the tie leads to a "
            "repeat election."
        ),
        {"candidates": V.OPTIONS, "votes": V.NUMBER},
    ),
    "first_place_tied_lot": Sentence(
        N_(
            "%(candidates)s share first place with %(votes)s votes each; the tie is settled by lot."
        ),
        {"candidates": V.OPTIONS, "votes": V.NUMBER},
    ),
    "plurality_elected": Sentence(
        N_("%(candidate)s has more votes (%(votes)s) than any other candidate and is elected."),
        {"candidate": V.OPTION, "votes": V.NUMBER},
    ),
    "against_all_first_repeat": Sentence(
        N_(
            "'Against all' (%(votes)s) came first, which under the law of the date means a "
            "new election."
        ),
        {"votes": V.NUMBER},
    ),
    "against_all_majority_repeat": Sentence(
        N_(
            "'Against all' has more than half of %(base)s (%(votes)s), which under the law of "
            "the date means a new election."
        ),
        {"base": V.NUMBER, "votes": V.NUMBER},
    ),
    "against_all_not_a_candidate": Sentence(
        N_("'Against all' (%(votes)s) is not a candidate and does not change this."),
        {"votes": V.NUMBER},
    ),
    "mazhilis_districts": Sentence(
        N_("The Mazhilis has %(seats)s single-member districts."), {"seats": V.NUMBER}
    ),
    "maslikhat_districts": Sentence(N_("Maslikhats have single-member districts."), {}),
    "rural_akims_elected": Sentence(N_("Rural akims are elected directly."), {}),
    "district_akims_elected": Sentence(N_("District akims are elected directly."), {}),
    "regional_akims_elected": Sentence(N_("Regional akims are elected directly."), {}),
    "most_votes_wins": Sentence(N_("The most votes wins."), {}),
    # the President
    "turnout_not_above": Sentence(
        N_("Turnout is not above %(share)s: the election is invalid."), {"share": V.SHARE}
    ),
    "no_turnout_threshold": Sentence(N_("There is no turnout threshold."), {}),
    "majority_base": Sentence(
        N_(
            "The base of the majority is the votes of those who took part less the invalid "
            "ballots; 'against all' stays in it."
        ),
        {},
    ),
    # referendums
    "validity_unknown": Sentence(
        N_("Validity cannot be decided: registered and participated are both needed."), {}
    ),
    "referendum_valid": Sentence(
        N_(
            "%(participated)s of the %(registered)s voters on the lists, with those added on "
            "the day, took part (%(percent)s): the referendum is valid (more than %(share)s "
            "needed)."
        ),
        {
            "participated": V.NUMBER,
            "registered": V.NUMBER,
            "percent": V.PERCENT,
            "share": V.SHARE,
        },
    ),
    "referendum_not_valid": Sentence(
        N_(
            "%(participated)s of the %(registered)s voters on the lists, with those added on "
            "the day, took part (%(percent)s): the referendum is not valid (more than %(share)s "
            "needed)."
        ),
        {
            "participated": V.NUMBER,
            "registered": V.NUMBER,
            "percent": V.PERCENT,
            "share": V.SHARE,
        },
    ),
    "invalid_adopts_nothing": Sentence(N_("An invalid referendum adopts nothing."), {}),
    "adoption_unknown": Sentence(N_("Adoption cannot be decided: participated is not given."), {}),
    "question_adopted": Sentence(
        N_(
            "Yes has %(yes)s of %(participated)s who took part (%(percent)s): the question is "
            "adopted."
        ),
        {"yes": V.NUMBER, "participated": V.NUMBER, "percent": V.PERCENT},
    ),
    "question_not_adopted": Sentence(
        N_(
            "Yes has %(yes)s of %(participated)s who took part (%(percent)s): the question is "
            "not adopted."
        ),
        {"yes": V.NUMBER, "participated": V.NUMBER, "percent": V.PERCENT},
    ),
    "constitution_rule": Sentence(
        N_(
            "A constitutional question needs a yes majority of those who took part in at least "
            "%(share)s of the %(units)s regions, cities of republican significance and the "
            "capital, i.e. %(needed)s."
        ),
        {"share": V.SHARE, "units": V.NUMBER, "needed": V.NUMBER},
    ),
    "constitution_no_regions": Sentence(
        N_(
            "The per-region counts ('regions': registered, participated, yes for each unit) "
            "are not given, so adoption cannot be decided from these numbers."
        ),
        {},
    ),
    "constitution_adopted": Sentence(
        N_("Yes has a majority in %(count)s: adopted."), {"count": V.NUMBER}
    ),
    "constitution_not_adopted": Sentence(
        N_("Yes has a majority in only %(count)s: not adopted."), {"count": V.NUMBER}
    ),
    "constitution_undecided": Sentence(
        N_(
            "Yes has a majority in %(count)s, and %(missing)s units' counts are missing: "
            "adoption cannot be decided from these numbers."
        ),
        {"count": V.NUMBER, "missing": V.NUMBER},
    ),
    # the Senate
    "quorum_not_met": Sentence(
        N_(
            "%(participated)s of %(registered)s electors took part, not more than %(share)s: "
            "the sitting is not valid."
        ),
        {"participated": V.NUMBER, "registered": V.NUMBER, "share": V.SHARE},
    ),
    "quorum_met": Sentence(
        N_("%(participated)s of %(registered)s electors took part: the sitting is valid."),
        {"participated": V.NUMBER, "registered": V.NUMBER},
    ),
}


def show_share(share: Fraction) -> str:
    """A legal share in words: 1/20 → '5 %', 2/3 → '2/3'."""
    pct = share * 100
    if pct.denominator == 1:
        return f"{pct.numerator} %"
    return f"{share.numerator}/{share.denominator}"


def fraction_text(value: Fraction) -> str:
    """An exact number as JSON carries it: '69', '7/10', '1990573/23'."""
    return str(value.numerator) if value.denominator == 1 else str(value)


def json_value(kind: Value, value: Any) -> Any:
    """A step's value as the JSON output carries it (exact, language-free)."""
    if kind in (V.OPTIONS, V.BOTH):
        return [str(item) for item in value]
    if kind in (V.SHARE, V.FRACTION):
        return fraction_text(Fraction(value))
    if kind is V.NUMBER:
        return int(value)
    return value


def english_value(kind: Value, value: Any) -> str:
    """A value as the English ``explanation`` writes it: ids, 1,234, '5 %', '54.19 %'."""
    match kind:
        case V.NUMBER:
            return f"{value:,}"
        case V.OPTIONS:
            return ", ".join(value)
        case V.BOTH:
            return " and ".join(value)
        case V.SHARE:
            return show_share(Fraction(value))
        case V.PERCENT:
            return "—" if value is None else f"{value} %"
        case V.METHOD:
            return str(value).replace("_", " ")
        case _:
            return str(value)


def english(message: str, values: Mapping[str, Any]) -> str:
    """The English sentence of a step."""
    sentence = SENTENCES[message]
    return sentence.text % {
        name: english_value(kind, values[name]) for name, kind in sentence.values.items()
    }


def step_values(message: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A step's values as data; they must be exactly those the sentence names."""
    sentence = SENTENCES[message]
    if values.keys() != sentence.values.keys():
        raise AssertionError(f"sentence {message!r} takes {sorted(sentence.values)}")
    return {name: json_value(kind, values[name]) for name, kind in sentence.values.items()}


__all__ = ["SENTENCES", "Sentence", "Value", "english", "show_share", "step_values"]
