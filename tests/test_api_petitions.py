"""Online petitions over HTTP: each role's credential takes only its own steps, a step the
law refuses is problem+json naming the field, the rule and the citation and records
nothing, signing again answers 200 with the first receipt, and the public reads counts per
region and per day without any signer's identity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saylau.api.app import create_app
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from tests.petitions_fixture import iin_of
from tests.serving import prepare

PETITIONS = "/api/v1/petitions"


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def post(self, path: str, who: str | None, body: Any = None) -> Any:
        headers = self.as_(who) if who else {}
        return self.client.post(PETITIONS + path, json=body, headers=headers)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    tokens = {"commission": prepare(url)["KZ-71"]}
    ctx = Context.open(url)
    for role, key, subject in (
        ("moderator", "moderator", None),
        ("addressee", "akimat", "regional_akimat:KZ-62"),
        ("addressee", "other akimat", "regional_akimat:KZ-75"),
        ("justice", "justice", None),
    ):
        tokens[key] = issue_official(ctx, role, f"A {key}", "petitions", subject=subject).token
    for serial in range(1, 6):
        tokens[f"citizen {serial}"] = issue_official(
            ctx, "citizen", f"Citizen {serial}", "citizen", subject=iin_of(serial)
        ).token
    ctx.engine.dispose()
    with TestClient(create_app(url)) as client:
        yield Api(client, tokens)


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    found: dict[str, Any] = response.json()
    return found


DRAFT = {
    "title": "Clean water for Zhezkazgan",
    "text": "We ask the akimat to renew the water pipes.",
    "addressee": "regional_akimat",
    "unit": "KZ-62",
}


def approved(api: Api) -> str:
    created = api.post("", "citizen 1", DRAFT)
    assert created.status_code == 201, created.text
    petition_id: str = created.json()["id"]
    assert api.client.get(f"{PETITIONS}/{petition_id}").status_code == 404  # a draft is private
    problem(api.post(f"/{petition_id}/submission", "citizen 2"), 403)  # not the author
    assert api.post(f"/{petition_id}/submission", "citizen 1").json()["state"] == "moderation"
    queue = api.client.get(PETITIONS + "/moderation", headers=api.as_("moderator")).json()
    assert [p["id"] for p in queue] == [petition_id]
    problem(api.post(f"/{petition_id}/approval", "justice"), 403)
    assert api.post(f"/{petition_id}/approval", "moderator").json()["state"] == (
        "gathering_support"
    )
    return petition_id


def test_a_petition_is_drafted_moderated_and_signed(api: Api) -> None:
    petition_id = approved(api)
    first = api.post(f"/{petition_id}/signatures", "citizen 3")
    assert first.status_code == 201, first.text
    again = api.post(f"/{petition_id}/signatures", "citizen 3")
    assert again.status_code == 200 and again.json()["already_signed"]
    assert again.json()["signed_at"] == first.json()["signed_at"]
    api.post(f"/{petition_id}/signatures", "citizen 4")
    shown = api.client.get(f"{PETITIONS}/{petition_id}").json()
    assert (shown["state"], shown["signatures"]) == ("gathering_support", 2)
    assert shown["working_days_left"] is not None and shown["working_days_left"] > 0
    assert shown["required"] > 2000  # 1 % of Ulytau's people
    assert [s["step"] for s in shown["history"]] == ["submit", "approve"]
    withdrawn = api.client.delete(
        f"{PETITIONS}/{petition_id}/signatures/mine", headers=api.as_("citizen 4")
    )
    assert withdrawn.json() == {"id": petition_id, "signatures": 1}
    days = api.client.get(f"{PETITIONS}/{petition_id}/days").json()
    assert [(d["signed"], d["withdrawn"], d["total"]) for d in days] == [(2, 1, 1)]
    regions = api.client.get(f"{PETITIONS}/{petition_id}/regions").json()
    assert regions == [{"region": None, "signatures": 1}]
    published = str([shown, days, regions, api.client.get(PETITIONS).json()])
    assert all(iin_of(serial) not in published for serial in range(1, 6))
    assert api.client.get(PETITIONS).json() == []  # public once its first supporters signed
    head = api.client.get(PETITIONS + "/log/head").json()
    assert head["size"] == 2 and head["origin"] == "saylau.kz/petitions"
    proof = api.client.get(f"{PETITIONS}/{petition_id}/steps/2/proof").json()
    assert json.loads(proof["leaf"])["step"] == "approve"
    assert (proof["size"], proof["root"]) == (head["size"], head["root"])
    problem(api.client.get(f"{PETITIONS}/{petition_id}/steps/3/proof"), 404)


def test_refusals_name_the_field_and_the_rule(api: Api) -> None:
    petition_id = approved(api)
    problem(api.post(f"/{petition_id}/consideration", "akimat"), 422)
    wrong = problem(api.post(f"/{petition_id}/refusal", "moderator", {"subject": "boring"}), 422)
    assert (wrong["field"], wrong["rule"]) == ("state", "petition_step_not_allowed")


def test_moderation_refuses_only_for_the_law_s_subjects(api: Api) -> None:
    created = api.post("", "citizen 1", DRAFT | {"addressee": "government", "unit": None})
    petition_id = created.json()["id"]
    api.post(f"/{petition_id}/submission", "citizen 1")
    refused = problem(api.post(f"/{petition_id}/refusal", "moderator", {"subject": "boring"}), 422)
    assert (refused["field"], refused["rule"]) == ("subject", "petition_refusal_subject")
    assert "excluded_subjects_named" in refused["citation"]
    done = api.post(f"/{petition_id}/refusal", "moderator", {"subject": "state secrets"})
    assert done.json()["state"] == "refused"
    shown = api.client.get(f"{PETITIONS}/{petition_id}").json()
    assert shown["refused_for"] == "state secrets"
    assert [s["step"] for s in shown["history"]] == ["submit", "refuse"]


def test_bad_input_and_wrong_credentials(api: Api) -> None:
    bad = problem(api.post("", "citizen 1", DRAFT | {"addressee": "the king"}), 422)
    assert bad["field"] == "addressee"
    unit = problem(api.post("", "citizen 1", DRAFT | {"unit": "KZ-99"}), 422)
    assert unit["field"] == "unit"
    problem(api.post("", None, DRAFT), 401)
    problem(api.post("", "commission", DRAFT), 403)
    problem(api.post("", "moderator", DRAFT), 403)
    assert api.client.get(PETITIONS).json() == []
    problem(api.client.get(f"{PETITIONS}/nothing-here"), 404)
    problem(api.client.get(PETITIONS, params={"state": "draft"}), 422)
