"""Time of a party's registration decision: a membership roll checked against a voter
register, and the register's own loading (every IIN decoded once).

A roll is at most tens of thousands of rows, checked in plain Python keyed by IIN; this
says how long that takes so the day a columnar engine is needed is a measured one.

Run: ``.venv/bin/python bench/register_bench.py`` (``--help`` for sizes). Writes the
figures to ``bench/results/register.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import platform
import statistics
import time
from pathlib import Path

from saylau.law import rules_at
from saylau.model import BadInput
from saylau.register.iin import Sex, encode
from saylau.register.parties import PartyApplication, Registered, decide_registration
from saylau.register.voters import VoterRegister

RESULTS = Path(__file__).parent / "results" / "register.json"
UNITS = [f"unit-{i:02d}" for i in range(20)]  # the 20 units of 2023


def people(count: int) -> list[str]:
    found: list[str] = []
    for k in itertools.count():
        if len(found) == count:
            return found
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=k // 9000)
        try:
            found.append(encode(birth, Sex.MALE if k % 2 else Sex.FEMALE, k % 9000))
        except BadInput:
            continue
    raise AssertionError("unreachable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    iins = people(args.voters)
    rows = [(iin, UNITS[i % len(UNITS)], ()) for i, iin in enumerate(iins)]
    roll = iins[: args.members]
    application = PartyApplication(
        "Bench party",
        dt.date(2023, 5, 2),
        dt.date(2023, 1, 10),
        dt.date(2023, 4, 10),
        tuple(roll[:700]),
    )
    rules = rules_at(application.applied_on)
    build, decide = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        register = VoterRegister.build(UNITS, rows)
        build.append(time.perf_counter() - start)
        start = time.perf_counter()
        decision = decide_registration(application, roll, register, rules)
        decide.append(time.perf_counter() - start)
        assert isinstance(decision, Registered)
    figures = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "voters": args.voters,
        "members": args.members,
        "register_build_seconds_median": round(statistics.median(build), 3),
        "decision_seconds_median": round(statistics.median(decide), 3),
        "decision_microseconds_per_member": round(
            statistics.median(decide) / args.members * 1e6, 2
        ),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
