"""Who may sign a petition: an adult on the day of signing, under the law of that day.

The signer's identity comes from the national PKI (:mod:`saylau.pki`), which knows nothing
of petition law; the age is read from the IIN's birth date and compared with the law's
``petitions.signer_min_age`` in force on the signing day. The day is Kazakhstan's calendar
day of the moment the service received the signature (one time zone, UTC+5, since
1 March 2024, before the petitions law took effect).

A signer is a year older on the birthday itself, so one who turns 18 on the signing day
may sign that day (a birthday of 29 February falls on 1 March in other years).
"""

from __future__ import annotations

import datetime as dt

from saylau.law.rules import PetitionRules
from saylau.petitions.refusal import Refusal, TransitionRefused
from saylau.register.lists import age_on

KAZAKHSTAN_TIME = dt.timezone(dt.timedelta(hours=5), "Asia/Almaty")
"""Kazakhstan's single time zone since 1 March 2024."""


def signing_day(received: dt.datetime) -> dt.date:
    """The calendar day in Kazakhstan of the moment a signature was received."""
    if received.tzinfo is None:
        raise ValueError("received: the moment must carry a time zone")
    return received.astimezone(KAZAKHSTAN_TIME).date()


def check_signer_age(birth_date: dt.date, signed_on: dt.date, law: PetitionRules) -> None:
    """Refuse (:class:`TransitionRefused` on ``signer.birth_date``, citing the law) a signer
    younger than ``law.signer_min_age`` on ``signed_on``; nothing is counted then."""
    age = age_on(birth_date, signed_on)
    if age < law.signer_min_age:
        raise TransitionRefused(
            Refusal(
                "signer.birth_date",
                "petition_signer_under_age",
                {"found": age, "required": law.signer_min_age, "signed_on": signed_on},
                law.cite("signer_min_age"),
            )
        )
