"""Time the synthetic election at Kazakhstan's scale (10,000 precincts) and India's (1,000,000).

Too slow for the test suite, so it lives here: ``python bench/synth_bench.py`` prints the
seconds of each step and writes them to ``bench/results/synth.json``. ``--iterate`` also
times turning every protocol into a ``Protocol`` object (lazy, about 10 µs each).
``--combined`` times the combined night of 2023 instead (the Mazhilis and every maslikhat,
about five protocols a precinct), written to ``bench/results/synth-combined.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from saylau.synth import LIST_CONTEST, SyntheticElection, generate
from saylau.synth.maslikhats import combined_2023

RESULTS = Path(__file__).resolve().parent / "results" / "synth.json"


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def run(
    precincts: int, iterate: bool, make: Callable[..., SyntheticElection] = generate
) -> dict[str, Any]:
    started = time.perf_counter()
    synthetic = make(precincts=precincts)
    generated = time.perf_counter() - started
    protocols = synthetic.protocols
    started = time.perf_counter()
    consistent = bool(protocols.consistent().all())
    checked = time.perf_counter() - started
    totals = protocols.totals(LIST_CONTEST)
    result: dict[str, Any] = {
        "precincts": precincts,
        "protocols": len(protocols),
        "units": len(synthetic.election.units),
        "contests": len(synthetic.election.contests),
        "generate_seconds": round(generated, 3),
        "check_seconds": round(checked, 3),
        "all_consistent": consistent,
        "registered": totals.registered,
        "participated": totals.participated,
        "peak_memory_mb_so_far": round(peak_memory_mb(), 1),
    }
    if iterate:
        started = time.perf_counter()
        count = sum(1 for _ in protocols)
        result["iterate_seconds"] = round(time.perf_counter() - started, 3)
        assert count == len(protocols)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterate", action="store_true", help="also time lazy iteration")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 1_000_000], help="precinct counts"
    )
    parser.add_argument(
        "--combined", action="store_true", help="the combined 2023 night (Mazhilis, maslikhats)"
    )
    args = parser.parse_args()
    make = combined_2023 if args.combined else generate
    results = RESULTS.with_name("synth-combined.json") if args.combined else RESULTS
    runs = []
    for precincts in args.sizes:
        result = run(precincts, args.iterate, make)
        runs.append(result)
        print(
            f"{precincts:>9,} precincts: generated in {result['generate_seconds']:.2f} s, "
            f"checked in {result['check_seconds']:.2f} s, "
            f"peak memory {result['peak_memory_mb_so_far']:,.0f} MB"
            + (f", iterated in {result['iterate_seconds']:.2f} s" if args.iterate else "")
        )
    results.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "runs": runs,
    }
    results.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"written to {results}")


if __name__ == "__main__":
    main()
