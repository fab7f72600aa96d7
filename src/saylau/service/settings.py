"""Settings of the site that are the operator's choice, not the law's: each is set here,
once, and read wherever it matters."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Settings:
    seat_projection_share: Fraction = Fraction(1, 2)
    """The share of a contest's precincts that must have reported before its seats are shown,
    and then only as a projection. The law says nothing of partial counts: this is a reading
    of prudence. Precincts do not report at random (towns before villages, the near regions
    before the far), so seats divided from the first returns mislead; from half of the
    precincts on, every region weighs in and the projection moves little. Below it the page
    draws no chamber and says when seats will be projected; once certified they are seats."""


SETTINGS = Settings()
