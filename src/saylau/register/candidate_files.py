"""Candidate applications as JSON documents (docs/formats.md), read into the records the
decision takes, and the decisions written back as JSON.

Nothing is guessed: an unknown key, a missing field, a date not written YYYY-MM-DD, a
yes/no fact written other than true or false or a count that is not a whole number is
refused naming the field and the rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from saylau.law.rules import Rules, rules_at
from saylau.model import BadInput, iso_date, plain_name
from saylau.register.candidates import (
    DEPOSIT_REFUND,
    CandidateApplication,
    CandidateDecision,
    DepositRefund,
    Nomination,
    Nominator,
    Office,
    RuleCheck,
    Signatures,
    decide_candidate,
    deposit_refund,
)
from saylau.register.messages import english, json_value
from saylau.register.reading import json_object
from saylau.register.report import citation_json

E = TypeVar("E", Office, Nominator)

APPLICATION_KEYS = {
    "name",
    "office",
    "election_day",
    "birth_date",
    "citizen",
    "citizen_by_birth",
    "resident_since",
    "state_language",
    "higher_education",
    "nomination",
    "public_service_years",
    "work_years",
    "elections_won",
    "signatures",
    "deposit_tenge",
    "result",
    "constructed",
}
REQUIRED = {
    "name",
    "office",
    "election_day",
    "birth_date",
    "citizen",
    "citizen_by_birth",
    "resident_since",
    "state_language",
    "higher_education",
    "nomination",
}
NOMINATION_KEYS = {"by", "name", "republican", "supreme_body_members", "supreme_body_votes_for"}
SIGNATURE_KEYS = {"valid", "base", "units_met"}
RESULT_KEYS = {"votes", "took_part", "elected"}


def _flag(raw: Any, field: str) -> bool:
    if not isinstance(raw, bool):
        raise BadInput(field, "must be true or false", raw)
    return raw


def _count(raw: Any, field: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise BadInput(field, "must be a whole number, 0 or more", raw)
    return raw


def _text(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not plain_name(raw):
        raise BadInput(field, "must be a non-empty string", raw)
    return plain_name(raw)


def _choice(raw: Any, field: str, kind: type[E]) -> E:
    names = [member.value for member in kind]
    if raw not in names:
        raise BadInput(field, f"must be one of {names}", raw)
    return kind(raw)


def read_candidate(raw: Any, field: str = "") -> CandidateApplication:
    """One application; BadInput naming the field (prefixed by ``field``) and the rule."""
    doc = json_object(raw, field, APPLICATION_KEYS, REQUIRED)
    at = f"{field}." if field else ""
    nom = json_object(doc["nomination"], f"{at}nomination", NOMINATION_KEYS, {"by"})
    nomination = Nomination(
        by=_choice(nom["by"], f"{at}nomination.by", Nominator),
        name=_text(nom["name"], f"{at}nomination.name") if "name" in nom else None,
        republican=_flag(nom.get("republican", False), f"{at}nomination.republican"),
        supreme_body_members=(
            _count(nom["supreme_body_members"], f"{at}nomination.supreme_body_members")
            if "supreme_body_members" in nom
            else None
        ),
        supreme_body_votes_for=(
            _count(nom["supreme_body_votes_for"], f"{at}nomination.supreme_body_votes_for")
            if "supreme_body_votes_for" in nom
            else None
        ),
    )
    signatures = None
    if "signatures" in doc:
        sig = json_object(doc["signatures"], f"{at}signatures", SIGNATURE_KEYS, {"valid", "base"})
        signatures = Signatures(
            valid=_count(sig["valid"], f"{at}signatures.valid"),
            base=_count(sig["base"], f"{at}signatures.base"),
            units_met=(
                _count(sig["units_met"], f"{at}signatures.units_met")
                if "units_met" in sig
                else None
            ),
        )
    won = doc.get("elections_won", [])
    if not isinstance(won, list):
        raise BadInput(f"{at}elections_won", "must be a JSON list of dates", won)
    return CandidateApplication(
        name=_text(doc["name"], f"{at}name"),
        office=_choice(doc["office"], f"{at}office", Office),
        election_day=iso_date(doc["election_day"], f"{at}election_day"),
        birth_date=iso_date(doc["birth_date"], f"{at}birth_date"),
        citizen=_flag(doc["citizen"], f"{at}citizen"),
        citizen_by_birth=_flag(doc["citizen_by_birth"], f"{at}citizen_by_birth"),
        resident_since=iso_date(doc["resident_since"], f"{at}resident_since"),
        state_language=_flag(doc["state_language"], f"{at}state_language"),
        higher_education=_flag(doc["higher_education"], f"{at}higher_education"),
        nomination=nomination,
        public_service_years=_count(
            doc.get("public_service_years", 0), f"{at}public_service_years"
        ),
        work_years=_count(doc.get("work_years", 0), f"{at}work_years"),
        elections_won=tuple(
            iso_date(day, f"{at}elections_won[{index}]") for index, day in enumerate(won)
        ),
        signatures=signatures,
        deposit_tenge=_count(doc.get("deposit_tenge", 0), f"{at}deposit_tenge"),
    )


def read_result(raw: Any, field: str, rules: Rules) -> DepositRefund | None:
    """The refund of the deposit, when the application carries its result of the vote."""
    if not isinstance(raw, dict) or "result" not in raw:
        return None
    res = json_object(raw["result"], f"{field}result", RESULT_KEYS, RESULT_KEYS)
    try:
        return deposit_refund(
            _count(res["votes"], f"{field}result.votes"),
            _count(res["took_part"], f"{field}result.took_part"),
            _flag(res["elected"], f"{field}result.elected"),
            rules,
        )
    except BadInput as exc:
        raise BadInput(f"{field}result.{exc.field}", exc.rule, exc.found) from None


def law_of(day: dt.date, field: str) -> Rules:
    from saylau.law.rules import NotInForce

    try:
        return rules_at(day)
    except NotInForce as exc:
        raise BadInput(field, str(exc), day.isoformat()) from None


def check_json(check: RuleCheck) -> dict[str, Any]:
    return {
        "rule": check.rule.value,
        "passed": check.passed,
        "found": json_value(check.found),
        "required": json_value(check.required),
        "message": check.rule.value,
        "values": {name: json_value(value) for name, value in check.values.items()},
        "text": english(check.rule.value, check.values),
        "citation": citation_json(check.citation),
    }


def refund_json(refund: DepositRefund) -> dict[str, Any]:
    values: dict[str, object] = {"found": refund.votes, "required": refund.required_votes}
    return {
        "returned": refund.returned,
        "elected": refund.elected,
        "votes": refund.votes,
        "took_part": refund.took_part,
        "required_votes": refund.required_votes,
        "message": DEPOSIT_REFUND,
        "values": values,
        "text": english(DEPOSIT_REFUND, values),
        "citation": citation_json(refund.citation),
    }


def candidate_json(
    decision: CandidateDecision, refund: DepositRefund | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": decision.name,
        "office": decision.office.value,
        "election_day": decision.election_day.isoformat(),
        "decision": "registered" if decision.registered else "refused",
        "failed": [check.rule.value for check in decision.failures],
        "rules_checked": [check_json(check) for check in decision.checks],
    }
    if refund is not None:
        body["deposit_refund"] = refund_json(refund)
    return body


def decide_document(raw: Any) -> dict[str, Any]:
    """One application, or ``{"applications": [...]}`` (with an optional ``note``), decided
    each under the law of its election day; BadInput names the field at fault."""
    if isinstance(raw, dict) and "applications" in raw:
        doc = json_object(raw, "", {"applications", "note", "sources"}, {"applications"})
        entries = doc["applications"]
        if not isinstance(entries, list) or not entries:
            raise BadInput("applications", "must be a non-empty JSON list", entries)
        decisions = [_decide_one(entry, f"applications[{i}]") for i, entry in enumerate(entries)]
        return {
            "applications": len(decisions),
            "registered": sum(1 for d in decisions if d["decision"] == "registered"),
            "decisions": decisions,
        }
    return _decide_one(raw, "")


def _decide_one(raw: Any, field: str) -> dict[str, Any]:
    at = f"{field}." if field else ""
    application = read_candidate(raw, field)
    rules = law_of(application.election_day, f"{at}election_day")
    try:
        decision = decide_candidate(application, rules)
    except BadInput as exc:
        raise BadInput(f"{at}{exc.field}", exc.rule, exc.found) from None
    body = candidate_json(decision, read_result(raw, at, rules))
    if isinstance(raw, dict) and "constructed" in raw:
        body["constructed"] = _text(raw["constructed"], f"{at}constructed")
    return body
