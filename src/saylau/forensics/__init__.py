"""Election forensics: statistical checks over precinct arrays, each method as published.

- ``integers``: integer-percentage excess against a binomial null (Kobak, Shpilkin &
  Pshenichnikov, AOAS 10(1) 2016);
- ``fingerprint``: the turnout × leader's share histogram (Klimek et al., PNAS 109(41) 2012);
- ``klimek``: that paper's fraud model, fitted for its incremental and extreme fraud shares;
- ``russia``: the four Russian federal elections on which these were published, as test data.
"""

from saylau.forensics.fingerprint import Fingerprint, Weighting, fingerprint
from saylau.forensics.integers import IntegerCount, IntegerPercentages, integer_percentages
from saylau.forensics.klimek import HonestModel, KlimekFit, klimek_fit
from saylau.forensics.precincts import (
    ColumnMapping,
    Flagged,
    Precincts,
    PrecinctTableError,
    precincts_from_columns,
)

__all__ = [
    "ColumnMapping",
    "Fingerprint",
    "Flagged",
    "HonestModel",
    "IntegerCount",
    "IntegerPercentages",
    "KlimekFit",
    "PrecinctTableError",
    "Precincts",
    "Weighting",
    "fingerprint",
    "integer_percentages",
    "klimek_fit",
    "precincts_from_columns",
]
