"""The IIN checked a column at a time: millions of numbers in one pass over their bytes.

:func:`saylau.register.iin.decode` reads one string in about 20 µs, which is minutes for a
national register or a million signatures. :func:`check_column` gives the same verdict
and the same rule for every entry of a column (read in the same order: length, digits,
century and sex, birth date, a number never issued, the check digit), computed with NumPy
over a ``rows × 12`` matrix of digits. A property test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from saylau.register.iin import FIRST_WEIGHTS, LENGTH, SECOND_WEIGHTS, IinRule

#: The verdict codes of a column: 0 is a valid IIN, ``k`` the rule ``RULES[k - 1]``.
VALID = 0
RULES: tuple[IinRule, ...] = (
    IinRule.LENGTH,
    IinRule.DIGITS,
    IinRule.CENTURY_SEX,
    IinRule.BIRTH_DATE,
    IinRule.NOT_ISSUED,
    IinRule.CHECK_DIGIT,
)
CODE = {rule: index + 1 for index, rule in enumerate(RULES)}

_CENTURY = np.array([0, 1800, 1800, 1900, 1900, 2000, 2000, 0, 0, 0], dtype=np.int32)
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


@dataclass(frozen=True, eq=False)
class IinColumn:
    """The verdict on each entry (``VALID`` or a rule's code) and, where valid, the birth
    date and sex the number carries (elsewhere the birth date is NaT)."""

    verdict: NDArray[np.int8]
    birth_date: NDArray[np.datetime64]
    male: NDArray[np.bool_]

    @property
    def valid(self) -> NDArray[np.bool_]:
        return np.asarray(self.verdict == VALID, dtype=np.bool_)

    def rule(self, index: int) -> IinRule | None:
        """The rule entry ``index`` breaks, None when it is a valid IIN."""
        code = int(self.verdict[index])
        return None if code == VALID else RULES[code - 1]


def _as_strings(
    iins: pa.Array[Any] | pa.ChunkedArray[Any] | Sequence[str | None],
) -> pa.StringArray:
    if isinstance(iins, pa.ChunkedArray):
        iins = iins.combine_chunks()
    if not isinstance(iins, pa.Array):
        iins = pa.array(iins, type=pa.string())
    if pa.types.is_large_string(iins.type) or pa.types.is_string_view(iins.type):
        iins = iins.cast(pa.string())
    if not pa.types.is_string(iins.type):
        raise TypeError(f"an IIN column holds strings, not {iins.type}")
    return cast(pa.StringArray, iins)


def digit_matrix(iins: pa.StringArray) -> NDArray[np.uint8]:
    """The bytes of a column whose every entry is twelve bytes long, as ``rows × 12``."""
    binary = iins.cast(pa.binary())
    _, offset_buffer, data_buffer = binary.buffers()
    assert offset_buffer is not None and data_buffer is not None
    offsets = np.frombuffer(cast(Any, offset_buffer), dtype=np.int32)[
        binary.offset : binary.offset + len(binary) + 1
    ]
    data = np.frombuffer(cast(Any, data_buffer), dtype=np.uint8)[offsets[0] : offsets[-1]]
    return np.asarray(data.reshape(-1, LENGTH), dtype=np.uint8)


def as_numpy(values: object) -> NDArray[Any]:
    """A pyarrow array or chunked array as NumPy (copied where it must be)."""
    return np.asarray(cast(Any, values).to_numpy(zero_copy_only=False))


def check_column(
    iins: pa.Array[Any] | pa.ChunkedArray[Any] | Sequence[str | None],
) -> IinColumn:
    """The verdict of :func:`~saylau.register.iin.decode` on every entry of ``iins``; a
    missing entry (null) is read as an empty string, refused for its length."""
    column = _as_strings(iins)
    count = len(column)
    verdict = np.zeros(count, dtype=np.int8)
    birth = np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    male = np.zeros(count, dtype=np.bool_)
    chars = as_numpy(pc.fill_null(cast(Any, pc.utf8_length(column)), 0))
    nbytes = as_numpy(pc.fill_null(cast(Any, pc.binary_length(column)), 0))
    verdict[chars != LENGTH] = CODE[IinRule.LENGTH]
    verdict[(chars == LENGTH) & (nbytes != LENGTH)] = CODE[IinRule.DIGITS]  # not ASCII
    rows = np.nonzero(verdict == VALID)[0]
    if len(rows) == 0:
        return IinColumn(verdict, birth, male)
    raw = digit_matrix(column if len(rows) == count else column.take(rows))
    codes = np.zeros(len(rows), dtype=np.int8)

    def refuse(where: NDArray[np.bool_], rule: IinRule) -> None:
        codes[where & (codes == VALID)] = CODE[rule]

    refuse(np.asarray(((raw < ord("0")) | (raw > ord("9"))).any(axis=1)), IinRule.DIGITS)
    # one int32 vector per position (a non-digit wraps, but its row is refused already)
    digit = [(raw[:, k] - ord("0")).astype(np.int32) % 10 for k in range(LENGTH)]
    century = _CENTURY[digit[6]]
    refuse(century == 0, IinRule.CENTURY_SEX)
    year = century + 10 * digit[0] + digit[1]
    month = 10 * digit[2] + digit[3]
    day = 10 * digit[4] + digit[5]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    good_month = (month >= 1) & (month <= 12)
    last_day = _MONTH_DAYS[np.where(good_month, month, 0)] + (leap & (month == 2))
    refuse(~good_month | (day < 1) | (day > last_day), IinRule.BIRTH_DATE)
    expected = check_digits(digit[:11])
    refuse(expected == 10, IinRule.NOT_ISSUED)
    refuse(expected != digit[11], IinRule.CHECK_DIGIT)
    verdict[rows] = codes
    ok = codes == VALID
    good = rows[ok]
    birth[good] = _dates(year[ok], month[ok], day[ok])
    male[good] = digit[6][ok] % 2 == 1
    return IinColumn(verdict, birth, male)


def _dates(
    year: NDArray[np.int32], month: NDArray[np.int32], day: NDArray[np.int32]
) -> NDArray[np.datetime64]:
    months = (year.astype(np.int64) - 1970) * 12 + (month - 1)
    first_days = months.astype("datetime64[M]").astype("datetime64[D]")
    return np.asarray(first_days + (day - 1), dtype="datetime64[D]")


def check_digits(first_eleven: Sequence[NDArray[np.int32]]) -> NDArray[np.int32]:
    """The check digit of eleven digit vectors (one per position), 10 where no IIN is
    issued with them."""
    first = sum((w * d for w, d in zip(FIRST_WEIGHTS, first_eleven, strict=True)), np.int32(0))
    second = sum((w * d for w, d in zip(SECOND_WEIGHTS, first_eleven, strict=True)), np.int32(0))
    return np.asarray(np.where(first % 11 == 10, second % 11, first % 11), dtype=np.int32)
