"""Party lists as a JSON document (docs/formats.md), read into the records the list checks
take, and the decisions written back as JSON.

Nothing is guessed: an unknown key, a missing field, a date not written YYYY-MM-DD, a yes/no
fact written other than true or false, a position that is not a whole number or an IIN
written as a number is refused naming the field and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from saylau.law.rules import NotInForce, rules_at
from saylau.model import BadInput, iso_date
from saylau.register.lists import ListCandidate, ListCheck, PartyList, check_lists
from saylau.register.messages import english, json_value
from saylau.register.reading import json_iins, json_list, json_object, json_text
from saylau.register.report import citation_json

DOCUMENT_KEYS = {"election_day", "lists", "district_candidates"}
LIST_KEYS = {"party", "submitted_on", "candidates"}
CANDIDATE_KEYS = {"iin", "name", "position", "birth_date", "woman", "disability"}
CANDIDATE_REQUIRED = {"iin", "name", "position", "birth_date", "woman"}


def _flag(raw: Mapping[str, Any], key: str, field: str, default: bool | None = None) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise BadInput(f"{field}.{key}", "must be true or false", value)
    return value


def _candidate(raw: Any, field: str) -> ListCandidate:
    item = json_object(raw, field, CANDIDATE_KEYS, CANDIDATE_REQUIRED)
    position = item["position"]
    if isinstance(position, bool) or not isinstance(position, int) or position < 1:
        raise BadInput(f"{field}.position", "must be a whole number from 1", position)
    (iin,) = json_iins([item["iin"]], f"{field}.iin")
    return ListCandidate(
        iin=iin,
        name=json_text(item["name"], f"{field}.name"),
        position=position,
        birth_date=iso_date(item["birth_date"], f"{field}.birth_date"),
        woman=_flag(item, "woman", field),
        disability=_flag(item, "disability", field, False),
    )


def _party_list(raw: Any, field: str) -> PartyList:
    item = json_object(raw, field, LIST_KEYS, LIST_KEYS)
    entries = json_list(item["candidates"], f"{field}.candidates")
    if not entries:
        raise BadInput(f"{field}.candidates", "must name at least one candidate")
    return PartyList(
        party=json_text(item["party"], f"{field}.party"),
        submitted_on=iso_date(item["submitted_on"], f"{field}.submitted_on"),
        candidates=tuple(
            _candidate(entry, f"{field}.candidates[{index}]") for index, entry in enumerate(entries)
        ),
    )


def read_lists(raw: Any) -> tuple[dt.date, tuple[PartyList, ...], tuple[str, ...]]:
    """Election day, the lists and the IINs standing in single-member districts."""
    item = json_object(raw, "", DOCUMENT_KEYS, {"election_day", "lists"})
    day = iso_date(item["election_day"], "election_day")
    entries = json_list(item["lists"], "lists")
    if not entries:
        raise BadInput("lists", "must hold at least one party list")
    lists = tuple(_party_list(entry, f"lists[{index}]") for index, entry in enumerate(entries))
    parties = [party_list.party for party_list in lists]
    repeated = sorted({p for p in parties if parties.count(p) > 1})
    if repeated:
        raise BadInput("lists", "one list a party", ", ".join(repeated))
    districts = json_iins(item.get("district_candidates", []), "district_candidates")
    return day, lists, districts


def check_document(raw: Any) -> dict[str, Any]:
    """Every list of the document checked under the law of its election day, as JSON."""
    day, lists, districts = read_lists(raw)
    try:
        rules = rules_at(day)
    except NotInForce as exc:
        raise BadInput("election_day", str(exc), day.isoformat()) from None
    return {
        "election_day": day.isoformat(),
        "lists": [_check_json(check) for check in check_lists(lists, day, rules, districts)],
    }


def _check_json(check: ListCheck) -> dict[str, Any]:
    return {
        "party": check.party,
        "accepted": check.accepted,
        "size": check.size,
        "quota_members": list(check.quota_members),
        "failures": [
            {
                "rule": failure.rule.value,
                "found": json_value(failure.found),
                "required": json_value(failure.required),
                **({"candidate": failure.candidate} if failure.candidate else {}),
                "text": english(failure.rule.value, failure.values),
                "citation": citation_json(failure.citation),
            }
            for failure in check.failures
        ],
        "citations": [citation_json(c) for c in check.citations],
    }


__all__ = ["check_document", "read_lists"]
