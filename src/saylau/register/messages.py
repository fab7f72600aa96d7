"""The sentences the registering side tells a person: an IIN refused, a member not counted,
a rule a party's application fails.

Each is an English template marked with ``N_`` so `saylau i18n update` puts it in the
site's catalogues and a reader is told it in Kazakh, Russian or English; the JSON output
carries the message key and its values, never only the finished English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping


def N_(message: str) -> str:
    """Mark an English template for the site's catalogues; it is translated where shown."""
    return message


MESSAGES: dict[str, str] = {
    # the IIN (what each part of the twelve digits must be)
    "iin_length": N_("An IIN has 12 digits; %(found)s characters were given."),
    "iin_digits": N_("An IIN is made of digits only; %(found)s is not."),
    "iin_birth_date": N_(
        "The first six digits of an IIN are the birth date (YYMMDD); %(found)s is not a date."
    ),
    "iin_century_sex": N_(
        "The seventh digit of an IIN gives the century of birth and the sex (1 to 6); "
        "found %(found)s."
    ),
    "iin_check_digit": N_(
        "The last digit of an IIN is its check digit: %(required)s is expected, %(found)s "
        "was given."
    ),
    "iin_not_issued": N_(
        "No IIN is issued with these first eleven digits: both passes of the check digit give 10."
    ),
    # a member or founder who is not counted
    "member_invalid_iin": N_("%(iin)s is not a valid IIN, so the person is not counted."),
    "member_not_on_register": N_("%(iin)s is not on the voter register."),
    "member_under_age": N_(
        "%(iin)s is %(found)s years old on the application date; a member must be at least "
        "%(required)s."
    ),
    "member_excluded": N_(
        "%(iin)s is excluded on the application date (%(exclusion)s) and may not be counted."
    ),
    "member_repeated": N_("%(iin)s is already on this roll (entry %(first)s)."),
    "member_of_other_party": N_(
        "%(iin)s is a member of %(party)s, and a citizen may belong to one party only."
    ),
    # a signature that is not counted
    "signature_invalid_iin": N_("%(iin)s is not a valid IIN, so the signature is not counted."),
    "signature_not_on_register": N_("%(iin)s is not on the voter register."),
    "signature_under_age": N_(
        "%(iin)s was under the voting age on the day of signing (%(signed_on)s)."
    ),
    "signature_excluded": N_(
        "%(iin)s was excluded from voting on the day of signing (%(signed_on)s)."
    ),
    "signature_outside_unit": N_(
        "%(iin)s does not live in %(unit)s, where the signature was collected."
    ),
    "signature_duplicate": N_("%(iin)s has already signed for %(candidate)s."),
    "signature_other_candidate": N_(
        "%(iin)s has already signed for another candidate, and the law allows one only."
    ),
    # the rules of a party's registration
    "initiative_group_minimum": N_(
        "The initiative group has %(found)s citizens who may found a party; the law requires "
        "at least %(required)s."
    ),
    "founding_congress_months": N_(
        "The founding congress was held on %(found)s, after the last day the law allows, "
        "%(required)s."
    ),
    "membership_minimum": N_(
        "The roll counts %(found)s members; the law requires at least %(required)s."
    ),
    "membership_per_unit_minimum": N_(
        "%(unit)s has %(found)s members on the roll; the law requires at least %(required)s "
        "in each region and city of republican significance."
    ),
    # the rules of a candidate's registration
    "candidate_age": N_(
        "The candidate is %(found)s years old on election day; the law requires at least "
        "%(required)s."
    ),
    "candidate_citizen": N_("The candidate must be a citizen of Kazakhstan; found: %(found)s."),
    "candidate_citizen_by_birth": N_("The candidate must be a citizen by birth; found: %(found)s."),
    "candidate_residence": N_(
        "The candidate has lived here for %(found)s full years before election day; the law "
        "requires at least %(required)s."
    ),
    "candidate_state_language": N_(
        "The candidate must be fluent in the state language; found: %(found)s."
    ),
    "candidate_higher_education": N_("The candidate must have higher education; found: %(found)s."),
    "candidate_public_service": N_(
        "The candidate has %(found)s years in public service or elected state office; the law "
        "requires at least %(required)s."
    ),
    "candidate_work": N_(
        "The candidate has %(found)s years of work; the law requires at least %(required)s."
    ),
    "candidate_term_limit": N_(
        "The candidate has already been elected President %(found)s times under this rule; the "
        "law allows at most %(required)s before standing again."
    ),
    "candidate_nominator": N_(
        "The candidate was nominated by: %(found)s; the law allows: %(required)s."
    ),
    "candidate_nominator_republican": N_(
        "The nominating association must be a republican one; found: %(found)s."
    ),
    "candidate_supreme_body": N_(
        "%(found)s members of the association's supreme body voted for the nomination; a "
        "majority is %(required)s."
    ),
    "candidate_signatures": N_(
        "%(found)s valid signatures were submitted; the law requires at least %(required)s."
    ),
    "candidate_signature_units": N_(
        "The signatures represent %(found)s regions and cities equally; the law requires at "
        "least %(required)s."
    ),
    "candidate_deposit": N_(
        "A deposit of %(found)s tenge was paid; the law requires %(required)s tenge."
    ),
    "candidate_deposit_refund": N_(
        "The candidate received %(found)s votes of those who took part; %(required)s earn the "
        "deposit back."
    ),
    # the rules of a party list
    "list_order": N_(
        "The list's positions must run %(required)s without gaps or repeats; position "
        "%(found)s breaks the order."
    ),
    "list_quota": N_(
        "The list has %(found)s women, young people and persons with disabilities counted "
        "by the quota; the law requires at least %(required)s."
    ),
    "list_one_list_only": N_(
        "%(candidate)s already stands on the list of %(found)s and may not stand on the list "
        "of %(required)s too."
    ),
    "list_and_district": N_(
        "%(candidate)s stands in a single-member district and may not stand on a party list "
        "in the same election."
    ),
    # how list seats become mandates
    "mandate_in_order": N_("%(deputy)s takes the mandate at position %(position)s of the list."),
    "mandate_via_quota": N_(
        "%(deputy)s, at position %(position)s, is moved up to keep the mandate quota of "
        "women, young people and persons with disabilities."
    ),
    "mandate_vacated_death": N_("The mandate of %(deputy)s is vacated by death."),
    "mandate_vacated_resignation": N_("The mandate of %(deputy)s is vacated by resignation."),
    "mandate_vacated_left_party": N_(
        "The mandate of %(deputy)s is vacated: the deputy left the party."
    ),
    # how a person is excluded
    "exclusion_incapable": N_("declared legally incapable by a court"),
    "exclusion_confined": N_("held in a place of confinement by a court sentence"),
}


def english(key: str, values: Mapping[str, object]) -> str:
    """The English sentence of ``key`` with its values as English writes them."""
    return MESSAGES[key] % {name: english_value(value) for name, value in values.items()}


def english_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_value(value: object) -> object:
    """A value as JSON carries it: counts as numbers, dates as YYYY-MM-DD."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
