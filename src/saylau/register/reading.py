"""Party applications and voter registers as JSON documents (docs/formats.md), read into
the records the decisions take.

Nothing is guessed: an unknown key, a missing field, a date not written YYYY-MM-DD or an
IIN written as a number (which loses the leading zero of everyone born in 2000–2009) is
refused naming the field and the rule. An IIN on a roll that is a string but not a valid
IIN is not bad input: the decision counts it out and says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from saylau.model import BadInput, iso_date, plain_name
from saylau.register.parties import PartyApplication
from saylau.register.voters import Exclusion, ExclusionKind, VoterRegister

APPLICATION_KEYS = {
    "party",
    "applied_on",
    "group_notified_on",
    "congress_on",
    "initiative_group",
    "members",
}
REGISTER_KEYS = {"units", "voters", "memberships"}
VOTER_KEYS = {"iin", "unit", "exclusions"}
EXCLUSION_KEYS = {"kind", "since", "until"}


def json_object(raw: Any, field: str, keys: set[str], required: set[str]) -> Mapping[str, Any]:
    """A JSON object with only ``keys`` and every one of ``required``, else the field at fault."""
    if not isinstance(raw, dict):
        raise BadInput(field or "(document)", "must be a JSON object", type(raw).__name__)
    prefix = f"{field}." if field else ""
    for key in raw:
        if key not in keys:
            raise BadInput(f"{prefix}{key}", f"is not a known field (known: {sorted(keys)})")
    for key in sorted(required):
        if key not in raw:
            raise BadInput(f"{prefix}{key}", "is required")
    return raw


def json_list(raw: Any, field: str) -> Sequence[Any]:
    if not isinstance(raw, list):
        raise BadInput(field, "must be a JSON list", type(raw).__name__)
    return raw


def json_text(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not plain_name(raw):
        raise BadInput(field, "must be a non-empty string", raw)
    return plain_name(raw)


def json_iins(raw: Any, field: str) -> tuple[str, ...]:
    entries = json_list(raw, field)
    for index, entry in enumerate(entries):
        if not isinstance(entry, str):
            raise BadInput(
                f"{field}[{index}]",
                "an IIN is written as a string of 12 digits (a number loses leading zeros)",
                entry,
            )
    return tuple(entries)


def read_application(raw: Any) -> tuple[PartyApplication, tuple[str, ...]]:
    """The application and its membership roll from a JSON document."""
    doc = json_object(raw, "", APPLICATION_KEYS, APPLICATION_KEYS)
    application = PartyApplication(
        party=json_text(doc["party"], "party"),
        applied_on=iso_date(doc["applied_on"], "applied_on"),
        group_notified_on=iso_date(doc["group_notified_on"], "group_notified_on"),
        congress_on=iso_date(doc["congress_on"], "congress_on"),
        initiative_group=json_iins(doc["initiative_group"], "initiative_group"),
    )
    return application, json_iins(doc["members"], "members")


def _exclusion(raw: Any, field: str) -> Exclusion:
    doc = json_object(raw, field, EXCLUSION_KEYS, {"kind", "since"})
    kinds = [k.value for k in ExclusionKind]
    if doc["kind"] not in kinds:
        raise BadInput(f"{field}.kind", f"must be one of {kinds}", doc["kind"])
    until = doc.get("until")
    return Exclusion(
        kind=ExclusionKind(doc["kind"]),
        since=iso_date(doc["since"], f"{field}.since"),
        until=None if until is None else iso_date(until, f"{field}.until"),
    )


def read_register(raw: Any) -> VoterRegister:
    """The voter register (units, voters, registered parties' members) from JSON."""
    doc = json_object(raw, "", REGISTER_KEYS, {"units", "voters"})
    units = [json_text(u, f"units[{i}]") for i, u in enumerate(json_list(doc["units"], "units"))]
    rows: list[tuple[str, str, tuple[Exclusion, ...]]] = []
    for index, entry in enumerate(json_list(doc["voters"], "voters")):
        field = f"voters[{index}]"
        voter = json_object(entry, field, VOTER_KEYS, {"iin", "unit"})
        if not isinstance(voter["iin"], str):
            raise BadInput(f"{field}.iin", "an IIN is written as a string of 12 digits")
        exclusions = tuple(
            _exclusion(e, f"{field}.exclusions[{i}]")
            for i, e in enumerate(json_list(voter.get("exclusions", []), f"{field}.exclusions"))
        )
        rows.append((voter["iin"], json_text(voter["unit"], f"{field}.unit"), exclusions))
    memberships_raw = doc.get("memberships", {})
    if not isinstance(memberships_raw, dict):
        raise BadInput("memberships", "must be an object: party → list of IINs")
    memberships = {
        json_text(party, "memberships"): json_iins(iins, f"memberships.{party}")
        for party, iins in memberships_raw.items()
    }
    return VoterRegister.build(units, rows, memberships)
