"""Synthetic election nights: tooling beside the product, never imported by it.

``national`` generates the 2023 Mazhilis night on the real territory, ``nights`` every other
night (and the registry ``saylau demo`` and ``saylau synth`` read), ``demo`` counts a night
through the service. The product rooms (``service``, ``api``, ``web``, ``outcome``,
``tabulation``, ``store``) never import this package.
"""

from saylau.synth.national import (
    BASE_PRECINCTS,
    ELECTION_DATE,
    LIST_CONTEST,
    ProtocolColumns,
    SyntheticElection,
    generate,
    write_dataset,
)
from saylau.synth.nights import DEFAULT_NIGHT, NIGHTS, Night, decided_outcomes, elections, night

__all__ = [
    "BASE_PRECINCTS",
    "DEFAULT_NIGHT",
    "ELECTION_DATE",
    "LIST_CONTEST",
    "NIGHTS",
    "Night",
    "ProtocolColumns",
    "SyntheticElection",
    "decided_outcomes",
    "elections",
    "generate",
    "night",
    "write_dataset",
]
