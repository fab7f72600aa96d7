"""Open data: a contest's results per precinct or per territorial unit, as CSV, JSON and
Parquet, and as the NIST SP 1500-100 v2 Election Results Common Data Format (JSON).

Every file is read from one consistent state of the database and stamped with the signed
ledger tree head that state corresponds to and with its status (unofficial-partial,
unofficial-complete or certified), so whoever holds a file can tell how final it is and
check it against the published ledger. The stamp travels inside each file: as columns on
every row of a table (a spreadsheet keeps them, a program filters on them), as the header of
the JSON document, as Parquet schema metadata too, and as external identifiers of the NIST
report, which has no element for a signature.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau import __version__
from saylau.election import LANGUAGES, ContestDef, Election, Names, Unit
from saylau.law.rules import rules_at
from saylau.model import BadInput, Kind
from saylau.service import certification, ledgering
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.service.results import status_of
from saylau.service.submission import protocol_from_payload
from saylau.store.tables import CurrentRow, ProtocolRow, TotalRow
from saylau.tabulation.totals import FIELDS, Counts, counts_of

FORMATS = ("csv", "json", "parquet", "nist")
LEVELS = ("precinct", "territory")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "nist": "application/json",
}
SUFFIXES = {"csv": "csv", "json": "json", "parquet": "parquet", "nist": "nist.json"}

STAMP_COLUMNS = ("status", "tree_size", "tree_root", "tree_timestamp", "tree_signature")
UNIT_COLUMNS = (
    "election",
    "contest",
    "unit",
    "level",
    "parent",
    *(f"name_{language}" for language in LANGUAGES),
    "precincts_reported",
    "precincts_expected",
    "registered",
    "version",
)
INTEGER_COLUMNS = frozenset(
    (
        "tree_size",
        "tree_timestamp",
        "precincts_reported",
        "precincts_expected",
        "registered",
        "version",
        *FIELDS,
    )
)

ISSUER = "Central Election Commission of the Republic of Kazakhstan"
PARTY_KINDS = frozenset((Kind.MAZHILIS_LIST, Kind.KURULTAI_LIST, Kind.MASLIKHAT_LIST))
NIST_UNIT_TYPES = {
    "republic": "country",
    "region": "state",
    "district": "county",
    "precinct": "precinct",
}
VOTE_VARIATIONS = {
    Kind.PRESIDENTIAL: "majority",
    Kind.SINGLE_MEMBER: "plurality",
    Kind.AKIM: "plurality",
    Kind.SENATE: "majority",
}


@dataclass(frozen=True, slots=True)
class Stamp:
    """The signed tree head a file corresponds to, and the status of its numbers."""

    status: str
    tree_size: int
    tree_root: str
    tree_timestamp: int
    tree_signature: str
    public_key: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Line:
    """One unit's results: a precinct's counted protocol, or a territorial unit's totals."""

    unit: Unit
    precincts_reported: int
    precincts_expected: int
    registered: int
    version: int | None  # the precinct's protocol version that counts
    counts: Counts | None  # None: the precinct has not reported


@dataclass(frozen=True)
class Results:
    """What every format is written from: one contest, read at one moment."""

    election: Election
    contest: ContestDef
    level: str
    stamp: Stamp
    territory: tuple[Line, ...]  # the units above the precincts, in definition order
    precincts: tuple[Line, ...]  # empty at the territory level
    certified_outcome: dict[str, Any] | None
    generated_at: dt.datetime

    @property
    def lines(self) -> tuple[Line, ...]:
        """The rows of a table at the requested level."""
        return self.precincts if self.level == "precinct" else self.territory


@dataclass(frozen=True, slots=True)
class Download:
    body: bytes
    media_type: str
    filename: str
    stamp: Stamp

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.filename)


def content_disposition(filename: str) -> str:
    """An ASCII filename for every client and the exact one (RFC 6266) for those that can."""
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise BadInput("format", f"must be one of {', '.join(FORMATS)}", fmt)


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise BadInput("level", f"must be one of {', '.join(LEVELS)}", level)


def _snapshot(ctx: Context, session: Session) -> None:
    """Read everything from one state: PostgreSQL by a repeatable-read transaction (writers
    are not held up); SQLite's transactions already begin by taking the database's lock."""
    if ctx.engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def read(ctx: Context, election_id: str, contest_id: str, level: str = "precinct") -> Results:
    """A contest's results at ``level`` with the stamp of the state they were read in."""
    _check_level(level)
    with ctx.sessions() as session:
        _snapshot(ctx, session)
        catalog = ctx.catalog(session, election_id)
        election = catalog.election
        if not election.has_contest(contest_id):
            raise NotFound(f"no contest {contest_id!r} in election {election_id!r}")
        contest = election.contest(contest_id)
        signed, public = ledgering.latest_head(session, election_id)
        decision = certification.latest_decision(session, election_id, contest_id)
        totals = {
            row.unit_code: row
            for row in session.scalars(
                select(TotalRow).where(
                    TotalRow.election_id == election_id, TotalRow.contest == contest_id
                )
            )
        }
        counted: dict[str, tuple[int, str]] = {}
        if level == "precinct":
            rows = session.execute(
                select(ProtocolRow.precinct, ProtocolRow.version, ProtocolRow.payload)
                .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
                .where(CurrentRow.election_id == election_id, CurrentRow.contest == contest_id)
            )
            counted = {precinct: (version, payload) for precinct, version, payload in rows}
    top = totals.get(catalog.republic)
    if top is None:
        raise NotFound(f"contest {contest_id!r} has no precincts, so no results to export")
    certified = decision is not None and decision.kind == certification.CERTIFICATION
    stamp = Stamp(
        status=status_of(top.precincts_reported, top.precincts_expected, certified),
        tree_size=signed.head.size,
        tree_root=signed.head.root.hex(),
        tree_timestamp=signed.head.timestamp,
        tree_signature=signed.signature.hex(),
        public_key=public.hex(),
    )
    territory = tuple(
        Line(
            unit,
            totals[unit.code].precincts_reported,
            totals[unit.code].precincts_expected,
            totals[unit.code].registered_expected,
            None,
            json.loads(totals[unit.code].counts),
        )
        for unit in election.units
        if unit.code in totals
    )
    precincts: list[Line] = []
    if level == "precinct":
        for unit in election.precincts():
            if contest_id not in catalog.contests[unit.code]:
                continue
            found = counted.get(unit.code)
            counts = counts_of(protocol_from_payload(found[1])) if found else None
            version = found[0] if found else None
            precincts.append(
                Line(unit, int(found is not None), 1, unit.registered or 0, version, counts)
            )
    outcome = json.loads(decision.outcome) if certified and decision and decision.outcome else None
    return Results(
        election,
        contest,
        level,
        stamp,
        territory,
        tuple(precincts),
        outcome,
        dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


def export(
    ctx: Context, election_id: str, contest_id: str, fmt: str, level: str = "precinct"
) -> Download:
    """One download: the contest's results at ``level`` in ``fmt``, stamped."""
    _check_format(fmt)
    results = read(ctx, election_id, contest_id, level)
    body = {"csv": to_csv, "json": to_json, "parquet": to_parquet, "nist": to_nist}[fmt](results)
    filename = f"{election_id}-{contest_id}-{level}.{SUFFIXES[fmt]}"
    return Download(body, MEDIA_TYPES[fmt], filename, results.stamp)


def write(
    ctx: Context, election_id: str, fmt: str, level: str, out: Path, contest_id: str | None
) -> list[tuple[Path, Download]]:
    """Write one contest's download to the file ``out``, or, without a contest, every
    contest's download into the folder ``out`` under the names the API gives them."""
    _check_format(fmt)
    _check_level(level)
    if contest_id is not None:
        download = export(ctx, election_id, contest_id, fmt, level)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(download.body)
        return [(out, download)]
    with ctx.sessions() as session:
        contests = [c.id for c in ctx.catalog(session, election_id).election.contests]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for contest in contests:
        download = export(ctx, election_id, contest, fmt, level)
        path = out / download.filename
        path.write_bytes(download.body)
        written.append((path, download))
    return written


# --- tables: CSV and Parquet ------------------------------------------------------------


def columns(contest: ContestDef) -> list[str]:
    """The table's columns: stamp, unit, progress, the protocol's counts, one per option."""
    return [
        *STAMP_COLUMNS,
        *UNIT_COLUMNS,
        *FIELDS,
        *(f"votes_{option}" for option in contest.option_ids),
    ]


def _rows(results: Results) -> Iterator[list[Any]]:
    stamp = results.stamp
    head = [stamp.status, stamp.tree_size, stamp.tree_root, stamp.tree_timestamp]
    head.append(stamp.tree_signature)
    options = results.contest.option_ids
    for line in results.lines:
        unit = line.unit
        row: list[Any] = [*head, results.election.id, results.contest.id]
        row += [unit.code, unit.level, unit.parent, *(unit.names[lang] for lang in LANGUAGES)]
        row += [line.precincts_reported, line.precincts_expected, line.registered, line.version]
        counts = line.counts
        if counts is None:
            row += [None] * (len(FIELDS) + len(options))
        else:
            row += [counts[name] for name in FIELDS]
            row += [counts["votes"].get(option, 0) for option in options]
        yield row


def to_csv(results: Results) -> bytes:
    """UTF-8 with a byte order mark, so spreadsheets read Kazakh and Russian names right;
    an empty cell is a count not reported yet (a zero is a zero)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns(results.contest))
    for row in _rows(results):
        writer.writerow("" if value is None else value for value in row)
    return text.getvalue().encode("utf-8-sig")


def _header(results: Results) -> dict[str, Any]:
    """What a file is about: the stamp, the election and the contest with their names."""
    election, contest = results.election, results.contest
    return {
        "stamp": results.stamp.as_json(),
        "generated_at": results.generated_at.isoformat(),
        "level": results.level,
        "election": {"id": election.id, "date": election.date.isoformat(), "names": election.names},
        "contest": {
            "id": contest.id,
            "kind": contest.kind.value,
            "names": contest.names,
            "seats": contest.seats,
            "options": [
                {"id": option.id, "names": option.names, "party": option.party}
                for option in contest.options
            ],
        },
    }


def to_parquet(results: Results) -> bytes:
    """The table of the CSV, typed (counts are nullable 64-bit integers), with the stamp and
    the names of the election, contest and options as schema metadata."""
    import pyarrow as pa  # loaded when a Parquet file is asked for, not by every process
    import pyarrow.parquet as pq

    names = columns(results.contest)
    fields = [
        pa.field(
            name,
            pa.int64() if name in INTEGER_COLUMNS or name.startswith("votes_") else pa.string(),
        )
        for name in names
    ]
    metadata: dict[bytes | str, bytes | str] = {
        name: str(value) for name, value in results.stamp.as_json().items()
    }
    metadata["saylau"] = json.dumps(_header(results), ensure_ascii=False)
    schema = pa.schema(fields, metadata=metadata)
    by_column: list[list[Any]] = [[] for _ in names]
    for row in _rows(results):
        for values, value in zip(by_column, row, strict=True):
            values.append(value)
    table = pa.Table.from_arrays(
        [
            pa.array(values, type=field.type)
            for values, field in zip(by_column, fields, strict=True)
        ],
        schema=schema,
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())


# --- JSON ---------------------------------------------------------------------------------


def to_json(results: Results) -> bytes:
    """The header (stamp, election, contest with names) and one object per unit."""
    document = _header(results) | {
        "units": [
            {
                "unit": line.unit.code,
                "level": line.unit.level,
                "parent": line.unit.parent,
                "names": line.unit.names,
                "precincts_reported": line.precincts_reported,
                "precincts_expected": line.precincts_expected,
                "registered": line.registered,
                "version": line.version,
                "counts": line.counts,
            }
            for line in results.lines
        ]
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


# --- NIST SP 1500-100 v2 ------------------------------------------------------------------


def _text(names: Names) -> dict[str, Any]:
    return {
        "@type": "ElectionResults.InternationalizedText",
        "Text": [
            {"@type": "ElectionResults.LanguageString", "Language": lang, "Content": names[lang]}
            for lang in LANGUAGES
        ],
    }


def _identifier(kind: str, value: object) -> dict[str, Any]:
    return {
        "@type": "ElectionResults.ExternalIdentifier",
        "Type": "other",
        "OtherType": kind,
        "Value": str(value),
    }


def _count_status(reported: int, expected: int) -> list[dict[str, Any]]:
    done = "completed" if reported >= expected else "in-process" if reported else "not-processed"
    return [{"@type": "ElectionResults.CountStatus", "Type": "total", "Status": done}]


def _vote_counts(gp_unit: str, count: int, kind: str = "total") -> dict[str, Any]:
    return {
        "@type": "ElectionResults.VoteCounts",
        "GpUnitId": gp_unit,
        "Type": kind,
        "Count": count,
    }


class _Ids:
    """The report's identifiers: one namespace per kind of object, all unique in the file."""

    @staticmethod
    def unit(code: str) -> str:
        return f"gpu-{code}"

    @staticmethod
    def party(party: str) -> str:
        return f"party-{party}"

    @staticmethod
    def candidate(contest: str, option: str) -> str:
        return f"candidate-{contest}-{option}"

    @staticmethod
    def selection(contest: str, option: str) -> str:
        return f"selection-{contest}-{option}"


def _gp_units(results: Results, district: str | None) -> list[dict[str, Any]]:
    """A ReportingUnit for every unit of the file, composed of the units below it in it."""
    election = results.election
    lines = results.territory + results.precincts
    included = {line.unit.code for line in lines}
    units = []
    for line in lines:
        code = line.unit.code
        unit: dict[str, Any] = {
            "@id": _Ids.unit(code),
            "@type": "ElectionResults.ReportingUnit",
            "Type": NIST_UNIT_TYPES[line.unit.level],
            "Name": _text(line.unit.names),
            "ExternalIdentifier": [
                {
                    "@type": "ElectionResults.ExternalIdentifier",
                    "Type": "national-level",
                    "Value": code,
                }
            ],
            "VotersRegistered": line.registered,
            "CountStatus": _count_status(line.precincts_reported, line.precincts_expected),
        }
        parts = [_Ids.unit(c.code) for c in election.children(code) if c.code in included]
        if parts:
            unit["ComposingGpUnitIds"] = parts
        if line.unit.level != "precinct":
            unit["SubUnitsReported"] = line.precincts_reported
            unit["TotalSubUnits"] = line.precincts_expected
        if line.counts is not None:
            unit["VotersParticipated"] = line.counts["ballots_found"]
        units.append(unit)
    if district is not None:
        contest = results.contest
        area = [_Ids.unit(code) for code in contest.area if code in included]
        top = _republic(results)
        units.append(
            {
                "@id": district,
                "@type": "ElectionResults.ReportingUnit",
                "Type": "other",
                "OtherType": "electoral-district",
                "Name": _text(contest.names),
                "CountStatus": _count_status(top.precincts_reported, top.precincts_expected),
                "SubUnitsReported": top.precincts_reported,
                "TotalSubUnits": top.precincts_expected,
                **({"ComposingGpUnitIds": area} if area else {}),
            }
        )
    return units


def _district(results: Results) -> tuple[str, str | None]:
    """The contest's ElectionDistrictId; an electoral district that is not one unit of the
    territory gets a ReportingUnit of its own (the second value)."""
    area = results.contest.area
    included = {line.unit.code for line in results.territory + results.precincts}
    if len(area) == 1 and area[0] in included:
        return _Ids.unit(area[0]), None
    district = f"gpu-district-{results.contest.id}"
    return district, district


def _parties(election: Election, contest: ContestDef) -> list[dict[str, Any]]:
    """The parties the contest names; a party is called by its list's names where it has one."""
    listed: dict[str, Names] = {}
    for other in election.contests:
        if other.kind in PARTY_KINDS:
            for option in other.options:
                listed.setdefault(option.party or option.id, option.names)
    wanted: dict[str, Names] = {}
    for option in contest.options:
        if contest.kind in PARTY_KINDS:
            wanted[option.party or option.id] = option.names
        elif option.party is not None:
            party = option.party
            wanted[party] = listed.get(party, dict.fromkeys(LANGUAGES, party))
    return [
        {"@id": _Ids.party(party), "@type": "ElectionResults.Party", "Name": _text(names)}
        for party, names in wanted.items()
    ]


def _candidate_status(outcome: dict[str, Any] | None, option: str) -> str | None:
    """The certified outcome as NIST's post-election status of a candidate."""
    if outcome is None:
        return None
    if outcome.get("status") == "elected":
        return "winner" if outcome.get("winner") == option else "defeated"
    if outcome.get("status") == "runoff" and outcome.get("runoff"):
        return "advanced-to-runoff" if option in outcome["runoff"] else "defeated"
    return None


def _republic(results: Results) -> Line:
    return next(line for line in results.territory if line.unit.level == "republic")


def _against_all_on_ballot(results: Results) -> bool:
    if results.contest.kind is Kind.REFERENDUM:
        return False
    on_ballot = rules_at(results.election.date).elections.against_all_on_ballot
    return bool(on_ballot) or any(
        line.counts is not None and line.counts["against_all"] > 0 for line in results.territory
    )


def _selections(results: Results, district: str, own_district: str | None) -> list[dict[str, Any]]:
    """One selection per ballot line, with its votes at every unit that has counts; an
    electoral district of its own counts what the whole contest counts."""
    contest = results.contest
    counted = [
        (_Ids.unit(line.unit.code), line.counts)
        for line in results.territory + results.precincts
        if line.counts is not None
    ]
    if own_district is not None:
        counted.append((own_district, _republic(results).counts or {}))

    def counts_for(option: str | None) -> list[dict[str, Any]]:
        """The votes for ``option`` (None: against all) at every unit with counts."""
        return [
            _vote_counts(
                gp_unit,
                counts["against_all"] if option is None else counts["votes"].get(option, 0),
            )
            for gp_unit, counts in counted
        ]

    seats = (results.certified_outcome or {}).get("seats") or {}
    selections: list[dict[str, Any]] = []
    for order, option in enumerate(contest.options, start=1):
        selection: dict[str, Any] = {
            "@id": _Ids.selection(contest.id, option.id),
            "SequenceOrder": order,
        }
        votes = counts_for(option.id)
        if contest.kind in PARTY_KINDS:
            selection["@type"] = "ElectionResults.PartySelection"
            selection["PartyIds"] = [_Ids.party(option.party or option.id)]
            if option.id in seats:
                votes.append(_vote_counts(district, int(seats[option.id]), "seats"))
        elif contest.kind is Kind.REFERENDUM:
            selection["@type"] = "ElectionResults.BallotMeasureSelection"
            selection["Selection"] = _text(option.names)
        else:
            selection["@type"] = "ElectionResults.CandidateSelection"
            selection["CandidateIds"] = [_Ids.candidate(contest.id, option.id)]
        selection["VoteCounts"] = votes
        selections.append(selection)
    if _against_all_on_ballot(results):
        selections.append(
            {
                "@id": _Ids.selection(contest.id, "against-all"),
                "@type": "ElectionResults.CandidateSelection",
                "SequenceOrder": len(contest.options) + 1,
                "VoteCounts": counts_for(None),
            }
        )
    return selections


def nist_report(results: Results) -> dict[str, Any]:
    """The ElectionReport of one contest; the notes say how Saylau's counts were mapped."""
    election, contest, stamp = results.election, results.contest, results.stamp
    republic = _republic(results)
    district, own_district = _district(results)
    selections = _selections(results, district, own_district)
    common = {
        "@id": f"contest-{contest.id}",
        "Name": contest.names["en"],
        "BallotTitle": _text(contest.names),
        "ElectionDistrictId": district,
        "SequenceOrder": [c.id for c in election.contests].index(contest.id) + 1,
        "ContestSelection": selections,
        "CountStatus": _count_status(republic.precincts_reported, republic.precincts_expected),
        "SubUnitsReported": republic.precincts_reported,
        "TotalSubUnits": republic.precincts_expected,
        "ExternalIdentifier": [_identifier("saylau-contest", contest.id)],
    }
    candidates: list[dict[str, Any]] = []
    if contest.kind in PARTY_KINDS:
        nist_contest = common | {
            "@type": "ElectionResults.PartyContest",
            "VoteVariation": "proportional",
        }
    elif contest.kind is Kind.REFERENDUM:
        nist_contest = common | {
            "@type": "ElectionResults.BallotMeasureContest",
            "Type": "referendum",
        }
    else:
        nist_contest = common | {
            "@type": "ElectionResults.CandidateContest",
            "VotesAllowed": 1,
            "NumberElected": contest.seats or 1,
            "VoteVariation": VOTE_VARIATIONS[contest.kind],
        }
        for option in contest.options:
            candidate: dict[str, Any] = {
                "@id": _Ids.candidate(contest.id, option.id),
                "@type": "ElectionResults.Candidate",
                "BallotName": _text(option.names),
            }
            if option.party is not None:
                candidate["PartyId"] = _Ids.party(option.party)
            status = _candidate_status(results.certified_outcome, option.id)
            if status is not None:
                candidate["PostElectionStatus"] = status
            candidates.append(candidate)
    counted = [line for line in results.territory + results.precincts if line.counts is not None]
    nist_election: dict[str, Any] = {
        "@type": "ElectionResults.Election",
        "Name": _text(election.names),
        "StartDate": election.date.isoformat(),
        "EndDate": election.date.isoformat(),
        "Type": "general",
        "ElectionScopeId": _Ids.unit(republic.unit.code),
        "ExternalIdentifier": [_identifier("saylau-election", election.id)],
        "CountStatus": _count_status(republic.precincts_reported, republic.precincts_expected),
        "Contest": [nist_contest],
        "BallotCounts": [
            {
                "@type": "ElectionResults.BallotCounts",
                "GpUnitId": _Ids.unit(line.unit.code),
                "Type": "total",
                "BallotsCast": line.counts["ballots_found"],
                "BallotsRejected": line.counts["invalid"],
            }
            for line in counted
            if line.counts is not None
        ],
    }
    if candidates:
        nist_election["Candidate"] = candidates
    against_all = (
        " The selection without a candidate counts the votes against all."
        if _against_all_on_ballot(results)
        else ""
    )
    head = (
        f"tree head of size {stamp.tree_size}, root {stamp.tree_root}, timestamp "
        f"{stamp.tree_timestamp}, Ed25519 signature {stamp.tree_signature} under key "
        f"{stamp.public_key}"
    )
    return {
        "@type": "ElectionResults.ElectionReport",
        "Format": "precinct-level" if results.level == "precinct" else "summary-contest",
        "GeneratedDate": results.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Issuer": ISSUER,
        "IssuerAbbreviation": republic.unit.code,
        "Status": stamp.status,
        "VendorApplicationId": f"Saylau {__version__}",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Notes": (
            f"One contest ({contest.id}) of election {election.id}, {stamp.status}, as of the "
            f"Saylau ledger's {head}. BallotCounts are this contest's ballots: BallotsCast are "
            "the ballots found in the boxes, BallotsRejected the invalid ones." + against_all
        ),
        "ExternalIdentifier": [
            _identifier("saylau-status", stamp.status),
            _identifier("saylau-tree-size", stamp.tree_size),
            _identifier("saylau-tree-root", stamp.tree_root),
            _identifier("saylau-tree-timestamp", stamp.tree_timestamp),
            _identifier("saylau-tree-signature", stamp.tree_signature),
            _identifier("saylau-public-key", stamp.public_key),
        ],
        "GpUnit": _gp_units(results, own_district),
        "Party": _parties(election, contest),
        "Election": [nist_election],
    }


def to_nist(results: Results) -> bytes:
    return json.dumps(nist_report(results), ensure_ascii=False, separators=(",", ":")).encode()
