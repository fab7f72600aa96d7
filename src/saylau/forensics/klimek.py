"""The fraud model of Klimek, Yegorov, Hanel & Thurner, fitted to the election fingerprint.

Klimek, Yegorov, Hanel & Thurner, "Statistical detection of systematic election irregularities",
PNAS 109(41), 16469–16473 (2012), doi:10.1073/pnas.1210722109. An honest unit has a turnout
``a`` and a leader's share ``v`` drawn from normal distributions whose centres and widths are
taken from the data. With probability ``f_i`` a unit has *incremental* fraud: a fraction ``x`` of
the non-voters' ballots is cast for the leader (ballot stuffing) and the same fraction of the
other options' votes is moved to the leader (vote stealing), ``x`` drawn from |N(0, σ_x)|. With
probability ``f_e`` it has *extreme* fraud: the same with ``x`` drawn from 1 − |N(0, σ_x)|, nearly
all ballots for the leader. The fraud parameters are those whose model fingerprint (the 2-D
turnout × share histogram, averaged over Monte-Carlo realisations of the model) is closest, in
summed squared bin differences, to the observed one, found by a grid search over
(``f_i``, ``f_e``), as the paper fits them.

Readings where the paper leaves a choice (stated so a reader can change them):

- the honest centre is the peak of each 1-D distribution and the width is measured on the peak's
  left side (the side fraud does not reach), so the honest model is not widened by the fraud it
  is meant to reveal;
- stuffing and stealing take the same fraction ``x`` of their ballots, σ_x = 0.075;
- the grid is 0.005 in both parameters, ``f_e`` up to 0.2; 100 × 100 bins; 10 realisations;
- both fingerprints are blurred by one bin (a Gaussian) before they are compared, so a cluster
  that the model puts one bin away from the data's (invalid ballots shift the share a little)
  is a near miss rather than a double penalty.

Where the fit differs from the authors' Matlab program as Mebane and Egami converted it to R
(EFToolkit, ``ComputeKlimekModel.R``): that program compares the 1-D histograms of the winner's
share, weighting each bin by 1 / (observed + 1); it estimates the incremental intensity's width
from the data (the square root of the RMS deviation above the share's peak) and keeps 0.075 for
extreme fraud only; and it fits an exponent ``alpha`` on the stolen fraction (``x ** alpha``).
Here the 2-D fingerprints are compared, as the paper describes the fit, with one width for both
kinds of fraud and ``alpha`` = 1.

Speed: every realisation draws once, per unit, its honest values, its two fraud intensities and
one uniform number ``u`` that decides its kind (extreme if u < f_e, incremental if u < f_e + f_i).
Histograms accumulated over units ordered by ``u`` then give the model fingerprint for every
grid point at once (common random numbers across the grid), and the squared distance for the
whole grid is one matrix product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from saylau.forensics.fingerprint import BINS, coordinates, histogram
from saylau.forensics.precincts import Flagged, Precincts

FRAUD_WIDTH = 0.075
STEP = 0.005
MAX_EXTREME = 0.2
REALISATIONS = 10
FLAG_POSTERIOR = 0.5
"""A unit is flagged when the fitted model makes extreme fraud the likelier origin of its cell."""

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class HonestModel:
    """The normal distributions of honest turnout and leader's share (centre, width)."""

    turnout: float
    turnout_width: float
    share: float
    share_width: float


@dataclass(frozen=True, slots=True)
class KlimekFit:
    """The fitted fraud parameters (fractions of units with incremental and extreme fraud).

    ``score`` is the share of the honest model's squared distance that the fraud removes
    (0 when fraud does not improve the fit, near 1 when it explains the whole difference).
    ``flagged`` holds the units in cells where the fitted model's posterior probability of
    extreme fraud is at least ``FLAG_POSTERIOR``.
    """

    option: str
    stations: int
    honest: HonestModel
    incremental: float
    extreme: float
    distance: float
    honest_distance: float
    realisations: int
    seed: int
    flagged: tuple[Flagged, ...] = ()

    @property
    def statistic(self) -> tuple[float, float]:
        return (self.incremental, self.extreme)

    @property
    def score(self) -> float:
        if self.honest_distance <= 0:
            return 0.0
        return 1.0 - self.distance / self.honest_distance


def _left_side(values: Floats, bins: int) -> tuple[float, float]:
    """The peak of ``values`` (smoothed 1-D histogram) and the RMS distance below it."""
    counts = np.bincount(np.minimum((values * bins).astype(np.int64), bins - 1), minlength=bins)
    kernel = np.exp(-0.5 * (np.arange(-6, 7) / 2.0) ** 2)
    peak = (int(np.argmax(np.convolve(counts, kernel, mode="same"))) + 0.5) / bins
    below = values[values < peak]
    width = float(np.sqrt(np.mean((below - peak) ** 2))) if below.size else 1.0 / bins
    return peak, max(width, 1.0 / bins)


def honest_model(turnout: Floats, share: Floats, bins: int = BINS) -> HonestModel:
    """The honest model's centres and widths, read from the observed distributions."""
    turnout_peak, turnout_width = _left_side(turnout, bins)
    share_peak, share_width = _left_side(share, bins)
    return HonestModel(turnout_peak, turnout_width, share_peak, share_width)


def _defrauded(turnout: Floats, share: Floats, rate: Floats) -> tuple[Floats, Floats]:
    """Stuff ``rate`` of the non-voters' ballots and steal ``rate`` of the others' votes."""
    stuffed = turnout + (1 - turnout) * rate
    leader = turnout * share + (1 - turnout) * rate + turnout * (1 - share) * rate
    with np.errstate(divide="ignore", invalid="ignore"):
        new_share = np.where(stuffed > 0, leader / stuffed, share)
    return stuffed, np.clip(new_share, 0.0, 1.0)


def _smoothing(bins: int, width: float = 1.0) -> Floats:
    """The matrix of a Gaussian blur of ``width`` bins along one axis (rows sum to 1)."""
    offsets = np.arange(bins)[:, None] - np.arange(bins)[None, :]
    kernel = np.exp(-0.5 * (offsets / width) ** 2)
    kernel[np.abs(offsets) > 4 * width] = 0.0
    blur: Floats = kernel / kernel.sum(axis=1, keepdims=True)
    return blur


def _blurred(histograms: Floats, blur: Floats) -> Floats:
    """Each row of ``histograms`` (a flattened bins × bins grid) blurred along both axes."""
    bins = blur.shape[0]
    grids = histograms.reshape(-1, bins, bins)
    result: Floats = (blur @ grids @ blur.T).reshape(histograms.shape)
    return result


def model_counts(
    model: HonestModel, stations: int, bins: int, realisations: int, rng: np.random.Generator
) -> tuple[Floats, Floats, Floats]:
    """Per ``u`` bucket, the model's honest, incremental and extreme fingerprints.

    Each realisation draws, per unit, its honest turnout and share, its two fraud intensities
    and its ``u``; the three histograms are averaged over the realisations.
    """
    steps = round(1 / STEP)
    cells = bins * bins
    totals = [np.zeros(steps * cells) for _ in range(3)]

    def cell(turnout: Floats, share: Floats) -> npt.NDArray[np.int64]:
        row = np.minimum((turnout * bins).astype(np.int64), bins - 1)
        return row * bins + np.minimum((share * bins).astype(np.int64), bins - 1)

    for _ in range(realisations):
        turnout = np.clip(rng.normal(model.turnout, model.turnout_width, stations), 0.0, 1.0)
        share = np.clip(rng.normal(model.share, model.share_width, stations), 0.0, 1.0)
        small = np.minimum(np.abs(rng.normal(0.0, FRAUD_WIDTH, stations)), 1.0)
        large = np.maximum(1.0 - np.abs(rng.normal(0.0, FRAUD_WIDTH, stations)), 0.0)
        bucket = np.minimum((rng.random(stations) / STEP).astype(np.int64), steps - 1) * cells
        for total, (t, s) in zip(
            totals,
            (
                (turnout, share),
                _defrauded(turnout, share, small),
                _defrauded(turnout, share, large),
            ),
            strict=True,
        ):
            total += np.bincount(bucket + cell(t, s), minlength=steps * cells)
    honest, incremental, extreme = (total.reshape(steps, cells) / realisations for total in totals)
    return honest, incremental, extreme


def _cumulative(counts: Floats) -> Floats:
    """``C[g]``: the histogram of the units whose bucket is below ``g``."""
    cumulative = np.zeros((counts.shape[0] + 1, counts.shape[1]))
    np.cumsum(counts, axis=0, out=cumulative[1:])
    return cumulative


def distances(
    observed: Floats, honest: Floats, incremental: Floats, extreme: Floats, bins: int
) -> Floats:
    """Squared distance between the blurred fingerprints at every grid point.

    Indexed by (``e``, ``s``): ``f_e = e · STEP`` and ``f_i = (s − e) · STEP``; points with
    ``s < e`` are not on the grid (infinite distance).
    """
    steps = honest.shape[0]
    honest_c, incremental_c, extreme_c = (
        _cumulative(counts) for counts in (honest, incremental, extreme)
    )
    extremes = round(MAX_EXTREME / STEP) + 1
    blur = _smoothing(bins)
    # H(e, s) = extreme[e] + incremental[s] − incremental[e] + honest[end] − honest[s]
    fixed = _blurred(
        extreme_c[:extremes] - incremental_c[:extremes] + honest_c[steps] - observed.reshape(-1),
        blur,
    )
    moving = _blurred(incremental_c - honest_c, blur)
    distance = (
        np.einsum("ij,ij->i", fixed, fixed)[:, None]
        + 2 * (fixed @ moving.T)
        + np.einsum("ij,ij->i", moving, moving)[None, :]
    )
    e_index = np.arange(extremes)[:, None]
    s_index = np.arange(steps + 1)[None, :]
    result: Floats = np.where(s_index >= e_index, distance, np.inf)
    return result


def extreme_posterior(
    honest: Floats, incremental: Floats, extreme: Floats, e: int, s: int, bins: int
) -> Floats:
    """Per fingerprint cell, the fitted model's probability that a unit there is extreme fraud.

    The model at the fit is a mixture of honest, incremental and extreme units; in each cell,
    the extreme units' share of the (blurred) model count is the posterior probability.
    """
    blur = _smoothing(bins)
    honest_part = honest[s:].sum(axis=0)
    incremental_part = incremental[e:s].sum(axis=0)
    extreme_part = extreme[:e].sum(axis=0)
    parts = _blurred(np.stack([honest_part, incremental_part, extreme_part]), blur)
    total = parts.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        posterior: Floats = np.where(total > 0, parts[2] / total, 0.0)
    return posterior


def klimek_fit(
    precincts: Precincts,
    option: int | None = None,
    *,
    bins: int = BINS,
    realisations: int = REALISATIONS,
    seed: int = 42,
) -> KlimekFit:
    """Fit ``f_i`` and ``f_e`` for ``option`` (by default the leader)."""
    chosen = precincts.leader if option is None else option
    kept, turnout, share = coordinates(precincts, chosen)
    observed = histogram(turnout, share, bins)
    model = honest_model(turnout, share, bins)
    stations = turnout.shape[0]
    counts = model_counts(model, stations, bins, realisations, np.random.default_rng(seed))
    surface = distances(observed, *counts, bins)
    e, s = np.unravel_index(int(np.argmin(surface)), surface.shape)
    posterior = extreme_posterior(*counts, int(e), int(s), bins)
    cell = np.minimum((turnout * bins).astype(np.int64), bins - 1) * bins + np.minimum(
        (share * bins).astype(np.int64), bins - 1
    )
    extreme_units = np.zeros(len(precincts), dtype=np.bool_)
    extreme_units[np.flatnonzero(kept)] = posterior[cell] >= FLAG_POSTERIOR
    return KlimekFit(
        option=precincts.options[chosen],
        stations=stations,
        honest=model,
        incremental=float((s - e) * STEP),
        extreme=float(e * STEP),
        distance=float(surface[e, s]),
        honest_distance=float(surface[0, 0]),
        realisations=realisations,
        seed=seed,
        flagged=(Flagged.where("klimek_extreme_fraud", precincts, extreme_units),),
    )
