"""A small counting night on a trilingual election, and readers of the open-data files
made of it: shared by the tests of the exports, the downloads and the publication room."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow.parquet as pq

from saylau.election import LANGUAGES, Election, election_from_mapping
from saylau.publication.table import is_integer, option_columns, tree_time
from saylau.service import ledgering
from saylau.service.auth import Principal
from saylau.service.context import Context
from saylau.service.results import unit_results
from saylau.service.submission import approve, submit, submit_batch
from saylau.tabulation.totals import FIELDS
from tests.elections_fixture import protocol, small_election_mapping

STANDARDS = Path(__file__).resolve().parents[2] / "shared" / "standards"
NIST_SCHEMA = STANDARDS / "NIST_V2_election_results_reporting.json"

ELECTION = "test-2023"
LIST = "mazhilis-list"
P1 = "KZ-71-D01-P0001"
PRECINCTS = [f"{r}-D0{d}-P000{p}" for r in ("KZ-71", "KZ-75") for d in (1, 2) for p in (1, 2, 3)]
REGION_71 = PRECINCTS[:6]


def trilingual_election() -> Election:
    """The small election with names that differ by language, a referendum, and a district
    contest over two districts, so that each kind of NIST contest and of electoral district
    is exported and a wrong language cannot pass for a right one."""
    mapping = small_election_mapping()

    def rename(item: dict[str, Any]) -> None:
        text = item["names"]["en"]
        item["names"] = {"kk": f"{text} (қазақша)", "ru": f"{text} (по-русски)", "en": text}

    rename(mapping)
    for item in mapping["units"]:
        rename(item)
    for contest in mapping["contests"]:
        rename(contest)
        for option in contest["options"]:
            rename(option)
        if contest["id"] == "smd-2":
            contest["area"] = ["KZ-75-D01", "KZ-75-D02"]
    mapping["units"][0]["names"] = {
        "kk": "Қазақстан Республикасы",
        "ru": "Республика Казахстан",
        "en": "Republic of Kazakhstan",
    }
    mapping["contests"].append(
        {
            "id": "referendum",
            "kind": "referendum",
            "names": {"kk": "Референдум", "ru": "Референдум", "en": "Referendum"},
            "options": [
                {"id": "yes", "names": {"kk": "Иә", "ru": "Да", "en": "Yes"}},
                {"id": "no", "names": {"kk": "Жоқ", "ru": "Нет", "en": "No"}},
            ],
            "area": ["KZ"],
            "question_type": "ordinary",
        }
    )
    return election_from_mapping(mapping)


ELECTION_DEF = trilingual_election()


def list_votes(number: int) -> dict[str, int]:
    return {"amanat": 500 + 7 * number, "auyl": 120 + number, "respublica": 70 - number}


def report(
    ctx: Context, central: Principal, contest: str, precincts: list[str], against_all: int = 0
) -> None:
    """Protocols for ``precincts``; each contest's votes differ per precinct."""
    items: list[tuple[Any, str | None]] = []
    for number, code in enumerate(precincts):
        if contest == LIST:
            votes = list_votes(number)
        elif contest == "referendum":
            votes = {"yes": 600 + number, "no": 200 - number}
        else:
            tag = contest.removeprefix("smd-")
            votes = {f"c{tag}a": 300 + 11 * number, f"c{tag}b": 280 + 5 * number}
        items.append((protocol(code, contest, votes, invalid=3, against_all=against_all), None))
    answers = submit_batch(ctx, central, items)
    assert all(getattr(a, "status", None) == "accepted" for a in answers), answers


def counting_night(ctx: Context, who: dict[str, Principal]) -> None:
    """A part of the count: the list contest half in with one approved correction, one
    district contest complete, the referendum just begun."""
    report(ctx, who["KZ"], LIST, PRECINCTS[:7], against_all=4)
    votes = {"amanat": 480, "auyl": 140, "respublica": 70}
    fixed = protocol(P1, LIST, votes, invalid=3, against_all=4)
    pending = submit(ctx, who[P1], fixed, reason="recount")
    approve(ctx, who["KZ-71-D01"], pending.protocol_id)
    report(ctx, who["KZ"], "smd-1", REGION_71)
    report(ctx, who["KZ"], "referendum", PRECINCTS[:2])


def head(ctx: Context) -> dict[str, Any]:
    with ctx.sessions() as session:
        signed, public = ledgering.latest_head(session, ELECTION)
    return {
        "tree_size": signed.head.size,
        "tree_root": signed.head.root.hex(),
        "tree_timestamp": signed.head.timestamp,
        "tree_time": tree_time(signed.head.timestamp),
        "tree_signature": signed.signature.hex(),
        "public_key": public.hex(),
    }


def expected(ctx: Context, contest: str, level: str) -> dict[str, dict[str, Any]]:
    """What the service says each unit of a table holds, flattened as a table row."""
    election = ELECTION_DEF
    voting = [p.code for p in election.precincts() if contest in contests_of(p.code)]
    if level == "precinct":
        codes = voting
    else:  # a unit above the precincts has totals if a precinct below it votes
        codes = [
            u.code
            for u in election.units
            if u.level != "precinct" and any(u.code in election.path(p) for p in voting)
        ]
    rows: dict[str, dict[str, Any]] = {}
    for code in codes:
        page = unit_results(ctx, ELECTION, contest, code)
        counts = page["counts"]
        current = [v for v in page.get("versions", []) if v["current"]]
        row: dict[str, Any] = {
            "precincts_reported": page["precincts_reported"],
            "precincts_expected": page["precincts_expected"],
            "registered": page["registered_expected"],
            "version": current[0]["version"] if current else None,
        }
        for name in FIELDS:
            row[name] = counts[name] if counts else None
        for option, column in option_columns(election.contest(contest)).items():
            row[column] = counts["votes"][option] if counts else None
        rows[code] = row
    return rows


def contests_of(precinct: str) -> set[str]:
    return {c.id for c in ELECTION_DEF.contests_for(precinct)}


def read_csv(body: bytes) -> list[dict[str, Any]]:
    assert body.startswith(b"\xef\xbb\xbf"), "a byte order mark, for spreadsheets"
    rows = []
    for raw in csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")):
        row: dict[str, Any] = {}
        for name, value in raw.items():
            if value == "":  # the one null of a CSV: a count not reported, the republic's parent
                row[name] = None
            elif is_integer(name):
                row[name] = int(value)
            else:
                row[name] = value
        rows.append(row)
    return rows


def read_json_rows(body: bytes) -> list[dict[str, Any]]:
    document = json.loads(body)
    rows = []
    for unit in document["units"]:
        row = dict(document["stamp"]) | {k: v for k, v in unit.items() if k != "counts"}
        row |= {"election": document["election"]["id"], "contest": document["contest"]["id"]}
        for language in LANGUAGES:
            row[f"name_{language}"] = unit["names"][language]
        counts = unit["counts"]
        for name in FIELDS:
            row[name] = counts[name] if counts else None
        columns = option_columns(ELECTION_DEF.contest(document["contest"]["id"]))
        for option in (o["id"] for o in document["contest"]["options"]):
            row[columns[option]] = counts["votes"][option] if counts else None
        rows.append(row)
    return rows


def read_parquet(body: bytes) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(io.BytesIO(body)).to_pylist()
    return rows


READERS = {"csv": read_csv, "json": read_json_rows, "parquet": read_parquet}


def published_schema() -> dict[str, Any] | None:
    """The NIST schema from ../shared/standards (never copied into the repository)."""
    if not NIST_SCHEMA.is_file():
        return None
    schema: dict[str, Any] = json.loads(NIST_SCHEMA.read_text(encoding="utf-8"))
    return schema


def validate(schema: dict[str, Any] | None, report_: dict[str, Any]) -> None:
    """Validate where the schema is at hand (the validation test itself skips without it)."""
    if schema is None:
        return
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report_)]
    assert not errors, "\n".join(errors[:10])
