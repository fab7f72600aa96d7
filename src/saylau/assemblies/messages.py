"""The sentences an organiser or an akimat is told when a notification or a step is refused,
and the names of kinds, states and steps.

Each is an English template marked with ``N_`` so `saylau i18n update` puts it in the site's
catalogues (``web/catalogues.py`` lists this file); a refusal carries the message key and its
values, and the shell shows it in Kazakh, Russian or English.
"""

from __future__ import annotations

from collections.abc import Mapping

from saylau.register.messages import N_, english_value

MESSAGES: dict[str, str] = {
    "assembly_kind": N_(
        "“%(found)s” is no form of peaceful assembly the law names; it names %(required)s."
    ),
    "assembly_times": N_("The assembly must end after it starts; it starts %(found)s."),
    "assembly_filed_after_start": N_(
        "The notice is filed on %(found)s, after the assembly's day %(required)s."
    ),
    "assembly_place_unknown": N_(
        "%(found)s is not a place the maslikhat of %(city)s set for assemblies on %(on)s."
    ),
    "assembly_place_kind": N_("%(found)s serves %(required)s, not a %(kind)s."),
    "assembly_no_places": N_("No place for assemblies in %(city)s is in Saylau's data for %(on)s."),
    "assembly_lead_time": N_(
        "Only %(found)s working days lie between the filing and the assembly; the law asks "
        "for %(required)s, so the latest filing day was %(latest)s."
    ),
    "assembly_participants": N_("An assembly has at least one participant; %(found)s given."),
    "assembly_text_empty": N_("The %(found)s must not be empty."),
    "assembly_step_not_allowed": N_(
        "An assembly that is %(state)s cannot take the step “%(step)s”."
    ),
    "assembly_step_before_last": N_(
        "The step is dated %(found)s, before the assembly's last step on %(required)s."
    ),
    "assembly_answer_after_deadline": N_(
        "The akimat had until %(required)s to answer; without an answer the assembly goes "
        "ahead as notified, so an answer on %(found)s changes nothing."
    ),
    "assembly_deadline_open": N_(
        "The akimat may answer until %(required)s; the assembly cannot be recorded as going "
        "ahead unanswered on %(found)s."
    ),
    "assembly_withdraw_after_start": N_(
        "The assembly started on %(required)s; it can no longer be withdrawn on %(found)s."
    ),
}

#: Forms of assembly, by :class:`saylau.assemblies.notification.Kind`'s value.
KINDS: dict[str, str] = {
    "picket": N_("picket"),
    "meeting": N_("meeting"),
    "rally": N_("rally"),
    "march": N_("march"),
    "demonstration": N_("demonstration"),
}

#: States, by :class:`saylau.assemblies.lifecycle.State`'s value.
STATES: dict[str, str] = {
    "notified": N_("notified, awaiting the akimat's answer"),
    "agreed": N_("agreed by the akimat"),
    "went_ahead": N_("going ahead as notified (no answer in time)"),
    "requested": N_("approval requested"),
    "approved": N_("approved by the akimat"),
    "refused": N_("refused by the akimat"),
    "withdrawn": N_("withdrawn by the organiser"),
}

#: The two procedures.
PROCEDURES: dict[str, str] = {
    "notification": N_("notification"),
    "approval": N_("approval request"),
}


def english(key: str, values: Mapping[str, object]) -> str:
    """The English sentence of ``key`` with its values as English writes them."""
    return MESSAGES[key] % {name: english_value(value) for name, value in values.items()}
