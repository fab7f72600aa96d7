"""Synthetic precincts for the forensic tests: clean multinomial counts, and the frauds the
papers model (ballot stuffing for the leader, results written as whole percentages)."""

from __future__ import annotations

import numpy as np

from saylau.forensics.precincts import Precincts


def clean(stations: int, seed: int, options: int = 4) -> Precincts:
    """Honest stations: turnout and preferences vary by station, counts are binomial/multinomial."""
    rng = np.random.default_rng(seed)
    voters = rng.integers(300, 3000, stations)
    turnout = np.clip(rng.normal(0.55, 0.08, stations), 0.05, 0.95)
    issued = rng.binomial(voters, turnout)
    invalid = rng.binomial(issued, 0.015)
    valid = issued - invalid
    preference = rng.dirichlet(np.linspace(8.0, 2.0, options) * 4, stations)
    votes = np.stack([rng.multinomial(n, p) for n, p in zip(valid, preference, strict=True)])
    return Precincts(
        ids=np.array([f"P{i:07d}" for i in range(stations)]),
        region=np.array([f"R{i % 17:02d}" for i in range(stations)]),
        voters=voters,
        issued=issued,
        valid=valid,
        invalid=invalid,
        votes=votes,
        options=tuple(f"option {j + 1}" for j in range(options)),
    )


def rounded(precincts: Precincts, share: float, seed: int) -> tuple[Precincts, np.ndarray]:
    """A ``share`` of stations whose turnout was written as the nearest whole percentage, the
    missing or extra ballots going to or from the leader (Kobak et al. 2016's mechanism)."""
    rng = np.random.default_rng(seed)
    chosen = rng.random(len(precincts)) < share
    leader = precincts.leader
    target = np.round(np.round(precincts.turnout * 100) / 100 * precincts.voters).astype(np.int64)
    change = np.where(chosen, target - precincts.issued, 0)
    change = np.maximum(change, -precincts.votes[:, leader])
    votes = precincts.votes.copy()
    votes[:, leader] += change
    return (
        Precincts(
            ids=precincts.ids,
            region=precincts.region,
            voters=precincts.voters,
            issued=precincts.issued + change,
            valid=precincts.valid + change,
            invalid=precincts.invalid,
            votes=votes,
            options=precincts.options,
        ),
        chosen,
    )


def stuffed(precincts: Precincts, share: float, seed: int, extreme: float = 0.0) -> Precincts:
    """Klimek et al. (2012)'s fraud: in a ``share`` of stations a part of the non-voters' ballots
    and of the others' votes go to the leader; in an ``extreme`` share nearly all of them."""
    rng = np.random.default_rng(seed)
    stations = len(precincts)
    leader = precincts.leader
    draw = rng.random(stations)
    rate = np.where(
        draw < extreme,
        1 - np.abs(rng.normal(0, 0.075, stations)),
        np.where(draw < extreme + share, np.abs(rng.normal(0, 0.075, stations)), 0.0),
    )
    rate = np.clip(rate, 0, 1)
    added = np.floor((precincts.voters - precincts.issued) * rate).astype(np.int64)
    votes = precincts.votes.copy()
    others = [j for j in range(votes.shape[1]) if j != leader]
    taken = np.floor(votes[:, others] * rate[:, None]).astype(np.int64)
    votes[:, others] -= taken
    votes[:, leader] += taken.sum(axis=1) + added
    return Precincts(
        ids=precincts.ids,
        region=precincts.region,
        voters=precincts.voters,
        issued=precincts.issued + added,
        valid=precincts.valid + added,
        invalid=precincts.invalid,
        votes=votes,
        options=precincts.options,
    )
