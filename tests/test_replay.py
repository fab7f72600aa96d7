"""Historical replay: every official result in ../shared/data decided under its own date's rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saylau.model import parse_contest
from saylau.outcome import decide, to_json
from saylau.outcome.records import ReferendumOutcome, from_json
from tests.conftest import load_case, shared_cases

CASES = shared_cases()
PUBLISHED = Path(__file__).with_name("outcomes_published.json")


def outcome_of(path: Path) -> tuple[dict[str, Any], Any]:
    case = load_case(path)
    return case, decide(parse_contest(case))


def test_shared_data_is_present(need_shared_data: Path) -> None:
    assert len(CASES) >= 7, "expected the seven official cases"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_official_outcome(path: Path) -> None:
    case, outcome = outcome_of(path)
    official = case["official"]
    assert outcome.reasons.date.isoformat() == case["date"]
    assert outcome.reasons.text and outcome.reasons.cited
    if "seats" in official:
        assert outcome.seats == official["seats"]
        assert sum(outcome.seats.values()) == case["seats"]
        passed = [name for name, seats in official["seats"].items() if seats > 0]
        assert set(passed) <= set(outcome.passed_threshold)
    if "status" in official:
        assert outcome.status == official["status"]
    if "winner" in official:
        assert outcome.winner == official["winner"]
    if "runoff" in official:
        runoff = official["runoff"]
        assert outcome.runoff == (None if runoff is None else tuple(runoff))
    if "valid" in official:
        assert outcome.valid == official["valid"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_published_outcome_is_unchanged(path: Path) -> None:
    """The JSON of every official case is, key for key and in the same order, what was
    published before outcomes became records (tests/outcomes_published.json)."""
    published = json.loads(PUBLISHED.read_text(encoding="utf-8"))[path.stem]
    _case, outcome = outcome_of(path)
    document = to_json(outcome)
    assert json.dumps(document, ensure_ascii=False) == json.dumps(published, ensure_ascii=False)
    assert from_json(document) == outcome


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_official_percentages(path: Path) -> None:
    """The shares the commission printed come out of the same counts (to its rounding)."""
    case, outcome = outcome_of(path)
    printed = case["official"].get("percent", {})
    if isinstance(outcome, ReferendumOutcome):
        shares = outcome.percent_of_participants or {}
    else:
        shares = outcome.percent
    for name, value in printed.items():
        # one decimal printed for some parties: compare at the precision printed
        places = len(str(value).partition(".")[2]) or 1
        share = shares[name]
        assert share is not None, name
        assert round(share, places) == pytest.approx(value, abs=10**-places), name


def test_referendum_2022_adoption_needs_the_regions() -> None:
    path = next((p for p in CASES if p.stem == "referendum-2022"), None)
    if path is None:
        pytest.skip("referendum-2022.json is not in ../shared/data")
    _case, outcome = outcome_of(path)
    assert outcome.valid is True
    assert outcome.adopted is None
    assert "per-region counts" in outcome.reasons.text
    assert "17" in outcome.reasons.text


def test_2023_list_tier_cites_its_open_points() -> None:
    path = next((p for p in CASES if p.stem == "mazhilis-2023"), None)
    if path is None:
        pytest.skip("mazhilis-2023.json is not in ../shared/data")
    _case, outcome = outcome_of(path)
    assert "open point" in outcome.reasons.text
    opened = [c for c in outcome.reasons.cited if c.open]
    assert any(c.parameter == "mazhilis.threshold_base" for c in opened)
