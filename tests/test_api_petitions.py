"""Online petitions over HTTP: each role's credential takes only its own steps, a step the
law refuses is problem+json naming the field, the rule and the citation and records
nothing, signing again answers 200 with the first receipt, and the public reads counts per
region and per day without any signer's identity."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saylau import ledger
from saylau.api.app import create_app
from saylau.petitions import receipts
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from tests.petitions_fixture import iin_of
from tests.petitions_pki import CitizensAuthority
from tests.serving import prepare

PETITIONS = "/api/v1/petitions"


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    authority: CitizensAuthority

    def sign(self, petition_id: str, serial: int, text: str = "", **born: dt.date) -> Any:
        citizen = self.authority.citizen(iin_of(serial, **born))
        body = self.authority.envelope(citizen, petition_id, text or DRAFT["text"])
        return self.client.post(f"{PETITIONS}/{petition_id}/signatures", json=body)

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
    authority = CitizensAuthority.create(tmp_path / "pki")
    app = create_app(url)
    app.state.pki_trust = authority.trust()
    with TestClient(app) as client:
        yield Api(client, tokens, authority)


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
    first = api.sign(petition_id, 3)
    assert first.status_code == 201, first.text
    again = api.sign(petition_id, 3)  # a new envelope, the same citizen
    assert again.status_code == 200 and again.json()["already_signed"]
    assert again.json()["receipt"] == first.json()["receipt"]
    log = api.client.get(f"{PETITIONS}/{petition_id}/log").json()
    signer = api.client.app.state.context.signer  # type: ignore[attr-defined]
    log_key = ledger.NoteKey(  # the key the verifier trusts, not the one the log shows
        receipts.log_origin(petition_id), ledger.VerifyingKey.from_bytes(signer.public_key())
    )
    assert log["key"] == log_key.vkey()
    receipt = receipts.Receipt.from_json(first.json()["receipt"])
    receipts.check_receipt(receipt, iin_of(3), log_key)  # the signer's own check
    assert api.sign(petition_id, 4).status_code == 201
    shown = api.client.get(f"{PETITIONS}/{petition_id}").json()
    assert (shown["state"], shown["signatures"]) == ("gathering_support", 2)
    assert shown["working_days_left"] is not None and shown["working_days_left"] > 0
    assert shown["required"] > 2000  # 1 % of Ulytau's people
    assert [s["step"] for s in shown["history"]] == ["submit", "approve"]
    withdrawn = api.client.delete(
        f"{PETITIONS}/{petition_id}/signatures/mine", headers=api.as_("citizen 4")
    )
    assert withdrawn.json()["signatures"] == 1
    days = api.client.get(f"{PETITIONS}/{petition_id}/days").json()
    assert [(d["signed"], d["withdrawn"], d["total"]) for d in days] == [(2, 1, 1)]
    regions = api.client.get(f"{PETITIONS}/{petition_id}/regions").json()
    assert regions == [{"region": None, "signatures": 1}]
    log = api.client.get(f"{PETITIONS}/{petition_id}/log").json()
    leaves = api.client.get(f"{PETITIONS}/{petition_id}/log/leaves").json()
    entries = [receipts.LogEntry.from_leaf(bytes.fromhex(leaf)) for leaf in leaves]
    counted = receipts.check_count(
        log["checkpoint"], petition_id, entries, log["signatures"], log_key
    )
    assert (counted.signatures, counted.withdrawals, log["signatures"]) == (2, 1, 1)
    published = str([shown, days, regions, log, leaves, api.client.get(PETITIONS).json()])
    assert all(iin_of(serial) not in published for serial in range(1, 6))
    assert api.client.get(PETITIONS).json() == []  # public once its first supporters signed
    head = api.client.get(PETITIONS + "/log/head").json()
    assert head["size"] == 2 and head["origin"] == "saylau.kz/petitions"
    proof = api.client.get(f"{PETITIONS}/{petition_id}/steps/2/proof").json()
    assert json.loads(proof["leaf"])["step"] == "approve"
    assert (proof["size"], proof["root"]) == (head["size"], head["root"])
    problem(api.client.get(f"{PETITIONS}/{petition_id}/steps/3/proof"), 404)


def test_a_signature_that_does_not_verify_or_a_minor_is_refused(api: Api) -> None:
    petition_id = approved(api)
    changed = problem(api.sign(petition_id, 3, text="Another text."), 422)
    assert (changed["field"], changed["rule"]) == ("envelope.text_sha256", "pki_text_changed")
    minor = problem(api.sign(petition_id, 5, born=dt.date(2012, 2, 2)), 422)
    assert (minor["field"], minor["rule"]) == ("signer", "petition_signer_age")
    citizen = api.authority.citizen(iin_of(6))
    body = api.authority.envelope(citizen, petition_id, DRAFT["text"])
    forged = body | {"signature": body["signature"][:-8] + "AAAAAAA="}
    bad = problem(api.client.post(f"{PETITIONS}/{petition_id}/signatures", json=forged), 422)
    assert bad["field"] == "envelope.signature"
    other = problem(
        api.client.post(f"{PETITIONS}/{petition_id}/signatures", json=body | {"version": 9}), 422
    )
    assert other["field"] == "envelope.version"
    assert api.client.get(f"{PETITIONS}/{petition_id}").json()["signatures"] == 0


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
