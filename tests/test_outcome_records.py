"""Outcomes are frozen records: a tie is a value whatever order the options came in, and the
JSON written from a record reads back to the same record (what the ledger and the
published files rely on)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.model import BadInput, parse_contest
from saylau.outcome import decide, to_json
from saylau.outcome.records import (
    ListOutcome,
    PluralityOutcome,
    PresidentialOutcome,
    ReferendumOutcome,
    SenateOutcome,
    Status,
    Tie,
    from_json,
)
from tests.test_explanation import CASES, outcome


def run(**fields: Any) -> Any:
    base = {"registered": 1000, "participated": 800, "invalid": 0, "against_all": 0}
    return decide(parse_contest(base | fields))


def test_every_sentence_case_reads_back_from_its_json() -> None:
    for label, fields, rules in CASES:
        decided = outcome(fields, rules)
        document = json.loads(json.dumps(to_json(decided)))
        assert from_json(document) == decided, label
        assert to_json(from_json(document)) == document, label


KINDS: st.SearchStrategy[tuple[str, str, dict[str, Any]]] = st.sampled_from(
    [
        ("presidential", "2019-06-09", {}),
        ("presidential", "1999-01-10", {}),
        ("presidential", "2022-11-20", {"round": 2}),
        ("mazhilis-list", "2016-03-20", {}),
        ("mazhilis-list", "2023-03-19", {}),
        ("mazhilis-list", "2007-08-18", {}),
        ("maslikhat-list", "2021-01-10", {"seats": 5}),
        ("kurultai-list", "2026-08-23", {}),
        ("single-member", "2023-03-19", {"body": "mazhilis"}),
        ("akim", "2021-07-25", {"level": "rural"}),
        ("senate", "2023-01-14", {}),
        ("referendum", "2022-06-05", {"question_type": "ordinary"}),
        ("referendum", "2022-06-05", {"question_type": "constitution"}),
    ]
)


@st.composite
def contests(draw: st.DrawFn) -> dict[str, Any]:
    kind, date, extra = draw(KINDS)
    names = ["yes", "no"] if kind == "referendum" else ["A", "B", "C", "D"]
    if extra.get("round") == 2:
        names = names[:2]
    low = draw(st.integers(0, 50))
    votes = {name: draw(st.sampled_from([low, draw(st.integers(0, 500))])) for name in names}
    against_all = draw(st.integers(0, 100))
    invalid = draw(st.integers(0, 20))
    participated = sum(votes.values()) + against_all + invalid
    registered = participated + draw(st.integers(0, 2000))
    return {
        "kind": kind,
        "date": date,
        "registered": registered,
        "participated": participated,
        "invalid": invalid,
        "against_all": against_all,
        "options": votes,
        **extra,
    }


@given(contests())
@settings(max_examples=300, deadline=None)
def test_any_outcome_reads_back_from_its_json(document: dict[str, Any]) -> None:
    try:
        decided = decide(parse_contest(document))
    except BadInput:
        return
    written = json.loads(json.dumps(to_json(decided), ensure_ascii=False))
    assert from_json(written) == decided
    assert to_json(from_json(written)) == written


def test_records_are_frozen() -> None:
    decided = run(kind="presidential", date="2019-06-09", options={"A": 401, "B": 399})
    with pytest.raises(dataclasses.FrozenInstanceError):
        decided.winner = "B"


def test_a_first_place_tie_is_the_same_value_in_any_order() -> None:
    forward = run(kind="akim", date="2021-07-25", options={"A": 300, "B": 300, "C": 10})
    backward = run(kind="akim", date="2021-07-25", options={"C": 10, "B": 300, "A": 300})
    assert isinstance(forward, PluralityOutcome)
    assert forward.tie == backward.tie == Tie(frozenset({"A", "B"}), 1)
    assert forward.winner is None and forward.status in (Status.REPEAT, Status.LOT)
    # the JSON lists the tied in the order the input gave them, as it always has
    assert to_json(forward)["tie"] == ["A", "B"] and to_json(backward)["tie"] == ["B", "A"]


def test_equal_remainders_are_a_tie_until_the_registration_order_settles_them() -> None:
    fields: dict[str, Any] = {
        "kind": "maslikhat-list",
        "date": "2021-01-10",
        "seats": 2,
        "options": {"A": 300, "B": 100, "C": 100},
    }
    tied = run(**fields)
    assert isinstance(tied, ListOutcome)
    assert tied.tie == Tie(frozenset({"B", "C"}), 1)
    assert sum(tied.seats.values()) + tied.tie.seats == 2
    assert to_json(tied)["tie"] == {"parties": ["B", "C"], "seats": 1}
    settled = run(**fields, registration_order=["C", "B", "A"])
    assert settled.tie is None and settled.seats == {"A": 1, "B": 0, "C": 1}


def test_runoff_places_tied_name_the_tied_and_the_places() -> None:
    decided = run(kind="presidential", date="2019-06-09", options={"A": 300, "B": 250, "C": 250})
    assert isinstance(decided, PresidentialOutcome)
    assert (decided.status, decided.runoff) == (Status.RUNOFF, None)
    assert decided.tie == Tie(frozenset({"B", "C"}), 1)
    assert to_json(decided)["tie"] == {"candidates": ["B", "C"], "places": 1}


def test_an_outcome_decided_before_the_votes_are_weighed_names_no_tie() -> None:
    """A sitting without its quorum is invalid before any candidate's votes count: the
    JSON has no tie at all (as ledgered outcomes have it), not a tie of null."""
    decided = run(
        kind="senate",
        date="2023-01-14",
        registered=100,
        participated=40,
        options={"A": 20, "B": 20},
    )
    assert isinstance(decided, SenateOutcome)
    assert decided.status is Status.INVALID and not decided.weighed
    assert "tie" not in to_json(decided)
    weighed = run(
        kind="senate",
        date="2023-01-14",
        registered=100,
        participated=90,
        options={"A": 60, "B": 30},
    )
    assert weighed.weighed and to_json(weighed)["tie"] is None


def test_a_referendum_counts_its_units_as_a_record() -> None:
    regions = {
        f"R{n:02d}": {
            "registered": None,
            "participated": 10,
            "invalid": None,
            "against_all": None,
            "options": {"yes": 6 if n < 12 else 4, "no": 4},
        }
        for n in range(17)
    }
    decided = run(
        kind="referendum",
        date="2022-06-05",
        question_type="constitution",
        registered=300,
        participated=170,
        options={"yes": 6 * 12 + 4 * 5, "no": 4 * 17},
        regions=regions,
    )
    assert isinstance(decided, ReferendumOutcome)
    assert decided.units is not None
    assert (decided.units.total, decided.units.needed, decided.units.unknown) == (17, 12, 0)
    assert len(decided.units.with_yes_majority) == 12
    assert decided.adopted is True
