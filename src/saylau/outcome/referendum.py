"""Republican referendums: validity by turnout, adoption by question type.

An ordinary question needs a yes majority of those who took part nationally; the
Constitution or amendments to it need a yes majority of those who took part in at least
two-thirds of the regions, cities of republican significance and the capital. Without the
regional counts a constitutional question is decided only as far as the numbers allow.
"""

from __future__ import annotations

import math

from saylau.law.rules import Rules
from saylau.model import BadInput, Contest, Counts
from saylau.outcome.common import Reasoning, exceeds, percent
from saylau.outcome.records import ReferendumOutcome, Units


def _yes(counts: Counts, field: str) -> int:
    if "yes" not in counts.options:
        raise BadInput(field, "a referendum's options must include 'yes'")
    return counts.options["yes"]


def decide(contest: Contest, rules: Rules) -> ReferendumOutcome:
    law = rules.referendum
    why = Reasoning(rules.date)
    if contest.question_type is None:
        raise BadInput("question_type", "is required for a referendum: constitution or ordinary")
    yes = _yes(contest, "options")
    valid: bool | None
    if contest.registered is None or contest.participated is None:
        valid = None
        why.say("validity_unknown")
    else:
        valid = exceeds(contest.participated, law.validity_share, contest.registered)
        why.say(
            "referendum_valid" if valid else "referendum_not_valid",
            why.cite(law, "validity_share"),
            participated=contest.participated,
            registered=contest.registered,
            percent=percent(contest.participated, contest.registered),
            share=law.validity_share,
        )
    adopted: bool | None
    units: Units | None = None
    if valid is False:
        adopted = False
        why.say("invalid_adopts_nothing")
    elif contest.question_type == "ordinary":
        adopted = _ordinary(contest, yes, why, rules)
        if valid is None and adopted:
            adopted = None
    else:
        adopted, units = _constitution(contest, why, rules)
        if valid is None and adopted:
            adopted = None
    base = contest.participated
    shares = (
        {name: percent(votes, base) for name, votes in contest.options.items()} if base else None
    )
    return ReferendumOutcome(
        contest.kind,
        why.reasons(),
        question_type=contest.question_type,
        valid=valid,
        adopted=adopted,
        units=units,
        percent_of_participants=shares,
    )


def _ordinary(contest: Contest, yes: int, why: Reasoning, rules: Rules) -> bool | None:
    law = rules.referendum
    if contest.participated is None:
        why.say("adoption_unknown")
        return None
    adopted = exceeds(yes, law.adoption_share, contest.participated)
    why.say(
        "question_adopted" if adopted else "question_not_adopted",
        why.cite(law, "adoption_share"),
        yes=yes,
        participated=contest.participated,
        percent=percent(yes, contest.participated),
    )
    return adopted


def _constitution(
    contest: Contest, why: Reasoning, rules: Rules
) -> tuple[bool | None, Units | None]:
    law = rules.referendum
    total_units = rules.constitution.territorial_units
    needed = math.ceil(law.constitution_units_share * total_units)
    why.say(
        "constitution_rule",
        why.cite(law, "constitution_units_share", "adoption_share")
        + why.cite(rules.constitution, "territorial_units"),
        share=law.constitution_units_share,
        units=total_units,
        needed=needed,
    )
    if not contest.regions:
        why.say("constitution_no_regions")
        return None, None
    if len(contest.regions) > total_units:
        raise BadInput(
            "regions",
            f"names {len(contest.regions)} units, but there were {total_units} on "
            f"{contest.date.isoformat()}",
        )
    with_majority: list[str] = []
    unknown: list[str] = []
    for name, region in contest.regions.items():
        region_yes = _yes(region, f"regions.{name}.options")
        if region.participated is None:
            unknown.append(name)
        elif exceeds(region_yes, law.adoption_share, region.participated):
            with_majority.append(name)
    missing = total_units - len(contest.regions) + len(unknown)
    units = Units(total_units, needed, tuple(with_majority), missing)
    if len(with_majority) >= needed:
        why.say("constitution_adopted", count=len(with_majority))
        return True, units
    if len(with_majority) + missing < needed:
        why.say("constitution_not_adopted", count=len(with_majority))
        return False, units
    why.say("constitution_undecided", count=len(with_majority), missing=missing)
    return None, units
