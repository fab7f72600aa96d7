"""The synthetic national election: exact official totals, consistent protocols, real territory."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.election import (
    ContestDef,
    Election,
    election_from_mapping,
    election_to_mapping,
    load_election,
)
from saylau.model import BadInput, Counts, Kind, parse_contest
from saylau.outcome import decide
from saylau.outcome.records import ListOutcome, PluralityOutcome
from saylau.plausibility import list_breaks, precinct_disagreements
from saylau.protocol import protocol_from_mapping
from saylau.synth import LIST_CONTEST, SyntheticElection, generate, write_dataset
from saylau.synth.maslikhats import ASTANA, SEATS_2023, combined_2023, list_contest_id
from saylau.tabulation.relations import protocol_breaks

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# The 2023 result names the parties; the synthetic contest uses short ids for them.
RESULT_NAME = {
    "amanat": "Amanat",
    "auyl": "Auyl",
    "respublica": "Respublica",
    "ak-zhol": "Ak Zhol",
    "peoples-party": "People's Party of Kazakhstan",
    "osdp": "OSDP",
    "baytaq": "Baytaq",
}


def shared(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} (the official figures beside the repository) is absent")
    return path


@pytest.fixture(scope="module")
def national() -> SyntheticElection:
    return generate()


@pytest.fixture(scope="module")
def official() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(shared("mazhilis-2023.json").read_text("utf-8"))
    return data


def contest_mapping(counts: Counts, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "date": "2023-03-19",
        "registered": counts.registered,
        "participated": counts.participated,
        "invalid": counts.invalid,
        "against_all": counts.against_all,
        "options": counts.options,
        **extra,
    }


# --- the official numbers ------------------------------------------------------------------


def test_national_list_totals_equal_the_official_result(
    national: SyntheticElection, official: dict[str, Any]
) -> None:
    totals = national.protocols.totals(LIST_CONTEST)
    assert totals.registered == official["registered"]
    assert totals.participated == official["participated"]
    assert totals.invalid == official["invalid"]
    assert totals.against_all == official["against_all"]
    assert {RESULT_NAME[k]: v for k, v in totals.options.items()} == official["options"]


def test_deciding_the_totals_gives_the_official_seats(
    national: SyntheticElection, official: dict[str, Any]
) -> None:
    totals = national.protocols.totals(LIST_CONTEST)
    outcome = decide(parse_contest(contest_mapping(totals, "mazhilis-list", seats=69)))
    assert isinstance(outcome, ListOutcome)
    seats = {RESULT_NAME[k]: v for k, v in outcome.seats.items()}
    assert seats == official["official"]["seats"]
    assert seats["Amanat"] == 40 and seats["Baytaq"] == 0


def test_single_member_winners_are_about_the_official_split(
    national: SyntheticElection, official: dict[str, Any]
) -> None:
    election = national.election
    winners: Counter[str] = Counter()
    for contest in election.contests[1:]:
        totals = national.protocols.totals(contest.id)
        outcome = decide(parse_contest(contest_mapping(totals, "single-member", body="mazhilis")))
        assert isinstance(outcome, PluralityOutcome) and outcome.winner is not None
        assert outcome.status == "elected"
        party = {o.id: o.party for o in contest.options}[outcome.winner]
        winners[party or "self-nominated"] += 1
    assert sum(winners.values()) == 29
    target = official["official"]["single_member_seats"]
    assert abs(winners["amanat"] - target["Amanat"]) <= 2
    assert abs(winners["self-nominated"] - target["self-nominated"]) <= 2


@pytest.mark.parametrize("precincts", [2_500, 37_000])
def test_other_sizes_scale_the_totals(precincts: int, official: dict[str, Any]) -> None:
    scale = precincts / 10_000
    totals = generate(seed=5, precincts=precincts).protocols.totals(LIST_CONTEST)
    assert totals.registered == round(official["registered"] * scale)
    assert totals.invalid == round(official["invalid"] * scale)
    assert totals.against_all == round(official["against_all"] * scale)
    for party, votes in totals.options.items():
        assert votes == round(official["options"][RESULT_NAME[party]] * scale)
    assert totals.participated is not None
    assert abs(totals.participated - official["participated"] * scale) <= 5


# --- consistency -----------------------------------------------------------------------------


def test_every_protocol_keeps_every_control_relation(national: SyntheticElection) -> None:
    protocols = national.protocols
    assert len(protocols) == 2 * len(national.election.precincts())
    assert protocols.consistent().all()
    date = national.election.date
    broken = [p for p in protocols if protocol_breaks(p, date)]
    assert broken == []


def test_protocols_fit_the_definition(national: SyntheticElection) -> None:
    election = national.election
    protocols = national.protocols
    registered = {p.code: p.registered for p in election.precincts()}
    for index in range(0, len(protocols), 997):
        protocol = protocols[index]
        assert protocol.contest in {c.id for c in election.contests_for(protocol.precinct)}
        assert protocol.voters_on_list == registered[protocol.precinct]
    first = next(iter(protocols))
    assert first == protocols[0]


def plausibility_breaks(synthetic: SyntheticElection) -> list[object]:
    """Every plausibility relation any synthetic protocol breaks (none should)."""
    election = synthetic.election
    protocols = list(synthetic.protocols)
    found: list[object] = [b for p in protocols for b in list_breaks(p, election)]
    return found + list(precinct_disagreements(protocols, election.date))


def test_every_protocol_is_plausible(national: SyntheticElection) -> None:
    """Within its precinct's list and the additions the law permits, sharing the list."""
    assert plausibility_breaks(national) == []
    added = national.protocols.voters_added
    assert added.max() > 0  # the bound is met by real additions, not by none at all


def test_a_precinct_s_protocols_share_their_voters(national: SyntheticElection) -> None:
    p = national.protocols
    for name in ("voters_on_list", "voters_added", "ballots_issued", "ballots_found"):
        column = getattr(p, name)
        assert np.array_equal(column[0::2], column[1::2]), name
    assert not np.array_equal(p.invalid[0::2], p.invalid[1::2])
    assert (p.ballots_received > p.ballots_issued).all()
    assert (p.neither == 0).all()
    assert (p.contest[0::2] == 0).all() and (p.contest[1::2] > 0).all()


def test_the_definition_passes_its_own_validation(national: SyntheticElection) -> None:
    election = national.election
    assert election_from_mapping(election_to_mapping(election)) == election


# --- territory and districts -------------------------------------------------------------


def test_the_twenty_real_regions(national: SyntheticElection) -> None:
    with shared("territory/regions.csv").open(encoding="utf-8") as file:
        rows = {row["iso_3166_2"]: row for row in csv.DictReader(file)}
    regions = national.election.children("KZ")
    assert len(regions) == 20
    assert {r.code for r in regions} == set(rows)
    for region in regions:
        assert region.names["kk"] == rows[region.code]["name_kk"]
        assert region.names["ru"] == rows[region.code]["name_ru_official"]


def test_every_district_of_the_source_has_precincts(national: SyntheticElection) -> None:
    with shared("territory/districts.csv").open(encoding="utf-8") as file:
        sourced = sum(1 for _ in csv.DictReader(file))
    districts = [u for u in national.election.units if u.level == "district"]
    assert len(districts) == sourced
    assert all(national.election.children(d.code) for d in districts)
    assert all(all(d.names.values()) for d in districts)


def test_29_districts_cover_every_precinct_exactly_once(national: SyntheticElection) -> None:
    election = national.election
    districts = [c for c in election.contests if c.kind is Kind.SINGLE_MEMBER]
    assert len(districts) == 29
    assert all(c.body == "mazhilis" and c.seats == 1 for c in districts)
    assert all(election.unit(code).level == "district" for c in districts for code in c.area)
    for precinct in election.precincts():
        contests = election.contests_for(precinct.code)
        assert [c.kind for c in contests] == [Kind.MAZHILIS_LIST, Kind.SINGLE_MEMBER]


def test_named_territories_are_followed(national: SyntheticElection) -> None:
    election = national.election

    def area(contest_id: str) -> set[str]:
        return {election.unit(code).names["en"] for code in election.contest(contest_id).area}

    assert {"Almaty District", "Baikonur District"} <= area("smd-01")
    assert area("smd-03") == {"Alatau District", "Auezov District"}
    assert area("smd-04") == {"Almaly District", "Zhetysu District", "Turksib District"}
    assert area("smd-05") == {"Bostandyk District", "Medeu District", "Nauryzbay District"}
    assert {"Enbekshikazakh District", "Kegen District", "Talgar District"} <= area("smd-11")
    assert {"Temirtau", "Shet District", "Karkaraly District"} <= area("smd-19")


def test_list_contest_has_the_seven_parties_of_2023(national: SyntheticElection) -> None:
    contest = national.election.contest(LIST_CONTEST)
    assert contest.seats == 69 and contest.area == ("KZ",)
    assert set(contest.option_ids) == set(RESULT_NAME)
    assert all(o.party == o.id for o in contest.options)


# --- realism -------------------------------------------------------------------------------


def test_regional_turnout_follows_the_published_figures(national: SyntheticElection) -> None:
    path = shared("regions/kz_2023_mazhilis_turnout_by_region.csv")
    columns = ("turnout_1810", "turnout_2010", "turnout_2210", "turnout_preliminary_tdi")
    with path.open(encoding="utf-8") as file:
        published = {
            row["iso_3166_2"]: [float(row[c]) for c in columns if row[c]][-1]
            for row in csv.DictReader(file)
        }
    by_region = national.protocols.totals_by_region(LIST_CONTEST)
    assert len(by_region) == 20
    for code, counts in by_region.items():
        assert counts.participated is not None and counts.registered
        turnout = 100 * counts.participated / counts.registered
        assert abs(turnout - published[code]) < 1.5, code


def test_party_shares_vary_between_regions(national: SyntheticElection) -> None:
    shares = [
        c.options["amanat"] / sum(c.options.values())
        for c in national.protocols.totals_by_region(LIST_CONTEST).values()
    ]
    assert max(shares) - min(shares) > 0.05


def test_precinct_sizes_are_realistic(national: SyntheticElection) -> None:
    p = national.protocols
    voters = (p.voters_on_list + p.voters_added)[0::2]
    assert voters.min() >= 10 and voters.max() <= 3_500
    assert (voters < 200).sum() > 50  # small rural precincts exist
    assert 900 < np.median(voters) < 1_500
    added = p.voters_added[0::2]
    assert added.sum() < 0.01 * voters.sum()


# --- determinism and files ---------------------------------------------------------------


def test_the_same_seed_gives_the_same_election() -> None:
    first, second = generate(seed=11, precincts=600), generate(seed=11, precincts=600)
    assert first.election.definition_hash() == second.election.definition_hash()
    for name in ("ballots_found", "invalid", "against_all"):
        assert np.array_equal(getattr(first.protocols, name), getattr(second.protocols, name))
    assert all(
        np.array_equal(a, b)
        for a, b in zip(first.protocols.votes, second.protocols.votes, strict=True)
    )
    other = generate(seed=12, precincts=600)
    assert other.election.definition_hash() != first.election.definition_hash()


def test_too_few_precincts_for_the_districts() -> None:
    with pytest.raises(BadInput) as caught:
        generate(precincts=100)
    assert caught.value.field == "precincts" and "one per district" in caught.value.rule


def test_written_dataset_reads_back(tmp_path: Path) -> None:
    synthetic = generate(seed=3, precincts=300)
    definition, lines = write_dataset(synthetic, tmp_path / "dataset")
    election = load_election(definition)
    assert election == synthetic.election
    rows = lines.read_text("utf-8").splitlines()
    assert len(rows) == len(synthetic.protocols)
    for row, protocol in zip(rows, synthetic.protocols, strict=True):
        assert protocol_from_mapping(json.loads(row), election) == protocol


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), precincts=st.integers(223, 1_500))
def test_any_seed_and_size_gives_consistent_protocols(seed: int, precincts: int) -> None:
    synthetic = generate(seed=seed, precincts=precincts)
    protocols = synthetic.protocols
    assert protocols.consistent().all()
    assert plausibility_breaks(synthetic) == []
    assert len(synthetic.election.precincts()) == precincts
    by_region = protocols.totals_by_region(LIST_CONTEST)
    national = protocols.totals(LIST_CONTEST)
    assert sum(c.participated or 0 for c in by_region.values()) == national.participated


PRODUCT_ROOMS = ("service", "api", "web", "outcome", "tabulation", "store", "law")


def test_no_product_room_imports_the_synthetic_nights() -> None:
    """The nights are tooling beside the product: a room that served results must never
    depend on how a night is generated."""
    package = Path(__file__).resolve().parents[1] / "src" / "saylau"
    sources = [p for room in PRODUCT_ROOMS for p in (package / room).rglob("*.py")]
    sources += [p for p in package.glob("*.py") if p.name not in ("cli.py", "__main__.py")]
    assert len(sources) > 50
    importing = [
        str(p.relative_to(package))
        for p in sources
        if "saylau.synth" in p.read_text("utf-8")
        or "from saylau import synth" in p.read_text("utf-8")
    ]
    assert importing == []


# --- the combined night of 19 March 2023 -------------------------------------------------


@pytest.fixture(scope="module")
def combined() -> SyntheticElection:
    return combined_2023()


def maslikhat_contests(election: Election) -> list[ContestDef]:
    return [c for c in election.contests if c.body == "maslikhat"]


def test_each_precinct_files_one_protocol_per_contest_on_its_ballot(
    combined: SyntheticElection,
) -> None:
    election, protocols = combined.election, combined.protocols
    filed: dict[str, list[str]] = {}
    pairs = zip(protocols.precinct.tolist(), protocols.contest.tolist(), strict=True)
    for precinct, contest in pairs:
        filed.setdefault(protocols.precinct_codes[precinct], []).append(
            protocols.contest_ids[contest]
        )
    republican_cities = {"KZ-71", "KZ-75", "KZ-79"}
    for unit in election.precincts():
        ballot = [c.id for c in election.contests_for(unit.code)]
        assert filed[unit.code] == ballot, unit.code
        # Mazhilis list and district, the region's maslikhat list and district, and the
        # district's maslikhat outside the republican cities (whose districts have none).
        city = election.path(unit.code)[1] in republican_cities
        assert len(ballot) == (4 if city else 5), unit.code
    assert 45_000 < len(protocols) < 50_000


def test_the_combined_night_keeps_every_control_relation(combined: SyntheticElection) -> None:
    protocols = combined.protocols
    assert protocols.consistent().all()
    date = combined.election.date
    sample = [protocols[i] for i in range(0, len(protocols), 101)]
    assert [p for p in sample if protocol_breaks(p, date)] == []
    assert precinct_disagreements(list(protocols)[:5_000], date) == []


def test_the_combined_night_keeps_the_official_mazhilis_totals(
    combined: SyntheticElection, official: dict[str, Any]
) -> None:
    totals = combined.protocols.totals(LIST_CONTEST)
    assert (totals.registered, totals.participated) == (
        official["registered"],
        official["participated"],
    )
    assert {RESULT_NAME[k]: v for k, v in totals.options.items()} == official["options"]
    assert combined.protocols.totals("smd-01") == generate().protocols.totals("smd-01")


def test_astana_maslikhat_list_totals_are_the_official_ones() -> None:
    astana = json.loads(shared("maslikhat-astana-2023.json").read_text("utf-8"))
    synthetic = combined_2023()
    totals = synthetic.protocols.totals(list_contest_id(ASTANA))
    assert totals.registered == astana["registered"]
    assert totals.participated == astana["participated"]
    assert totals.against_all == astana["against_all"]
    assert {RESULT_NAME[k]: v for k, v in totals.options.items()} == astana["options"]
    contest = synthetic.election.contest(list_contest_id(ASTANA))
    assert contest.seats == sum(astana["official"]["seats"].values()) == 17
    assert "constructed" not in contest.names["en"]


def test_maslikhats_at_their_levels_total_the_seats_of_2023(combined: SyntheticElection) -> None:
    contests = maslikhat_contests(combined.election)
    lists = [c for c in contests if c.kind is Kind.MASLIKHAT_LIST]
    districts = [c for c in contests if c.kind is Kind.SINGLE_MEMBER]
    assert len(lists) == 20 and {c.level for c in lists} == {"regional"}
    assert {c.area for c in lists} == {
        (u.code,) for u in combined.election.units if u.level == "region"
    }
    assert {c.level for c in districts} == {"regional", "district"}
    assert sum(c.seats or 0 for c in contests) == SEATS_2023 == 3_415
    # Half of a regional maslikhat by lists, half by districts (the law of the date).
    for contest in lists:
        region = contest.area[0]
        own = [
            c
            for c in districts
            if c.level == "regional" and c.id.startswith(f"maslikhat-{region}-")
        ]
        assert len(own) == contest.seats, region
    district_maslikhats = {c.id.rsplit("-", 1)[0] for c in districts if c.level == "district"}
    assert len(district_maslikhats) == 205  # 168 districts and 37 cities of the data


def test_constructed_maslikhat_contests_say_so(combined: SyntheticElection) -> None:
    for contest in maslikhat_contests(combined.election):
        official = contest.id == list_contest_id(ASTANA)
        assert ("constructed" in contest.names["en"]) is not official, contest.id
        assert ("құрастырылған" in contest.names["kk"]) is not official, contest.id
        assert ("сконструировано" in contest.names["ru"]) is not official, contest.id


def test_the_combined_definition_passes_its_own_validation(combined: SyntheticElection) -> None:
    election = combined.election
    assert election_from_mapping(election_to_mapping(election)) == election


def test_a_district_maslikhat_party_list_in_2023_is_refused(combined: SyntheticElection) -> None:
    mapping = election_to_mapping(combined.election)
    index = next(i for i, c in enumerate(mapping["contests"]) if c["kind"] == "maslikhat-list")
    mapping["contests"][index]["level"] = "district"
    with pytest.raises(BadInput, match="district maslikhats elected no seats by party lists"):
        election_from_mapping(mapping)


@pytest.mark.parametrize("precincts", [223, 1_000])
def test_fewer_precincts_give_no_empty_maslikhat_district(precincts: int) -> None:
    synthetic = combined_2023(seed=7, precincts=precincts)
    assert synthetic.protocols.consistent().all()
    filed = set(np.unique(synthetic.protocols.contest).tolist())
    assert filed == set(range(len(synthetic.election.contests)))


def test_maslikhat_districts_overlap_only_across_levels() -> None:
    """A precinct votes in one district of its region's maslikhat and one of its district's,
    never in two districts of one level."""
    mapping = election_to_mapping(combined_2023(seed=7, precincts=400).election)
    contests = mapping["contests"]
    district = next(c for c in contests if c.get("level") == "district" and c["seats"] == 1)
    regional = [  # "regional" is the level a maslikhat's contest has when it names none
        c for c in contests if c["body"] == "maslikhat" and "level" not in c and c["seats"] == 1
    ]
    assert any(district["area"][0] in c["area"] for c in regional)  # across levels: allowed
    other = next(
        c
        for c in contests
        if c.get("level") == "district" and c["seats"] == 1 and c is not district
    )
    other["area"] = [*other["area"], district["area"][0]]
    with pytest.raises(BadInput, match=r"same body \(maslikhat, district level\)"):
        election_from_mapping(mapping)
