"""The precinct page checks its own evidence: it shows the numbers of the ledger entry its
proof is for, and says whether they are the stored protocol's and whether the proof leads to
the signed root. A stored protocol altered behind the ledger's back is flagged on the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.elections_fixture import protocol
from tests.serving import ELECTION, Server, list_votes, prepare, start_server

CONTEST = "mazhilis-list"


@dataclass
class Served:
    server: Server
    tokens: dict[str, str]
    url: str

    def submit(self, precinct: str, votes: dict[str, int]) -> dict[str, object]:
        sent = {"protocol": protocol(precinct, CONTEST, votes)}
        answer = self.server.client(self.tokens["KZ-71"]).post("/protocols", json=sent)
        assert answer.status_code == 201, answer.text
        return sent["protocol"]

    def page(self, lang: str, precinct: str) -> str:
        answer = httpx.get(f"{self.server.base}/{lang}/{ELECTION}/{CONTEST}/{precinct}/")
        assert answer.status_code == 200, answer.text
        return answer.text


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("evidence")
    url = f"sqlite:///{folder / 'saylau.db'}"
    tokens = prepare(url)
    server = start_server(url, folder)
    try:
        yield Served(server, tokens, url)
    finally:
        server.stop()
    assert "Traceback" not in server.log_text()


def leaf_numbers(page: str) -> dict[str, int]:
    """The rows of the table of the ledger entry's numbers: label → number."""
    match = re.search(r'<table[^>]*id="leaf".*?</table>', page, re.S)
    assert match, "the page shows no table of the ledger entry's numbers"
    rows = re.findall(r"<th[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>", match[0], re.S)
    return {unescape(label).strip(): int(re.sub(r"\D", "", value)) for label, value in rows}


def verdict(page: str) -> tuple[str, str]:
    match = re.search(r'<p class="check (check-\w+)"[^>]*>(.*?)</p>', page, re.S)
    assert match, "the page says nothing about checking its proof"
    return match[1], re.sub(r"<[^>]+>", "", unescape(match[2]))


def test_the_page_shows_the_entry_it_proves_and_that_it_matches(served: Served) -> None:
    sent = served.submit("KZ-71-D01-P0001", list_votes(410, 120, 35))
    page = served.page("en", "KZ-71-D01-P0001")
    numbers = leaf_numbers(page)
    assert numbers["Ballots found in the boxes"] == sent["ballots_found"]
    assert numbers["Voters on the list"] == sent["voters_on_list"]
    assert sorted(v for k, v in numbers.items() if k not in LABELS) == [35, 120, 410]
    status, words = verdict(page)
    assert status == "check-ok", words
    assert "same numbers" in words and "signed root" in words


def test_a_stored_protocol_altered_behind_the_ledger_is_flagged(served: Served) -> None:
    """Someone with the database changes a counted protocol's votes: the page shows the
    entry's original numbers and warns that they differ from the stored protocol."""
    sent = served.submit("KZ-71-D01-P0002", list_votes(300, 200, 100))
    altered = {**sent, "votes": list_votes(100, 200, 300)}
    engine = create_engine(served.url)
    with engine.begin() as connection:
        changed = connection.execute(
            text("UPDATE protocols SET payload = :payload WHERE precinct = :precinct"),
            {"payload": json.dumps(altered), "precinct": "KZ-71-D01-P0002"},
        )
        assert changed.rowcount == 1
    engine.dispose()
    for lang, word in (("en", "differ"), ("kk", "өзгеше"), ("ru", "отличаются")):
        page = served.page(lang, "KZ-71-D01-P0002")
        status, words = verdict(page)
        assert status == "check-failed", (lang, words)
        assert word in words, (lang, words)
        numbers = leaf_numbers(page)
        assert list(numbers.values())[-3:] == [300, 200, 100], numbers


def test_a_corrected_precinct_shows_the_correction_it_proves(served: Served) -> None:
    """The counted protocol is an approved correction: its entry is the correction's."""
    precinct = "KZ-71-D01-P0003"
    served.submit(precinct, list_votes(200, 100, 50))
    corrected = {
        "protocol": protocol(precinct, CONTEST, list_votes(190, 110, 50)),
        "reason": "recount",
    }
    pending = served.server.client(served.tokens["KZ-71-D01"]).post("/protocols", json=corrected)
    assert pending.status_code == 202, pending.text
    number = pending.json()["protocol_id"]
    approved = served.server.client(served.tokens["KZ-71"]).post(f"/corrections/{number}/approve")
    assert approved.status_code == 200, approved.text
    page = served.page("en", precinct)
    status, words = verdict(page)
    assert status == "check-ok", words
    assert sorted(v for k, v in leaf_numbers(page).items() if k not in LABELS) == [50, 110, 190]


LABELS = {
    "Voters on the list",
    "Voters added on the day",
    "Ballots received",
    "Ballots issued",
    "Ballots cancelled",
    "Ballots found in the boxes",
    "Invalid ballots",
    "Against all",
}
