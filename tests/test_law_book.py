"""The law data: sound dating, sources everywhere, typed rules on every date."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction

import pytest

from saylau.law import LawDataError, law_book, rules_at
from saylau.law.book import LawBook, check_periods, load_book
from saylau.law.lawbook import render_law_book
from saylau.law.rules import RECORDS, NotInForce, SenateRules
from saylau.law.views import diff, history, show
from tests.conftest import REPO

MINIMAL = """
institution: demo
title: Demo
existed:
  from: 2007-05-21
  source: test
parameters:
  seats:
    label: Seats
    unit: count
    values:
{values}
"""


def boundary_dates() -> list[dt.date]:
    """Every date on which some value or institution starts or ends, and the day before."""
    book = law_book()
    days: set[dt.date] = {book.coverage_start, dt.date.today()}
    for inst in book.institutions.values():
        days.add(inst.start)
        if inst.until:
            days |= {inst.until, inst.until + dt.timedelta(days=1)}
        for param in inst.parameters.values():
            for period in param.periods:
                days |= {period.start, period.start - dt.timedelta(days=1)}
    return sorted(d for d in days if d >= book.coverage_start)


def test_every_period_is_ordered_without_overlap_and_sourced() -> None:
    book = law_book()
    assert check_periods(book) == []
    for param in book.parameters():
        starts = [p.start for p in param.periods]
        assert starts == sorted(starts) and len(set(starts)) == len(starts), param.key
        for earlier, later in zip(param.periods, param.periods[1:], strict=False):
            assert earlier.until is not None and earlier.until < later.start, param.key
        for period in param.periods:
            assert period.source.strip(), f"{param.key} from {period.start} has no source"


def test_every_institution_has_a_typed_record_matching_its_data() -> None:
    assert set(RECORDS) == set(law_book().institutions)


@pytest.mark.parametrize("day", boundary_dates(), ids=str)
def test_rules_build_on_every_boundary_date(day: dt.date) -> None:
    rules = rules_at(day)
    assert rules.date == day
    assert (rules.mazhilis is None) == (rules.kurultai is not None)
    assert (rules.senate is None) == (rules.kurultai is not None)


def test_value_without_source_does_not_load() -> None:
    text = MINIMAL.format(values="      - from: 2007-05-21\n        value: 3\n")
    with pytest.raises(LawDataError, match="source"):
        load_book({"demo.yaml": text})


def test_value_without_date_does_not_load() -> None:
    text = MINIMAL.format(values="      - value: 3\n        source: x\n")
    with pytest.raises(LawDataError, match="effective date"):
        load_book({"demo.yaml": text})


def test_overlapping_periods_do_not_load() -> None:
    values = (
        "      - from: 2007-05-21\n        until: 2010-01-01\n        value: 3\n        source: a\n"
        "      - from: 2009-01-01\n        value: 4\n        source: b\n"
    )
    with pytest.raises(LawDataError, match="overlap"):
        load_book({"demo.yaml": MINIMAL.format(values=values)})


@pytest.mark.parametrize("written", ["2007-5-21", "'20070521'", "21.05.2007", "2007-05-21 00:00"])
def test_a_date_not_written_yyyy_mm_dd_does_not_load(written: str) -> None:
    values = f"      - from: {written}\n        value: 3\n        source: a\n"
    with pytest.raises(LawDataError, match="ISO 8601 date YYYY-MM-DD"):
        load_book({"demo.yaml": MINIMAL.format(values=values)})


def test_a_key_given_twice_does_not_load() -> None:
    """YAML would keep the later value: a law read two ways is not read at all."""
    values = "      - from: 2007-05-21\n        value: 3\n        value: 4\n        source: a\n"
    with pytest.raises(LawDataError, match=r"'value' appears twice .*line 14"):
        load_book({"demo.yaml": MINIMAL.format(values=values)})


def test_a_count_must_be_a_whole_number() -> None:
    values = "      - from: 2007-05-21\n        value: 2.5\n        source: a\n"
    with pytest.raises(LawDataError, match="integer"):
        load_book({"demo.yaml": MINIMAL.format(values=values)})


def test_key_numbers_by_date() -> None:
    assert rules_at(dt.date(2016, 3, 20)).mazhilis is not None
    m2016 = rules_at(dt.date(2016, 3, 20)).mazhilis
    m2023 = rules_at(dt.date(2023, 3, 19)).mazhilis
    assert m2016 is not None and m2023 is not None
    assert (m2016.list_seats, m2016.assembly_seats, m2016.list_threshold) == (
        98,
        9,
        Fraction(7, 100),
    )
    assert (m2023.list_seats, m2023.single_member_seats, m2023.list_threshold) == (
        69,
        29,
        Fraction(5, 100),
    )
    kurultai = rules_at(dt.date(2026, 8, 23)).kurultai
    assert kurultai is not None
    assert (kurultai.total_seats, kurultai.list_threshold) == (145, Fraction(5, 100))
    assert rules_at(dt.date(2019, 6, 9)).presidency.term_years == 5
    assert rules_at(dt.date(2022, 11, 20)).presidency.term_years == 7
    assert rules_at(dt.date(2022, 11, 20)).presidency.re_election_allowed is False


def test_open_points_are_marked_in_the_data() -> None:
    m = rules_at(dt.date(2023, 3, 19)).mazhilis
    assert m is not None
    assert m.cite("threshold_base").open
    assert m.cite("second_party_rule").open
    k = rules_at(dt.date(2026, 8, 23)).kurultai
    assert k is not None and k.cite("list_threshold").open


def test_senate_after_2026_names_its_dates() -> None:
    with pytest.raises(NotInForce, match="until 2026-06-30"):
        rules_at(dt.date(2027, 1, 1)).require(SenateRules)


def test_before_coverage_is_refused() -> None:
    with pytest.raises(NotInForce, match="2007-05-21"):
        rules_at(dt.date(2004, 9, 19))


def test_membership_minimum_history_has_four_values() -> None:
    values = history(law_book(), "parties.membership_minimum")["values"]
    assert [v["value"] for v in values] == [50000, 40000, 20000, 5000]
    assert all(v["source"] and v["from"] for v in values)


def test_diff_2021_to_2023_lists_threshold_split_and_quota() -> None:
    changed = {
        c["parameter"]
        for c in diff(law_book(), dt.date(2021, 1, 10), dt.date(2023, 3, 19))["changed"]
    }
    assert {
        "mazhilis.list_threshold",
        "mazhilis.list_seats",
        "mazhilis.single_member_seats",
        "mazhilis.assembly_seats",
        "mazhilis.mandate_quota_share",
        "parties.list_quota_groups",
    } <= changed


def test_diff_2023_to_2026_names_the_end_of_parliament_and_the_kurultai() -> None:
    result = diff(law_book(), dt.date(2023, 3, 19), dt.date(2026, 8, 23))
    assert {e["institution"] for e in result["ended"]} == {"mazhilis", "senate"}
    assert "kurultai" in {b["institution"] for b in result["began"]}
    seats = [c for c in result["changed"] if c["parameter"] == "kurultai.total_seats"]
    assert seats and seats[0]["after"] == 145 and seats[0]["before"] is None


def test_show_lists_every_parameter_in_force() -> None:
    shown = show(law_book(), dt.date(2026, 8, 23))
    assert "mazhilis" in shown["not_in_force"] and "kurultai" in shown["institutions"]
    threshold = shown["institutions"]["kurultai"]["parameters"]["list_threshold"]
    assert threshold["value"] == "1/20" and threshold["open"]


def test_committed_law_book_is_up_to_date() -> None:
    committed = (REPO / "docs" / "law.md").read_text(encoding="utf-8")
    assert committed == render_law_book(law_book()), "run 'saylau law book' and commit"


def test_law_book_shows_every_value_with_its_source() -> None:
    text = render_law_book(law_book())
    for param in law_book().parameters():
        assert f"`{param.name}`" in text
        for period in param.periods:
            assert period.source.replace("|", "\\|") in text


# --- the protocol's control relations --------------------------------------------------------

RELATION = """
institution: demo
title: Demo
existed:
  from: 2007-05-21
  source: test
parameters:
  share:
    label: A share
    unit: percent
    values:
      - from: 2007-05-21
        value: 10
        source: test
relations:
  - id: found_within_issued
    check: {check}
    rule: found cannot exceed issued
{dated}"""
DATED = "    from: 2007-05-21\n    source: CL on Elections\n"


def relation_book(check: str = "ballots_found <= ballots_issued", dated: str = DATED) -> LawBook:
    return load_book({"demo.yaml": RELATION.format(check=check, dated=dated)})


def test_a_relation_loads_with_its_date_and_source() -> None:
    (relation,) = relation_book().relations()
    assert (relation.id, relation.field, relation.source) == (
        "found_within_issued",
        "ballots_found",
        "CL on Elections",
    )
    assert relation.covers(dt.date(2023, 3, 19)) and not relation.covers(dt.date(2007, 1, 1))


def test_a_relation_without_source_does_not_load() -> None:
    with pytest.raises(LawDataError, match="found_within_issued: 'source'"):
        relation_book(dated="    from: 2007-05-21\n")


def test_a_relation_without_date_does_not_load() -> None:
    with pytest.raises(LawDataError, match="effective date 'from'"):
        relation_book(dated="    source: CL on Elections\n")


@pytest.mark.parametrize(
    ("check", "problem"),
    [
        ("ballots_found", "compares no two sides"),
        ("ballots_found <= issued - 1", "is not a count"),
        ("voters_added <= ceil(list * demo.nothing)", "no parameter demo.nothing"),
        ("voters_added <= ceil(list * share)", "not an institution.parameter"),
    ],
)
def test_a_malformed_relation_does_not_load(check: str, problem: str) -> None:
    with pytest.raises(LawDataError, match=problem):
        relation_book(check=check)


def test_a_relation_before_its_institution_does_not_load() -> None:
    with pytest.raises(LawDataError, match="predates demo"):
        relation_book(dated="    from: 2001-01-01\n    source: CL on Elections\n")


def test_a_relation_reading_no_line_of_a_protocol_or_naming_unknown_words_is_refused() -> None:
    from saylau.tabulation.relations import _compile

    (relation,) = relation_book(check="ballots_found <= issued").relations()
    with pytest.raises(ValueError, match="no line of a protocol"):
        _compile(relation, dt.date(2023, 3, 19))
    (relation,) = relation_book().relations()
    worded = dataclasses.replace(relation, rule="found {found} exceeds")
    with pytest.raises(ValueError, match="its rule names 'found'"):
        _compile(worded, dt.date(2023, 3, 19))


def test_the_shipped_relations_are_dated_sourced_and_compile_on_every_boundary() -> None:
    from saylau.tabulation.relations import relations_at

    ids = {relation.id for relation in law_book().relations()}
    assert {"received", "found_accounted", "on_list_as_defined", "same_list"} <= ids
    for day in boundary_dates():
        compiled = relations_at(day).ids()
        against_all = rules_at(day).elections.against_all_on_ballot
        assert ("against_all_on_ballot" in compiled) is not against_all, day
