"""Contest input read one way only: names as a reader sees them, ISO days, units that add up."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from saylau.model import BadInput, iso_date, name_key, parse_contest, plain_name
from saylau.outcome import decide
from saylau.outcome.records import MajorityOutcome, ReferendumOutcome

# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "19.03.2023",
        "2023/03/19",
        "20230319",  # Python 3.11's date.fromisoformat takes it
        "2023-W11-7",  # and this week date too
        "2023-3-19",
        "2023-02-30",
        " 2023-03-19",
        "2023-03-19T00:00:00+05:00",
        "２０２３-０３-１９",  # digits, but not the ASCII ones a date is written in
        "",
    ],
)
def test_a_date_not_written_yyyy_mm_dd_is_refused(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        iso_date(text, "date")
    assert caught.value.field == "date"
    assert "ISO 8601 date YYYY-MM-DD" in caught.value.rule
    assert caught.value.found == text


@pytest.mark.parametrize("value", [20230319, None, 2023.0319, dt.datetime(2023, 3, 19)])
def test_a_date_that_is_not_text_is_refused(value: object) -> None:
    with pytest.raises(BadInput, match="ISO 8601 date YYYY-MM-DD"):
        iso_date(value, "date")


@given(st.dates())
def test_every_day_reads_back_from_its_iso_form(day: dt.date) -> None:
    assert iso_date(day.isoformat(), "date") == day
    assert iso_date(day, "date") == day


@given(st.dates(), st.sampled_from(["%d.%m.%Y", "%Y/%m/%d", "%Y%m%d", "%m/%d/%Y", "%d-%m-%Y"]))
def test_no_other_spelling_of_a_day_is_taken(day: dt.date, form: str) -> None:
    text = day.strftime(form.replace("%Y", f"{day.year:04d}"))
    with pytest.raises(BadInput):
        iso_date(text, "date")


# --- names -----------------------------------------------------------------------------------

# names as they come: any letters, marks, digits, punctuation and spaces (no lone surrogates)
NAMES = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda name: plain_name(name) != ""
)
SPACES = st.text(st.sampled_from(" \t\u00a0\u2003\u3000"), max_size=3)
CASES: list[Callable[[str], str]] = [str.upper, str.lower, str.swapcase, str.title, str.casefold]


@given(NAMES, SPACES, SPACES, st.sampled_from(["NFC", "NFD"]))
def test_a_name_with_spaces_around_or_decomposed_is_the_same_name(
    name: str, before: str, after: str, form: str
) -> None:
    written = before + unicodedata.normalize(form, name) + after  # type: ignore[arg-type]
    assert plain_name(written) == plain_name(name)
    assert plain_name(plain_name(written)) == plain_name(written)
    assert unicodedata.is_normalized("NFC", plain_name(written))


@given(NAMES, SPACES, st.sampled_from(CASES), st.sampled_from(["NFC", "NFD"]))
def test_any_case_variant_of_an_option_name_is_refused_as_a_duplicate(
    name: str, spaces: str, case: Callable[[str], str], form: str
) -> None:
    variant = unicodedata.normalize(form, case(name)) + spaces  # type: ignore[arg-type]
    assume(variant != name)
    document = contest(options={name: 400, variant: 300})
    with pytest.raises(BadInput) as caught:
        parse_contest(document)
    assert caught.value.field == "options"
    assert repr(variant) in caught.value.rule and repr(name) in caught.value.rule
    assert name_key(variant) == name_key(name)


@given(NAMES, NAMES)
def test_names_that_differ_in_more_than_case_are_two_options(first: str, second: str) -> None:
    assume(name_key(first) != name_key(second))
    parsed = parse_contest(contest(options={first: 400, second: 300}))
    assert parsed.options == {plain_name(first): 400, plain_name(second): 300}


def contest(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "presidential",
        "date": "2019-06-09",
        "registered": 1000,
        "participated": 800,
        "invalid": 0,
        "against_all": 0,
        "options": {"A": 500, "B": 300},
    }
    return base | fields


def test_option_names_are_stored_normalised() -> None:
    parsed = parse_contest(contest(options={" Тоқаев\u00a0": 500, "Е\u0308лкин": 300}))
    assert list(parsed.options) == ["Тоқаев", "Ёлкин"]
    decided = decide(parsed)
    assert isinstance(decided, MajorityOutcome) and decided.winner == "Тоқаев"


@pytest.mark.parametrize(
    ("options", "first", "second"),
    [
        ({"Amanat": 500, "AMANAT": 300}, "Amanat", "AMANAT"),
        ({"Amanat": 500, "Amanat ": 300}, "Amanat", "Amanat "),
        ({"Ёлкин": 500, "Е\u0308лкин": 300}, "Ёлкин", "Е\u0308лкин"),
        ({"Strasse": 500, "STRAẞE": 300}, "Strasse", "STRAẞE"),
    ],
    ids=["case", "space", "decomposed", "sharp-s"],
)
def test_a_duplicate_name_is_refused_naming_both(
    options: dict[str, int], first: str, second: str
) -> None:
    with pytest.raises(BadInput) as caught:
        parse_contest(contest(options=options))
    assert caught.value.field == "options"
    assert f"{second!r} duplicates {first!r}" in caught.value.rule


def test_region_names_are_names_too() -> None:
    regions = {name: unit(100, 60) for name in ("Abai", "ABAI")}
    with pytest.raises(BadInput) as caught:
        parse_contest(referendum(regions, yes=120, no=80, participated=200, registered=400))
    assert caught.value.field == "regions" and "'ABAI' duplicates 'Abai'" in caught.value.rule


def test_registration_order_uses_the_options_spelling() -> None:
    fields = {"kind": "maslikhat-list", "date": "2023-03-19", "seats": 2}
    parsed = parse_contest(contest(**fields, registration_order=["B ", "A", "Not running"]))
    assert parsed.registration_order == ("B", "A", "Not running")
    with pytest.raises(BadInput) as caught:
        parse_contest(contest(**fields, registration_order=["b", "A"]))
    assert caught.value.field == "registration_order[0]" and "'B'" in caught.value.rule
    with pytest.raises(BadInput) as caught:
        parse_contest(contest(**fields, registration_order=["A", "a"]))
    assert caught.value.field == "registration_order[1]"


# --- units and the nation ---------------------------------------------------------------------


def unit(participated: int, yes: int, registered: int | None = None) -> dict[str, Any]:
    return {
        "registered": participated * 3 // 2 if registered is None else registered,
        "participated": participated,
        "invalid": 0,
        "against_all": 0,
        "options": {"yes": yes, "no": participated - yes},
    }


def decided_referendum(document: dict[str, Any]) -> ReferendumOutcome:
    decided = decide(parse_contest(document))
    assert isinstance(decided, ReferendumOutcome)
    return decided


def referendum(regions: dict[str, Any], **national: Any) -> dict[str, Any]:
    return {
        "kind": "referendum",
        "date": "2026-03-15",  # 20 units that day
        "question_type": "constitution",
        "registered": national["registered"],
        "participated": national["participated"],
        "invalid": 0,
        "against_all": 0,
        "options": {"yes": national["yes"], "no": national["no"]},
        "regions": regions,
    }


def test_all_units_must_add_up_to_the_national_counts() -> None:
    regions = {f"R{i}": unit(100, 60) for i in range(20)}
    consistent = referendum(regions, registered=3000, participated=2000, yes=1200, no=800)
    assert decided_referendum(consistent).adopted is True
    short = referendum(regions, registered=3000, participated=2100, yes=1200, no=800)
    with pytest.raises(BadInput) as caught:
        decide(parse_contest(short))
    assert caught.value.field == "regions.*.participated"
    assert "add up to 2,000, the national figure is 2,100" in caught.value.rule


def test_some_units_cannot_add_up_to_more_than_the_nation() -> None:
    regions = {f"R{i}": unit(100, 60) for i in range(5)}
    fine = referendum(regions, registered=3000, participated=2000, yes=1200, no=800)
    assert decided_referendum(fine).adopted is None
    over = referendum(regions, registered=3000, participated=2000, yes=250, no=800)
    with pytest.raises(BadInput) as caught:
        parse_contest(over)
    assert caught.value.field == "regions.*.options.yes"
    assert "add up to 300" in caught.value.rule and "national figure 250" in caught.value.rule


def test_a_unit_without_a_figure_leaves_only_the_upper_bound() -> None:
    regions = {f"R{i}": unit(100, 60) for i in range(20)}
    regions["R0"]["registered"] = None
    document = referendum(regions, registered=3000, participated=2000, yes=1200, no=800)
    assert decided_referendum(document).valid is True
    document["registered"] = None  # nothing to compare with
    assert decided_referendum(document).valid is None


def test_a_unit_cannot_name_an_option_the_nation_lacks() -> None:
    regions = {f"R{i}": unit(100, 60) for i in range(3)}
    regions["R1"]["options"]["abstain"] = 0
    document = referendum(regions, registered=3000, participated=2000, yes=1200, no=800)
    with pytest.raises(BadInput) as caught:
        parse_contest(document)
    assert caught.value.field == "regions.R1.options.abstain"
    assert "not an option of the national counts" in caught.value.rule
    regions["R1"]["options"] = {"yes": 60, "no": 40, "YES": 0}
    with pytest.raises(BadInput) as caught:
        parse_contest(document)
    assert caught.value.field == "regions.R1.options"
    assert "'YES' duplicates 'yes'" in caught.value.rule


@st.composite
def countries(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, int]]:
    """Twenty units with arbitrary counts, and the national counts that are their sums."""
    regions: dict[str, Any] = {}
    for i in range(20):
        participated = draw(st.integers(0, 5000))
        invalid = draw(st.integers(0, participated))
        yes = draw(st.integers(0, participated - invalid))
        regions[f"KZ-{i:02d}"] = {
            "registered": participated + draw(st.integers(0, 5000)),
            "participated": participated,
            "invalid": invalid,
            "against_all": 0,
            "options": {"yes": yes, "no": participated - invalid - yes},
        }
    total = {
        name: sum(r[name] for r in regions.values())
        for name in ("registered", "participated", "invalid")
    }
    total |= {name: sum(r["options"][name] for r in regions.values()) for name in ("yes", "no")}
    return regions, total


def national(regions: dict[str, Any], total: dict[str, int]) -> dict[str, Any]:
    document = referendum(regions, **total)
    document["invalid"] = total["invalid"]
    return document


@given(countries(), st.integers(1, 1000))
def test_units_that_add_up_are_taken_and_any_other_nation_is_refused(
    country: tuple[dict[str, Any], dict[str, int]], more: int
) -> None:
    regions, total = country
    decide(parse_contest(national(regions, total)))
    with pytest.raises(BadInput) as caught:
        decide(parse_contest(national(regions, total | {"registered": total["registered"] + more})))
    assert caught.value.field == "regions.*.registered"
    assert f"{total['registered']:,}" in caught.value.rule
    assert f"{total['registered'] + more:,}" in caught.value.rule
    assume(total["no"] > 0)
    fewer = total | {"no": max(0, total["no"] - more)}
    with pytest.raises(BadInput) as caught:
        parse_contest(national(regions, fewer))
    assert caught.value.field == "regions.*.options.no"
