"""Who may sign or withdraw a signature, and when (electoral-rules §8), as pure functions of
the petition, the signer and the law of the day; and which step a new count may take.

Readings where the sources are silent, kept here so a reader can dispute them:

* signing is open while the petition gathers its first supporters (until their deadline)
  and while it collects (until its collection ends); the first supporters' signatures are
  signatures like the others and count towards the threshold;
* a signer is an adult on the signing day (the law's minimum age, itself an open point);
* a signature may be withdrawn while signing is open, and a withdrawn signature is not
  given again (one signature per citizen per petition, ever).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from saylau.law.rules import PetitionRules
from saylau.petitions.lifecycle import Event, Petition, State, Support, Tally
from saylau.petitions.refusal import Refusal, TransitionRefused
from saylau.register.lists import age_on


@dataclass(frozen=True, slots=True)
class Signer:
    """A citizen whose identity was verified at the edge (by certificate): the IIN is kept
    for eligibility and withdrawal and never published; the name as the certificate gives
    it; the certificate's serial number, empty where none was presented."""

    iin: str
    name: str
    certificate_serial: str


#: States in which a petition takes signatures, with the deadline that closes each.
OPEN_STATES = (State.GATHERING_SUPPORT, State.COLLECTING)


def signing_closes(petition: Petition) -> dt.date | None:
    """The last day a signature can be given in the petition's present state, or None
    where the state takes no signature."""
    if petition.state is State.GATHERING_SUPPORT:
        return petition.support_due
    if petition.state is State.COLLECTING:
        return petition.collection_ends
    return None


def _open(petition: Petition, on: dt.date, closed_rule: str) -> None:
    closes = signing_closes(petition)
    if closes is None:
        raise TransitionRefused(
            Refusal("state", "petition_not_signing", {"state": petition.state.value})
        )
    if on > closes:
        raise TransitionRefused(Refusal("on", closed_rule, {"found": on, "required": closes}))
    if on < petition.last_step_on:
        raise TransitionRefused(
            Refusal(
                "on", "petition_step_before_last", {"found": on, "required": petition.last_step_on}
            )
        )


def check_signature(
    petition: Petition, birth_date: dt.date, on: dt.date, law: PetitionRules
) -> None:
    """Nothing if a citizen born on ``birth_date`` may sign ``petition`` on ``on`` under
    ``law``; else :class:`TransitionRefused` naming the rule."""
    _open(petition, on, "petition_signing_closed")
    age = age_on(birth_date, on)
    if age < law.signer_min_age:
        raise TransitionRefused(
            Refusal(
                "signer",
                "petition_signer_age",
                {"found": age, "required": law.signer_min_age},
                law.cite("signer_min_age"),
            )
        )


def check_withdrawal(petition: Petition, on: dt.date) -> None:
    """Nothing if a signature of ``petition`` may be withdrawn on ``on``; else
    :class:`TransitionRefused` (withdrawal is possible only while signing is open)."""
    _open(petition, on, "petition_withdrawal_closed")


def count_step(petition: Petition, count: int, on: dt.date) -> Event | None:
    """The step a count of ``count`` signatures on ``on`` asks of ``petition`` (publication
    with its first supporters, or the threshold), or None where its state takes no count.
    Whether the count suffices is :func:`saylau.petitions.lifecycle.advance`'s to decide."""
    if petition.state is State.GATHERING_SUPPORT:
        return Support(on, count)
    if petition.state is State.COLLECTING:
        return Tally(on, count)
    return None
