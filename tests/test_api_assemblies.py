"""Assemblies over HTTP: an organiser's credential files and withdraws, an akimat's answers
and ticks (each other's is 403), a refused notice is problem+json naming every rule and
records nothing, and the calendar (JSON and iCalendar), each assembly, the places and the
log are public."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saylau import ledger
from saylau.api.app import create_app
from saylau.service.context import Context
from saylau.service.credentials import issue_official

ASSEMBLIES = "/api/v1/assemblies"


@dataclass
class Api:
    client: TestClient
    organiser: str
    other: str
    akimat: str
    astana: str
    days: list[dt.date]

    def as_of(self, day: dt.date) -> None:
        self.days[0] = day

    def post(self, path: str, token: str | None, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.post(ASSEMBLIES + path, json=body, headers=headers)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    ctx = Context.open(url)
    organiser = issue_official(ctx, "organiser", "Aigerim Nurlanqyzy", "organiser").token
    other = issue_official(ctx, "organiser", "Someone Else", "organiser").token
    akimat = issue_official(ctx, "akimat", "B. Akimov", "Almaty akimat", unit_code="KZ-75").token
    astana = issue_official(ctx, "akimat", "C. Akimov", "Astana akimat", unit_code="KZ-71").token
    ctx.engine.dispose()
    days = [dt.date(2024, 5, 3)]
    app = create_app(url)
    app.state.assembly_clock = lambda: days[0]
    with TestClient(app) as client:
        yield Api(client, organiser, other, akimat, astana, days)


def notice(**change: Any) -> dict[str, Any]:
    body = {
        "kind": "meeting",
        "city": "KZ-75",
        "place": "gandhi-park",
        "starts": "2024-05-20T11:00",
        "ends": "2024-05-20T13:00",
        "participants": 80,
        "purpose": "Keep the park's trees",
    }
    return body | change


def test_a_notice_is_filed_answered_and_public(api: Api) -> None:
    filed = api.post("", api.organiser, notice())
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert (body["state"], body["answer_due"], body["filed_on"]) == (
        "notified",
        "2024-05-10",
        "2024-05-03",
    )
    assert any("notification_answer_working_days" in c for c in body["citations"])
    api.as_of(dt.date(2024, 5, 6))
    answered = api.post(f"/{body['id']}/answer", api.akimat, {"decision": "agree"})
    assert answered.status_code == 201, answered.text
    assert [s["state"] for s in answered.json()["history"]] == ["notified", "agreed"]
    shown = api.client.get(f"{ASSEMBLIES}/{body['id']}").json()
    assert shown["state"] == "agreed"
    listed = api.client.get(ASSEMBLIES, params={"city": "KZ-75", "state": "agreed"}).json()
    assert [a["id"] for a in listed] == [body["id"]]
    assert api.client.get(ASSEMBLIES, params={"city": "KZ-71"}).json() == []
    log = api.client.get(f"{ASSEMBLIES}/log").json()
    assert log["size"] == 2
    proof = api.client.get(f"{ASSEMBLIES}/{body['id']}/steps/2/proof").json()
    assert (proof["index"], proof["size"], proof["root"]) == (1, 2, log["root"])
    leaf = ledger.leaf_hash(proof["leaf"].encode())
    hashes = [bytes.fromhex(h) for h in proof["proof"]]
    ledger.verify_inclusion(1, 2, leaf, hashes, bytes.fromhex(log["root"]))
    signed = ledger.verify_checkpoint(log["checkpoint"], [ledger.NoteKey.from_vkey(log["key"])])
    assert (signed.origin, signed.size, signed.root.hex()) == (
        "saylau.kz/assemblies",
        2,
        log["root"],
    )
    assert api.client.get(f"{ASSEMBLIES}/{body['id']}/steps/3/proof").status_code == 404


def test_roles_are_checked(api: Api) -> None:
    assert api.post("", None, notice()).status_code == 401
    refused = api.post("", api.akimat, notice())
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    filed = api.post("", api.organiser, notice()).json()
    assert (
        api.post(f"/{filed['id']}/answer", api.organiser, {"decision": "agree"}).status_code == 403
    )
    assert api.post("/tick", api.organiser).status_code == 403
    astana = api.post(f"/{filed['id']}/answer", api.astana, {"decision": "agree"})
    assert astana.status_code == 403 and "KZ-71" in astana.json()["detail"]
    assert api.post(f"/{filed['id']}/withdrawal", api.other).status_code == 403
    assert api.post(f"/{filed['id']}/withdrawal", api.organiser).status_code == 201


def test_a_refused_notice_names_every_rule_and_records_nothing(api: Api) -> None:
    sent = notice(kind="march", starts="2024-05-13T11:00", ends="2024-05-13T12:00")
    answer = api.post("", api.organiser, sent)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["field"] == "place"
    assert [r["rule"] for r in problem["refusals"]] == ["assembly_place_kind", "assembly_lead_time"]
    lead = problem["refusals"][1]
    # Between Fri 3 and Mon 13 May 2024: Sat 4 (worked by decree), Mon 6, Fri 10; ten
    # working days back from the 13th reach Wed 24 April (1 May a holiday), so the 23rd.
    assert lead["values"] == {"found": 3, "required": 10, "latest": "2024-04-23"}
    assert "approval_lead_working_days" in lead["citation"]
    assert api.client.get(ASSEMBLIES).json() == []
    bad = api.post("", api.organiser, notice(starts="2024-05-20 11:00"))
    assert bad.status_code == 422 and "starts" in bad.text


def test_silence_past_the_deadline_lets_it_go_ahead_once(api: Api) -> None:
    filed = api.post("", api.organiser, notice()).json()
    api.as_of(dt.date(2024, 5, 10))
    assert api.post("/tick", api.akimat).json() == {"on": "2024-05-10", "went_ahead": []}
    api.as_of(dt.date(2024, 5, 11))
    assert api.post("/tick", api.akimat).json()["went_ahead"] == [filed["id"]]
    assert api.post("/tick", api.akimat).json()["went_ahead"] == []
    late = api.post(f"/{filed['id']}/answer", api.akimat, {"decision": "refuse", "reason": "x"})
    assert late.status_code == 422
    assert late.json()["refusals"][0]["rule"] == "assembly_step_not_allowed"


def test_the_calendar_as_icalendar_and_the_places(api: Api) -> None:
    first = api.post("", api.organiser, notice()).json()
    second = api.post(
        "", api.organiser, notice(starts="2024-05-20T12:00", ends="2024-05-20T14:00")
    ).json()
    assert api.client.get(f"{ASSEMBLIES}/{first['id']}").json()["overlaps_with"] == [second["id"]]
    ics = api.client.get(f"{ASSEMBLIES}/calendar.ics", params={"city": "KZ-75"})
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    text = ics.text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    # 11:00 in Almaty on 20 May 2024 is 06:00 UTC (one zone, UTC+5, since 1 March 2024).
    assert "DTSTART:20240520T060000Z" in text
    assert "STATUS:TENTATIVE" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    places = api.client.get("/api/v1/assembly-places", params={"city": "KZ-75", "on": "2024-09-01"})
    ids = {p["place"] for p in places.json()}
    assert ids == {"gandhi-park", "sary-arka-square", "imanov-square", "zhambyl-route"}
    assert all(p["decision"] for p in places.json())


def test_the_sites_icalendar_is_worded_in_its_language(api: Api) -> None:
    filed = api.post("", api.organiser, notice()).json()
    ics = api.client.get("/kk/assemblies/calendar.ics", params={"city": "KZ-75"})
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    unfolded = ics.text.replace("\r\n ", "")
    assert "SUMMARY:жиналыс: Keep the park's trees" in unfolded
    assert "LOCATION:Махатма Ганди атындағы саябақ\\, Алматы" in unfolded
    assert f"/kk/assemblies/{filed['id']}/" in unfolded
    page = api.client.get("/ru/assemblies/", params={"city": "KZ-75"}).text
    assert 'href="/ru/assemblies/calendar.ics?city=KZ-75"' in page
