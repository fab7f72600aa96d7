"""Petition signatures verified per second on one core, each with its chain checked.

A test authority (root and intermediate, RSA-2048) issues ``--citizens`` certificates (one
shared key, see ``saylau.pki.authority.bulk_key``) with distinct valid IINs; each citizen
signs one petition; the intermediate's revocation list holds ``--revoked`` other serials, as
a national list would. The measured loop is :func:`saylau.pki.signing.verify_signature` over
every envelope: the envelope's fields, the IIN in the subject, the RSA signature over the
canonical bytes, the citizen's certificate against the intermediate's key, the validity of
the three certificates on the signing time and the two revocation lists. The path above the
citizen is verified on the first envelope and cached, as in the service.

For scale, the loop's floor is printed (the two RSA-2048 verifications alone), and the chain
check alone is compared with ``cryptography.x509.verification``'s client verifier (built for
the signing time, end-entity policy relaxed to any key usage, no revocation lists) on the
same parsed certificates.

Run: ``.venv/bin/python bench/pki_bench.py`` (``--help`` for sizes). Writes
``bench/results/pki.json``. Target: well under 0.5 ms a signature.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import statistics
import time
from importlib.metadata import version
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import verification

from saylau.pki import authority
from saylau.pki.chain import Trust
from saylau.pki.signing import sign, signed_bytes, verify_signature

RESULTS = Path(__file__).parent / "results" / "pki.json"
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SIGNED = dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.UTC)
CRL_ISSUED = SIGNED - dt.timedelta(days=1)
PETITION = "petition-2025-0001"
TEXT = "Ауылдағы мектепке жаңа спорт залын салу туралы / О строительстве нового спортзала"


def pin_to_one_cpu() -> int | None:
    """Pin this process to its first allowed CPU; the CPU, or None where unsupported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=2_000)
    parser.add_argument("--revoked", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (median)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cpu = pin_to_one_cpu()

    began = time.perf_counter()
    pki = authority.create_test_pki(START)
    key = authority.bulk_key()
    iins = authority.distinct_iins(args.citizens)
    envelopes = [
        sign(PETITION, TEXT, SIGNED, key, c.certificate, [pki.intermediate.certificate])
        for c in authority.bulk_citizens(pki.intermediate, iins, START)
    ]
    issue_seconds = time.perf_counter() - began
    revoked = [authority.Revocation(authority.random_serial(), START) for _ in range(args.revoked)]
    trust = Trust(
        [pki.root.certificate],
        [
            authority.revocation_list(pki.intermediate, revoked, CRL_ISSUED),
            authority.revocation_list(pki.root, [], CRL_ISSUED),
        ],
    )
    print(
        f"one core (CPU {cpu}); {args.citizens:,} citizens issued and signed in "
        f"{issue_seconds:.2f} s; {args.revoked:,} serials on the revocation list"
    )

    cold_began = time.perf_counter()
    signers = [verify_signature(e, PETITION, TEXT, trust, SIGNED) for e in envelopes]
    cold_seconds = time.perf_counter() - cold_began
    assert len({s.iin for s in signers}) == args.citizens

    runs = []
    for _ in range(args.repeat):
        run_began = time.perf_counter()
        for envelope in envelopes:
            verify_signature(envelope, PETITION, TEXT, trust, SIGNED)
        runs.append(time.perf_counter() - run_began)
    seconds = statistics.median(runs)

    public = key.public_key()
    message = signed_bytes(PETITION, envelopes[0].text_sha256, envelopes[0].signed_at)
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    floor_began = time.perf_counter()
    for _ in range(args.citizens):
        public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    floor_seconds = time.perf_counter() - floor_began

    leaves = [x509.load_der_x509_certificate(base64.b64decode(e.certificate)) for e in envelopes]
    chain_began = time.perf_counter()
    for leaf, envelope in zip(leaves, envelopes, strict=True):
        trust.validate_encoded(leaf, envelope.chain, SIGNED)
    chain_micros = (time.perf_counter() - chain_began) / args.citizens * 1e6
    store = verification.Store([pki.root.certificate])
    intermediates = [pki.intermediate.certificate]
    library_began = time.perf_counter()
    for leaf in leaves:
        verification.PolicyBuilder().store(store).time(SIGNED).extension_policies(
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=verification.ExtensionPolicy.permit_all(),
        ).build_client_verifier().verify(leaf, intermediates)
    library_micros = (time.perf_counter() - library_began) / args.citizens * 1e6

    per_second = args.citizens / seconds
    micros = seconds / args.citizens * 1e6
    floor_micros = floor_seconds / args.citizens * 1e6
    print(
        f"verify_signature: {per_second:,.0f} a second, {micros:.0f} µs each "
        f"(median of {args.repeat} passes; first pass {cold_seconds:.3f} s)"
    )
    print(f"floor, two RSA-2048 verifications: {floor_micros:.0f} µs")
    print(
        f"chain alone: {chain_micros:.0f} µs with revocation lists; cryptography's client "
        f"verifier {library_micros:.0f} µs without them"
    )
    result = {
        "benchmark": "saylau.pki.signing.verify_signature, chain and CRL checked, one core",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": ".venv/bin/python bench/pki_bench.py",
        "machine": platform.machine(),
        "load_average_1_5_15": list(os.getloadavg()),
        "python": platform.python_version(),
        "cryptography": version("cryptography"),
        "citizens": args.citizens,
        "revoked_serials": args.revoked,
        "verifications_per_second": round(per_second),
        "microseconds_per_verification": round(micros, 1),
        "statistic": f"median of {args.repeat} passes after a first (cold) pass",
        "runs_seconds": [round(r, 6) for r in runs],
        "cold_seconds": round(cold_seconds, 6),
        "floor_two_rsa_verifications_microseconds": round(floor_micros, 1),
        "ratio_to_floor": round(micros / floor_micros, 2),
        "chain_only_microseconds": round(chain_micros, 1),
        "cryptography_client_verifier_microseconds": round(library_micros, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
