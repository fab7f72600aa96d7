"""A seeded synthetic national register of citizens on the 2023 night's territory.

Signatures, party rolls and precinct lists are checked against a register of about twelve
million people, which no one may publish; this one is drawn so that what is known is kept:

* the precincts are those of :func:`saylau.synth.national.generate` with the same seed
  (same region, district and precinct codes); the electors (18 or older on 19 March 2023
  and not excluded that day) number the official 2023 total, 12,035,578. A region whose
  figure in ``territory/regions.csv`` is one of 2023 (Kostanay, Turkistan, Ulytau, Astana)
  has exactly that many; the others (their figures are of 2024–2026, bounds such as
  '>416,000', or missing; the 2023 turnout-by-region file has percentages only) share the
  rest in proportion to the night's voters, and each region's electors are spread over its
  precincts in proportion to the night's lists;
* beside them the register holds citizens who are not electors that day: the two birth
  years under 18 (about 5 % of the electors, the size of the 2005–2006 cohorts against
  the 2023 electorate) and those excluded by §11 on the day (0.5 %: held in confinement
  or declared incapable); 0.3 % of the electors carry an exclusion that had ended;
* every IIN is valid and unique, carries the birth date and sex, and is drawn with
  NumPy a column at a time (the check digits too).

Age structure (an assumption, not a copy of a table): the weights of the five-year age
bands below follow the shape of the Bureau of National Statistics' 2023 population by
age — the small cohorts born in the late 1990s, the large ones of the 1980s, the thin
bands born in the war years; they are stated here so that they can be replaced by the
published table without touching the rest. Within a band birthdays are uniform. Women
are 53 % of the adults and 49 % of the minors. Names come from the candidate name pools of
``national``; one exclusion at most per person.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from saylau.register.iin import FIRST_WEIGHTS, SECOND_WEIGHTS
from saylau.synth.national import (
    _FIRST_FEMALE,
    _FIRST_MALE,
    _SURNAMES,
    BASE_PRECINCTS,
    ELECTION_DATE,
    _first_number,
    _split,
    _split_within,
    generate,
)
from saylau.territory import rows

I64 = NDArray[np.int64]

#: The assumed weights of the age bands of the electorate on the reference day
#: (lower bound of the band in years, weight); the last band runs to 100.
AGE_BANDS: tuple[tuple[int, float], ...] = (
    (18, 0.045),
    (20, 0.085),
    (25, 0.105),
    (30, 0.125),
    (35, 0.115),
    (40, 0.100),
    (45, 0.090),
    (50, 0.080),
    (55, 0.078),
    (60, 0.070),
    (65, 0.050),
    (70, 0.030),
    (75, 0.013),
    (80, 0.009),
    (85, 0.005),
)
OLDEST = 100
MINOR_SHARE = 0.05
EXCLUDED_SHARE = 0.005
PAST_EXCLUSION_SHARE = 0.003
FEMALE_ADULTS = 0.53
FEMALE_MINORS = 0.49
#: Registers are written in row groups of this many citizens.
ROW_GROUP = 1_000_000
FILE = "register.parquet"
META = "register.json"


@dataclass(frozen=True)
class SyntheticRegister:
    """The register as a table, and the electors per region it was drawn to match."""

    table: pa.Table
    reference_day: dt.date
    seed: int
    electors_per_region: dict[str, int]


def region_electors(night: I64, codes: list[str], scale: float) -> I64:
    """The electors of each region: the 2023 figure of ``regions.csv`` (scaled) where there
    is one, the rest of the night's total split over the others by the night's voters."""
    figures = {}
    for row in rows("regions.csv"):
        figure = _first_number(row["registered_voters"])
        if figure is not None and "2023" in row["voters_event"]:
            figures[row["iso_3166_2"]] = round(figure * scale)
    fixed = np.array([code in figures for code in codes])
    targets = np.array([figures.get(code, 0) for code in codes], dtype=np.int64)
    rest = int(night.sum()) - int(targets.sum())
    targets[~fixed] = _split(rest, night[~fixed].astype(np.float64))
    return targets


def _birthdays(
    rng: np.random.Generator, count: int, cutoff: np.datetime64, minors: bool
) -> NDArray[np.datetime64]:
    """Birth dates: adults on or before ``cutoff`` (their 18th birthday falls on or before
    the reference day) by the age bands, minors in the two years after it."""
    if minors:
        return cutoff + rng.integers(1, 2 * 365 + 1, count)
    starts = np.array([band[0] for band in AGE_BANDS] + [OLDEST], dtype=np.float64)
    weights = np.array([band[1] for band in AGE_BANDS])
    band = rng.choice(len(AGE_BANDS), size=count, p=weights / weights.sum())
    years = starts[band] - 18 + rng.random(count) * (starts[band + 1] - starts[band])
    return cutoff - np.floor(years * 365.2425).astype(np.int64)


def _serials(key: I64, first_sum: I64, second_sum: I64) -> tuple[I64, I64]:
    """A serial for each person, unique within their birth date and sex (``key``), whose
    IIN is issued (the second pass of the check digit does not give 10), and the check
    digit; ``first_sum`` and ``second_sum`` are the weighted sums of the first seven digits
    in the two passes."""
    count = len(key)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    new_group = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    starts = np.flatnonzero(new_group)
    group = np.cumsum(new_group) - 1
    rank = np.arange(count) - starts[group]
    following = np.r_[starts[1:], count] - starts  # the next unused rank of each group
    offset = (sorted_key * 2_654_435_761) % 10_000
    first_sum, second_sum = first_sum[order], second_sum[order]
    serial = np.empty(count, dtype=np.int64)
    check = np.empty(count, dtype=np.int64)
    pending = np.arange(count)
    while len(pending):
        drawn = (offset[pending] + rank[pending] * 7_919) % 10_000
        serial[pending] = drawn
        first, second = first_sum[pending], second_sum[pending]
        for position, power in zip(range(7, 11), (1000, 100, 10, 1), strict=True):
            digit = drawn // power % 10
            first = first + FIRST_WEIGHTS[position] * digit
            second = second + SECOND_WEIGHTS[position] * digit
        first %= 11
        check[pending] = np.where(first == 10, second % 11, first)
        pending = pending[check[pending] == 10]
        if len(pending):  # never issued: take the group's next unused serials
            groups = group[pending]
            first_of = np.r_[True, groups[1:] != groups[:-1]]
            run_start = np.flatnonzero(first_of)[np.cumsum(first_of) - 1]
            rank[pending] = following[groups] + np.arange(len(pending)) - run_start
            np.add.at(following, groups, 1)
    unsorted_serial = np.empty(count, dtype=np.int64)
    unsorted_check = np.empty(count, dtype=np.int64)
    unsorted_serial[order] = serial
    unsorted_check[order] = check
    return unsorted_serial, unsorted_check


def _iin_column(birth: NDArray[np.datetime64], male: NDArray[np.bool_]) -> pa.Array[Any]:
    """The IINs of people born on ``birth`` of the sex given, as a string column."""
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    century = np.where(year >= 2000, 5, 3) + np.where(male, 0, 1)
    yy = year % 100
    prefix = [yy // 10, yy % 10, month // 10, month % 10, day // 10, day % 10, century]
    first_sum = sum(w * d for w, d in zip(FIRST_WEIGHTS, prefix, strict=False))
    second_sum = sum(w * d for w, d in zip(SECOND_WEIGHTS, prefix, strict=False))
    key = birth.astype(np.int64) * 2 + male
    serial, check = _serials(key, np.asarray(first_sum), np.asarray(second_sum))
    digits = [*prefix, serial // 1000, serial // 100 % 10, serial // 10 % 10, serial % 10, check]
    matrix = np.empty((len(birth), 12), dtype=np.uint8)
    for position, digit in enumerate(digits):
        matrix[:, position] = digit + ord("0")
    offsets = np.arange(0, 12 * len(birth) + 1, 12, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(),
        len(birth),
        [None, pa.py_buffer(cast(Any, offsets)), pa.py_buffer(cast(Any, matrix.reshape(-1)))],
    )


def _name_dictionary() -> tuple[dict[str, list[str]], int, int]:
    """Every name the pools make, in three languages: men first, then women."""
    languages = ("en", "kk", "ru")
    names: dict[str, list[str]] = {language: [] for language in languages}
    for female, firsts in ((False, _FIRST_MALE), (True, _FIRST_FEMALE)):
        ending = ("a", "а", "а") if female else ("", "", "")
        for first in firsts:
            for surname in _SURNAMES:
                for i, language in enumerate(languages):
                    names[language].append(f"{first[i]} {surname[i]}{ending[i]}")
    return names, len(_FIRST_MALE) * len(_SURNAMES), len(_FIRST_FEMALE) * len(_SURNAMES)


def _dictionary(
    indices: NDArray[np.integer[Any]], values: list[str]
) -> pa.DictionaryArray[Any, Any]:
    return pa.DictionaryArray.from_arrays(indices.astype(np.int32), pa.array(values))


def generate_register(seed: int = 2023, precincts: int = BASE_PRECINCTS) -> SyntheticRegister:
    """The register of the 2023 night with ``precincts`` precincts, the same for a seed."""
    night = generate(seed, precincts)
    columns = night.protocols
    night_voters = (columns.voters_on_list[0::2] + columns.voters_added[0::2]).astype(np.int64)
    units = {unit.code: unit for unit in night.election.units}
    precinct_codes = list(columns.precinct_codes)
    district_codes = sorted({str(units[code].parent) for code in precinct_codes})
    region_codes = list(columns.region_codes)
    district_of = np.array(
        [district_codes.index(str(units[c].parent)) for c in precinct_codes], dtype=np.int64
    )
    region_of = columns.precinct_region.astype(np.int64)
    targets = region_electors(
        np.bincount(region_of, weights=night_voters, minlength=len(region_codes)).astype(np.int64),
        region_codes,
        precincts / BASE_PRECINCTS,
    )
    electors = _split_within(targets, region_of, night_voters.astype(np.float64))

    rng = np.random.default_rng([seed, 15])
    minors = rng.binomial(electors, MINOR_SHARE)
    excluded = rng.binomial(electors, EXCLUDED_SHARE)
    # each precinct: its electors, then minors, then those excluded on the day
    precinct = np.repeat(np.arange(len(electors)), electors + minors + excluded)
    first_row = np.r_[0, np.cumsum(electors + minors + excluded)[:-1]]
    within = np.arange(len(precinct)) - first_row[precinct]
    kind = np.where(
        within < electors[precinct], 0, np.where(within < (electors + minors)[precinct], 1, 2)
    )
    count = len(precinct)

    reference = np.datetime64(ELECTION_DATE, "D")
    cutoff = np.datetime64(ELECTION_DATE.replace(year=ELECTION_DATE.year - 18), "D")
    birth = np.empty(count, dtype="datetime64[D]")
    is_minor = kind == 1
    birth[is_minor] = _birthdays(rng, int(is_minor.sum()), cutoff, minors=True)
    birth[~is_minor] = _birthdays(rng, int((~is_minor).sum()), cutoff, minors=False)
    female_share = np.where(is_minor, FEMALE_MINORS, FEMALE_ADULTS)
    male = rng.random(count) >= female_share

    names, men, women = _name_dictionary()
    name = np.where(male, rng.integers(0, men, count), men + rng.integers(0, women, count))

    # exclusions: 1 confined, 2 incapable; those excluded on the day, then some past ones
    exclusion = np.zeros(count, dtype=np.int64)
    since = np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    until = np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    now = np.flatnonzero(kind == 2)
    exclusion[now] = np.where(rng.random(len(now)) < 0.6, 1, 2)
    since[now] = reference - rng.integers(0, 10 * 365, len(now))
    confined = now[exclusion[now] == 1]
    until[confined] = reference + rng.integers(1, 6 * 365, len(confined))
    past = np.flatnonzero((kind == 0) & (rng.random(count) < PAST_EXCLUSION_SHARE))
    exclusion[past] = 1
    until[past] = reference - rng.integers(1, 8 * 365, len(past))
    since[past] = until[past] - rng.integers(90, 6 * 365, len(past))

    iin = _iin_column(birth, male)
    exclusion_names = [None, "confined", "incapable"]
    table = pa.table(
        {
            "iin": iin,
            "name_kk": _dictionary(name, names["kk"]),
            "name_ru": _dictionary(name, names["ru"]),
            "name_en": _dictionary(name, names["en"]),
            "birth_date": pa.array(birth, type=pa.date32()),
            "sex": _dictionary(np.where(male, 0, 1), ["male", "female"]),
            "region": _dictionary(region_of[precinct], region_codes),
            "district": _dictionary(district_of[precinct], district_codes),
            "precinct": _dictionary(precinct, precinct_codes),
            "exclusion": pa.DictionaryArray.from_arrays(
                pa.array(exclusion - 1, mask=exclusion == 0, type=pa.int32()),
                pa.array(exclusion_names[1:]),
            ),
            "excluded_since": pa.array(since, type=pa.date32()),
            "excluded_until": pa.array(until, type=pa.date32()),
        }
    )
    per_region = np.bincount(region_of, weights=electors, minlength=len(region_codes))
    return SyntheticRegister(
        table=table,
        reference_day=ELECTION_DATE,
        seed=seed,
        electors_per_region={c: int(v) for c, v in zip(region_codes, per_region, strict=True)},
    )


def write_register(register: SyntheticRegister, folder: str | Path) -> Path:
    """Write ``register.parquet`` and ``register.json`` (seed, day, electors per region)
    into ``folder``; the Parquet file's path."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    path = target / FILE
    pq.write_table(register.table, path, row_group_size=ROW_GROUP, compression="zstd")
    meta = {
        "seed": register.seed,
        "reference_day": register.reference_day.isoformat(),
        "citizens": register.table.num_rows,
        "electors": sum(register.electors_per_region.values()),
        "electors_per_region": register.electors_per_region,
        "age_bands": [list(band) for band in AGE_BANDS],
    }
    (target / META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path


#: The shares of a drawn signature file that are made wrong on purpose.
BROKEN_IIN = 0.01
UNKNOWN_IIN = 0.01
OTHER_UNIT = 0.01
REPEATED = 0.01


def draw_signatures(
    register: pa.Table,
    count: int,
    candidates: tuple[str, ...],
    signed_from: dt.date,
    days: int,
    seed: int = 0,
) -> pa.Table:
    """``count`` signatures of people on ``register`` for ``candidates``, signed in the
    ``days`` days from ``signed_from``, each collected in the signer's region; about 1 %
    each have a mistyped IIN, an IIN not on the register, another region, or repeat an
    earlier row. Minors and those excluded sign as often as anyone."""
    rng = np.random.default_rng([seed, 56])
    people = rng.choice(register.num_rows, size=count, replace=count > register.num_rows)
    picked = register.take(people)
    iins = np.array(picked["iin"].to_numpy(zero_copy_only=False), dtype="U12")
    regions = picked["region"].cast(pa.string()).to_numpy(zero_copy_only=False).astype(object)
    unit_names = np.array(
        sorted({str(u) for u in register["region"].cast(pa.string()).unique().to_pylist()})
    )
    draw = rng.random(count)
    broken = np.flatnonzero(draw < BROKEN_IIN)
    digits = iins[broken].view("U1").reshape(-1, 12)
    position = rng.integers(0, 12, len(broken))
    old = digits[np.arange(len(broken)), position].astype(np.int64)
    digits[np.arange(len(broken)), position] = (
        (old + rng.integers(1, 10, len(broken))) % 10
    ).astype("U1")
    iins[broken] = digits.reshape(-1).view("U12")
    unknown = np.flatnonzero((draw >= BROKEN_IIN) & (draw < BROKEN_IIN + UNKNOWN_IIN))
    iins[unknown] = [_unknown_iin(int(k)) for k in rng.integers(0, 2_000_000, len(unknown))]
    moved = np.flatnonzero((draw >= 0.02) & (draw < 0.02 + OTHER_UNIT))
    regions[moved] = unit_names[rng.integers(0, len(unit_names), len(moved))]
    candidate = rng.integers(0, len(candidates), count)
    repeat = np.flatnonzero((draw >= 0.03) & (draw < 0.03 + REPEATED))
    repeat = repeat[repeat > 0]
    source = (rng.random(len(repeat)) * repeat).astype(np.int64)
    iins[repeat], regions[repeat], candidate[repeat] = (
        iins[source],
        regions[source],
        candidate[source],
    )
    signed = np.datetime64(signed_from, "D") + rng.integers(0, days, count)
    return pa.table(
        {
            "iin": pa.array(iins.tolist(), type=pa.string()),
            "candidate": _dictionary(candidate, list(candidates)).cast(pa.string()),
            "unit": pa.array(regions.tolist(), type=pa.string()),
            "signed_on": pa.array(signed, type=pa.date32()),
        }
    )


def _unknown_iin(k: int) -> str:
    """A valid IIN of a man born in 1850 (no one on a drawn register is that old)."""
    from saylau.register.iin import Sex, encode

    day = dt.date(1850, 1, 1) + dt.timedelta(days=k % 365)
    serial = k // 365 % 10_000
    while True:
        try:
            return encode(day, Sex.MALE, serial)
        except ValueError:
            serial = (serial + 1) % 10_000
