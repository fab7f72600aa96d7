"""Search by precinct number or place name, over a generated election stored in SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from saylau.election import Election
from saylau.service import search
from saylau.service.context import Context
from saylau.service.elections import import_election
from saylau.synth import generate


@pytest.fixture(scope="module")
def election() -> Election:
    return generate(seed=2023, precincts=300).election


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory, election: Election) -> Iterator[Context]:
    folder: Path = tmp_path_factory.mktemp("search")
    context = Context.open(f"sqlite:///{folder / 'saylau.db'}")
    import_election(context, election)
    try:
        yield context
    finally:
        context.engine.dispose()


def test_a_number_finds_the_precincts_of_that_number(ctx: Context, election: Election) -> None:
    expected = {u.code for u in election.precincts() if u.names["kk"].startswith("№ 2 ")}
    assert expected
    for query in ("2", " № 2 ", "No. 2", "no 2"):
        found = search.search(ctx, election.id, query)
        assert found.by_number
        shown = {p.unit.code for p in found.places}
        assert shown <= expected and len(shown) == min(search.LIMIT, len(expected)), query
        assert found.matched == len(expected)
    place = found.places[0]
    assert place.contest is not None and place.contest.id == "mazhilis-list"
    assert [u.level for u in place.path] == ["region", "district"]
    assert search.search(ctx, election.id, "987654").matched == 0


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_name_in_any_language_finds_the_place(
    ctx: Context, election: Election, language: str
) -> None:
    district = next(u for u in election.units if u.level == "district")
    word = district.names[language].split()[0].strip("«»")
    for query in (word, word.upper(), word.lower()[1:]):
        found = search.search(ctx, election.id, query)
        assert district.code in {p.unit.code for p in found.places}, query
        assert all(
            search.fold(query) in search.fold(p.unit.code)
            or any(search.fold(query) in search.fold(n) for n in p.unit.names.values())
            for p in found.places
        )


def test_larger_places_come_first_and_the_list_is_bounded(ctx: Context, election: Election) -> None:
    found = search.search(ctx, election.id, "Polling station")
    assert found.matched == len(election.precincts()) > search.LIMIT
    assert len(found.places) == search.LIMIT
    region = next(u for u in election.units if u.level == "region")
    shown = search.search(ctx, election.id, region.names["en"].split()[0])
    levels = [p.unit.level for p in shown.places]
    assert levels == sorted(levels, key=["region", "district", "precinct"].index)


def test_nothing_and_too_short(ctx: Context, election: Election) -> None:
    assert search.search(ctx, election.id, "Атлантида").matched == 0
    assert search.search(ctx, election.id, "А").matched == 0
    assert search.search(ctx, election.id, "   ").places == ()
