"""The candidates and deputies pages: every candidate's office, nominator, status and
reasons in the reader's language (no English word of them on a Kazakh or Russian page),
the deputies of each list and district, and neither page hidden behind a contest's."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from saylau.api.app import create_app
from saylau.election import election_from_mapping
from saylau.register.lists import ListCandidate, PartyList
from saylau.register.messages import MESSAGES
from saylau.service import candidates
from saylau.service.certification import certify
from saylau.service.mandates import register_lists
from saylau.service.submission import submit_batch
from saylau.web.i18n import number, translations
from tests.candidates_fixture import district_application, list_application, too_young
from tests.databases import imported, principals
from tests.elections_fixture import protocol, small_election_mapping

ELECTION = "test-2023"
ENGLISH = ("Registered", "Refused", "self-nomination", "political party", "years old", "True")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    election = election_from_mapping(small_election_mapping())
    with imported("sqlite", tmp_path, election) as ctx:
        who = principals(ctx, ELECTION)
        candidates.register(ctx, who["KZ"], "mazhilis-list", list_application())
        candidates.register(ctx, who["KZ-71"], "smd-1", district_application())
        candidates.register(ctx, who["KZ-71"], "smd-1", too_young())
        precincts = [
            u["code"]
            for u in small_election_mapping()["units"]
            if u["level"] == "precinct" and u["code"].startswith("KZ-71")
        ]
        submit_batch(
            ctx,
            who["KZ"],
            [(protocol(p, "smd-1", {"c1a": 300, "c1b": 500}), None) for p in precincts],
        )
        certify(ctx, who["KZ"], "smd-1")
        register_lists(ctx, who["KZ"], "mazhilis-list", [small_list()])
        url = str(ctx.engine.url)
    with TestClient(create_app(url)) as test_client:
        yield test_client


def small_list() -> PartyList:
    """Amanat's list of three: a man, a woman, and a man under 29 on election day (2023)."""
    people = [
        ListCandidate("900101300811", "Arman Bekov", 1, dt.date(1990, 1, 1), False),
        ListCandidate("910202400812", "Aliya Nurova", 2, dt.date(1991, 2, 2), True),
        ListCandidate("990303300813", "Timur Sadyk", 3, dt.date(1999, 3, 3), False),
    ]
    return PartyList("amanat", dt.date(2023, 2, 1), tuple(people))


def main_text(html: str) -> str:
    body = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return re.sub(r"[\s\u00a0\u202f]+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_candidates_are_told_in_the_readers_language(client: TestClient, lang: str) -> None:
    answer = client.get(f"/{lang}/{ELECTION}/candidates/")
    assert answer.status_code == 200
    text = main_text(answer.text)
    told = translations(lang).gettext
    for name in ("Dana Amanova", "Aigerim Seitkali", "Yerlan Zhaksybek"):
        assert name in text
    assert told("Registered") in text and told("Refused registration") in text
    assert told("self-nomination") in text
    party = {"kk": "«AMANAT» партиясы", "ru": "Партия «AMANAT»"}[lang]
    assert f"{told('a political party')}: {party}" in text  # the registry's name, not its id
    assert ": amanat" not in text
    age = told(MESSAGES["candidate_age"]) % {
        "found": number(24, lang),
        "required": number(25, lang),
    }
    assert re.sub(r"[\s\u00a0\u202f]+", " ", age) in text
    for word in ENGLISH:
        assert not re.search(rf"\b{word}\b", text), word


def test_the_deputies_page_names_the_district_winner(client: TestClient) -> None:
    answer = client.get(f"/en/{ELECTION}/deputies/")
    assert answer.status_code == 200
    text = main_text(answer.text)
    assert "District 1 Candidate B" in text
    assert "District 2" not in text  # not certified: no deputy yet
    election = client.get(f"/kk/{ELECTION}/")
    assert f'href="/kk/{ELECTION}/candidates/"' in election.text
    assert f'href="/kk/{ELECTION}/deputies/"' in election.text
    for contest in ("mazhilis-list", "smd-1"):
        page = client.get(f"/ru/{ELECTION}/{contest}/")
        assert f'href="/ru/{ELECTION}/deputies/"' in page.text, contest


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_lists_page_shows_each_list_in_order_with_the_quota(
    client: TestClient, lang: str
) -> None:
    """The registered list in its order, each name marked as the list check counted it
    (the woman and the man under 29 count, the man of 33 does not), in the language."""
    answer = client.get(f"/{lang}/{ELECTION}/lists/")
    assert answer.status_code == 200
    told = translations(lang).gettext
    rows = re.findall(
        r"<tr><td>(\d+)</td><th scope=\"row\">([^<]+)</th><td>([^<]+)</td></tr>", answer.text
    )
    assert rows == [
        ("1", "Arman Bekov", told("no")),
        ("2", "Aliya Nurova", told("yes")),
        ("3", "Timur Sadyk", told("yes")),
    ]
    text = main_text(answer.text)
    assert told("Party lists") in text and "yes" not in text.split()
    api = client.get(f"/api/v1/elections/{ELECTION}/lists").json()
    (contest,) = api["lists"]
    (party,) = contest["parties"]
    assert [c["quota"] for c in party["candidates"]] == [False, True, True]
    election = client.get(f"/{lang}/{ELECTION}/")
    assert f'href="/{lang}/{ELECTION}/lists/"' in election.text
