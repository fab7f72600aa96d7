"""Single submissions before and after a change, side by side in one run: the intake bench's
single phase served by the code of an earlier commit and by the working tree, in turns.

The earlier commit is checked out into a temporary git worktree and its server runs with
that tree's ``src`` first on PYTHONPATH; everything else (dataset, wrk script, connections,
workers, database server) is the same. The dataset is imported by this tree's code, so the
two commits must share the database schema. Runs alternate (before, after, before, after, …) so a
machine that gets busier or quieter during the run weighs on both sides alike.

Run: .venv/bin/python bench/intake_compare.py --before REV [--precincts 5000] [--rounds 2]
Figures are printed and written to bench/results/intake-compare.json (or --out).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchlib import fresh_database, require_wrk
from intake_bench import dataset, phase, single_requests, stored

RESULTS = Path(__file__).with_name("results")
REPOSITORY = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def checked_out(revision: str) -> Iterator[Path]:
    """The tree of ``revision`` in a temporary git worktree, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="saylau-before-"))
    git = ["git", "-C", str(REPOSITORY)]
    subprocess.run([*git, "worktree", "add", "--detach", str(folder), revision], check=True)
    try:
        yield folder
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(folder)], check=False)


@contextlib.contextmanager
def code_of(source: Path | None) -> Iterator[None]:
    """Servers started inside the block import Saylau from ``source`` (None: this tree)."""
    before = os.environ.get("PYTHONPATH")
    if source is not None:
        os.environ["PYTHONPATH"] = str(source / "src")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def one_run(precincts: int, workers: int, connections: int) -> dict[str, Any]:
    """The single phase over a fresh database, with what it stored."""
    with fresh_database() as url:
        synthetic, tokens = dataset(url, precincts)
        requests = single_requests(synthetic, tokens)
        figures, _ = phase("single", url, workers, requests, connections)
        store = stored(url, synthetic.election.id)
    if store["accepted"] != len(requests) or figures.get("statuses") != {"201": len(requests)}:
        raise RuntimeError(f"not every protocol was accepted: {figures} {store}")
    return figures | {"transactions": store["signed_heads"] - 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the earlier commit")
    parser.add_argument("--precincts", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "intake-compare.json")
    args = parser.parse_args()
    require_wrk()
    os.environ["SAYLAU_RATE_LIMIT"] = "off"  # one client address sends everything
    revision = subprocess.run(
        ["git", "-C", str(REPOSITORY), "rev-parse", "--short", args.before],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    load = [round(x, 2) for x in os.getloadavg()]
    with checked_out(revision) as earlier:
        for _ in range(args.rounds):
            for side, source in (("before", earlier), ("after", None)):
                with code_of(source):
                    runs[side].append(one_run(args.precincts, args.workers, args.connections))

    def median(side: str, key: str) -> float:
        return float(statistics.median(run[key] for run in runs[side]))

    summary = {
        side: {
            key: median(side, key)
            for key in ("requests_per_second", "p50_ms", "p99_ms", "transactions")
        }
        for side in runs
    }
    figures = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": load,
        },
        "before": revision,
        "precincts": args.precincts,
        "protocols": runs["after"][0].get("requests"),
        "workers": args.workers,
        "connections": args.connections,
        "runs": runs,
        "summary": summary
        | {
            "after_over_before": round(
                summary["after"]["requests_per_second"] / summary["before"]["requests_per_second"],
                2,
            )
        },
    }
    RESULTS.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures["summary"], indent=1))


if __name__ == "__main__":
    main()
