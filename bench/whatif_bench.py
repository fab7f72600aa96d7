"""The seat Monte-Carlo on 1,000,000 synthetic precincts: seconds per run, and the batch
allocation against deciding each draw with the exact engine (the ratio is the figure: the
machine is shared, so absolute times are noisy).

The precincts carry the 2023 Mazhilis shares; a share of them is left pending and drawn by the
hot deck, and every ballot may be misrecorded (``--error``). The allocation is compared on
100,000 drawn totals; the exact engine is timed on 500 of them and scaled (``scaled_from``).

Run: ``.venv/bin/python bench/whatif_bench.py`` (``--precincts``, ``--draws``, ``--pending``).
Writes ``bench/results/whatif.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import platform
import time
from pathlib import Path

import numpy as np

from saylau.forensics.seats_montecarlo import CountInProgress, seats_of_draws, simulate
from saylau.law import rules_at
from saylau.model import Contest, Kind
from saylau.outcome import decide

RESULTS = Path(__file__).resolve().parent / "results" / "whatif.json"
SHARES = {  # the 2023 Mazhilis list votes (CEC), as shares
    "Amanat": 3431510,
    "Auyl": 693938,
    "Respublica": 547154,
    "Ak Zhol": 535139,
    "People's Party of Kazakhstan": 432920,
    "OSDP": 331058,
    "Baytaq": 146431,
}
DAY = datetime.date(2023, 3, 19)
#: Draws the batch allocation and the exact engine are compared on.
ALLOCATION_DRAWS = 100_000


def synthetic(precincts: int, pending: float, seed: int) -> CountInProgress:
    rng = np.random.default_rng(seed)
    shares = np.array([248291, *SHARES.values()], dtype=float)
    voters = rng.integers(300, 3000, precincts)
    took_part = rng.binomial(voters, 0.54)
    invalid = rng.binomial(took_part, 0.024)
    split = rng.multinomial(took_part - invalid, shares / shares.sum())
    contest = Contest(
        registered=int(voters.sum()),
        participated=int(took_part.sum()),
        invalid=int(invalid.sum()),
        against_all=int(split[:, 0].sum()),
        options=dict(zip(SHARES, split[:, 1:].sum(axis=0).tolist(), strict=True)),
        kind=Kind.MAZHILIS_LIST,
        date=DAY,
    )
    return CountInProgress(
        contest=contest,
        region=np.array([f"R{i % 20}" for i in range(precincts)]),
        voters=voters,
        reported=rng.random(precincts) >= pending,
        participated=took_part,
        invalid=invalid,
        against_all=split[:, 0],
        votes=split[:, 1:],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precincts", type=int, default=1_000_000)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--pending", type=float, default=0.01)
    parser.add_argument("--error", type=float, default=0.01)
    args = parser.parse_args()
    count = synthetic(args.precincts, args.pending, seed=2023)
    started = time.perf_counter()
    result = simulate(count, args.draws, seed=1, error=args.error)
    simulate_seconds = time.perf_counter() - started
    law = rules_at(DAY)
    rng = np.random.default_rng(2)
    contest = count.contest
    cast = np.array([contest.invalid, contest.against_all, *contest.options.values()])
    many = ALLOCATION_DRAWS
    totals = rng.multinomial(int(cast.sum()), cast / cast.sum(), size=many)
    participated = totals.sum(axis=1)
    seats_of_draws(count.contest, law, totals[:10], participated[:10])  # warm up
    batch_seconds = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        seats_of_draws(count.contest, law, totals, participated)
        batch_seconds = min(batch_seconds, time.perf_counter() - started)
    sample = 500
    started = time.perf_counter()
    for row in range(sample):
        drawn = dataclasses.replace(
            count.contest,
            invalid=int(totals[row, 0]),
            against_all=int(totals[row, 1]),
            participated=int(participated[row]),
            options=dict(zip(SHARES, totals[row, 2:].tolist(), strict=True)),
        )
        decide(drawn, law)
    exact_seconds = (time.perf_counter() - started) * many / sample
    report = {
        "precincts": args.precincts,
        "pending": result.precincts_pending,
        "draws": args.draws,
        "error": args.error,
        "simulate_seconds": round(simulate_seconds, 3),
        "allocation_draws": many,
        "allocation_batch_seconds": round(batch_seconds, 4),
        "allocation_exact_seconds": round(exact_seconds, 3),
        "scaled_from": sample,
        "ratio": round(exact_seconds / batch_seconds, 1),
        "seats_5_95": {p.option: [p.low, p.high] for p in result.parties},
        "machine": platform.platform(),
        "measured": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
