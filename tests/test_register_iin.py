"""The IIN: decoded to a birth date, sex and serial when valid, refused with the part at
fault and the rule it breaks when not (electoral-rules §11)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from saylau.model import BadInput
from saylau.register.iin import (
    IinRule,
    InvalidIin,
    Person,
    Sex,
    check_digit,
    decode,
    encode,
    parse_iin,
)

births = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31))
sexes = st.sampled_from(list(Sex))
serials = st.integers(min_value=0, max_value=9999)


@st.composite
def valid_iins(draw: st.DrawFn) -> tuple[str, dt.date, Sex, int]:
    birth, sex, serial = draw(births), draw(sexes), draw(serials)
    try:
        iin = encode(birth, sex, serial)
    except BadInput:
        assume(False)
        raise
    return iin, birth, sex, serial


def test_a_worked_example_first_pass() -> None:
    # 8·1 + 5·2 + 0·3 + 3·4 + 1·5 + 4·6 + 4·7 + 0·8 + 1·9 + 2·10 + 3·11 = 149 ≡ 6 (mod 11)
    assert decode("850314401236") == Person("850314401236", dt.date(1985, 3, 14), Sex.FEMALE, 123)


def test_a_worked_example_second_pass() -> None:
    # first pass: 9·1 + 1·4 + 1·6 + 3·7 + 8·10 + 1·11 = 131 ≡ 10, so a second pass:
    # 9·3 + 1·6 + 1·8 + 3·9 + 8·1 + 1·2 = 78 ≡ 1 (mod 11)
    assert check_digit("90010130081") == 1
    person = decode("900101300811")
    assert person == Person("900101300811", dt.date(1990, 1, 1), Sex.MALE, 81)


def test_both_passes_ten_is_never_issued() -> None:
    # first pass 120 ≡ 10, second pass 76 ≡ 10
    assert check_digit("90010130080") is None
    for last in "0123456789":
        found = decode("90010130080" + last)
        assert isinstance(found, InvalidIin)
        assert found.rule is IinRule.NOT_ISSUED
        assert found.part == "iin.serial"
    with pytest.raises(BadInput, match="both passes"):
        encode(dt.date(1990, 1, 1), Sex.MALE, 80)


@given(valid_iins())
@example(("900101300811", dt.date(1990, 1, 1), Sex.MALE, 81))
def test_encode_then_decode_gives_the_person_back(case: tuple[str, dt.date, Sex, int]) -> None:
    iin, birth, sex, serial = case
    assert decode(iin) == Person(iin, birth, sex, serial)
    assert parse_iin(iin, "iin") == Person(iin, birth, sex, serial)


@given(births, sexes, serials)
def test_encode_refuses_exactly_the_numbers_never_issued(
    birth: dt.date, sex: Sex, serial: int
) -> None:
    prefix = f"{birth:%y%m%d}"
    digit = {1800: 1, 1900: 3, 2000: 5}[birth.year // 100 * 100] + (sex is Sex.FEMALE)
    first_eleven = f"{prefix}{digit}{serial:04d}"
    if check_digit(first_eleven) is None:
        with pytest.raises(BadInput):
            encode(birth, sex, serial)
    else:
        assert encode(birth, sex, serial) == first_eleven + str(check_digit(first_eleven))


@given(valid_iins(), st.integers(0, 11), st.integers(1, 9))
def test_every_single_digit_change_is_caught_or_is_another_person(
    case: tuple[str, dt.date, Sex, int], position: int, shift: int
) -> None:
    iin, birth, sex, serial = case
    digit = (int(iin[position]) + shift) % 10
    changed = iin[:position] + str(digit) + iin[position + 1 :]
    found = decode(changed)
    if isinstance(found, InvalidIin):
        assert found.iin == changed
        if position == 11:
            assert found.rule is IinRule.CHECK_DIGIT
            assert found.found == str(digit) and found.required == iin[11]
    else:
        assert position != 11, "a changed check digit must never pass"
        assert (found.birth_date, found.sex, found.serial) != (birth, sex, serial)
        assert check_digit(changed[:11]) == int(changed[11])


@given(valid_iins(), st.sampled_from("0789"))
def test_a_century_digit_outside_one_to_six_is_refused(
    case: tuple[str, dt.date, Sex, int], digit: str
) -> None:
    iin = case[0]
    found = decode(iin[:6] + digit + iin[7:])
    assert isinstance(found, InvalidIin)
    assert (found.rule, found.part, found.found) == (IinRule.CENTURY_SEX, "iin.century_sex", digit)


@st.composite
def impossible_dates(draw: st.DrawFn) -> tuple[str, int]:
    """YYMMDD and a century digit that give no day: month 00 or 13+, or a day past the
    month's end (29 February included in a year that is not leap)."""
    digit = draw(st.integers(1, 6))
    century = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}[digit]
    yy = draw(st.integers(0, 99))
    if draw(st.booleans()):
        month = draw(st.sampled_from([0, *range(13, 100)]))
        day = draw(st.integers(0, 99))
    else:
        month = draw(st.integers(1, 12))
        year = century + yy + month // 12
        last = (dt.date(year, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        day = draw(st.sampled_from([0, *range(last + 1, 100)]))
    return f"{yy:02d}{month:02d}{day:02d}", digit


@given(impossible_dates(), st.integers(0, 9999), st.integers(0, 9))
@example(("000229", 3), 1, 0)  # 1900 was not a leap year
def test_a_birth_date_that_never_was_is_refused(
    date_and_century: tuple[str, int], serial: int, last: int
) -> None:
    yymmdd, digit = date_and_century
    iin = f"{yymmdd}{digit}{serial:04d}{last}"
    found = decode(iin)
    assert isinstance(found, InvalidIin)
    assert (found.rule, found.part, found.found) == (IinRule.BIRTH_DATE, "iin.birth_date", yymmdd)


def test_the_leap_day_depends_on_the_century_digit() -> None:
    # 29 February: 2000 was a leap year, 1900 was not
    assert isinstance(decode(encode(dt.date(2000, 2, 29), Sex.MALE, 1)), Person)
    first_eleven = "0002293" + "0001"
    found = decode(first_eleven + "0")
    assert isinstance(found, InvalidIin) and found.rule is IinRule.BIRTH_DATE


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("85031440123", IinRule.LENGTH),
        ("8503144012360", IinRule.LENGTH),
        ("", IinRule.LENGTH),
        ("85031440123x", IinRule.DIGITS),
        ("８５０３１４４０１２３６", IinRule.DIGITS),  # full-width digits are not ASCII digits
        ("85031440123 ", IinRule.DIGITS),
    ],
)
def test_length_and_digits(text: str, rule: IinRule) -> None:
    found = decode(text)
    assert isinstance(found, InvalidIin) and found.rule is rule and found.part == "iin"


@given(st.text(max_size=14))
def test_decode_never_raises(text: str) -> None:
    assert isinstance(decode(text), Person | InvalidIin)


def test_a_refusal_names_the_field_the_part_and_the_rule() -> None:
    with pytest.raises(BadInput) as caught:
        parse_iin("850314401230", "members[3]")
    assert caught.value.field == "members[3]"
    message = str(caught.value)
    assert message.startswith("field 'members[3]': iin.check_digit: ")
    assert "6 is expected, 0 was given" in message
    assert "No. 223-III" in message
    with pytest.raises(BadInput, match="string of 12 digits"):
        parse_iin(850314401236, "members[0]")


def test_encode_refuses_what_no_iin_can_hold() -> None:
    with pytest.raises(BadInput, match="1800 to 2099"):
        encode(dt.date(2100, 1, 1), Sex.MALE, 1)
    with pytest.raises(BadInput, match="four digits"):
        encode(dt.date(1990, 1, 1), Sex.MALE, 10000)


@pytest.mark.parametrize(
    "text",
    ["8503144012", "85031440123x", "851314401236", "850314701236", "850314401230", "900101300800"],
)
def test_each_refusal_gives_exactly_the_values_its_sentence_names(text: str) -> None:
    import re

    from saylau.register.messages import MESSAGES

    found = decode(text)
    assert isinstance(found, InvalidIin)
    named = set(re.findall(r"%\((\w+)\)s", MESSAGES[found.rule.value]))
    assert named == set(found.values)
