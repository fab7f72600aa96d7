"""The cost per protocol of reading it and checking the control relations of the law.

The intake reads every protocol with ``ProtocolForm`` and checks it against the relations of
the election's date, compiled once per date by ``saylau.tabulation.relations``; this times
both over 10,000 protocols of the test election: the best of seven runs in CPU time of the
process, which other work on a shared machine does not inflate as it inflates wall time.

Run: ``PYTHONPATH=src .venv/bin/python bench/relations_bench.py`` (``--protocols N``).
"""

from __future__ import annotations

import argparse
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.elections_fixture import protocol, small_election

from saylau.plausibility import list_breaks
from saylau.protocol import protocol_from_mapping
from saylau.tabulation.relations import protocol_breaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--protocols", type=int, default=10_000)
    count = parser.parse_args().protocols
    election = small_election()
    votes = [{"amanat": 300 + i % 50, "auyl": 100, "respublica": 50} for i in range(count)]
    documents = [protocol("KZ-71-D01-P0001", "mazhilis-list", v) for v in votes]
    read = [protocol_from_mapping(d, election) for d in documents]

    def read_and_check() -> None:
        for document in documents:
            one = protocol_from_mapping(document, election)
            assert not protocol_breaks(one, election.date)
            assert not list_breaks(one, election)

    def check_only() -> None:
        for one in read:
            protocol_breaks(one, election.date)
            list_breaks(one, election)

    for label, run in (("read + relations", read_and_check), ("relations only", check_only)):
        best = min(timeit.repeat(run, number=1, repeat=7, timer=time.process_time))
        print(f"{label}: {best * 1000:.1f} ms for {count:,} ({best / count * 1e6:.2f} µs each)")


if __name__ == "__main__":
    main()
