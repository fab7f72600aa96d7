"""Peaceful assemblies as pure rules: the checks on a notice, its deadlines on the
working-day calendar (holidays and transfers on both sides of each), the lifecycle, the
places data and the overlaps the calendar flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.assemblies.kinds import Procedure
from saylau.assemblies.lifecycle import (
    Agree,
    Approve,
    GoAhead,
    Refuse,
    State,
    Withdraw,
    advance,
    answer_overdue,
    filed,
)
from saylau.assemblies.notification import Accepted, Notification, check, latest_filing, lead_days
from saylau.assemblies.overlaps import Slot, overlaps
from saylau.assemblies.places import PlacesDataError, load_places, place_book
from saylau.assemblies.refusal import Refused
from saylau.law.calendar import working_calendar
from saylau.law.rules import AssemblyRules, rules_at

D = dt.date
T = dt.datetime
CALENDAR = working_calendar()
PLACES = place_book()


def notice(
    filed_on: D,
    day: D,
    kind: str = "meeting",
    place: str = "gandhi-park",
    city: str = "KZ-75",
    participants: int = 50,
) -> Notification:
    return Notification(
        organiser="Aigerim Nurlanqyzy",
        kind=kind,
        city=city,
        place=place,
        starts=T(day.year, day.month, day.day, 11),
        ends=T(day.year, day.month, day.day, 13),
        participants=participants,
        purpose="Keep the park's trees",
        filed_on=filed_on,
    )


def rules_of(n: Notification) -> AssemblyRules:
    law = rules_at(n.filed_on).assemblies
    assert law is not None
    return law


def accept(n: Notification) -> Accepted:
    return check(n, rules_of(n), PLACES, CALENDAR)


def refusal_rules(n: Notification) -> list[tuple[str, str]]:
    with pytest.raises(Refused) as caught:
        accept(n)
    return [(r.field, r.rule) for r in caught.value.refusals]


# --- the answer deadline: 3 working days for a notification, 7 for an approval request ---


def test_answer_deadline_across_may_2024_holidays_and_the_transfer() -> None:
    # Filed Thu 2 May 2024: Fri 3 (1), Sat 4 worked by decree (2), Mon 6 (3).
    assert accept(notice(D(2024, 5, 2), D(2024, 5, 20))).answer_due == D(2024, 5, 6)
    # Filed Fri 3 May: Sat 4 (1), Mon 6 (2); Tue 7 Defender's Day, Wed 8 rested by decree,
    # Thu 9 Victory Day; Fri 10 (3).
    assert accept(notice(D(2024, 5, 3), D(2024, 5, 20))).answer_due == D(2024, 5, 10)


def test_answer_deadline_across_the_new_year_2025_transfer() -> None:
    # Filed Tue 31 Dec 2024: 1-2 Jan New Year, Fri 3 Jan rested by decree, Sun 5 Jan worked
    # (1), Mon 6 (2), Tue 7 Orthodox Christmas, Wed 8 (3).
    assert accept(notice(D(2024, 12, 31), D(2025, 1, 20))).answer_due == D(2025, 1, 8)


def test_approval_deadline_is_seven_working_days_across_holidays() -> None:
    # Filed Thu 2 May 2024: 3, 4 (worked Saturday), 6, 10, 13, 14, 15.
    accepted = accept(notice(D(2024, 5, 2), D(2024, 5, 31), kind="march", place="shevchenko-route"))
    assert accepted.procedure is Procedure.APPROVAL
    assert accepted.answer_due == D(2024, 5, 15)


# --- the lead time: 5 working days strictly between filing and the assembly's day ---


def test_lead_time_counts_the_worked_saturday_and_skips_the_holidays() -> None:
    # Assembly Mon 13 May 2024: Fri 10 (1); 9, 8, 7 off; Mon 6 (2); Sat 4 worked (3);
    # Fri 3 (4); Thu 2 (5): the latest filing day is Wed 1 May.
    day = D(2024, 5, 13)
    assert latest_filing(day, 5, CALENDAR) == D(2024, 5, 1)
    assert accept(notice(D(2024, 5, 1), day)).latest_filing == D(2024, 5, 1)
    assert refusal_rules(notice(D(2024, 5, 2), day)) == [("starts", "assembly_lead_time")]


def test_lead_time_across_a_holiday_moved_off_a_weekend() -> None:
    # 8 March 2025 fell on a Saturday and moved to Monday 10 March. Assembly Fri 14 March:
    # 13, 12, 11, (10 off), 7, 6: the latest filing day is Wed 5 March.
    day = D(2025, 3, 14)
    accept(notice(D(2025, 3, 5), day))
    assert refusal_rules(notice(D(2025, 3, 6), day)) == [("starts", "assembly_lead_time")]


def test_approval_requests_need_ten_working_days() -> None:
    day = D(2024, 5, 31)
    latest = latest_filing(day, 10, CALENDAR)
    assert lead_days(latest, day, CALENDAR) == 10
    accept(notice(latest, day, kind="march", place="shevchenko-route"))
    later = notice(latest + dt.timedelta(days=1), day, kind="march", place="shevchenko-route")
    assert refusal_rules(later) == [("starts", "assembly_lead_time")]


def test_the_lead_time_is_read_from_the_law() -> None:
    n = notice(D(2024, 5, 2), D(2024, 5, 13))
    law = rules_of(n)
    shorter = replace(law, notification_lead_working_days=4, citations=law.citations)
    assert check(n, shorter, PLACES, CALENDAR).latest_filing == D(2024, 5, 2)


def test_the_answer_period_is_read_from_the_law() -> None:
    n = notice(D(2024, 5, 3), D(2024, 5, 20))
    law = rules_of(n)
    longer = replace(law, notification_answer_working_days=4, citations=law.citations)
    # Filed Fri 3 May 2024: 4, 6, 10, then Mon 13 May is the fourth working day.
    assert check(n, longer, PLACES, CALENDAR).answer_due == D(2024, 5, 13)


DAYS = st.dates(min_value=D(2020, 7, 1), max_value=D(2025, 11, 30))


@given(day=DAYS, lead=st.integers(min_value=0, max_value=15))
def test_latest_filing_is_the_boundary_of_the_lead_time(day: D, lead: int) -> None:
    latest = latest_filing(day, lead, CALENDAR)
    assert lead_days(latest, day, CALENDAR) >= lead
    assert lead_days(latest + dt.timedelta(days=1), day, CALENDAR) < lead or lead == 0


@given(filed_on=DAYS, gap=st.integers(min_value=0, max_value=40))
def test_an_accepted_notice_is_answered_before_its_day(filed_on: D, gap: int) -> None:
    n = notice(filed_on, filed_on + dt.timedelta(days=gap), place="sary-arka-square")
    try:
        accepted = accept(n)
    except Refused as refused:
        assert [r.rule for r in refused.refusals] == ["assembly_lead_time"]
        return
    assert accepted.answer_due < n.day


# --- the other checks ---


def test_every_failed_rule_is_named_at_once() -> None:
    n = replace(
        notice(D(2024, 5, 2), D(2024, 5, 3), kind="parade", place="nowhere"),
        participants=0,
        purpose=" ",
        ends=T(2024, 5, 3, 10),
    )
    assert refusal_rules(n) == [
        ("purpose", "assembly_text_empty"),
        ("kind", "assembly_kind"),
        ("ends", "assembly_times"),
        ("participants", "assembly_participants"),
        ("place", "assembly_place_unknown"),
    ]


def test_a_route_serves_marches_and_a_square_does_not() -> None:
    assert refusal_rules(notice(D(2024, 5, 2), D(2024, 5, 31), kind="march")) == [
        ("place", "assembly_place_kind")
    ]
    assert refusal_rules(notice(D(2024, 5, 2), D(2024, 5, 31), place="shevchenko-route")) == [
        ("place", "assembly_place_kind")
    ]


def test_places_are_checked_on_the_assemblys_day() -> None:
    # The maslikhat took Valikhanov Square out on 28 August 2024 and set Imanov Square.
    accept(notice(D(2024, 8, 1), D(2024, 8, 27), place="valikhanov-square"))
    gone = notice(D(2024, 8, 1), D(2024, 8, 28), place="valikhanov-square")
    assert refusal_rules(gone) == [("place", "assembly_place_unknown")]
    accept(notice(D(2024, 8, 1), D(2024, 8, 28), place="imanov-square"))
    assert refusal_rules(notice(D(2024, 8, 1), D(2024, 8, 27), place="imanov-square")) == [
        ("place", "assembly_place_unknown")
    ]


def test_a_city_without_sourced_places_is_said_so() -> None:
    n = notice(D(2024, 5, 2), D(2024, 5, 31), city="KZ-79", place="any")
    assert refusal_rules(n) == [("place", "assembly_no_places")]


def test_more_people_than_the_place_holds_is_flagged_not_refused() -> None:
    day = D(2025, 6, 20)
    assert not accept(
        notice(D(2025, 6, 2), day, place="imanov-square", participants=500)
    ).over_capacity
    assert accept(notice(D(2025, 6, 2), day, place="imanov-square", participants=501)).over_capacity


def test_a_kind_the_law_does_not_name_cites_the_law() -> None:
    with pytest.raises(Refused) as caught:
        accept(notice(D(2024, 5, 2), D(2024, 5, 31), kind="parade"))
    kind = caught.value.refusals[0]
    assert kind.citation is not None and "notification_forms" in str(kind.citation)
    assert "picket; meeting; rally; march; demonstration" in str(kind)


# --- the lifecycle ---


def test_silence_lets_a_notification_go_ahead_the_day_after_its_deadline() -> None:
    a = filed("a1", Procedure.NOTIFICATION, D(2024, 5, 20), D(2024, 5, 10), D(2024, 5, 3))
    with pytest.raises(Refused) as caught:
        advance(a, GoAhead(D(2024, 5, 10)))
    assert caught.value.refusals[0].rule == "assembly_deadline_open"
    assert advance(a, GoAhead(D(2024, 5, 11))).state is State.WENT_AHEAD
    assert advance(a, Agree(D(2024, 5, 10))).state is State.AGREED
    with pytest.raises(Refused) as late:
        advance(a, Refuse(D(2024, 5, 11), "a holiday"))
    assert late.value.refusals[0].rule == "assembly_answer_after_deadline"


def test_an_approval_request_is_never_approved_by_silence() -> None:
    a = filed("a2", Procedure.APPROVAL, D(2024, 5, 31), D(2024, 5, 15), D(2024, 5, 2))
    assert a.state is State.REQUESTED
    with pytest.raises(Refused):
        advance(a, GoAhead(D(2024, 5, 16)))
    on_time = advance(a, Approve(D(2024, 5, 15)))
    assert on_time.state is State.APPROVED and not on_time.history[-1].late
    assert advance(a, Approve(D(2024, 5, 16))).history[-1].late
    with pytest.raises(Refused):
        advance(a, Agree(D(2024, 5, 10)))
    assert not answer_overdue(a.state, a.answer_due, D(2024, 5, 15))
    assert answer_overdue(a.state, a.answer_due, D(2024, 5, 16))
    notified = filed("a5", Procedure.NOTIFICATION, D(2024, 5, 20), D(2024, 5, 10), D(2024, 5, 3))
    assert not answer_overdue(notified.state, notified.answer_due, D(2024, 5, 16))


def test_a_refusal_carries_its_reason_and_ends_the_assembly() -> None:
    a = filed("a3", Procedure.NOTIFICATION, D(2024, 5, 20), D(2024, 5, 10), D(2024, 5, 3))
    with pytest.raises(Refused) as empty:
        advance(a, Refuse(D(2024, 5, 6), "  "))
    assert empty.value.field == "reason"
    refused = advance(a, Refuse(D(2024, 5, 6), "the square is under repair"))
    assert refused.state is State.REFUSED and refused.reason == "the square is under repair"
    with pytest.raises(Refused):
        advance(refused, Withdraw(D(2024, 5, 7)))


def test_withdrawal_until_the_assemblys_day_and_steps_in_order() -> None:
    a = filed("a4", Procedure.NOTIFICATION, D(2024, 5, 20), D(2024, 5, 10), D(2024, 5, 3))
    agreed = advance(a, Agree(D(2024, 5, 6)))
    assert advance(agreed, Withdraw(D(2024, 5, 20))).state is State.WITHDRAWN
    with pytest.raises(Refused) as after:
        advance(agreed, Withdraw(D(2024, 5, 21)))
    assert after.value.refusals[0].rule == "assembly_withdraw_after_start"
    with pytest.raises(Refused) as before:
        advance(agreed, Withdraw(D(2024, 5, 5)))
    assert before.value.refusals[0].rule == "assembly_step_before_last"


# --- the places data ---

HEADER = "city,place,kinds,name_kk,name_ru,name_en,capacity,from,until,decision,source,open\n"
ROW = "KZ-75,park,picket,Саябақ,Парк,Park,,2020-06-23,,Decision No. 1,adilet,\n"


def test_the_shipped_places_load_with_their_decisions() -> None:
    assert set(PLACES.cities()) == {"KZ-75", "KZ-71"}
    for place in PLACES.places:
        assert place.decision and place.source and place.start
        assert all(place.names[lang] for lang in ("kk", "ru", "en"))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (ROW.replace("Decision No. 1", ""), "column decision: must not be empty"),
        (ROW.replace("adilet", ""), "column source: must not be empty"),
        (ROW.replace("2020-06-23", ""), "column from: must not be empty"),
        (ROW.replace("2020-06-23", "23.06.2020"), "column from: expected a date"),
        (ROW.replace("picket", "parade"), "column kinds: 'parade' is not one of"),
        (ROW.replace("KZ-75", "KZ-99"), "column city: 'KZ-99' is no region"),
        (ROW.replace("Парк", ""), "column name_ru: must not be empty"),
        (ROW.replace(",,2020", ",0,2020"), "column capacity"),
        (ROW.replace("2020-06-23,", "2020-06-23,2020-01-01"), "is before from"),
    ],
)
def test_a_place_without_its_source_or_date_fails_to_load(row: str, message: str) -> None:
    with pytest.raises(PlacesDataError, match=message):
        load_places(HEADER + row, frozenset({"KZ-75"}))


def test_two_overlapping_periods_of_one_place_fail_to_load() -> None:
    second = ROW.replace("2020-06-23", "2021-01-01")
    with pytest.raises(PlacesDataError, match="two periods that overlap"):
        load_places(HEADER + ROW + second, frozenset({"KZ-75"}))
    ended = ROW.replace("2020-06-23,", "2020-06-23,2020-12-31")
    assert len(load_places(HEADER + ended + second, frozenset({"KZ-75"})).places) == 2


# --- overlaps ---


def slot(id: str, start: int, end: int, place: str = "p") -> Slot:
    return Slot(id, "KZ-75", place, T(2025, 6, 1, start), T(2025, 6, 1, end))


def test_overlaps_at_one_place_only_and_not_when_touching() -> None:
    found = overlaps(
        [slot("a", 10, 12), slot("b", 11, 13), slot("c", 12, 14), slot("d", 10, 14, "q")]
    )
    assert [(o.first, o.second, o.since.hour, o.until.hour) for o in found] == [
        ("a", "b", 11, 12),
        ("b", "c", 12, 13),
    ]


@given(
    st.lists(
        st.tuples(st.integers(0, 22), st.integers(1, 6), st.sampled_from(["p", "q"])),
        max_size=12,
    )
)
def test_overlaps_agree_with_comparing_every_pair(raw: list[tuple[int, int, str]]) -> None:
    slots = [
        slot(str(i), s, min(s + n, 23), p)
        for i, (s, n, p) in enumerate(raw)
        if s + n <= 23 or s < 23
    ]
    slots = [s for s in slots if s.ends > s.starts]
    found = {frozenset((o.first, o.second)) for o in overlaps(slots)}
    brute = {
        frozenset((a.id, b.id))
        for i, a in enumerate(slots)
        for b in slots[i + 1 :]
        if a.place == b.place and a.starts < b.ends and b.starts < a.ends
    }
    assert found == brute
    assert len(overlaps(slots)) == len(brute)
