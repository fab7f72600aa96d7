"""Signature sheets checked against the national register, a million rows at a time.

A candidate for President needs the signatures of 1 % of the voters, spread equally over at
least two-thirds of the regions, cities of republican significance and the capital
(electoral-rules §3; ``presidency.yaml``). Each signature (IIN, candidate, unit, day signed)
counts only if the IIN is valid, the register knows the person, they are a voter on the day
they signed (18 or older, not excluded), they live in the unit the sheet was collected in,
they have not signed for the same candidate already and, where the office's law allows one
candidate per voter, not for another candidate before. The first rule a row breaks, in that
order, is its reason.

The work is columnar: IINs are checked with NumPy (:mod:`iin_columns`), the register is read
by DuckDB straight from Parquet, and the duplicate and two-candidate rules are window
functions, so no Python loop runs per signature. A commission that checks a sample instead
(:func:`check_sample`) gets the estimated invalid share with its confidence interval.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist
from typing import Any, cast

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from numpy.typing import NDArray

from saylau.law.rules import Citation, Rules
from saylau.model import BadInput
from saylau.register.electors import count_voters
from saylau.register.iin import IinRule
from saylau.register.iin_columns import RULES as IIN_RULES
from saylau.register.iin_columns import as_numpy, check_column

#: The columns of a signature file, each a string but the day signed (YYYY-MM-DD).
COLUMNS = ("iin", "candidate", "unit", "signed_on")
#: The register's columns a check reads.
REGISTER_COLUMNS = (
    "iin",
    "birth_date",
    "region",
    "district",
    "precinct",
    "exclusion",
    "excluded_since",
    "excluded_until",
)
#: How many rejected rows of each reason a result lists.
LISTED = 20


class Office(StrEnum):
    """Whose signatures: the office's law says how many and whether one voter may sign for
    several candidates."""

    PRESIDENT = "president"
    SENATE = "senate"


class SignatureRule(StrEnum):
    """Why a signature does not count; the value is its message key."""

    INVALID_IIN = "signature_invalid_iin"
    NOT_ON_REGISTER = "signature_not_on_register"
    UNDER_AGE = "signature_under_age"
    EXCLUDED = "signature_excluded"
    OUTSIDE_UNIT = "signature_outside_unit"
    DUPLICATE = "signature_duplicate"
    OTHER_CANDIDATE = "signature_other_candidate"


class _Reason(IntEnum):
    """The reasons as the query returns them (0: the signature counts)."""

    VALID = 0
    INVALID_IIN = 1
    NOT_ON_REGISTER = 2
    UNDER_AGE = 3
    EXCLUDED = 4
    OUTSIDE_UNIT = 5
    DUPLICATE = 6
    OTHER_CANDIDATE = 7


_RULE_OF = {reason.value: SignatureRule[reason.name] for reason in _Reason if reason.value}


@dataclass(frozen=True, slots=True)
class RejectedSignature:
    """One signature not counted: its row in the file (from 0), what it says, the rule and,
    for an invalid IIN, the IIN rule it breaks."""

    row: int
    iin: str
    candidate: str
    unit: str
    signed_on: dt.date
    rule: SignatureRule
    iin_rule: IinRule | None = None

    @property
    def field(self) -> str:
        return f"signatures[{self.row}]"

    @property
    def values(self) -> dict[str, object]:
        """The values the rule's sentence names."""
        values: dict[str, object] = {"iin": self.iin}
        match self.rule:
            case SignatureRule.UNDER_AGE | SignatureRule.EXCLUDED:
                values["signed_on"] = self.signed_on
            case SignatureRule.OUTSIDE_UNIT:
                values["unit"] = self.unit
            case SignatureRule.DUPLICATE:
                values["candidate"] = self.candidate
            case _:
                pass
        return values


@dataclass(frozen=True)
class CandidateSignatures:
    """One candidate's valid signatures, per unit (the signer's region on the register,
    whichever of its units the sheet named), against what the law requires: at least
    ``required`` in all and, where the office has the spread rule, at least
    ``per_unit_required`` in each of ``units_required`` units."""

    candidate: str
    submitted: int
    valid: int
    per_unit: Mapping[str, int]
    required: int
    per_unit_required: int | None
    units_required: int | None
    units_met: int | None

    @property
    def enough(self) -> bool:
        return self.valid >= self.required

    @property
    def spread(self) -> bool:
        return self.units_required is None or (self.units_met or 0) >= self.units_required

    @property
    def supported(self) -> bool:
        return self.enough and self.spread


@dataclass(frozen=True)
class SignatureCheck:
    """Every signature of a file checked: how many, how many of each rejection reason, each
    candidate's standing and the first rejected rows of each reason."""

    office: Office
    on: dt.date
    voters: int
    submitted: int
    valid: int
    rejected: Mapping[SignatureRule, int]
    invalid_iin: Mapping[IinRule, int]
    candidates: tuple[CandidateSignatures, ...]
    listed: tuple[RejectedSignature, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class SampleEstimate:
    """A sample of a file checked as a commission checks it: the invalid share found, the
    interval that holds the whole file's share at ``confidence`` (Wilson score), and the
    valid signatures the file is estimated to hold."""

    submitted: int
    sample: int
    invalid: int
    rejected: Mapping[SignatureRule, int]
    confidence: float
    low: float
    high: float

    @property
    def share(self) -> float:
        return self.invalid / self.sample if self.sample else 0.0

    @property
    def valid_low(self) -> int:
        """The fewest valid signatures the file holds at the stated confidence."""
        return math.floor(self.submitted * (1 - self.high))


# --- reading -----------------------------------------------------------------------------


def read_signatures(path: str | Path) -> pa.Table:
    """A signature file (Parquet, or CSV with a header) as a table of the four columns;
    BadInput names the first field that breaks a rule."""
    file = Path(path)
    try:
        if file.suffix.lower() == ".parquet":
            table = pq.read_table(file)
        else:
            table = pacsv.read_csv(
                file,
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in COLUMNS},
                    strings_can_be_null=False,
                ),
            )
    except (OSError, pa.ArrowInvalid) as exc:
        raise BadInput("signatures", "must be a readable Parquet or CSV file", str(exc)) from exc
    for name in COLUMNS:
        if name not in table.column_names:
            raise BadInput(f"signatures.{name}", f"is a required column (columns: {COLUMNS})")
    extra = sorted(set(table.column_names) - set(COLUMNS))
    if extra:
        raise BadInput(f"signatures.{extra[0]}", f"is not a known column (known: {COLUMNS})")
    columns = {}
    for name in ("iin", "candidate", "unit"):
        column = table[name]
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            raise BadInput(
                f"signatures.{name}",
                "is written as text (an IIN as a number loses its leading zeros)",
                str(column.type),
            )
        columns[name] = column.cast(pa.string())
    for name in ("candidate", "unit"):
        trimmed: Any = pc.utf8_trim_whitespace(columns[name])
        empty = as_numpy(pc.fill_null(pc.equal(trimmed, pa.scalar("")), True))
        if empty.any():
            row = int(np.flatnonzero(empty)[0])
            raise BadInput(f"signatures[{row}].{name}", "must not be empty")
    columns["signed_on"] = _days(table["signed_on"])
    return pa.table(columns)


def _days(column: pa.ChunkedArray[Any]) -> pa.ChunkedArray[Any]:
    if pa.types.is_date32(column.type):
        days: Any = column
    elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        text = column.cast(pa.string())
        shaped: Any = pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$")
        parsed: Any = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        bad = ~as_numpy(pc.fill_null(shaped, False)) | as_numpy(pc.is_null(parsed))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise BadInput(
                f"signatures[{row}].signed_on",
                "must be a date written YYYY-MM-DD such as 2022-10-11",
                text[row].as_py(),
            )
        days = parsed.cast(pa.date32())
    else:
        raise BadInput(
            "signatures.signed_on", "must be a date or text YYYY-MM-DD", str(column.type)
        )
    if days.null_count:
        row = int(np.flatnonzero(as_numpy(pc.is_null(days)))[0])
        raise BadInput(f"signatures[{row}].signed_on", "must not be empty")
    return cast("pa.ChunkedArray[Any]", days)


def register_file(register: str | Path) -> Path:
    """The register's Parquet file: ``register`` itself or ``register.parquet`` in it."""
    path = Path(register)
    if path.is_dir():
        path = path / "register.parquet"
    if not path.is_file():
        raise BadInput("register", "must be a register folder or its register.parquet", str(path))
    schema = pq.read_schema(path)
    missing = [name for name in REGISTER_COLUMNS if name not in schema.names]
    if missing:
        raise BadInput(f"register.{missing[0]}", "is a required column of the register")
    return path


# --- the check ---------------------------------------------------------------------------

_CLASSIFY = """
WITH joined AS (
    SELECT s.row, s.iin, s.candidate, s.unit, s.signed_on, s.verdict,
           r.iin IS NOT NULL AS known, r.birth_date, r.region, r.district, r.precinct,
           r.exclusion, r.excluded_since, r.excluded_until
    FROM sig s LEFT JOIN (
        SELECT iin, birth_date, region::VARCHAR AS region, district::VARCHAR AS district,
               precinct::VARCHAR AS precinct, exclusion, excluded_since, excluded_until
        FROM read_parquet($register)
    ) r ON s.verdict = 0 AND r.iin = s.iin
),
first_pass AS (
    SELECT row, iin, candidate, signed_on, region, CASE
        WHEN verdict <> 0 THEN 1
        WHEN NOT known THEN 2
        WHEN year(signed_on) - year(birth_date)
             - CASE WHEN month(signed_on) * 100 + day(signed_on)
                         < month(birth_date) * 100 + day(birth_date) THEN 1 ELSE 0 END
             < $voting_age THEN 3
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
    SELECT row, repeated,
           first_value(candidate) OVER (
               PARTITION BY iin ORDER BY repeated, signed_on, row
           ) AS first_candidate,
           candidate
    FROM kept
)
SELECT f.row, f.region, CASE
    WHEN f.reason <> 0 THEN f.reason
    WHEN c.repeated THEN 6
    WHEN $one_candidate AND c.candidate <> c.first_candidate THEN 7
    ELSE 0 END AS reason
FROM first_pass f LEFT JOIN chosen c ON c.row = f.row
"""


def _reasons(
    con: duckdb.DuckDBPyConnection,
    signatures: pa.Table,
    register: Path,
    voting_age: int,
    one_candidate: bool,
) -> tuple[NDArray[np.int64], NDArray[np.int8], pa.ChunkedArray[Any]]:
    """The reason of every row of ``signatures`` (rows keep their order) and the IIN
    verdict codes."""
    iins = check_column(signatures["iin"])
    sig = signatures.append_column("verdict", pa.array(iins.verdict)).append_column(
        "row", pa.array(np.arange(signatures.num_rows, dtype=np.int64))
    )
    con.register("sig", sig)
    try:
        result = con.sql(
            _CLASSIFY + " ORDER BY f.row",
            params={
                "register": str(register),
                "voting_age": voting_age,
                "one_candidate": one_candidate,
            },
        ).to_arrow_table()
        if result.num_rows != signatures.num_rows:  # a signer joined to two register rows
            _refuse_repeated(con, register)
    finally:
        con.unregister("sig")
    return as_numpy(result["reason"]).astype(np.int64), iins.verdict, result["region"]


_REPEATED = """
SELECT iin FROM read_parquet($register)
WHERE iin IN (SELECT iin FROM sig WHERE verdict = 0)
GROUP BY iin HAVING count(*) > 1 ORDER BY iin LIMIT 1
"""


def _refuse_repeated(con: duckdb.DuckDBPyConnection, register: Path) -> None:
    """Refuse a register that holds a signer twice (asked only when the join has more rows
    than the signatures, so a sound register costs nothing more)."""
    found = con.sql(_REPEATED, params={"register": str(register)}).fetchall()
    iin = found[0][0] if found else None
    raise BadInput("register.iin", "a citizen is on the register once", iin)


def _one_candidate(rules: Rules, office: Office) -> tuple[bool, Citation]:
    if office is Office.PRESIDENT:
        return rules.presidency.signature_one_candidate, rules.presidency.cite(
            "signature_one_candidate"
        )
    if rules.senate is None:
        raise BadInput("office", f"there is no Senate on {rules.date.isoformat()}", office.value)
    return rules.senate.signature_one_candidate, rules.senate.cite("signature_one_candidate")


def _ceil(value: Fraction) -> int:
    return math.ceil(value)


def check_signatures(
    signatures: pa.Table,
    register: str | Path,
    rules: Rules,
    office: Office = Office.PRESIDENT,
    listed: int = LISTED,
    voters: Mapping[str, int] | None = None,
) -> SignatureCheck:
    """Every signature of ``signatures`` (see :func:`read_signatures`) checked against
    the register under ``rules`` (the law of the day the commission checks); ``voters``
    per region, when known, spares counting them on the register."""
    path = register_file(register)
    one_candidate, one_rule = _one_candidate(rules, office)
    if office is Office.SENATE and voters is None:
        raise BadInput(
            "voters",
            "a Senate candidate needs a share of the unit's electors, the deputies of its "
            "maslikhats, whom the voter register does not hold: give their number "
            f"({rules.senate.cite('signature_share') if rules.senate else 'senate'})",
        )
    age = rules.elections.voting_age
    with duckdb.connect() as con:
        reasons, verdicts, regions = _reasons(con, signatures, path, age, one_candidate)
        by_region = dict(voters) if voters is not None else count_voters(con, path, rules.date, age)
    total_voters = sum(by_region.values())
    rejected = {
        _RULE_OF[code]: int(n)
        for code, n in enumerate(np.bincount(reasons, minlength=8))
        if code and n
    }
    bad_iins = np.bincount(verdicts, minlength=len(IIN_RULES) + 1)
    invalid_iin = {
        rule: int(bad_iins[k + 1]) for k, rule in enumerate(IIN_RULES) if bad_iins[k + 1]
    }
    if office is Office.PRESIDENT:
        share, share_rule = (
            rules.presidency.signature_share,
            rules.presidency.cite("signature_share"),
        )
        units_share = rules.presidency.signature_units_share
        spread_rule: Citation | None = rules.presidency.cite("signature_units_share")
    else:
        assert rules.senate is not None
        share, share_rule = rules.senate.signature_share, rules.senate.cite("signature_share")
        units_share, spread_rule = None, None
    required = _ceil(share * total_voters)
    units = sorted(by_region)
    candidates = _standings(signatures, reasons, regions, units, required, units_share)
    citations = [rules.elections.cite("voting_age"), rules.elections.cite("voter_exclusions")]
    citations += [one_rule, share_rule] + ([spread_rule] if spread_rule else [])
    return SignatureCheck(
        office=office,
        on=rules.date,
        voters=total_voters,
        submitted=signatures.num_rows,
        valid=int((reasons == 0).sum()),
        rejected=rejected,
        invalid_iin=invalid_iin,
        candidates=candidates,
        listed=_listed(signatures, reasons, verdicts, listed),
        citations=tuple(citations),
    )


def _standings(
    signatures: pa.Table,
    reasons: NDArray[np.int64],
    regions: pa.ChunkedArray[Any],
    units: list[str],
    required: int,
    units_share: Fraction | None,
) -> tuple[CandidateSignatures, ...]:
    table = pa.table(
        {
            "candidate": signatures["candidate"],
            "region": regions,
            "valid": pa.array(reasons == 0),
        }
    )
    submitted = {
        row["candidate"]: row["count"]
        for row in table.group_by("candidate")
        .aggregate([("candidate", "count")])
        .rename_columns(["candidate", "count"])
        .to_pylist()
    }
    per_unit: dict[str, dict[str, int]] = {name: {} for name in submitted}
    valid_rows = table.filter(table["valid"])
    for row in (
        valid_rows.group_by(["candidate", "region"]).aggregate([("region", "count")]).to_pylist()
    ):
        per_unit[row["candidate"]][row["region"]] = row["region_count"]
    per_unit_required = None if units_share is None else _ceil(Fraction(required, len(units)))
    units_required = None if units_share is None else _ceil(units_share * len(units))
    standings = []
    for name in sorted(submitted):
        counts = {unit: per_unit[name].get(unit, 0) for unit in units}
        met = None
        if per_unit_required is not None:
            met = sum(1 for count in counts.values() if count >= per_unit_required)
        standings.append(
            CandidateSignatures(
                candidate=name,
                submitted=int(submitted[name]),
                valid=sum(per_unit[name].values()),
                per_unit=counts,
                required=required,
                per_unit_required=per_unit_required,
                units_required=units_required,
                units_met=met,
            )
        )
    return tuple(standings)


def _listed(
    signatures: pa.Table, reasons: NDArray[np.int64], verdicts: NDArray[np.int8], listed: int
) -> tuple[RejectedSignature, ...]:
    rows: list[int] = []
    for code in range(1, 8):
        rows.extend(int(r) for r in np.flatnonzero(reasons == code)[:listed])
    picked = signatures.take(pa.array(rows, type=pa.int64())).to_pylist() if rows else []
    out = []
    for row, values in zip(rows, picked, strict=True):
        verdict = int(verdicts[row])
        out.append(
            RejectedSignature(
                row=row,
                iin=values["iin"] or "",
                candidate=values["candidate"],
                unit=values["unit"],
                signed_on=values["signed_on"],
                rule=_RULE_OF[int(reasons[row])],
                iin_rule=IIN_RULES[verdict - 1] if verdict else None,
            )
        )
    return tuple(sorted(out, key=lambda r: r.row))


# --- sampling ----------------------------------------------------------------------------


def wilson(found: int, size: int, confidence: float) -> tuple[float, float]:
    """The Wilson score interval of a share ``found / size`` at ``confidence``."""
    if size <= 0:
        raise BadInput("sample", "must hold at least one signature", size)
    if not 0 < confidence < 1:
        raise BadInput("confidence", "must lie strictly between 0 and 1", confidence)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    share = found / size
    centre = share + z * z / (2 * size)
    spread = z * math.sqrt(share * (1 - share) / size + z * z / (4 * size * size))
    scale = 1 + z * z / size
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def sample_size(margin: float, confidence: float) -> int:
    """The sample that estimates any share within ``margin`` at ``confidence`` (the worst
    case, a share of one half)."""
    if not 0 < margin < 1:
        raise BadInput("margin", "must lie strictly between 0 and 1", margin)
    if not 0 < confidence < 1:
        raise BadInput("confidence", "must lie strictly between 0 and 1", confidence)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return math.ceil(z * z * 0.25 / (margin * margin))


def check_sample(
    signatures: pa.Table,
    register: str | Path,
    rules: Rules,
    size: int,
    confidence: float = 0.95,
    seed: int = 0,
    office: Office = Office.PRESIDENT,
) -> SampleEstimate:
    """Check ``size`` signatures drawn at random (seeded) and estimate the invalid share of
    the whole file. A sampled row's reason is exactly the one the full check gives: every
    row that shares an IIN with a sampled one is checked with it."""
    if not size > 0:
        raise BadInput("sample", "must hold at least one signature", size)
    total = signatures.num_rows
    picked = np.sort(
        np.random.default_rng(seed).choice(total, size=min(size, total), replace=False)
    )
    path = register_file(register)
    one_candidate, _ = _one_candidate(rules, office)
    iins: Any = pc.fill_null(cast(Any, signatures["iin"]), "")
    wanted = pc.is_in(iins, value_set=pc.unique(iins.take(picked)))
    related = np.flatnonzero(as_numpy(wanted))
    with duckdb.connect() as con:
        reasons, _, _ = _reasons(
            con, signatures.take(related), path, rules.elections.voting_age, one_candidate
        )
    sampled = reasons[np.searchsorted(related, picked)]
    counts = np.bincount(sampled, minlength=8)
    invalid = int((sampled != 0).sum())
    low, high = wilson(invalid, len(picked), confidence)
    return SampleEstimate(
        submitted=total,
        sample=len(picked),
        invalid=invalid,
        rejected={_RULE_OF[code]: int(n) for code, n in enumerate(counts) if code and n},
        confidence=confidence,
        low=low,
        high=high,
    )
