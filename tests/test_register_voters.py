"""The national register: IINs checked a column at a time exactly as one at a time, the
synthetic register true to the night's territory and counts, and a precinct's list derived
for a day on both sides of the 18th birthday and of an exclusion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from saylau.model import BadInput
from saylau.register.electors import count_voters, precinct_list
from saylau.register.iin import InvalidIin, Sex, decode, encode
from saylau.register.iin_columns import check_column
from saylau.service.citizens import load_register
from saylau.service.context import Context
from saylau.store.tables import CitizenRow
from saylau.synth.national import ELECTION_DATE, generate
from saylau.synth.register import SyntheticRegister, generate_register, write_register
from tests.databases import database
from tests.register_files import Citizen
from tests.register_files import write_register as write_small_register

births = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31))


@st.composite
def valid_iins(draw: st.DrawFn) -> str:
    birth, sex, serial = draw(births), draw(st.sampled_from(list(Sex))), draw(st.integers(0, 9999))
    try:
        return encode(birth, sex, serial)
    except BadInput:
        assume(False)
        raise


@st.composite
def corrupted_iins(draw: st.DrawFn) -> str:
    iin = draw(valid_iins())
    how = draw(st.sampled_from(["digit", "swap", "cut", "extend", "char", "any"]))
    position = draw(st.integers(0, 11))
    if how == "digit":
        return iin[:position] + draw(st.sampled_from("0123456789")) + iin[position + 1 :]
    if how == "swap" and position < 11:
        return iin[:position] + iin[position + 1] + iin[position] + iin[position + 2 :]
    if how == "cut":
        return iin[:position]
    if how == "extend":
        return iin + draw(st.sampled_from("0123456789"))
    if how == "char":
        return iin[:position] + draw(st.sampled_from("a ٣é-")) + iin[position + 1 :]
    return draw(st.text(max_size=14))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(valid_iins(), corrupted_iins()), min_size=1, max_size=60))
def test_the_column_verdict_is_the_scalar_verdict(iins: list[str]) -> None:
    column = check_column(iins)
    for index, iin in enumerate(iins):
        decoded = decode(iin)
        if isinstance(decoded, InvalidIin):
            assert column.rule(index) is decoded.rule, iin
        else:
            assert column.rule(index) is None, iin
            assert column.birth_date[index] == np.datetime64(decoded.birth_date)
            assert bool(column.male[index]) == (decoded.sex is Sex.MALE)


def test_a_missing_iin_is_refused_for_its_length() -> None:
    column = check_column(["900101300811", None])
    assert column.rule(0) is None
    missing = column.rule(1)
    assert missing is not None and missing.value == "iin_length"


# --- the synthetic register --------------------------------------------------------------

PRECINCTS = 223  # one per district: the smallest night, about 285,000 citizens


@pytest.fixture(scope="module")
def register() -> SyntheticRegister:
    return generate_register(seed=5, precincts=PRECINCTS)


def test_every_iin_is_valid_unique_and_carries_the_birth_date_and_sex(
    register: SyntheticRegister,
) -> None:
    table = register.table
    column = check_column(table["iin"])
    assert column.valid.all()
    assert pc.count_distinct(table["iin"]).as_py() == table.num_rows
    assert (column.birth_date == table["birth_date"].to_numpy()).all()
    sex = table["sex"].cast(pa.string()).to_numpy(zero_copy_only=False)
    assert (column.male == (sex == "male")).all()


def test_the_electors_are_the_official_total_and_the_2023_regional_figures(
    register: SyntheticRegister, tmp_path: Path
) -> None:
    scale = PRECINCTS / 10_000
    electors = register.electors_per_region
    assert sum(electors.values()) == round(12_035_578 * scale)
    # regions.csv figures of 2023: Kostanay, Turkistan, Ulytau, Astana
    for code, figure in {"KZ-39": 554_655, "KZ-61": 1_177_507, "KZ-62": 138_277}.items():
        assert electors[code] == round(figure * scale)
    path = write_register(register, tmp_path)
    with duckdb.connect() as con:
        counted = count_voters(con, path, ELECTION_DATE, 18)
    assert counted == electors
    assert register.table.num_rows > sum(electors.values())  # minors and the excluded


def test_the_precincts_are_the_nights(register: SyntheticRegister) -> None:
    night = generate(5, PRECINCTS)
    codes = {u.code for u in night.election.units if u.level == "precinct"}
    assert set(register.table["precinct"].cast(pa.string()).unique().to_pylist()) == codes
    parents = {u.code: u.parent for u in night.election.units}
    sample = register.table.slice(0, 2_000).to_pylist()
    assert all(parents[row["precinct"]] == row["district"] for row in sample)
    assert all(parents[row["district"]] == row["region"] for row in sample)


def test_the_same_seed_draws_the_same_register(register: SyntheticRegister) -> None:
    again = generate_register(seed=5, precincts=PRECINCTS)
    assert again.table["iin"].equals(register.table["iin"])
    other = generate_register(seed=6, precincts=PRECINCTS)
    assert not other.table["iin"].slice(0, 1000).equals(register.table["iin"].slice(0, 1000))


# --- a precinct's list on a day ----------------------------------------------------------

DAY = dt.date(2023, 3, 19)


def _citizen(
    birth: dt.date,
    serial: int,
    exclusion: str | None = None,
    excluded_since: dt.date | None = None,
    excluded_until: dt.date | None = None,
) -> Citizen:
    iin = encode(birth, Sex.FEMALE, serial)
    where = ("KZ-10", "KZ-10-D01", "KZ-10-D01-P0001")
    return Citizen(iin, birth, *where, exclusion, excluded_since, excluded_until)


def test_a_precinct_list_takes_those_18_on_the_day_and_not_excluded(tmp_path: Path) -> None:
    eighteen = _citizen(dt.date(2005, 3, 19), 1)
    a_day_short = _citizen(dt.date(2005, 3, 20), 2)
    leap = _citizen(dt.date(2004, 2, 29), 3)  # 18 on 1 March 2022
    confined = _citizen(
        dt.date(1980, 1, 1),
        4,
        exclusion="confined",
        excluded_since=DAY,
        excluded_until=DAY + dt.timedelta(days=30),
    )
    released = _citizen(
        dt.date(1980, 1, 1),
        5,
        exclusion="confined",
        excluded_since=dt.date(2020, 1, 1),
        excluded_until=DAY - dt.timedelta(days=1),
    )
    folder = write_small_register(tmp_path, [eighteen, a_day_short, leap, confined, released])
    path = folder / "register.parquet"
    listed = [
        str(iin) for iin in precinct_list(path, "KZ-10-D01-P0001", DAY, 18)["iin"].to_pylist()
    ]
    assert sorted(listed) == sorted([eighteen.iin, leap.iin, released.iin])
    on_leap_eve = precinct_list(path, "KZ-10-D01-P0001", dt.date(2022, 2, 28), 18)
    assert leap.iin not in on_leap_eve["iin"].to_pylist()
    on_leap_day = precinct_list(path, "KZ-10-D01-P0001", dt.date(2022, 3, 1), 18)
    assert leap.iin in on_leap_day["iin"].to_pylist()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_register_loads_whole_and_a_bad_one_changes_nothing(
    backend: str, tmp_path: Path
) -> None:
    people = []
    for k in range(400):
        try:
            people.append(_citizen(dt.date(1990, 1, 1) + dt.timedelta(days=k), k))
        except BadInput:  # never issued with this serial
            continue
    people = people[:300]
    people.append(_citizen(dt.date(1970, 1, 1), 1, "incapable", dt.date(2020, 1, 1)))
    good = write_small_register(tmp_path / "good", people)
    bad = write_small_register(tmp_path / "bad", [*people[:10], people[3]])
    with database(backend, tmp_path) as url:
        ctx = Context.open(url)
        try:
            assert load_register(ctx, good) == 301
            assert load_register(ctx, good) == 301  # replaced, not added
            with pytest.raises(BadInput, match="on the register once"):
                load_register(ctx, bad)
            with ctx.transaction() as session:
                assert session.scalar(select(func.count()).select_from(CitizenRow)) == 301
                row = session.get(CitizenRow, people[-1].iin)
                assert row is not None and row.exclusion == "incapable"
                assert row.excluded_since == dt.date(2020, 1, 1) and row.excluded_until is None
        finally:
            ctx.engine.dispose()


def test_the_synth_command_writes_the_register(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from saylau.cli import app

    runner = CliRunner()
    done = runner.invoke(app, ["synth", "--register", "--out", str(tmp_path), "--precincts", "223"])
    assert done.exit_code == 0, done.output
    meta = json.loads((tmp_path / "register.json").read_text(encoding="utf-8"))
    assert meta["electors"] == round(12_035_578 * 223 / 10_000)
    assert meta["reference_day"] == "2023-03-19"
    other = runner.invoke(
        app, ["synth", "--register", "--out", str(tmp_path), "--night", "2022-referendum"]
    )
    assert other.exit_code == 2 and "night" in other.stderr
