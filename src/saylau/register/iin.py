"""The individual identification number (IIN): twelve digits that carry a birth date, the
century and sex, a serial and a check digit.

Every roll, register and signature sheet names people by IIN, so a mistyped digit must be
caught before it counts someone who does not exist or counts one person twice. The layout
(electoral-rules §11): ``YYMMDD`` of birth; one digit for the century and sex (1/2 born in
the 1800s, 3/4 in the 1900s, 5/6 in the 2000s; odd male, even female); four serial digits;
one check digit, the weighted sum of the first eleven mod 11 with weights 1..11, or, when
that gives 10, with weights 3..11, 1, 2; a number whose second pass also gives 10 is never
issued.

:func:`decode` answers with the person or with an :class:`InvalidIin` naming the part of
the number at fault and the rule it breaks; it never raises on any string.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from operator import mul

from saylau.model import BadInput
from saylau.register.messages import english

#: Where the IIN's layout and check digit come from.
SOURCE = (
    "Law 'On National Registers of Identification Numbers' of 12 January 2007 No. 223-III; "
    "the IIN's layout and check digit as electoral-rules §11 states them"
)

LENGTH = 12
FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_ZERO = ord("0")
#: The first year of the century each pair of century-and-sex digits stands for.
CENTURY_START = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class IinRule(StrEnum):
    """The rule of the IIN's layout a number breaks; the value is its message key."""

    LENGTH = "iin_length"
    DIGITS = "iin_digits"
    BIRTH_DATE = "iin_birth_date"
    CENTURY_SEX = "iin_century_sex"
    CHECK_DIGIT = "iin_check_digit"
    NOT_ISSUED = "iin_not_issued"


#: The part of the twelve digits each rule reads, named as a field.
PART = {
    IinRule.LENGTH: "iin",
    IinRule.DIGITS: "iin",
    IinRule.BIRTH_DATE: "iin.birth_date",
    IinRule.CENTURY_SEX: "iin.century_sex",
    IinRule.CHECK_DIGIT: "iin.check_digit",
    IinRule.NOT_ISSUED: "iin.serial",
}


@dataclass(frozen=True, slots=True)
class Person:
    """What a valid IIN says about its holder."""

    iin: str
    birth_date: dt.date
    sex: Sex
    serial: int


@dataclass(frozen=True, slots=True)
class InvalidIin:
    """Why a string is not an IIN: the part at fault, the rule, what was found and (for the
    check digit) what was expected."""

    iin: str
    rule: IinRule
    found: str
    required: str | None = None

    @property
    def part(self) -> str:
        return PART[self.rule]

    @property
    def values(self) -> dict[str, object]:
        """The values the rule's sentence names (none for a number never issued)."""
        if self.rule is IinRule.NOT_ISSUED:
            return {}
        if self.required is None:
            return {"found": self.found}
        return {"found": self.found, "required": self.required}

    def __str__(self) -> str:
        return f"{english(self.rule.value, self.values)} ({SOURCE})"

    def error(self, field: str) -> BadInput:
        """The refusal of an input ``field`` that should hold an IIN."""
        return BadInput(field, f"{self.part}: {self}", self.iin)


def check_digit(first_eleven: str) -> int | None:
    """The check digit of eleven ASCII digits, or None when no IIN is issued with them.

    Each digit is read as its character code less that of ``0`` (a register of millions
    decodes every IIN, so the sum is taken over the bytes at once)."""
    codes = first_eleven.encode("ascii")
    first: int = (sum(map(mul, FIRST_WEIGHTS, codes)) - _ZERO * sum(FIRST_WEIGHTS)) % 11
    if first != 10:
        return first
    second: int = (sum(map(mul, SECOND_WEIGHTS, codes)) - _ZERO * sum(SECOND_WEIGHTS)) % 11
    return None if second == 10 else second


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def decode(iin: str) -> Person | InvalidIin:
    """The person an IIN names, or the first rule of its layout it breaks (read left to
    right: length, digits, birth date, century digit, check digit)."""
    if len(iin) != LENGTH:
        return InvalidIin(iin, IinRule.LENGTH, str(len(iin)))
    if not _is_ascii_digits(iin):
        return InvalidIin(iin, IinRule.DIGITS, iin)
    century_digit = int(iin[6])
    start = CENTURY_START.get(century_digit)
    if start is None:
        return InvalidIin(iin, IinRule.CENTURY_SEX, iin[6])
    try:
        birth = dt.date(start + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return InvalidIin(iin, IinRule.BIRTH_DATE, iin[0:6])
    expected = check_digit(iin[:11])
    if expected is None:
        return InvalidIin(iin, IinRule.NOT_ISSUED, iin[:11])
    if expected != int(iin[11]):
        return InvalidIin(iin, IinRule.CHECK_DIGIT, iin[11], str(expected))
    sex = Sex.MALE if century_digit % 2 == 1 else Sex.FEMALE
    return Person(iin=iin, birth_date=birth, sex=sex, serial=int(iin[7:11]))


def century_sex_digit(birth_date: dt.date, sex: Sex) -> int:
    """The seventh digit for a birth date and sex; BadInput outside 1800–2099."""
    for digit, start in CENTURY_START.items():
        if start <= birth_date.year < start + 100 and (digit % 2 == 1) == (sex is Sex.MALE):
            return digit
    raise BadInput("birth_date", "an IIN encodes births from 1800 to 2099", birth_date.isoformat())


def encode(birth_date: dt.date, sex: Sex, serial: int) -> str:
    """The IIN of a birth date, sex and serial; BadInput when no IIN is issued with them."""
    if not 0 <= serial <= 9999:
        raise BadInput("serial", "the serial of an IIN is four digits, 0000 to 9999", serial)
    first_eleven = f"{birth_date:%y%m%d}{century_sex_digit(birth_date, sex)}{serial:04d}"
    digit = check_digit(first_eleven)
    if digit is None:
        raise BadInput("serial", english(IinRule.NOT_ISSUED.value, {}), serial)
    return first_eleven + str(digit)


def parse_iin(value: object, field: str) -> Person:
    """An input field that must hold a valid IIN (a string of twelve digits)."""
    if not isinstance(value, str):
        raise BadInput(field, "an IIN is written as a string of 12 digits", value)
    decoded = decode(value)
    if isinstance(decoded, InvalidIin):
        raise decoded.error(field)
    return decoded
