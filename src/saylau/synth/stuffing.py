"""Ballot stuffing injected into a generated night, the way Klimek et al. model it, with the
stuffed precincts kept as ground truth for the forensic checks to be measured against.

P. Klimek, Y. Yegorov, R. Hanel and S. Thurner, "Statistical detection of systematic election
irregularities", PNAS 109(41), 16469–16473, 2012 (fraud model, Materials and Methods):

* *incremental fraud*: in a precinct, a fraction ``x`` of the ballots of those who did not
  vote is added to the winning party, and a fraction ``y = x^α`` of the votes of the other
  options is moved to it; ``x`` is drawn from a normal distribution around ``x₀`` with width
  ``σ_x``;
* *extreme fraud*: ``x`` close to 1 (drawn as ``1 − |N(0, σ_x)|``), so turnout and the
  winner's share are both pushed to nearly 100 %.

Here a share ``share`` of precincts is stuffed, of those a share ``extreme`` by extreme fraud,
chosen by lot with the given seed. Every protocol of a stuffed precinct gains the same added
ballots (issued, received and found alike, so every control relation still holds and the
stuffing is invisible to the arithmetic checks, as it is in a real count), and in each contest
the options other than that contest's national winner, and the ballots against all and
invalid, lose ``⌊y·count⌋`` to the winner.

Readings chosen (the paper fits ``x₀``, ``σ_x`` and ``α`` per election and gives no default):
``x₀ = 0.4``, ``σ_x = 0.15``, ``α = 2`` for incremental fraud and ``σ_x = 0.03`` for extreme.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from saylau.forensics.precincts import Labels, Precincts
from saylau.model import BadInput
from saylau.synth.national import I64, ProtocolColumns, SyntheticElection

F64 = NDArray[np.float64]
Mask = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class StuffingModel:
    """Klimek et al.'s fraud model: which share of precincts, and how hard."""

    share: float = 0.03
    extreme: float = 0.3  # of the stuffed precincts, the share stuffed to nearly 100 %
    incremental_mean: float = 0.4  # x₀
    incremental_width: float = 0.15  # σ_x
    extreme_width: float = 0.03  # σ_x of extreme fraud: x = 1 − |N(0, σ)|
    switching_power: float = 2.0  # α in y = x^α

    def __post_init__(self) -> None:
        for name in ("share", "extreme", "incremental_mean"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise BadInput(name, "must be a fraction between 0 and 1", value)
        for name in ("incremental_width", "extreme_width", "switching_power"):
            value = getattr(self, name)
            if not value >= 0.0:
                raise BadInput(name, "must be 0 or more", value)


@dataclass(frozen=True, eq=False)
class StuffedElection:
    """A night with stuffed precincts and the ground truth, per precinct (in the order of
    ``protocols.precinct_codes``): which were stuffed, which by extreme fraud, how many
    ballots were added (once per protocol) and how many votes were moved to the winners over
    all its contests."""

    synthetic: SyntheticElection
    stuffed: Mask
    extreme: Mask
    added: I64
    moved: I64
    model: StuffingModel
    seed: int

    @property
    def stuffed_codes(self) -> tuple[str, ...]:
        codes = self.synthetic.protocols.precinct_codes
        return tuple(codes[k] for k in np.nonzero(self.stuffed)[0].tolist())

    def ground_truth(self) -> dict[str, object]:
        """What was stuffed, as the JSON ``saylau synth --stuffed`` writes beside the night."""
        codes = self.synthetic.protocols.precinct_codes
        return {
            "model": "Klimek, Yegorov, Hanel & Thurner, PNAS 109(41), 2012",
            "share": self.model.share,
            "seed": self.seed,
            "stuffed": list(self.stuffed_codes),
            "extreme": [codes[k] for k in np.nonzero(self.extreme)[0].tolist()],
            "ballots_added": {
                codes[k]: int(self.added[k]) for k in np.nonzero(self.stuffed)[0].tolist()
            },
            "votes_moved_to_winner": {
                codes[k]: int(self.moved[k]) for k in np.nonzero(self.stuffed)[0].tolist()
            },
        }


def winners(protocols: ProtocolColumns) -> tuple[int, ...]:
    """Per contest, the column of the option with the most votes nationally (the first on a
    tie): the party the model's stuffing favours."""
    return tuple(int(np.argmax(table.sum(axis=0))) for table in protocols.votes)


def stuff(
    synthetic: SyntheticElection, seed: int, model: StuffingModel | None = None
) -> StuffedElection:
    """``synthetic`` with ``model.share`` of its precincts stuffed, the same for a seed."""
    model = model or StuffingModel()
    columns = synthetic.protocols
    rng = np.random.default_rng([seed, 20120912])  # the model's publication date
    count = len(columns.precinct_codes)
    chosen = rng.permutation(count)[: round(model.share * count)]
    stuffed = np.zeros(count, dtype=np.bool_)
    stuffed[chosen] = True
    extreme = np.zeros(count, dtype=np.bool_)
    extreme[chosen[: round(model.extreme * len(chosen))]] = True

    fraction = np.zeros(count)
    fraction[stuffed] = np.clip(
        rng.normal(model.incremental_mean, model.incremental_width, int(stuffed.sum())), 0, 1
    )
    fraction[extreme] = 1 - np.abs(rng.normal(0.0, model.extreme_width, int(extreme.sum())))
    fraction = np.clip(fraction, 0.0, 1.0)
    switched = fraction**model.switching_power

    # Those who did not vote, per precinct (the smallest over its protocols, so that no
    # protocol issues more ballots than it has voters).
    capacity = columns.voters_on_list + columns.voters_added - columns.ballots_issued
    room = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(room, columns.precinct, capacity)
    added = np.where(stuffed, np.floor(fraction * np.maximum(room, 0)).astype(np.int64), 0)

    row_added = added[columns.precinct]
    row_switch = switched[columns.precinct]
    moved = np.zeros(count, dtype=np.int64)
    tables = []
    against_all, invalid = columns.against_all.copy(), columns.invalid.copy()
    for contest, (table, winner) in enumerate(zip(columns.votes, winners(columns), strict=True)):
        at = np.nonzero(columns.contest == contest)[0]
        rows = columns.row[at]
        new = table.copy()
        taken = np.floor(new[rows] * row_switch[at, None]).astype(np.int64)
        taken[:, winner] = 0
        new[rows] -= taken
        # Against-all and invalid ballots are not the winner's either: the same share moves.
        lost = np.floor(against_all[at] * row_switch[at]).astype(np.int64)
        spoiled = np.floor(invalid[at] * row_switch[at]).astype(np.int64)
        against_all[at] -= lost
        invalid[at] -= spoiled
        gained = taken.sum(axis=1) + lost + spoiled
        new[rows, winner] += gained + row_added[at]
        np.add.at(moved, columns.precinct[at], gained)
        tables.append(new)
    protocols = replace(
        columns,
        ballots_received=columns.ballots_received + row_added,
        ballots_issued=columns.ballots_issued + row_added,
        ballots_found=columns.ballots_found + row_added,
        against_all=against_all,
        invalid=invalid,
        votes=tuple(tables),
    )
    return StuffedElection(
        replace(synthetic, protocols=protocols), stuffed, extreme, added, moved, model, seed
    )


def precinct_table(synthetic: SyntheticElection, contest_id: str) -> tuple[Precincts, Labels]:
    """One contest's protocols as the forensic checks read them, with each precinct's
    district (the unit its code sits under)."""
    columns = synthetic.protocols
    if contest_id not in columns.contest_ids:
        raise BadInput("contest", f"must be one of {', '.join(columns.contest_ids)}", contest_id)
    contest = columns.contest_ids.index(contest_id)
    at = np.nonzero(columns.contest == contest)[0]
    codes = np.asarray(columns.precinct_codes, dtype=np.str_)[columns.precinct[at]]
    district = np.asarray([code.rsplit("-P", 1)[0] for code in codes.tolist()], dtype=np.str_)
    regions = np.asarray(columns.region_codes, dtype=np.str_)
    region = regions[columns.precinct_region[columns.precinct[at]]]
    votes = columns.votes[contest][columns.row[at]]
    table = Precincts(
        ids=codes,
        region=region,
        voters=columns.voters_on_list[at] + columns.voters_added[at],
        issued=columns.ballots_issued[at],
        valid=votes.sum(axis=1) + columns.against_all[at] + columns.neither[at],
        invalid=columns.invalid[at],
        votes=votes,
        options=columns.option_ids[contest],
    )
    return table, district
