"""The forensic suite on 1,000,000 synthetic precincts and on the four Russian elections, side by
side with a straightforward pandas version of the same methods.

Saylau's suite: integer percentages (Kobak et al. 2016) with 1,000 Monte-Carlo replicates, the
fingerprint, and the Klimek et al. (2012) fit over the whole 0.005 grid with 10 realisations.

The pandas versions do what a researcher's notebook does: the integer test redraws every
station's binomials for each replicate (as dkobak/elections ``anomaly`` does), the fingerprint is
``pd.cut`` and ``groupby``, and the Klimek fit simulates the model and bins it at each grid point.
Running them in full would take hours on 1,000,000 precincts, so each is timed on a few
replicates or grid points and scaled to the full count (stated in the output as ``scaled_from``).

The ratio is the figure: the machine is shared, so absolute times are noisy.

Run: ``.venv/bin/python bench/forensics_bench.py`` (``--precincts``, ``--skip-russia``).
Writes ``bench/results/forensics.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from saylau.forensics.fingerprint import fingerprint
from saylau.forensics.integers import MAX_FRACTION, MIN_VOTERS, integer_percentages
from saylau.forensics.klimek import FRAUD_WIDTH, MAX_EXTREME, STEP, honest_model, klimek_fit
from saylau.forensics.precincts import Precincts
from saylau.forensics.russia import ELECTIONS, load_russia

RESULTS = Path(__file__).resolve().parent / "results" / "forensics.json"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "forensics"
REPLICATES = 1000
REALISATIONS = 10
PANDAS_REPLICATES = 5
PANDAS_GRID_POINTS = 2


def synthetic(stations: int, seed: int, stuffed: float = 0.03) -> Precincts:
    """Clean multinomial precincts, with ``stuffed`` of them given Klimek-style stuffing."""
    rng = np.random.default_rng(seed)
    voters = rng.integers(300, 3000, stations)
    issued = rng.binomial(voters, np.clip(rng.normal(0.55, 0.08, stations), 0.05, 0.95))
    invalid = rng.binomial(issued, 0.015)
    valid = issued - invalid
    preference = rng.dirichlet([32.0, 24.0, 16.0, 8.0], stations)
    votes = np.zeros((stations, 4), dtype=np.int64)
    left = valid.copy()
    rest = np.ones(stations)
    for j in range(3):
        votes[:, j] = rng.binomial(left, np.clip(preference[:, j] / rest, 0, 1))
        left -= votes[:, j]
        rest -= preference[:, j]
    votes[:, 3] = left
    rate = np.where(rng.random(stations) < stuffed, np.abs(rng.normal(0, FRAUD_WIDTH, stations)), 0)
    added = np.floor((voters - issued) * np.minimum(rate, 1)).astype(np.int64)
    votes[:, 0] += added
    return Precincts(
        ids=np.char.add("P", np.arange(stations).astype(np.str_)),
        region=np.char.add("R", (np.arange(stations) % 17).astype(np.str_)),
        voters=voters,
        issued=issued + added,
        valid=valid + added,
        invalid=invalid,
        votes=votes,
        options=("A", "B", "C", "D"),
    )


CPU: dict[str, float] = {}


def timed(run: Callable[[], Any], name: str = "") -> float:
    """Wall seconds of ``run``; its CPU seconds (all threads) are kept under ``name``."""
    started, cpu = time.perf_counter(), time.process_time()
    run()
    if name:
        CPU[name] = time.process_time() - cpu
    return time.perf_counter() - started


def frame(precincts: Precincts, option: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "voters": precincts.voters,
            "issued": precincts.issued,
            "ballots": precincts.ballots,
            "leader": precincts.votes[:, option],
        }
    )


def pandas_integers(table: pd.DataFrame, replicates: int, seed: int = 42) -> list[int]:
    """dkobak/elections ``anomaly``: observed count, then binomial redraws per replicate."""
    kept = table[
        (table.ballots > 0)
        & (table.voters >= MIN_VOTERS)
        & (table.issued / table.voters <= MAX_FRACTION)
        & (table.leader / table.ballots <= MAX_FRACTION)
    ]

    def integer(frame_: pd.DataFrame) -> pd.Series:
        turnout = 100 * frame_.issued / frame_.voters
        share = 100 * frame_.leader / frame_.ballots
        return ((turnout - turnout.round()).abs() <= 0.05) | ((share - share.round()).abs() <= 0.05)

    counts = [int(integer(kept).sum())]
    rng = np.random.default_rng(seed)
    for _ in range(replicates):
        drawn = kept.assign(
            issued=rng.binomial(kept.voters, kept.issued / kept.voters),
            leader=rng.binomial(kept.ballots, kept.leader / kept.ballots),
        )
        counts.append(int(integer(drawn).sum()))
    return counts


def pandas_fingerprint(table: pd.DataFrame) -> pd.DataFrame:
    kept = table[(table.voters > 0) & (table.ballots > 0)]
    edges = np.linspace(0, 1, 101)
    turnout = pd.cut((kept.issued / kept.voters).clip(0, 1), edges, include_lowest=True)
    share = pd.cut((kept.leader / kept.ballots).clip(0, 1), edges, include_lowest=True)
    counts: pd.DataFrame = (
        kept.groupby([turnout, share], observed=False).size().unstack(fill_value=0)
    )
    return counts


def pandas_klimek_point(
    table: pd.DataFrame, observed: pd.DataFrame, incremental: float, extreme: float, seed: int
) -> float:
    """One grid point: simulate the model ``REALISATIONS`` times, bin it, compare."""
    kept = table[(table.voters > 0) & (table.ballots > 0)]
    turnout = (kept.issued / kept.voters).clip(0, 1).to_numpy()
    share = (kept.leader / kept.ballots).clip(0, 1).to_numpy()
    model = honest_model(turnout, share)
    rng = np.random.default_rng(seed)
    total = 0.0
    edges = np.linspace(0, 1, 101)
    for _ in range(REALISATIONS):
        units = pd.DataFrame(
            {
                "a": rng.normal(model.turnout, model.turnout_width, len(kept)).clip(0, 1),
                "v": rng.normal(model.share, model.share_width, len(kept)).clip(0, 1),
                "u": rng.random(len(kept)),
            }
        )
        units["x"] = np.where(
            units.u < extreme,
            1 - np.abs(rng.normal(0, FRAUD_WIDTH, len(kept))),
            np.where(
                units.u < extreme + incremental, np.abs(rng.normal(0, FRAUD_WIDTH, len(kept))), 0
            ),
        )
        units["t"] = units.a + (1 - units.a) * units.x
        units["s"] = (
            units.a * units.v + (1 - units.a) * units.x + units.a * (1 - units.v) * units.x
        ) / units.t
        grid = (
            units.groupby(
                [
                    pd.cut(units.t, edges, include_lowest=True),
                    pd.cut(units.s.clip(0, 1), edges, include_lowest=True),
                ],
                observed=False,
            )
            .size()
            .unstack(fill_value=0)
        )
        total += float(((grid.to_numpy() - observed.to_numpy()) ** 2).sum())
    return total / REALISATIONS


def compare(precincts: Precincts, option: int) -> dict[str, Any]:
    """Time Saylau's suite and the pandas versions (scaled) on one set of precincts."""
    saylau = {
        "integers": timed(
            lambda: integer_percentages(precincts, option, replicates=REPLICATES), "integers"
        ),
        "fingerprint": timed(lambda: fingerprint(precincts, option), "fingerprint"),
        "klimek": timed(lambda: klimek_fit(precincts, option, realisations=REALISATIONS), "klimek"),
    }
    saylau_cpu = dict(CPU)
    table = frame(precincts, option)
    sample = timed(lambda: pandas_integers(table, PANDAS_REPLICATES), "integers")
    sample_cpu = CPU["integers"]
    base = timed(lambda: pandas_integers(table, 0), "integers")
    base_cpu = CPU["integers"]
    observed = pandas_fingerprint(table)
    per_point = (
        timed(
            lambda: [
                pandas_klimek_point(table, observed, 0.1 * k, 0.01 * k, k)
                for k in range(PANDAS_GRID_POINTS)
            ],
            "klimek",
        )
        / PANDAS_GRID_POINTS
    )
    steps = round(1 / STEP)
    grid = sum(steps + 1 - e for e in range(round(MAX_EXTREME / STEP) + 1))
    pandas_times = {
        "integers": base + (sample - base) / PANDAS_REPLICATES * REPLICATES,
        "fingerprint": timed(lambda: pandas_fingerprint(table), "fingerprint"),
        "klimek": per_point * grid,
    }
    pandas_cpu = {
        "integers": base_cpu + (sample_cpu - base_cpu) / PANDAS_REPLICATES * REPLICATES,
        "fingerprint": CPU["fingerprint"],
        "klimek": CPU["klimek"] / PANDAS_GRID_POINTS * grid,
    }
    return {
        "precincts": len(precincts),
        "saylau_seconds": {name: round(value, 3) for name, value in saylau.items()},
        "saylau_total_seconds": round(sum(saylau.values()), 3),
        "pandas_seconds": {name: round(value, 1) for name, value in pandas_times.items()},
        "scaled_from": {
            "integers": f"{PANDAS_REPLICATES} of {REPLICATES} replicates",
            "klimek": f"{PANDAS_GRID_POINTS} of {grid} grid points",
        },
        "saylau_cpu_seconds": {name: round(value, 3) for name, value in saylau_cpu.items()},
        "saylau_total_cpu_seconds": round(sum(saylau_cpu.values()), 3),
        "pandas_cpu_seconds": {name: round(value, 1) for name, value in pandas_cpu.items()},
        "ratio": {name: round(pandas_times[name] / saylau[name], 1) for name in saylau},
        "ratio_cpu": {
            name: round(pandas_cpu[name] / max(saylau_cpu[name], 1e-3), 1) for name in saylau
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precincts", type=int, default=1_000_000)
    parser.add_argument("--skip-russia", action="store_true")
    arguments = parser.parse_args()
    runs: dict[str, Any] = {}
    night = synthetic(arguments.precincts, seed=2023)
    runs["synthetic"] = compare(night, night.leader)
    print("synthetic", json.dumps(runs["synthetic"]), flush=True)
    if not arguments.skip_russia and DATA.is_dir():
        for year, election in ELECTIONS.items():
            precincts = load_russia(year, DATA)
            runs[f"russia-{year}"] = compare(precincts, precincts.option(election.leader))
            print(f"russia-{year}", json.dumps(runs[f"russia-{year}"]), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "replicates": REPLICATES,
                "realisations": REALISATIONS,
                "load_average": os.getloadavg(),
                "note": "shared machine: absolute times are noisy, the ratio is the figure",
                "runs": runs,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
