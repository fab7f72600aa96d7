"""The precinct protocol: one per precinct and contest, read by one model wherever it comes from.

:class:`ProtocolForm` is the protocol's shape (its lines, their types, bounds and defaults):
the API documents and validates request bodies with it, and :func:`protocol_from_mapping`
reads every protocol from a file, a ledger leaf or a stored row with the same model, so a
malformed protocol is refused with the same field and rule wherever it arrives. A count is a
JSON integer ≥ 0 (``true``, ``1.5`` and ``"7"`` are not counts); the lines most forms leave
at 0 (voters added, against all, neither) may be left out. The reader then checks the
protocol against the election: every option of the contest present and named once, whatever
the letter case or surrounding spaces, the precinct votes in the contest, 'neither' is 0 but
on a referendum's form, the only one with that line (electoral-rules §11), and 'against all',
never on a referendum's ballot, is 0 on it. The control
relations a protocol must keep are law data, evaluated by :mod:`saylau.tabulation.relations`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from saylau.election import Election, canonical_json
from saylau.model import CODE_LENGTH, BadInput, Kind, input_rule, plain_name, refuse_same_names

COUNT_FIELDS: tuple[str, ...] = (
    "voters_on_list",
    "voters_added",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_found",
    "invalid",
    "against_all",
    "neither",
)
"""The protocol's count lines, in the order of the form."""

MAX_COUNT = 1_000_000_000
"""No line of a precinct's protocol comes near it: a bound on what a reader must add up."""

Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]
Code = Annotated[StrictStr, Field(min_length=1, max_length=CODE_LENGTH)]


class ProtocolForm(BaseModel):
    """A precinct protocol for one contest, as sent (see docs/formats.md): the one model of
    its shape for the API and every file reader."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    precinct: Code
    contest: Code
    voters_on_list: Count
    voters_added: Count = 0
    ballots_received: Count
    ballots_issued: Count
    ballots_cancelled: Count
    ballots_found: Count
    invalid: Count
    against_all: Count = 0
    neither: Count = 0
    votes: dict[Code, Count]


def form_lines(kind: Kind) -> tuple[str, ...]:
    """The count lines a contest's paper form has, in its order: 'against all' is never on a
    referendum's form and 'neither' only on one (the lines :func:`protocol_from_mapping`
    holds at 0 elsewhere); a form generated from the definition shows these and sends the
    others as 0."""
    if kind is Kind.REFERENDUM:
        return tuple(name for name in COUNT_FIELDS if name != "against_all")
    return tuple(name for name in COUNT_FIELDS if name != "neither")


def read_form(raw: Any) -> ProtocolForm:
    """``raw`` (parsed JSON) as a :class:`ProtocolForm`, or BadInput naming the first field
    at fault and its rule, worded as the API words it (:func:`saylau.model.input_rule`)."""
    if isinstance(raw, ProtocolForm):
        return raw
    if not isinstance(raw, Mapping):
        raise BadInput("(document)", "must be a JSON object holding one precinct protocol")
    try:
        return ProtocolForm.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "(document)"
        raise BadInput(field, input_rule(error), error.get("input")) from None


@dataclass(frozen=True, slots=True)
class Protocol:
    """The counts one precinct commission reports for one contest.

    ``neither`` counts ballots that are neither invalid nor a vote (a referendum ballot with
    both boxes marked); it is 0 on most forms. ``votes`` maps option id to votes.
    """

    precinct: str
    contest: str
    voters_on_list: int
    voters_added: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_found: int
    invalid: int
    against_all: int
    neither: int
    votes: dict[str, int]

    @property
    def option_votes(self) -> int:
        return sum(self.votes.values())

    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON: a resubmitted identical protocol hashes alike."""
        return hashlib.sha256(canonical_json(protocol_to_mapping(self))).hexdigest()


def protocol_from_mapping(raw: Any, election: Election) -> Protocol:
    """Read a protocol (parsed JSON, or a form the API has read) with :class:`ProtocolForm`,
    check it against the election and return it, or BadInput."""
    form = read_form(raw)
    precinct = form.precinct
    if not election.has_unit(precinct):
        raise BadInput("precinct", "must be the code of a unit of the election", precinct)
    level = election.unit(precinct).level
    if level != "precinct":
        raise BadInput("precinct", f"must be a precinct, not a {level}", precinct)
    contest_id = form.contest
    if not election.has_contest(contest_id):
        raise BadInput("contest", "must be the id of a contest of the election", contest_id)
    contest = election.contest(contest_id)
    if all(other.id != contest.id for other in election.contests_for(precinct)):
        raise BadInput(
            "contest",
            f"precinct {precinct} does not vote in this contest (outside its area)",
            contest_id,
        )
    if form.against_all and contest.kind is Kind.REFERENDUM:
        raise BadInput(
            "against_all",
            "must be 0: a referendum ballot asks yes or no and has no 'against all'",
            form.against_all,
        )
    if form.neither and contest.kind is not Kind.REFERENDUM:
        raise BadInput(
            "neither",
            f"must be 0: only a referendum's protocol has the line (a ballot neither invalid "
            f"nor a vote); contest {contest_id} is {contest.kind.value}",
            form.neither,
        )
    refuse_same_names(((f"votes.{option}", option) for option in form.votes), "option ids")
    given = {plain_name(option): option for option in form.votes}
    options = contest.option_ids
    for option, written in given.items():
        if option not in options:
            raise BadInput(
                f"votes.{written}",
                f"is not an option of contest {contest_id} (options: {', '.join(options)})",
            )
    for option in options:
        if option not in given:
            raise BadInput(f"votes.{option}", "is required: every option of the contest is")
    return Protocol(
        precinct=precinct,
        contest=contest.id,
        votes={option: form.votes[given[option]] for option in options},
        **{name: getattr(form, name) for name in COUNT_FIELDS},
    )


def protocol_to_mapping(protocol: Protocol) -> dict[str, Any]:
    """The protocol as plain JSON values, in the shape ``protocol_from_mapping`` reads."""
    mapping: dict[str, Any] = {"precinct": protocol.precinct, "contest": protocol.contest}
    for name in COUNT_FIELDS:
        mapping[name] = getattr(protocol, name)
    mapping["votes"] = dict(protocol.votes)
    return mapping


__all__ = [
    "COUNT_FIELDS",
    "MAX_COUNT",
    "Protocol",
    "ProtocolForm",
    "form_lines",
    "protocol_from_mapping",
    "protocol_to_mapping",
    "read_form",
]
