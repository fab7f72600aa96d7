"""The election fingerprint: a 2-D histogram of turnout against the leader's share.

Klimek, Yegorov, Hanel & Thurner, "Statistical detection of systematic election irregularities",
PNAS 109(41), 16469–16473 (2012), call it the vote-turnout distribution (Fig. 1, Fig. 4): one
count per unit in a turnout × share grid. An honest count gives one roughly two-dimensional
Gaussian "comet head"; ballot stuffing smears it towards the upper right, and wholesale fraud adds
a second cluster near 100 % turnout and 100 % for the leader. Kobak, Shpilkin & Pshenichnikov
(Significance 2016, 2018; dkobak/elections notebooks) draw the same picture with a uniform
U(−0.5, 0.5) jitter added to each numerator to remove the artefacts of dividing small integers,
and read the leader's honest result off the comet's densest point; ``peak`` does that here.

Turnout is ballots issued / voters, the share is the leader's votes / ballots found (see
``precincts``); stations with no voter or no ballot are left out, and turnouts above 1 (more
ballots than voters on the list) are clipped to the last bin.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from saylau.forensics.precincts import Precincts

BINS = 100

Floats = npt.NDArray[np.float64]


class Weighting(StrEnum):
    """What each station contributes to its bin."""

    STATIONS = "stations"
    VOTERS = "voters"


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    """``counts[i, j]``: stations (or voters) with turnout in bin ``i`` and share in bin ``j``.

    ``edges`` are the bin edges on [0, 1], the same for both axes; ``peak`` is the centre of the
    densest point of the histogram smoothed over about two bins: (turnout, share).
    """

    option: str
    stations: int
    weighting: Weighting
    counts: Floats
    edges: Floats
    peak: tuple[float, float]

    @property
    def statistic(self) -> tuple[float, float]:
        return self.peak


def coordinates(
    precincts: Precincts, option: int, *, jitter: bool = False, seed: int = 42
) -> tuple[npt.NDArray[np.bool_], Floats, Floats]:
    """The stations kept, and their turnout and share (optionally jittered as Kobak et al. do)."""
    kept = (precincts.voters > 0) & (precincts.ballots > 0)
    issued = precincts.issued[kept].astype(np.float64)
    votes = precincts.votes[kept, option].astype(np.float64)
    if jitter:
        rng = np.random.default_rng(seed)
        issued = issued + rng.random(issued.shape[0]) - 0.5
        votes = votes + rng.random(votes.shape[0]) - 0.5
    turnout = np.clip(issued / precincts.voters[kept], 0.0, 1.0)
    share = np.clip(votes / precincts.ballots[kept], 0.0, 1.0)
    return kept, turnout, share


def histogram(
    turnout: Floats, share: Floats, bins: int = BINS, weights: Floats | None = None
) -> Floats:
    """The 2-D histogram on [0, 1]² with ``bins`` equal bins per axis, 1.0 in the last bin."""
    row = np.minimum((turnout * bins).astype(np.int64), bins - 1)
    column = np.minimum((share * bins).astype(np.int64), bins - 1)
    flat = np.bincount(row * bins + column, weights=weights, minlength=bins * bins)
    return flat.reshape(bins, bins).astype(np.float64)


def smoothed(counts: Floats, width: float = 2.0) -> Floats:
    """``counts`` convolved with a Gaussian of ``width`` bins along both axes."""
    reach = int(np.ceil(3 * width))
    kernel = np.exp(-0.5 * (np.arange(-reach, reach + 1) / width) ** 2)
    kernel /= kernel.sum()
    rows = np.apply_along_axis(np.convolve, 0, counts, kernel, mode="same")
    result: Floats = np.apply_along_axis(np.convolve, 1, rows, kernel, mode="same")
    return result


def fingerprint(
    precincts: Precincts,
    option: int | None = None,
    *,
    bins: int = BINS,
    weighting: Weighting = Weighting.STATIONS,
    jitter: bool = True,
    seed: int = 42,
) -> Fingerprint:
    """The fingerprint of ``option`` (by default the leader)."""
    chosen = precincts.leader if option is None else option
    kept, turnout, share = coordinates(precincts, chosen, jitter=jitter, seed=seed)
    weights = precincts.voters[kept].astype(np.float64) if weighting is Weighting.VOTERS else None
    counts = histogram(turnout, share, bins, weights)
    dense = smoothed(counts, width=bins / 50)
    row, column = np.unravel_index(int(np.argmax(dense)), dense.shape)
    return Fingerprint(
        option=precincts.options[chosen],
        stations=int(kept.sum()),
        weighting=weighting,
        counts=counts,
        edges=np.linspace(0.0, 1.0, bins + 1),
        peak=(float((row + 0.5) / bins), float((column + 0.5) / bins)),
    )
