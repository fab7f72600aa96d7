"""Election forensics: statistical checks over precinct arrays, each method as published.

- ``integers``: integer-percentage excess against a binomial null (Kobak, Shpilkin &
  Pshenichnikov, AOAS 10(1) 2016);
- ``fingerprint``: the turnout × leader's share histogram (Klimek et al., PNAS 109(41) 2012);
- ``klimek``: that paper's fraud model, fitted for its incremental and extreme fraud shares;
- ``digits``: second-digit Benford (2BL) as Mebane computes it, last-digit uniformity and the
  excess of 0 and 5 (Beber & Scacco, Political Analysis 20(2) 2012), per option and turnout;
- ``flags``: per-precinct flags with their reasons in kk, ru and en (near-unanimous, turnout
  and share both high, invalid-ballot outliers, identical and round protocols, late jumps,
  corrections that moved votes);
- ``russia``: the four Russian federal elections on which these were published, as test data;
- ``whatif``: a contest re-decided under another date's law or a rule-set overlay;
- ``seats_montecarlo``: a party-list contest's seats under pending precincts and counting errors.
"""

from saylau.forensics.digits import DigitReport, DigitTest, ZeroFiveTest, digit_report
from saylau.forensics.fingerprint import Fingerprint, Weighting, fingerprint
from saylau.forensics.flags import (
    Flags,
    ProtocolVersions,
    Reason,
    late_jumps,
    moved_votes,
    precinct_flags,
)
from saylau.forensics.integers import IntegerCount, IntegerPercentages, integer_percentages
from saylau.forensics.klimek import HonestModel, KlimekFit, klimek_fit
from saylau.forensics.precincts import (
    ColumnMapping,
    Flagged,
    Precincts,
    PrecinctTableError,
    precincts_from_columns,
)
from saylau.forensics.seats_montecarlo import (
    CountInProgress,
    DrawnSeats,
    PartySeats,
    SeatDistribution,
    seats_of_draws,
    simulate,
)
from saylau.forensics.whatif import (
    RuleChange,
    RuleSet,
    RuleSetError,
    SeatChange,
    WhatIf,
    parse_rule_set,
    what_if,
)

__all__ = [
    "ColumnMapping",
    "CountInProgress",
    "DigitReport",
    "DigitTest",
    "DrawnSeats",
    "Fingerprint",
    "Flagged",
    "Flags",
    "HonestModel",
    "IntegerCount",
    "IntegerPercentages",
    "KlimekFit",
    "PartySeats",
    "PrecinctTableError",
    "Precincts",
    "ProtocolVersions",
    "Reason",
    "RuleChange",
    "RuleSet",
    "RuleSetError",
    "SeatChange",
    "SeatDistribution",
    "Weighting",
    "WhatIf",
    "ZeroFiveTest",
    "digit_report",
    "fingerprint",
    "integer_percentages",
    "klimek_fit",
    "late_jumps",
    "moved_votes",
    "parse_rule_set",
    "precinct_flags",
    "precincts_from_columns",
    "seats_of_draws",
    "simulate",
    "what_if",
]
