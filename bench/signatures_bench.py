"""A million presidential signatures checked against the twelve-million-citizen register:
the time, the peak memory, and the ratio to a plain PostgreSQL join of the same rows.

The register (seed 2023, 10,000 precincts: 12,035,578 electors, about 12.7 million
citizens) and the signature file (six candidates, about 1 % each of mistyped IINs, unknown
IINs, other regions and repeats) are drawn once, in a child process, and cached under the
system's temporary folder keyed by seed; they never enter the repository. The measured run
reads the signature file, checks every row in DuckDB over the register's Parquet file and
counts the voters of each region on the register; its peak memory is the process's
``ru_maxrss`` taken right after, before PostgreSQL is touched.

PostgreSQL then gets both tables by COPY into a scratch database (``saylau_voters_bench``,
kept between runs and reloaded only when the seed changes), the register with its primary
key on the IIN, and one SQL query classifies every signature by the same rules (the IIN's
layout and check digits written as SQL). Both answers must agree reason by reason.

Run: ``.venv/bin/python bench/signatures_bench.py`` (``--help`` for options). Writes
``bench/results/signatures.json``. Target on this 2-core machine: under 15 s, under 4 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from saylau.law.rules import rules_at
from saylau.register.iin import FIRST_WEIGHTS, SECOND_WEIGHTS
from saylau.register.signatures import _RULE_OF, check_signatures, read_signatures

RESULTS = Path(__file__).parent / "results" / "signatures.json"
ADMIN = os.environ.get("SAYLAU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "saylau_voters_bench"
CHECKED_ON = dt.date(2022, 10, 15)  # the law of the 2022 presidential nomination
CANDIDATES = ("A", "B", "C", "D", "E", "F")

_DRAW = """
import datetime as dt, sys
import pyarrow.parquet as pq
from saylau.synth.register import draw_signatures, generate_register, write_register
folder, seed, precincts, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
path = write_register(generate_register(seed, precincts), folder)
table = pq.read_table(path, columns=["iin", "region"])
signatures = draw_signatures(
    table, count, tuple(sys.argv[5].split(",")), dt.date(2022, 9, 26), 15, seed=seed
)
pq.write_table(signatures, f"{folder}/signatures.parquet")
"""


def cached(seed: int, precincts: int, count: int) -> Path:
    """The cached register and signature file of a seed, drawn in a child process."""
    folder = Path(tempfile.gettempdir()) / f"saylau-register-{seed}-{precincts}-{count}"
    if not (folder / "signatures.parquet").is_file():
        print(f"drawing the register and signatures into {folder} (once)", file=sys.stderr)
        env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
        subprocess.run(
            [
                sys.executable,
                "-c",
                _DRAW,
                str(folder),
                str(seed),
                str(precincts),
                str(count),
                ",".join(CANDIDATES),
            ],
            check=True,
            env=env,
        )
    return folder


def peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _digits_sql(weights: tuple[int, ...]) -> str:
    terms = " + ".join(f"{w} * substr(s.iin, {i + 1}, 1)::int" for i, w in enumerate(weights))
    return f"(({terms}) % 11)"


def _iin_ok_sql() -> str:
    """The IIN's layout as SQL: twelve ASCII digits, century digit 1–6, a real birth date,
    an issued number with the right check digit."""
    year = (
        "(CASE WHEN substr(s.iin, 7, 1) IN ('1','2') THEN 1800 "
        "WHEN substr(s.iin, 7, 1) IN ('3','4') THEN 1900 ELSE 2000 END "
        "+ substr(s.iin, 1, 2)::int)"
    )
    month = "substr(s.iin, 3, 2)::int"
    day = "substr(s.iin, 5, 2)::int"
    first, second = _digits_sql(FIRST_WEIGHTS), _digits_sql(SECOND_WEIGHTS)
    expected = f"(CASE WHEN {first} = 10 THEN {second} ELSE {first} END)"
    return f"""CASE
        WHEN s.iin !~ '^[0-9]{{12}}$' THEN false
        WHEN substr(s.iin, 7, 1) NOT IN ('1','2','3','4','5','6') THEN false
        WHEN {month} NOT BETWEEN 1 AND 12 THEN false
        WHEN {day} < 1 OR {day} > extract(day FROM make_date({year}, {month}, 1)
             + interval '1 month' - interval '1 day') THEN false
        WHEN {expected} = 10 THEN false
        ELSE {expected} = substr(s.iin, 12, 1)::int END"""


def postgres_query(one_candidate: bool, voting_age: int) -> str:
    """The same rejections as ``register.signatures``, as one plain PostgreSQL query; the
    voting age is the law's of the day, passed in."""
    return f"""
WITH s AS (SELECT s.*, {_iin_ok_sql()} AS ok FROM sig s),
joined AS (
    SELECT s.row, s.iin, s.candidate, s.unit, s.signed_on, s.ok, r.iin IS NOT NULL AS known,
           r.birth_date, r.region, r.district, r.precinct, r.exclusion, r.excluded_since,
           r.excluded_until
    FROM s LEFT JOIN reg r ON s.ok AND r.iin = s.iin
),
first_pass AS (
    SELECT row, iin, candidate, signed_on, CASE
        WHEN NOT ok THEN 1
        WHEN NOT known THEN 2
        WHEN extract(year FROM signed_on) - extract(year FROM birth_date)
             - CASE WHEN extract(month FROM signed_on) * 100 + extract(day FROM signed_on)
                    < extract(month FROM birth_date) * 100 + extract(day FROM birth_date)
               THEN 1 ELSE 0 END < {voting_age:d} THEN 3
        WHEN exclusion IS NOT NULL AND excluded_since <= signed_on
             AND (excluded_until IS NULL OR signed_on <= excluded_until) THEN 4
        WHEN unit NOT IN (region, district, precinct) THEN 5
        ELSE 0 END AS reason
    FROM joined
),
kept AS (
    SELECT row, iin, candidate, signed_on,
           row_number() OVER (PARTITION BY iin, candidate ORDER BY row) > 1 AS repeated
    FROM first_pass WHERE reason = 0
),
chosen AS (
    SELECT row, repeated, candidate,
           first_value(candidate) OVER (PARTITION BY iin ORDER BY repeated, signed_on, row)
               AS first_candidate
    FROM kept
)
SELECT CASE
    WHEN f.reason <> 0 THEN f.reason
    WHEN c.repeated THEN 6
    WHEN {"true" if one_candidate else "false"} AND c.candidate <> c.first_candidate THEN 7
    ELSE 0 END AS reason, count(*)
FROM first_pass f LEFT JOIN chosen c ON c.row = f.row
GROUP BY 1 ORDER BY 1
"""


def _copy(conn: psycopg.Connection[Any], table: str, data: pa.Table) -> None:
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False))
    buffer.seek(0)
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
        while chunk := buffer.read(1 << 22):
            copy.write(chunk)


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings, for CSV."""
    return pa.table(
        {
            name: column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )


def load_postgres(folder: Path, key: str) -> str:
    """The scratch database with both tables, loaded once per cached register."""
    base = ADMIN.rsplit("/", 1)[0]
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        if not admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone():
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
    url = f"{base}/{DATABASE}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_key (key text)")
        row = conn.execute("SELECT key FROM bench_key").fetchone()
        if row and row[0] == key:
            return url
        print("loading PostgreSQL (once per cached register)", file=sys.stderr)
        conn.execute("DROP TABLE IF EXISTS reg; DROP TABLE IF EXISTS sig; DELETE FROM bench_key")
        conn.execute(
            "CREATE UNLOGGED TABLE reg (iin text, birth_date date, region text, district text, "
            "precinct text, exclusion text, excluded_since date, excluded_until date)"
        )
        conn.execute(
            "CREATE UNLOGGED TABLE sig (row bigint, iin text, candidate text, unit text, "
            "signed_on date)"
        )
        register = pq.ParquetFile(folder / "register.parquet")
        columns = [
            "iin",
            "birth_date",
            "region",
            "district",
            "precinct",
            "exclusion",
            "excluded_since",
            "excluded_until",
        ]
        for group in range(register.num_row_groups):
            _copy(conn, "reg", _plain(register.read_row_group(group, columns=columns)))
        signatures = pq.read_table(folder / "signatures.parquet")
        rows = pa.array(range(signatures.num_rows), pa.int64())
        _copy(conn, "sig", signatures.add_column(0, "row", rows))
        conn.execute("ALTER TABLE reg ADD PRIMARY KEY (iin)")
        conn.execute("ANALYZE reg; ANALYZE sig")
        conn.execute("INSERT INTO bench_key VALUES (%s)", (key,))
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL join")
    args = parser.parse_args()
    folder = cached(args.seed, args.precincts, args.signatures)
    rules = rules_at(CHECKED_ON)

    load_before = os.getloadavg()[0]  # other work on the machine slows every figure
    start = time.perf_counter()
    table = read_signatures(folder / "signatures.parquet")
    check = check_signatures(table, folder, rules)
    seconds = time.perf_counter() - start
    peak = peak_megabytes()
    reasons = {"valid": check.valid} | {rule.value: n for rule, n in check.rejected.items()}

    figures: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "command": "python bench/signatures_bench.py",
        "seed": args.seed,
        "citizens": pq.ParquetFile(folder / "register.parquet").metadata.num_rows,
        "voters_on_the_day": check.voters,
        "signatures": check.submitted,
        "seconds": round(seconds, 2),
        "peak_memory_mb": round(peak),
        "target": "under 15 s and 4 GB",
        "reasons": reasons,
        "supported": [c.candidate for c in check.candidates if c.supported],
    }
    if not args.no_postgres:
        url = load_postgres(folder, f"{folder.name}")
        with psycopg.connect(url) as conn:
            start = time.perf_counter()
            found = conn.execute(
                postgres_query(rules.presidency.signature_one_candidate, rules.elections.voting_age)
            ).fetchall()
            pg_seconds = time.perf_counter() - start
        pg_reasons = {("valid" if code == 0 else _RULE_OF[code].value): n for code, n in found}
        assert pg_reasons == reasons, (pg_reasons, reasons)
        figures["postgres_join_seconds"] = round(pg_seconds, 2)
        figures["ratio_to_postgres"] = round(seconds / pg_seconds, 3)
        figures["postgres_agrees"] = True
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
