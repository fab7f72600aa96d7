"""Throughput of ``largest_remainder_batch`` on one core, against votelib on a sample.

Simulations of a Mazhilis party-list count need the allocation of millions of vote vectors;
this measures how many the batch allocates per second and checks, on a sample, that its
seats are exactly votelib's (an independent exact implementation).

Run: ``.venv/bin/python bench/apportion_bench.py`` (``--help`` for sizes). Writes the
figures to ``bench/results/apportion.json``.
"""

from __future__ import annotations

import os

# One core: no BLAS/OpenMP thread pools (set before NumPy is imported), and the process is
# pinned to a single CPU below. NumPy's element-wise kernels are single-threaded anyway.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
for _variable in THREAD_VARIABLES:
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from fractions import Fraction  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402
from votelib.evaluate.core import Tie as VotelibTie  # noqa: E402
from votelib.evaluate.proportional import LargestRemainder  # noqa: E402

from saylau.apportion import largest_remainder, largest_remainder_batch  # noqa: E402

SEED = 20230319
SEATS = 69  # Mazhilis party-list seats
THRESHOLD = Fraction(5, 100)  # passes if votes * 100 >= 5 * the row's total
PARTIES = ("Amanat", "Auyl", "Respublica", "Ak Zhol", "QHP", "JSDP", "Baytaq")
# Expected shares roughly as in 2023; the concentration lets the small lists cross 5 %.
SHARES = np.array([0.539, 0.109, 0.086, 0.084, 0.068, 0.052, 0.023])
CONCENTRATION = 40.0
VOTERS = (5_500_000, 7_500_000)  # valid votes per simulated election, ~6.5 M
TARGET = 2_000_000  # allocations per second for the batch
RESULTS = Path(__file__).resolve().parent / "results" / "apportion.json"

IntMatrix = npt.NDArray[np.int64]


def pin_to_one_cpu() -> int | None:
    """Pin this process to its first allowed CPU; the CPU, or None where unsupported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def vote_vectors(count: int, seed: int) -> IntMatrix:
    """``count`` elections: Dirichlet shares around ``SHARES`` of 5.5–7.5 M votes."""
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet(SHARES * CONCENTRATION, size=count)
    voters = rng.integers(*VOTERS, size=count)
    votes: IntMatrix = rng.multinomial(voters, shares).astype(np.int64)
    return votes


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def votelib_allocate(rows: list[dict[str, int]]) -> list[dict[Any, int]]:
    """votelib's Hare largest remainder after the same inclusive 5 % threshold.

    votelib's own ``RelativeThreshold`` drops a list exactly at the threshold, so the
    threshold is applied here, as the law states it, in integers.
    """
    evaluator = LargestRemainder("hare")
    out = []
    for votes in rows:
        total = sum(votes.values())
        kept = {
            name: count
            for name, count in votes.items()
            if count * THRESHOLD.denominator >= THRESHOLD.numerator * total
        }
        out.append(evaluator.evaluate(kept, SEATS))
    return out


def scalar_allocate(rows: list[dict[str, int]]) -> list[dict[str, int]]:
    """Saylau's exact scalar method, same threshold, list order as the tie-break."""
    out = []
    for votes in rows:
        total = sum(votes.values())
        kept = {
            name: count
            for name, count in votes.items()
            if count * THRESHOLD.denominator >= THRESHOLD.numerator * total
        }
        out.append(largest_remainder(kept, SEATS, "hare", priority=PARTIES).seats)
    return out


def as_row(seats: dict[Any, int]) -> list[int]:
    return [seats.get(name, 0) for name in PARTIES]


def figures(vectors: int, seconds: float) -> dict[str, Any]:
    return {
        "vectors": vectors,
        "seconds": round(seconds, 6),
        "allocations_per_second": round(vectors / seconds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000, help="vectors for votelib")
    parser.add_argument("--repeat", type=int, default=5, help="timed batch runs (median)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    cpu = pin_to_one_cpu()
    print(
        f"one core: {', '.join(f'{v}=1' for v in THREAD_VARIABLES)}; "
        + (f"pinned to CPU {cpu}" if cpu is not None else "no CPU pinning on this platform")
    )
    generation, votes = timed(lambda: vote_vectors(args.vectors, SEED))
    print(
        f"{args.vectors:,} vectors of {len(PARTIES)} lists, {SEATS} seats, "
        f"threshold {THRESHOLD} (generated in {generation:.2f} s)"
    )

    # The first run pays for fresh memory pages; it is reported but not the figure.
    cold, batch = timed(lambda: largest_remainder_batch(votes, SEATS, THRESHOLD))
    runs = [
        timed(lambda: largest_remainder_batch(votes, SEATS, THRESHOLD))[0]
        for _ in range(args.repeat)
    ]
    batch_seconds = statistics.median(runs)

    sample_rows = [dict(zip(PARTIES, map(int, row), strict=True)) for row in votes[: args.sample]]
    votelib_seconds, theirs = timed(lambda: votelib_allocate(sample_rows))
    scalar_seconds, ours = timed(lambda: scalar_allocate(sample_rows))

    ties = sum(any(isinstance(key, VotelibTie) for key in seats) for seats in theirs)
    expected = [as_row(seats) for seats in theirs]
    batch_sample = batch[: args.sample].tolist()
    equal = ties == 0 and batch_sample == expected
    scalar_equal = [as_row(seats) for seats in ours] == expected
    all_seated = bool((batch.sum(axis=1) == SEATS).all())

    batch_figures = figures(args.vectors, batch_seconds)
    votelib_figures = figures(len(sample_rows), votelib_seconds)
    scalar_figures = figures(len(sample_rows), scalar_seconds)
    ratio = batch_figures["allocations_per_second"] / votelib_figures["allocations_per_second"]
    meets = batch_figures["allocations_per_second"] >= TARGET

    print()
    print(f"{'method':<38}{'vectors':>11}{'seconds':>10}{'alloc/s':>14}")
    for label, row in (
        ("saylau largest_remainder_batch", batch_figures),
        ("saylau largest_remainder (scalar)", scalar_figures),
        ("votelib LargestRemainder('hare')", votelib_figures),
    ):
        print(
            f"{label:<38}{row['vectors']:>11,}{row['seconds']:>10.3f}"
            f"{row['allocations_per_second']:>14,}"
        )
    print()
    print(f"batch / votelib: {ratio:,.0f}x")
    print(f"batch runs (s): {', '.join(f'{s:.3f}' for s in runs)}; cold first run {cold:.3f}")
    print(f"seats equal to votelib on {len(sample_rows):,} vectors: {equal} (votelib ties: {ties})")
    print(
        f"scalar equal to votelib: {scalar_equal}; every batch row has {SEATS} seats: {all_seated}"
    )
    print(f"target {TARGET:,} allocations/s: {'met' if meets else 'NOT met'}")

    report = {
        "benchmark": "largest_remainder_batch against votelib LargestRemainder('hare')",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": ".venv/bin/python bench/apportion_bench.py",
        "seed": SEED,
        "parties": len(PARTIES),
        "seats": SEATS,
        "threshold": str(THRESHOLD),
        "batch": {
            **batch_figures,
            "statistic": f"median of {len(runs)} runs after a cold run",
            "runs_seconds": [round(s, 6) for s in runs],
            "cold_seconds": round(cold, 6),
        },
        "votelib": votelib_figures,
        "scalar": scalar_figures,
        "ratio": round(ratio, 1),
        "equal": equal,
        "votelib_ties": ties,
        "scalar_equal": scalar_equal,
        "target_allocations_per_second": TARGET,
        "meets_target": meets,
        "machine": {
            "numpy": np.__version__,
            "votelib": version("votelib"),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": cpu_model(),
            "cpu_count": os.cpu_count(),
            "cores_used": 1,
            "threads": dict.fromkeys(THREAD_VARIABLES, "1"),
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    partial = args.output.with_suffix(".json.tmp")
    partial.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    partial.replace(args.output)
    print(f"wrote {args.output}")
    return 0 if equal and scalar_equal and all_seated else 1


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
