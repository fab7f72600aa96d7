"""Historical replay: every official result in ../shared/data decided under its own date's rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from saylau.model import parse_contest
from saylau.outcome import decide
from tests.conftest import load_case, shared_cases

CASES = shared_cases()


def outcome_of(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    case = load_case(path)
    return case, decide(parse_contest(case))


def test_shared_data_is_present(need_shared_data: Path) -> None:
    assert len(CASES) >= 7, "expected the seven official cases"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_official_outcome(path: Path) -> None:
    case, outcome = outcome_of(path)
    official = case["official"]
    assert outcome["rules_date"] == case["date"]
    assert outcome["explanation"] and outcome["rules_applied"]
    if "seats" in official:
        assert outcome["seats"] == official["seats"]
        assert sum(outcome["seats"].values()) == case["seats"]
        passed = [name for name, seats in official["seats"].items() if seats > 0]
        assert set(passed) <= set(outcome["passed_threshold"])
    for key in ("status", "winner", "runoff", "valid"):
        if key in official:
            assert outcome[key] == official[key], key


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_official_percentages(path: Path) -> None:
    """The shares the commission printed come out of the same counts (to its rounding)."""
    case, outcome = outcome_of(path)
    printed = case["official"].get("percent", {})
    shares = outcome.get("percent") or outcome.get("percent_of_participants") or {}
    for name, value in printed.items():
        # one decimal printed for some parties: compare at the precision printed
        places = len(str(value).partition(".")[2]) or 1
        assert round(shares[name], places) == pytest.approx(value, abs=10**-places), name


def test_referendum_2022_adoption_needs_the_regions() -> None:
    path = next((p for p in CASES if p.stem == "referendum-2022"), None)
    if path is None:
        pytest.skip("referendum-2022.json is not in ../shared/data")
    _case, outcome = outcome_of(path)
    assert outcome["valid"] is True
    assert outcome["adopted"] is None
    assert "per-region counts" in outcome["explanation"]
    assert "17" in outcome["explanation"]


def test_2023_list_tier_cites_its_open_points() -> None:
    path = next((p for p in CASES if p.stem == "mazhilis-2023"), None)
    if path is None:
        pytest.skip("mazhilis-2023.json is not in ../shared/data")
    _case, outcome = outcome_of(path)
    assert "open point" in outcome["explanation"]
    opened = [r for r in outcome["rules_applied"] if r["open"]]
    assert any(r["parameter"] == "mazhilis.threshold_base" for r in opened)
