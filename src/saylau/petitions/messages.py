"""The sentences a petition's author, signer or body is told when a step is refused, and
the names of its states, steps and the subjects the law excludes.

Each is an English template marked with ``N_`` so `saylau i18n update` puts it in the
site's catalogues (``web/catalogues.py`` lists this file); a refusal carries the message key
and its values, and the shell shows it in Kazakh, Russian or English.
"""

from __future__ import annotations

from collections.abc import Mapping

from saylau.register.messages import N_, english_value

MESSAGES: dict[str, str] = {
    "petition_step_not_allowed": N_(
        "A petition that is %(state)s cannot take the step “%(step)s”."
    ),
    "petition_step_before_last": N_(
        "The step is dated %(found)s, before the petition's last step on %(required)s."
    ),
    "petition_refusal_subject": N_(
        "Moderation may refuse a petition only for a subject the law excludes; "
        "“%(found)s” is not one of them."
    ),
    "petition_moderation_over": N_(
        "Moderation ended on %(required)s; the petition can no longer be refused on %(found)s."
    ),
    "petition_support_window_over": N_(
        "The first supporters had until %(required)s; %(found)s is too late."
    ),
    "petition_publication_supporters": N_(
        "%(found)s citizens support the petition; it becomes public with at least %(required)s."
    ),
    "petition_support_window_open": N_(
        "The first supporters have until %(required)s; the petition cannot lapse on %(found)s."
    ),
    "petition_collection_over": N_(
        "Collection ended on %(required)s; signatures counted on %(found)s come too late."
    ),
    "petition_threshold": N_(
        "The petition has %(found)s signatures; it needs at least %(required)s."
    ),
    "petition_collection_open": N_(
        "Collection runs until %(required)s; the petition cannot expire on %(found)s."
    ),
    "petition_answer_empty": N_("The body's answer to a petition is published with its text."),
    "petition_not_signing": N_("A petition that is %(state)s takes no signatures."),
    "petition_signing_closed": N_(
        "Signing closed on %(required)s; a signature on %(found)s comes too late."
    ),
    "petition_withdrawal_closed": N_(
        "Signing closed on %(required)s; a signature can no longer be withdrawn on %(found)s."
    ),
    "petition_signer_age": N_(
        "A signer must be at least %(required)s years old on the signing day; "
        "the signer is %(found)s."
    ),
    "petition_signature_withdrawn": N_(
        "This citizen withdrew their signature on %(found)s; a petition takes one signature "
        "per citizen."
    ),
    "petition_no_signature": N_("This citizen has not signed the petition."),
    "petition_no_district_threshold": N_(
        "%(unit)s has %(found)s people; the law sets thresholds only for districts with more "
        "than %(required)s."
    ),
}

#: The states of a petition, by their value in :class:`saylau.petitions.lifecycle.State`.
STATES: dict[str, str] = {
    "draft": N_("a draft"),
    "moderation": N_("in moderation"),
    "refused": N_("refused by moderation"),
    "gathering_support": N_("gathering its first supporters"),
    "lapsed": N_("lapsed without its first supporters"),
    "collecting": N_("collecting signatures"),
    "reached": N_("past its threshold"),
    "expired": N_("expired short of its threshold"),
    "under_consideration": N_("under consideration"),
    "public_discussion": N_("in public discussion"),
    "answered": N_("answered"),
}

#: The steps of a petition, by their event's name.
STEPS: dict[str, str] = {
    "submit": N_("submit for moderation"),
    "approve": N_("approve"),
    "refuse": N_("refuse"),
    "support": N_("publish with its first supporters"),
    "lapse": N_("lapse"),
    "tally": N_("reach the threshold"),
    "expire": N_("expire"),
    "consider": N_("take under consideration"),
    "discuss": N_("open the public discussion"),
    "answer": N_("publish the answer"),
}

#: The excluded subjects the law data names (``petitions.excluded_subjects_named``).
SUBJECTS: dict[str, str] = {
    "the constitutional order": N_("the constitutional order"),
    "borders": N_("borders"),
    "the state language": N_("the state language"),
    "elections and referendums": N_("elections and referendums"),
    "courts": N_("courts"),
    "state secrets": N_("state secrets"),
}


def english(key: str, values: Mapping[str, object]) -> str:
    """The English sentence of ``key`` with its values as English writes them."""
    return MESSAGES[key] % {name: english_value(value) for name, value in values.items()}
