"""Stuffing a generated night: as the model says, reproducible, and invisible to arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from saylau.cli import app
from saylau.model import BadInput
from saylau.synth.national import generate
from saylau.synth.nights import presidential_2022
from saylau.synth.stuffing import StuffingModel, precinct_table, stuff, winners


def test_stuffing_keeps_every_control_relation_and_is_the_same_for_a_seed() -> None:
    clean = presidential_2022(11, 3_000)
    once, again = stuff(clean, 5), stuff(clean, 5)
    assert once.synthetic.protocols.consistent().all()
    assert np.array_equal(once.stuffed, again.stuffed)
    assert np.array_equal(once.added, again.added)
    assert not np.array_equal(once.stuffed, stuff(clean, 6).stuffed)
    assert int(once.stuffed.sum()) == round(0.03 * 3_000)
    assert int(once.extreme.sum()) == round(0.3 * 90)
    assert not np.any(once.extreme & ~once.stuffed)


def test_only_the_stuffed_precincts_change_and_the_winner_gains_what_was_added() -> None:
    clean = presidential_2022(12, 3_000)
    truth = stuff(clean, 1)
    contest = clean.protocols.contest_ids[0]
    before, _ = precinct_table(clean, contest)
    after, _ = precinct_table(truth.synthetic, contest)
    winner = winners(clean.protocols)[0]
    untouched = ~truth.stuffed
    assert np.array_equal(before.votes[untouched], after.votes[untouched])
    assert np.array_equal(after.issued - before.issued, truth.added)
    gained = after.votes[:, winner] - before.votes[:, winner]
    assert np.array_equal(gained, truth.added + truth.moved)
    assert np.all(after.issued <= after.voters)
    # Extreme fraud pushes turnout and the winner's share near 100 %, as in the model.
    assert np.median(after.turnout[truth.extreme]) > 0.95
    assert np.median(after.shares[truth.extreme, winner]) > 0.9


def test_a_night_of_two_ballots_gets_the_same_added_ballots_on_both() -> None:
    night = generate(2023, 2_000)
    truth = stuff(night, 3)
    protocols = truth.synthetic.protocols
    assert protocols.consistent().all()
    added = protocols.ballots_found - night.protocols.ballots_found
    assert np.array_equal(added, truth.added[protocols.precinct])


def test_an_impossible_model_is_refused_naming_the_field() -> None:
    with pytest.raises(BadInput, match="'share'"):
        StuffingModel(share=3.0)
    with pytest.raises(BadInput, match="'contest'"):
        precinct_table(presidential_2022(1, 1_000), "no-such-contest")


def test_synth_writes_a_stuffed_night_and_names_what_was_stuffed(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["synth", "--night", "2022-presidential", "--precincts", "1000", "--seed", "4",
         "--stuffed", "0.03", "--out", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "stuffed.json").read_text())
    assert len(truth["stuffed"]) == 30
    assert set(truth["extreme"]) <= set(truth["stuffed"])
    expected = stuff(presidential_2022(4, 1_000), 4, StuffingModel(share=0.03))
    assert truth["stuffed"] == list(expected.stuffed_codes)
    refused = CliRunner().invoke(
        app, ["synth", "--night", "2022-presidential", "--stuffed", "2", "--out", str(tmp_path)]
    )
    assert refused.exit_code != 0
    assert "field 'share'" in refused.output
