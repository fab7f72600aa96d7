"""Signatures of one petition per second through ``service.petitions.sign`` on PostgreSQL
(each its own transaction: eligibility, the unique constraint, the count, the step it may
take and the salted commitment appended to the petition's signed log), from several threads
at once, side by side with raw inserts of the same rows in
one statement; with p50 and p99 latency of a signature. No HTTP and no certificate check:
this measures the transaction the signing route ends in.

Run: ``.venv/bin/python bench/petitions_sign_bench.py --signatures 3000 --threads 8``.
Writes the figures to ``bench/results/petitions_sign.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import insert

from benchlib import fresh_database
from saylau.model import BadInput
from saylau.petitions.signing import Signer
from saylau.register.iin import Sex, encode
from saylau.service import petitions
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from saylau.store.tables import PetitionSignatureRow

RESULTS = Path(__file__).parent / "results" / "petitions_sign.json"


def citizens(count: int) -> list[str]:
    """``count`` distinct adults' IINs (serials with no issued IIN skipped)."""
    found: list[str] = []
    day = dt.date(1970, 1, 1)
    while len(found) < count:
        for serial in range(1, 10_000):
            try:
                found.append(encode(day, Sex.FEMALE, serial))
            except BadInput:
                continue
            if len(found) == count:
                break
        day += dt.timedelta(days=1)
    return found


def approved(ctx: Context, on: dt.date) -> str:
    def holder(role: str, subject: str | None = None) -> Official:
        issued = issue_official(ctx, role, role, "bench", subject=subject)
        with ctx.sessions() as session:
            return authenticate_official(session, role, issued.token)

    author = holder("citizen", encode(dt.date(1960, 1, 1), Sex.MALE, 1))
    made = petitions.create(ctx, author, "Bench", "A petition to sign.", "government", None, on)
    petitions.submit(ctx, author, made, on)
    petitions.approve(ctx, holder("moderator"), made, on)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    iins = citizens(args.signatures)
    on = dt.date(2025, 3, 10)
    with fresh_database() as url:
        ctx = Context.open(url)
        petition = approved(ctx, on)
        latencies: list[float] = []

        def sign(iin: str) -> None:
            start = time.perf_counter()
            petitions.sign(ctx, Signer(iin, "x", ""), petition, on)
            latencies.append(time.perf_counter() - start)

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            list(pool.map(sign, iins))
        signing = time.perf_counter() - began
        counted = petitions.shown(ctx, petition, on).signatures
        assert counted == args.signatures, counted

        other = approved(ctx, on)
        rows = [
            {"petition_id": other, "iin": iin, "name": "x", "certificate_serial": "",
             "signed_on": on, "signed_at": dt.datetime.now(dt.UTC)}
            for iin in iins
        ]  # fmt: skip
        began = time.perf_counter()
        with ctx.transaction() as session:
            session.execute(insert(PetitionSignatureRow), rows)
        raw = time.perf_counter() - began
        ctx.engine.dispose()
    ordered = sorted(latencies)
    figures = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "signatures": args.signatures,
        "threads": args.threads,
        "signed_per_second": round(args.signatures / signing, 1),
        "raw_inserts_per_second": round(args.signatures / raw, 1),
        "ratio_raw_to_signed": round(
            raw and (args.signatures / raw) / (args.signatures / signing), 1
        ),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
