"""Every night through the service: the official figures come out of the count, and the
constructed nights say so."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from saylau.api import create_app
from saylau.cli import app
from saylau.election import load_election
from saylau.model import BadInput, Counts
from saylau.outcome.records import ReferendumOutcome, to_json
from saylau.service.context import Context
from saylau.service.overview import overview
from saylau.synth.demo import run_night
from saylau.synth.nights import NIGHTS, decided_outcomes, elections, night
from tests.databases import fresh_postgres

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PRECINCTS = 400


def shared(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} (the official figures beside the repository) is absent")
    return path


def turnout(counts: Counts) -> float:
    assert counts.participated is not None and counts.registered
    return 100 * counts.participated / counts.registered


def demo_json(tmp_path: Path, name: str, precincts: int = PRECINCTS) -> dict[str, Any]:
    """``saylau demo --night NAME --no-serve --json`` on a SQLite file, its stdout parsed."""
    url = f"sqlite:///{tmp_path / 'night.db'}"
    result = CliRunner().invoke(
        app,
        [
            "demo",
            "--night",
            name,
            "--precincts",
            str(precincts),
            "--no-serve",
            "--json",
            "--db",
            url,
        ],
    )
    assert result.exit_code == 0, result.output
    decided: dict[str, Any] = json.loads(result.stdout)
    return decided


def test_2023_night_gives_the_official_mazhilis_seats(tmp_path: Path) -> None:
    official = json.loads(shared("mazhilis-2023.json").read_text("utf-8"))["official"]
    decided = demo_json(tmp_path, "2023", 300)
    seats = decided["mazhilis-list"]["seats"]
    by_name = {
        "amanat": "Amanat",
        "auyl": "Auyl",
        "respublica": "Respublica",
        "ak-zhol": "Ak Zhol",
        "peoples-party": "People's Party of Kazakhstan",
        "osdp": "OSDP",
        "baytaq": "Baytaq",
    }
    assert {by_name[k]: v for k, v in seats.items()} == official["seats"]
    assert len([k for k in decided if k.startswith("smd-")]) == 29
    # The combined night: Astana's maslikhat list is decided by the service to its official
    # seats, and every maslikhat district (constructed) elects one deputy.
    astana = json.loads(shared("maslikhat-astana-2023.json").read_text("utf-8"))["official"]
    list_seats = decided["maslikhat-KZ-71-list"]["seats"]
    assert {by_name[k]: v for k, v in list_seats.items()} == astana["seats"]
    (synthetic,) = elections("2023", 2023, 300)
    assert set(decided) == {c.id for c in synthetic.election.contests}
    districts = [
        c.id for c in synthetic.election.contests if c.body == "maslikhat" and c.seats == 1
    ]
    assert len(districts) > 300
    assert all(decided[c]["status"] == "elected" and decided[c]["winner"] for c in districts)


def test_2022_presidential_night_elects_the_official_winner(tmp_path: Path) -> None:
    decided = demo_json(tmp_path, "2022-presidential")
    assert decided["president"]["status"] == "elected"
    assert decided["president"]["winner"] == "tokayev"
    assert decided["president"]["percent"]["tokayev"] == pytest.approx(81.31, abs=0.02)


def test_2022_presidential_totals_are_the_commissions_exactly() -> None:
    (synthetic,) = elections("2022-presidential", 2022, 10_000)
    totals = synthetic.protocols.totals("president")
    assert totals.registered == 11_953_465
    assert totals.participated == 8_300_046
    assert totals.against_all == 460_484
    assert totals.options["tokayev"] == 6_456_393
    assert len(totals.options) == 6
    assert bool(synthetic.protocols.consistent().all())
    # 20 units of November 2022, each close to the turnout published for it that night.
    published = {
        row["iso_3166_2"]: float(row["turnout_percent"])
        for row in csv.DictReader(
            shared("regions/kz_2022_presidential_turnout_by_region.csv").open(encoding="utf-8")
        )
        if row["iso_3166_2"] != "KZ"
    }
    by_region = synthetic.protocols.totals_by_region("president")
    assert set(by_region) == set(published)
    for code, counts in by_region.items():
        assert turnout(counts) == pytest.approx(published[code], abs=3.0), code


def test_2022_referendum_is_valid_and_adopted_by_every_unit(tmp_path: Path) -> None:
    official = json.loads(shared("referendum-2022.json").read_text("utf-8"))["official"]
    decided = demo_json(tmp_path, "2022-referendum")["constitution-2022"]
    assert decided["valid"] is official["valid"] is True
    assert decided["adopted"] is True
    assert decided["units"]["total"] == official["units_total"] == 17
    assert len(decided["units"]["with_yes_majority"]) == official["units_with_yes_majority"]
    assert decided["percent_of_participants"] == official["percent"]


def test_2022_referendum_totals_and_territory_are_those_of_the_day() -> None:
    official = json.loads(shared("referendum-2022.json").read_text("utf-8"))
    (synthetic,) = elections("2022-referendum", 2022, 10_000)
    totals = synthetic.protocols.totals("constitution-2022")
    assert totals.registered == official["registered"]
    assert totals.participated == official["participated"]
    assert totals.invalid == official["invalid"]
    assert totals.options == official["options"]
    regions = [u.code for u in synthetic.election.units if u.level == "region"]
    assert len(regions) == 17
    assert not {"KZ-10", "KZ-33", "KZ-62"} & set(regions)  # Abai, Jetisu, Ulytau came later
    assert synthetic.election.unit("KZ-71").names["en"] == "Nur-Sultan"
    published = {
        row["iso_3166_2_current"]: row
        for row in csv.DictReader(
            shared("regions/kz_2022_constitutional_referendum_by_region.csv").open(encoding="utf-8")
        )
    }
    assert set(published) == set(regions)
    for code, counts in synthetic.protocols.totals_by_region("constitution-2022").items():
        row = published[code]
        figure = float(row["turnout_2200"] or row["turnout_liter_snapshot"])
        assert turnout(counts) == pytest.approx(figure, abs=3.0), code
        if row["yes_percent"]:
            yes = 100 * counts.options["yes"] / (counts.participated or 1)
            assert yes == pytest.approx(float(row["yes_percent"]), abs=3.0), code


def test_runoff_night_names_the_pair_then_the_winner(tmp_path: Path) -> None:
    decided = demo_json(tmp_path, "2022-presidential-runoff")
    first, second = decided["president"], decided["president-round-2"]
    assert first["status"] == "runoff" and first["winner"] is None
    leaders = sorted(first["percent"], key=lambda c: -first["percent"][c])[:2]
    assert first["runoff"] == leaders
    assert second["status"] == "elected"
    assert second["winner"] in first["runoff"]
    assert set(second["percent"]) == set(first["runoff"])


def test_runoff_second_round_is_a_round_two_of_the_pair(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--night",
            "2022-presidential-runoff",
            "--precincts",
            str(PRECINCTS),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    first = load_election(tmp_path / "presidential-runoff-constructed-round-1" / "election.json")
    second = load_election(tmp_path / "presidential-runoff-constructed-round-2" / "election.json")
    repeat = second.contest("president-round-2")
    assert repeat.round == 2
    assert len(repeat.options) == 2
    assert set(repeat.option_ids) < set(first.contest("president").option_ids)
    for election in (first, second):
        assert "constructed" in election.names["en"]
        assert "құрастырылған" in election.names["kk"]
        assert "сконструированный" in election.names["ru"]


def test_2026_kurultai_is_constructed_and_fills_145_seats(tmp_path: Path) -> None:
    decided = demo_json(tmp_path, "2026-kurultai")["kurultai-list"]
    assert sum(decided["seats"].values()) == 145
    (synthetic,) = elections("2026-kurultai", 2026, PRECINCTS)
    election = synthetic.election
    assert NIGHTS["2026-kurultai"].constructed
    for names in (election.names, election.contest("kurultai-list").names):
        assert "constructed" in names["en"] and "құрастырылған" in names["kk"]
    regions = [u for u in election.units if u.level == "region"]
    assert len(regions) == 20
    assert any(u.names["en"] == "Alatau" for u in election.units if u.level == "district")


def test_an_unknown_night_is_refused_with_the_names_there_are(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="2022-referendum"):
        night("2024")
    result = CliRunner().invoke(
        app, ["demo", "--night", "2024", "--no-serve", "--json", "--db", "sqlite://"]
    )
    assert result.exit_code == 2
    assert "field 'night'" in result.stderr


def test_a_night_runs_through_the_service_on_postgresql() -> None:
    official = json.loads(shared("referendum-2022.json").read_text("utf-8"))["official"]
    with fresh_postgres() as url:
        ctx = Context.open(url)
        try:
            decided = run_night(ctx, "2022-referendum", 2022, 300)
        finally:
            ctx.engine.dispose()
    outcome = decided["constitution-2022"]
    assert isinstance(outcome, ReferendumOutcome) and outcome.units is not None
    assert outcome.valid is True and outcome.adopted is True
    assert len(outcome.units.with_yes_majority) == official["units_with_yes_majority"]


def test_the_combined_night_s_pages_group_the_maslikhats(tmp_path: Path) -> None:
    """Thousands of contests: the election page lists the Mazhilis contests and one row per
    maslikhat, read in two statements; a maslikhat's page lists its own contests."""
    url = f"sqlite:///{tmp_path / 'night.db'}"
    ctx = Context.open(url)
    run_night(ctx, "2023", 2023, 240)
    found = overview(ctx, "elections-2023-synthetic")
    assert [c.contest.id for c in found.contests][:2] == ["mazhilis-list", "smd-01"]
    assert len(found.contests) == 30
    assert len(found.maslikhats) == 20 + 205
    astana = found.maslikhat("KZ-71")
    assert astana is not None and astana.level == "regional"
    assert astana.contests[0].contest.id == "maslikhat-KZ-71-list"
    assert astana.counted == len(astana.contests)  # every precinct reported
    assert {g.level for g in found.maslikhats} == {"regional", "district"}
    first, second = found.maslikhats[:2]  # region by region, its own maslikhat first
    assert (first.level, second.level) == ("regional", "district")
    assert first.unit == first.region == second.region
    with TestClient(create_app(ctx=ctx)) as client:
        body = client.get("/en/elections-2023-synthetic/").text
        assert "Maslikhats (local councils)" in body
        assert "?maslikhat=KZ-71" in body and "maslikhat-KZ-71-list" not in body
        assert body.count("?maslikhat=") == 225
        own = client.get("/kk/elections-2023-synthetic/?maslikhat=KZ-71")
        assert own.status_code == 200
        assert "/maslikhat-KZ-71-list/" in own.text and "smd-01" not in own.text
        assert "Мәслихат: Астана қаласы" in own.text
        missing = client.get("/en/elections-2023-synthetic/?maslikhat=KZ-00")
        assert missing.status_code == 404
    ctx.engine.dispose()


@pytest.mark.parametrize("name", list(NIGHTS))
def test_every_night_is_decided_through_the_service_on_postgresql_as_its_totals_say(
    name: str,
) -> None:
    """Each night counted through the service on PostgreSQL (protocols, checks, ledger,
    running totals) gives every contest the outcome its generated totals give when decided
    without the service; the repeat voting is drawn from the service's own first round."""
    with fresh_postgres() as url:
        ctx = Context.open(url)
        try:
            served = run_night(ctx, name, 2023, 240)
        finally:
            ctx.engine.dispose()
    expected: dict[str, Any] = {}
    for synthetic in elections(name, 2023, 240):
        expected |= decided_outcomes(synthetic)
    assert set(served) == set(expected)
    differing = [c for c in expected if as_json(expected[c]) != as_json(served[c])]
    assert differing == [], differing


def as_json(outcome: Any) -> Any:
    return None if outcome is None else to_json(outcome)
