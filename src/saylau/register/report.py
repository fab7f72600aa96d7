"""A registration decision as the JSON the CLI prints and an API will answer with: every
message as its key, its values and its English sentence, every rule with its citation."""

from __future__ import annotations

from typing import Any

from saylau.law.rules import Citation
from saylau.register.messages import english, json_value
from saylau.register.parties import Decision, FailedRule, Registered
from saylau.register.roll import Rejected, RollCheck
from saylau.register.signatures import (
    CandidateSignatures,
    RejectedSignature,
    SampleEstimate,
    SignatureCheck,
)


def citation_json(citation: Citation) -> dict[str, Any]:
    return {
        "parameter": citation.key,
        "since": citation.since.isoformat(),
        "until": citation.until.isoformat() if citation.until else None,
        "source": citation.source,
        "open": citation.open,
    }


def _message(key: str, values: dict[str, object]) -> dict[str, Any]:
    return {
        "message": key,
        "values": {name: json_value(value) for name, value in values.items()},
        "text": english(key, values),
    }


def rejected_json(rejected: Rejected) -> dict[str, Any]:
    body: dict[str, Any] = {"field": rejected.field, "iin": rejected.iin}
    body |= _message(rejected.rule.value, rejected.values)
    if rejected.invalid is not None:
        invalid = rejected.invalid
        body["iin_rule"] = {"part": invalid.part} | _message(invalid.rule.value, invalid.values)
    body["rule"] = citation_json(rejected.citation) if rejected.citation else None
    return body


def roll_json(roll: RollCheck) -> dict[str, Any]:
    return {
        "counted": roll.count,
        "per_unit": dict(roll.per_unit),
        "not_counted": [rejected_json(r) for r in roll.rejected],
    }


def failure_json(failure: FailedRule) -> dict[str, Any]:
    body: dict[str, Any] = {"rule": failure.rule.value}
    if failure.unit is not None:
        body["unit"] = failure.unit
    body["found"] = json_value(failure.found)
    body["required"] = json_value(failure.required)
    body |= _message(failure.rule.value, failure.values)
    body["citation"] = citation_json(failure.citation)
    return body


def decision_json(decision: Decision) -> dict[str, Any]:
    body: dict[str, Any] = {
        "party": decision.party,
        "applied_on": decision.applied_on.isoformat(),
    }
    if isinstance(decision, Registered):
        body["decision"] = "registered"
        body["branches_due"] = decision.branches_due.isoformat()
    else:
        body["decision"] = "refused"
        body["failures"] = [failure_json(f) for f in decision.failures]
    body["initiative_group"] = roll_json(decision.initiative_group)
    body["members"] = roll_json(decision.members)
    body["rules_applied"] = [citation_json(c) for c in decision.citations]
    return body


def rejected_signature_json(rejected: RejectedSignature) -> dict[str, Any]:
    body: dict[str, Any] = {
        "field": rejected.field,
        "iin": rejected.iin,
        "candidate": rejected.candidate,
        "unit": rejected.unit,
        "signed_on": rejected.signed_on.isoformat(),
    }
    body |= _message(rejected.rule.value, rejected.values)
    if rejected.iin_rule is not None:
        body["iin_rule"] = rejected.iin_rule.value
    return body


def candidate_signatures_json(standing: CandidateSignatures) -> dict[str, Any]:
    return {
        "candidate": standing.candidate,
        "submitted": standing.submitted,
        "valid": standing.valid,
        "required": standing.required,
        "enough": standing.enough,
        "per_unit_required": standing.per_unit_required,
        "units_required": standing.units_required,
        "units_met": standing.units_met,
        "spread": standing.spread,
        "supported": standing.supported,
        "per_unit": dict(standing.per_unit),
    }


def signature_check_json(check: SignatureCheck) -> dict[str, Any]:
    return {
        "office": check.office.value,
        "on": check.on.isoformat(),
        "voters": check.voters,
        "submitted": check.submitted,
        "valid": check.valid,
        "rejected": {rule.value: count for rule, count in check.rejected.items()},
        "invalid_iin": {rule.value: count for rule, count in check.invalid_iin.items()},
        "candidates": [candidate_signatures_json(c) for c in check.candidates],
        "rejected_rows": [rejected_signature_json(r) for r in check.listed],
        "rules_applied": [citation_json(c) for c in check.citations],
    }


def sample_json(estimate: SampleEstimate) -> dict[str, Any]:
    return {
        "submitted": estimate.submitted,
        "sample": estimate.sample,
        "invalid": estimate.invalid,
        "invalid_share": estimate.share,
        "confidence": estimate.confidence,
        "interval": {"method": "wilson", "low": estimate.low, "high": estimate.high},
        "valid_at_least": estimate.valid_low,
        "rejected": {rule.value: count for rule, count in estimate.rejected.items()},
    }
