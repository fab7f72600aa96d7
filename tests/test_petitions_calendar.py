"""The working-day calendar petitions and assemblies count their deadlines on."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.law import LawDataError, law_book
from saylau.law.calendar import (
    PACKAGE_TRANSFER,
    OutsideCalendar,
    add_working_days,
    is_working_day,
    load_calendar,
    working_calendar,
    working_days_between,
)

D = dt.date
CALENDAR = working_calendar()
DAYS = st.dates(min_value=CALENDAR.first, max_value=D(CALENDAR.last.year, 10, 31))


def test_plain_weekdays_and_weekends() -> None:
    assert is_working_day(D(2025, 6, 11))  # a Wednesday
    assert not is_working_day(D(2025, 6, 14))  # a Saturday
    assert not is_working_day(D(2025, 6, 15))  # a Sunday


def test_nauryz_on_a_weekend_moves_to_the_next_working_days() -> None:
    # 2026: Nauryz 21-23 March is Saturday to Monday; Saturday's and Sunday's days off move
    # to Tuesday and Wednesday (Labour Code art. 85, as the holidays package applies it).
    for day in (21, 22, 23, 24, 25):
        assert not is_working_day(D(2026, 3, day)), day
    assert is_working_day(D(2026, 3, 20))
    assert is_working_day(D(2026, 3, 26))


def test_orthodox_christmas_on_a_sunday_is_not_moved() -> None:
    assert not is_working_day(D(2024, 1, 7))
    assert is_working_day(D(2024, 1, 8))


def test_transferred_days_off_and_worked_saturdays() -> None:
    assert not is_working_day(D(2024, 5, 8))  # Wednesday, day off by decree
    assert is_working_day(D(2024, 5, 4))  # Saturday worked instead
    assert not is_working_day(D(2025, 1, 3))  # Friday rested
    assert is_working_day(D(2025, 1, 5))  # Sunday worked
    # 2020: Victory Day's observed Monday was worked and Friday 8 May rested instead.
    assert is_working_day(D(2020, 5, 11))
    assert not is_working_day(D(2020, 5, 8))


def test_the_transfers_data_agrees_with_the_package_where_both_have_them() -> None:
    package = holidays.country_holidays("KZ", years=range(2020, 2026), language="en_US")
    for year in range(2020, 2026):
        transfers = CALENDAR.years[year].transfers
        theirs = {d for d in package.weekend_workdays if d.year == year}
        assert theirs <= {t.working_day for t in transfers}, year
        moved = {d for d, name in package.items() if name.startswith(PACKAGE_TRANSFER)}
        assert {d for d in moved if d.year == year} == {t.day_off for t in transfers}, year


def test_an_unsourced_year_is_open() -> None:
    year = CALENDAR.years[2026]
    assert year.transfers == ()
    assert year.open


def test_day_one_is_the_first_working_day_after_the_event() -> None:
    assert add_working_days(D(2025, 6, 10), 1) == D(2025, 6, 11)
    assert add_working_days(D(2025, 6, 13), 1) == D(2025, 6, 16)  # Friday to Monday
    assert add_working_days(D(2025, 6, 13), 0) == D(2025, 6, 13)
    assert CALENDAR.reading.open  # the reading is stated as an open point


def test_a_moderation_deadline_across_nauryz() -> None:
    # 20 working days from Monday 9 March 2026: Nauryz (21-25 March, weekend days moved)
    # adds three weekdays, so the deadline is 9 April, not 6 April.
    assert add_working_days(D(2026, 3, 9), 20) == D(2026, 4, 9)
    assert working_days_between(D(2026, 3, 9), D(2026, 4, 8)) == 19
    assert working_days_between(D(2026, 3, 9), D(2026, 4, 9)) == 20


def test_a_three_day_answer_across_a_transferred_day_off() -> None:
    # Notification on Friday 3 May 2024: Saturday 4 May is worked (day 1), Tuesday 7 May is
    # Defender's Day and Wednesday 8 May the day off moved to it.
    assert add_working_days(D(2024, 5, 3), 1) == D(2024, 5, 4)
    assert add_working_days(D(2024, 5, 3), 3) == D(2024, 5, 10)
    assert working_days_between(D(2024, 5, 3), D(2024, 5, 9)) == 2


def test_dates_outside_the_calendar_are_refused() -> None:
    with pytest.raises(OutsideCalendar) as caught:
        is_working_day(D(2019, 12, 31))
    assert caught.value.field == "date"
    assert "2019-12-31" in str(caught.value)
    with pytest.raises(OutsideCalendar):
        add_working_days(D(2026, 12, 30), 5)
    with pytest.raises(ValueError, match="count"):
        add_working_days(D(2025, 1, 10), -1)


def test_the_law_book_does_not_read_the_calendar_as_an_institution() -> None:
    assert "working_days" not in law_book().institutions


def test_a_year_without_transfers_or_a_reason_does_not_load() -> None:
    text = """
deadline_reading: {text: day 1 is the next day, source: Civil Code art. 170}
years:
  - {year: 2024, source: a decree, transfers: []}
"""
    with pytest.raises(LawDataError, match=r"years\[0\].*open"):
        load_calendar(text)
    gap = """
deadline_reading: {text: day 1 is the next day, source: Civil Code art. 170}
years:
  - {year: 2023, source: s, transfers: [{day_off: 2023-07-07, working_day: 2023-07-01}]}
  - {year: 2025, source: s, transfers: [{day_off: 2025-01-03, working_day: 2025-01-05}]}
"""
    with pytest.raises(LawDataError, match=r"\[2024\]"):
        load_calendar(gap)


@given(DAYS, st.integers(min_value=1, max_value=40))
def test_a_deadline_lands_on_a_working_day_and_inverts(start: dt.date, count: int) -> None:
    end = add_working_days(start, count)
    assert is_working_day(end)
    assert end > start
    assert working_days_between(start, end) == count
    assert working_days_between(start, end - dt.timedelta(days=1)) == count - 1


@given(DAYS, st.integers(min_value=0, max_value=40))
def test_a_deadline_grows_with_its_period(start: dt.date, count: int) -> None:
    assert add_working_days(start, count + 1) > add_working_days(start, count)


def test_a_deadline_reads_the_transfers_data() -> None:
    # Without the 2024 decree, Saturday 4 May is rested and Wednesday 8 May worked.
    shipped = resources.files("saylau.law").joinpath("data", "calendar.yaml").read_text("utf-8")
    decree = "    transfers:\n      - {day_off: 2024-05-08, working_day: 2024-05-04}\n"
    assert decree in shipped
    without = load_calendar(shipped.replace(decree, '    open: "left out"\n    transfers: []\n'))
    assert without.years[2024].open == "left out"
    assert without.is_working_day(D(2024, 5, 8))
    assert not without.is_working_day(D(2024, 5, 4))
    assert without.add_working_days(D(2024, 5, 3), 2) == D(2024, 5, 8)
    assert CALENDAR.add_working_days(D(2024, 5, 3), 2) == D(2024, 5, 6)
