"""The suite of every forensic method: it raises alarms on a stuffed night, none on clean nights
(beyond the digit tests, which reject honest counts too), and its JSON keeps one shape."""

from __future__ import annotations

import json
import math
from functools import cache

import numpy as np
import pytest

from saylau.forensics.precincts import Precincts
from saylau.forensics.suite import FORMAT, LEVEL, REASONS, REFERENCES, SuiteReport, run_suite
from saylau.model import BadInput
from saylau.synth.nights import presidential_2022
from saylau.synth.stuffing import StuffedElection, StuffingModel, precinct_table, stuff
from tests.forensics_synthetic import clean

PRECINCTS = 3_000
#: The methods that claim fraud; the digit tests describe the columns (see the suite's note).
FRAUD_METHODS = {
    "integer_percentages",
    "klimek",
    "near_unanimous",
    "turnout_and_share",
    "invalid_outlier",
    "identical_protocols",
    "round_numbers",
}


@cache
def stuffed_night(seed: int) -> tuple[StuffedElection, SuiteReport]:
    truth = stuff(presidential_2022(seed, PRECINCTS), seed, StuffingModel(share=0.03))
    table, district = precinct_table(truth.synthetic, truth.synthetic.protocols.contest_ids[0])
    return truth, run_suite(table, district, replicates=200)


@cache
def clean_night(seed: int) -> SuiteReport:
    night = presidential_2022(seed, PRECINCTS)
    table, district = precinct_table(night, night.protocols.contest_ids[0])
    return run_suite(table, district, replicates=200)


def test_the_stuffed_night_raises_alarms_and_flags_stuffed_precincts() -> None:
    truth, report = stuffed_night(7)
    alarms = {result.method for result in report.alarms}
    assert {"klimek", "near_unanimous", "turnout_and_share"} <= alarms
    flagged = report.flagged_precincts()
    stuffed = set(truth.stuffed_codes)
    codes = truth.synthetic.protocols.precinct_codes
    extreme = {codes[k] for k in np.flatnonzero(truth.extreme).tolist()}
    found = set(flagged) & stuffed
    # Every extreme-fraud precinct is found; the flags name few honest precincts.
    assert extreme <= found
    assert len(found) >= len(stuffed) / 3
    assert len(set(flagged) - stuffed) <= len(found) / 5
    near = report.method("near_unanimous").flagged[0]
    assert {p.precinct for p in near.precincts} <= stuffed


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_clean_nights_raise_no_fraud_alarm(seed: int) -> None:
    report = clean_night(seed)
    fraud_alarms = {r.method for r in report.alarms} & FRAUD_METHODS
    assert fraud_alarms == set()
    # Checks without a null flag nothing; those with one stay within it (no alarm above).
    for method in ("near_unanimous", "klimek"):
        assert report.method(method, _series(report, method)).flagged == ()
    assert report.method("integer_percentages", report.leader).p_value >= LEVEL


def _series(report: SuiteReport, method: str) -> str | None:
    return report.leader if method == "klimek" else None


def test_whole_percentages_in_excess_alarm_and_list_their_stations() -> None:
    table = clean(4_000, seed=3)
    turnout = np.round(table.turnout * 100) / 100
    issued = np.round(turnout * table.voters).astype(np.int64)
    change = issued - table.issued
    change = np.maximum(change, -table.votes[:, 0])
    rounded_half = np.arange(len(table)) % 2 == 0
    change = np.where(rounded_half, change, 0)
    votes = table.votes.copy()
    votes[:, 0] += change
    forged = Precincts(
        ids=table.ids,
        region=table.region,
        voters=table.voters,
        issued=table.issued + change,
        valid=table.valid + change,
        invalid=table.invalid,
        votes=votes,
        options=table.options,
    )
    assert run_suite(table, replicates=200).method("integer_percentages", "option 1").alarm is False
    result = run_suite(forged, replicates=200).method("integer_percentages", "option 1")
    assert result.alarm is True
    assert result.statistic("excess") > 1000
    listed = {p.precinct for g in result.flagged for p in g.precincts}
    forged_ids = {str(c) for c in table.ids[rounded_half]}
    assert len(listed & forged_ids) >= 0.8 * len(listed)


def test_the_json_has_one_shape_with_every_method_referenced_and_no_nan() -> None:
    _truth, report = stuffed_night(7)
    document = report.to_json()
    text = json.dumps(document, allow_nan=False)
    again = json.loads(text)
    assert again["format"] == FORMAT
    assert set(again) == {"format", "precincts", "options", "leader", "level", "methods", "figures"}
    assert set(again["figures"]) == {"fingerprint", "percentages", "second_digit"}
    assert len(again["figures"]["percentages"]["turnout"]) == 1000
    assert len(again["figures"]["fingerprint"]["counts"]) == 100
    for method in again["methods"]:
        assert set(method) == {
            "method", "series", "tested", "statistics", "p_value", "score", "alarm",
            "flagged", "reference",
        }  # fmt: skip
        assert method["reference"] == REFERENCES[method["method"]]
        for group in method["flagged"]:
            assert set(group["text"]) == {"kk", "ru", "en"}
            assert group["count"] == len(group["precincts"])
    assert sum(again["figures"]["percentages"]["turnout"]) == report.integers.stations
    assert math.isclose(
        sum(map(sum, again["figures"]["fingerprint"]["counts"])), report.fingerprint.stations
    )


def test_every_reason_is_told_in_three_languages() -> None:
    for texts in REASONS.values():
        assert set(texts) == {"kk", "ru", "en"}
        assert len(set(texts.values())) == 3


def test_an_empty_or_voteless_table_is_refused_naming_the_field() -> None:
    table = clean(10, seed=1)
    with pytest.raises(BadInput, match="precincts"):
        run_suite(table.select(np.zeros(10, dtype=np.bool_)))
    with pytest.raises(BadInput, match="level"):
        run_suite(table, level=1.5)
