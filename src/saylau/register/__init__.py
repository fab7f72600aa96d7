"""Who may stand and who may organise: the IIN, the voter register, party registration.

Pure decisions over plain records and the law of the day; storage and serving live
elsewhere. May import ``saylau.law`` and ``saylau.model`` only.
"""

from saylau.register.iin import InvalidIin, Person, Sex, decode, encode
from saylau.register.parties import (
    FailedRule,
    PartyApplication,
    PartyRule,
    Refused,
    Registered,
    decide_registration,
)
from saylau.register.roll import MemberRule, Rejected, RollCheck, check_roll
from saylau.register.voters import Exclusion, ExclusionKind, Voter, VoterRegister

__all__ = [
    "Exclusion",
    "ExclusionKind",
    "FailedRule",
    "InvalidIin",
    "MemberRule",
    "PartyApplication",
    "PartyRule",
    "Person",
    "Refused",
    "Registered",
    "Rejected",
    "RollCheck",
    "Sex",
    "Voter",
    "VoterRegister",
    "check_roll",
    "decide_registration",
    "decode",
    "encode",
]
