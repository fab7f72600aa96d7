"""Open data on real SQLite and PostgreSQL: every format read back equals the service's
totals and protocols, carries the ledger head and status it was made at, and the NIST
report validates against the NIST SP 1500-100 v2 JSON schema in ../shared/standards."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pyarrow.parquet as pq
import pytest

from saylau.election import LANGUAGES, Election, election_from_mapping
from saylau.service import exports, ledgering
from saylau.service.auth import Principal, authenticate
from saylau.service.certification import certify
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.results import unit_results
from saylau.service.submission import approve, submit, submit_batch
from saylau.tabulation.totals import FIELDS
from tests.conftest import REPO
from tests.databases import database, imported, principals
from tests.elections_fixture import protocol, small_election_mapping
from tests.serving import Server, is_problem, start_server

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


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, ELECTION_DEF) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    """The principal of every commission (by unit code) and of the observers."""
    return principals(ctx, ELECTION)


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
        "tree_signature": signed.signature.hex(),
        "public_key": public.hex(),
    }


def expected(ctx: Context, contest: str, level: str) -> dict[str, dict[str, Any]]:
    """What the service says each unit of a table holds, flattened as a table row."""
    election = ELECTION_DEF
    options = election.contest(contest).option_ids
    voting = [p.code for p in election.precincts() if contest in _contests(p.code)]
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
        for option in options:
            row[f"votes_{option}"] = counts["votes"][option] if counts else None
        rows[code] = row
    return rows


def _contests(precinct: str) -> set[str]:
    return {c.id for c in ELECTION_DEF.contests_for(precinct)}


def read_csv(body: bytes) -> list[dict[str, Any]]:
    assert body.startswith(b"\xef\xbb\xbf"), "a byte order mark, for spreadsheets"
    rows = []
    for raw in csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")):
        row: dict[str, Any] = {}
        for name, value in raw.items():
            if value == "":  # the one null of a CSV: a count not reported, the republic's parent
                row[name] = None
            elif name in exports.INTEGER_COLUMNS or name.startswith("votes_"):
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
        for option in (o["id"] for o in document["contest"]["options"]):
            row[f"votes_{option}"] = counts["votes"][option] if counts else None
        rows.append(row)
    return rows


def read_parquet(body: bytes) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(io.BytesIO(body)).to_pylist()
    return rows


READERS = {"csv": read_csv, "json": read_json_rows, "parquet": read_parquet}


def test_tables_read_back_equal_the_service(ctx: Context, who: dict[str, Principal]) -> None:
    counting_night(ctx, who)
    stamp = head(ctx)
    for level, contest in itertools.product(exports.LEVELS, (LIST, "smd-1", "referendum")):
        want = expected(ctx, contest, level)
        for fmt, reader in READERS.items():
            download = exports.export(ctx, ELECTION, contest, fmt, level)
            rows = reader(download.body)
            assert [row["unit"] for row in rows] == list(want), (fmt, contest)
            status = "unofficial-complete" if contest == "smd-1" else "unofficial-partial"
            assert download.stamp.status == status
            for row in rows:
                unit = ELECTION_DEF.unit(row["unit"])
                assert row["status"] == status
                for key in ("tree_size", "tree_root", "tree_timestamp", "tree_signature"):
                    assert row[key] == stamp[key], (fmt, key)
                assert (row["election"], row["contest"]) == (ELECTION, contest)
                assert (row["level"], row["parent"]) == (unit.level, unit.parent)
                for language in LANGUAGES:
                    assert row[f"name_{language}"] == unit.names[language]
                for key, value in want[row["unit"]].items():
                    assert row[key] == value, (fmt, contest, row["unit"], key)
    rows = read_csv(exports.export(ctx, ELECTION, LIST, "csv", "precinct").body)
    first = next(row for row in rows if row["unit"] == P1)
    assert (first["version"], first["votes_amanat"]) == (2, 480)  # the correction counts
    silent = next(row for row in rows if row["unit"] == PRECINCTS[-1])
    assert silent["precincts_reported"] == 0 and silent["votes_amanat"] is None


def test_parquet_and_json_carry_the_stamp_and_names(
    ctx: Context, who: dict[str, Principal]
) -> None:
    counting_night(ctx, who)
    stamp = head(ctx) | {"status": "unofficial-partial"}
    parquet = exports.export(ctx, ELECTION, LIST, "parquet", "territory")
    metadata = pq.read_schema(io.BytesIO(parquet.body)).metadata
    assert {k.decode(): v.decode() for k, v in metadata.items() if k != b"saylau"} == {
        key: str(value) for key, value in stamp.items()
    }
    for document in (
        json.loads(metadata[b"saylau"]),
        json.loads(exports.export(ctx, ELECTION, LIST, "json", "territory").body),
    ):
        assert document["stamp"] == stamp
        assert document["election"]["names"] == ELECTION_DEF.names
        assert document["contest"]["names"] == ELECTION_DEF.contest(LIST).names
        options = {o["id"]: o["names"] for o in document["contest"]["options"]}
        assert options == {o.id: o.names for o in ELECTION_DEF.contest(LIST).options}
    assert parquet.filename == f"{ELECTION}-{LIST}-territory.parquet"
    assert parquet.media_type == "application/vnd.apache.parquet"


# --- NIST ---------------------------------------------------------------------------------


def published_schema() -> dict[str, Any] | None:
    """The NIST schema from ../shared/standards (never copied into the repository)."""
    if not NIST_SCHEMA.is_file():
        return None
    schema: dict[str, Any] = json.loads(NIST_SCHEMA.read_text(encoding="utf-8"))
    return schema


@pytest.fixture(scope="module")
def nist_schema() -> dict[str, Any]:
    schema = published_schema()
    if schema is None:
        pytest.skip(f"the NIST SP 1500-100 v2 JSON schema is not at {NIST_SCHEMA}")
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


def walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every object of the report, depth first."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


REFERENCES = ("GpUnitId", "ElectionDistrictId", "ElectionScopeId", "PartyId")
LIST_REFERENCES = ("ComposingGpUnitIds", "PartyIds", "CandidateIds")


def check_references(report_: dict[str, Any]) -> None:
    ids = Counter(item["@id"] for item in walk(report_) if "@id" in item)
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    for item in walk(report_):
        for key in REFERENCES:
            if key in item:
                assert item[key] in ids, (key, item[key])
        for key in LIST_REFERENCES:
            for target in item.get(key, []):
                assert target in ids, (key, target)


def texts(item: dict[str, Any]) -> dict[str, str]:
    assert item["@type"] == "ElectionResults.InternationalizedText"
    return {text["Language"]: text["Content"] for text in item["Text"]}


def totals_by_unit(selection: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for count in selection["VoteCounts"]:
        if count["Type"] == "total":
            assert count["GpUnitId"] not in found
            found[count["GpUnitId"]] = count["Count"]
    return found


def check_counts(ctx: Context, report_: dict[str, Any], contest_id: str, level: str) -> None:
    """Each selection's votes at each unit equal the service's; the units below a unit add up
    to it; the selections at a unit add up to the ballots that are votes there."""
    (election,) = report_["Election"]
    (contest,) = election["Contest"]
    units = {u["@id"]: u for u in report_["GpUnit"]}
    service = expected(ctx, contest_id, level)
    if level == "precinct":  # the units above the precincts are in a precinct-level file too
        service |= expected(ctx, contest_id, "territory")
    ballots = {b["GpUnitId"]: b for b in election["BallotCounts"]}
    definition = ELECTION_DEF.contest(contest_id)
    by_selection = {s["@id"]: totals_by_unit(s) for s in contest["ContestSelection"]}
    for option in definition.options:
        votes = by_selection.pop(f"selection-{contest_id}-{option.id}")
        for code, row in service.items():
            if row["votes_" + option.id] is None:
                assert f"gpu-{code}" not in votes  # a silent precinct has no counts, not zeros
            else:
                assert votes[f"gpu-{code}"] == row["votes_" + option.id], (option.id, code)
    against_all = by_selection.pop(f"selection-{contest_id}-against-all", None)
    assert not by_selection
    assert (against_all is None) == (definition.kind.value == "referendum")
    for code, row in service.items():
        gp = f"gpu-{code}"
        if row["ballots_found"] is None:
            assert gp not in ballots
            continue
        cast = ballots[gp]["BallotsCast"]
        assert (cast, ballots[gp]["BallotsRejected"]) == (row["ballots_found"], row["invalid"])
        # the options and against all: every ballot found that is neither invalid nor "neither"
        counted = sum(totals_by_unit(s).get(gp, 0) for s in contest["ContestSelection"])
        assert counted == cast - row["invalid"] - row["neither"], code
        parts = units[gp].get("ComposingGpUnitIds", [])
        if parts:  # a silent precinct adds nothing: it has no counts
            for selection in contest["ContestSelection"]:
                at = totals_by_unit(selection)
                assert sum(at.get(p, 0) for p in parts) == at[gp], (selection["@id"], gp)


def test_nist_report_validates_and_its_vote_counts_add_up(
    ctx: Context, who: dict[str, Principal], nist_schema: dict[str, Any]
) -> None:
    counting_night(ctx, who)
    report(ctx, who["KZ"], "smd-2", PRECINCTS[6:])
    stamp = head(ctx)
    kinds = {
        LIST: "ElectionResults.PartyContest",
        "smd-1": "ElectionResults.CandidateContest",
        "smd-2": "ElectionResults.CandidateContest",
        "referendum": "ElectionResults.BallotMeasureContest",
    }
    for level, (contest_id, kind) in itertools.product(exports.LEVELS, kinds.items()):
        download = exports.export(ctx, ELECTION, contest_id, "nist", level)
        assert download.filename == f"{ELECTION}-{contest_id}-{level}.nist.json"
        report_ = json.loads(download.body)
        validate(nist_schema, report_)
        check_references(report_)
        check_counts(ctx, report_, contest_id, level)
        assert report_["Format"] == ("precinct-level" if level == "precinct" else "summary-contest")
        complete = contest_id.startswith("smd")
        assert report_["Status"] == ("unofficial-complete" if complete else "unofficial-partial")
        marks = {i["OtherType"]: i["Value"] for i in report_["ExternalIdentifier"]}
        for key in ("tree_size", "tree_root", "tree_timestamp", "tree_signature", "public_key"):
            assert marks["saylau-" + key.replace("_", "-")] == str(stamp[key])
        (election,) = report_["Election"]
        (contest,) = election["Contest"]
        assert contest["@type"] == kind
        assert texts(election["Name"]) == ELECTION_DEF.names
        assert texts(contest["BallotTitle"]) == ELECTION_DEF.contest(contest_id).names
        units = {u["@id"]: u for u in report_["GpUnit"]}
        for gp, unit in units.items():
            if unit["Type"] != "other":
                code = gp.removeprefix("gpu-")
                assert texts(unit["Name"]) == ELECTION_DEF.unit(code).names
                level_of = ELECTION_DEF.unit(code).level
                assert unit["Type"] == exports.NIST_UNIT_TYPES[level_of]
        assert units["gpu-KZ"]["Type"] == "country"
        precincts = {gp for gp, unit in units.items() if unit["Type"] == "precinct"}
        voting = {
            f"gpu-{p.code}" for p in ELECTION_DEF.precincts() if contest_id in _contests(p.code)
        }
        assert precincts == (voting if level == "precinct" else set())
        if kind == "ElectionResults.CandidateContest":
            assert contest["VotesAllowed"] == 1 and contest["NumberElected"] == 1
            district = {"smd-1": "gpu-KZ-71", "smd-2": "gpu-district-smd-2"}[contest_id]
            assert contest["ElectionDistrictId"] == district
            if contest_id == "smd-2":  # not one unit of the territory: a unit of its own
                own = units[district]
                assert (own["Type"], own["OtherType"]) == ("other", "electoral-district")
                assert texts(own["Name"]) == ELECTION_DEF.contest(contest_id).names
                assert own["ComposingGpUnitIds"] == ["gpu-KZ-75-D01", "gpu-KZ-75-D02"]
                for selection in contest["ContestSelection"]:
                    at = totals_by_unit(selection)
                    assert at[district] == at["gpu-KZ-75-D01"] + at["gpu-KZ-75-D02"]
                    assert at[district] > 0 or selection["@id"].endswith("against-all")
            names = {c["@id"]: texts(c["BallotName"]) for c in election["Candidate"]}
            for option in ELECTION_DEF.contest(contest_id).options:
                assert names[f"candidate-{contest_id}-{option.id}"] == option.names
        if kind == "ElectionResults.PartyContest":
            parties = {p["@id"]: texts(p["Name"]) for p in report_["Party"]}
            for option in ELECTION_DEF.contest(LIST).options:
                assert parties[f"party-{option.party}"] == option.names
    kk = json.loads(exports.export(ctx, ELECTION, LIST, "nist").body)["GpUnit"][0]
    assert texts(kk["Name"]) == {
        "kk": "Қазақстан Республикасы",
        "ru": "Республика Казахстан",
        "en": "Republic of Kazakhstan",
    }


def test_status_is_certified_after_certification(ctx: Context, who: dict[str, Principal]) -> None:
    report(ctx, who["KZ"], LIST, PRECINCTS)
    report(ctx, who["KZ"], "smd-1", REGION_71)
    before = {fmt: exports.export(ctx, ELECTION, LIST, fmt) for fmt in exports.FORMATS}
    assert {d.stamp.status for d in before.values()} == {"unofficial-complete"}
    assert json.loads(before["nist"].body)["Status"] == "unofficial-complete"
    certify(ctx, who["KZ"], LIST)
    certify(ctx, who["KZ"], "smd-1")
    stamp = head(ctx)
    assert stamp["tree_size"] == 1 + 12 + 6 + 2
    for fmt in ("csv", "json", "parquet"):
        rows = READERS[fmt](exports.export(ctx, ELECTION, LIST, fmt, "territory").body)
        assert {(r["status"], r["tree_size"], r["tree_root"]) for r in rows} == {
            ("certified", stamp["tree_size"], stamp["tree_root"])
        }
    party = json.loads(exports.export(ctx, ELECTION, LIST, "nist").body)
    validate(published_schema(), party)
    assert party["Status"] == "certified"
    (contest,) = party["Election"][0]["Contest"]
    seats = [
        count["Count"]
        for selection in contest["ContestSelection"]
        for count in selection["VoteCounts"]
        if count["Type"] == "seats"
    ]
    assert sum(seats) == 69 and all(s > 0 for s in seats)
    district = json.loads(exports.export(ctx, ELECTION, "smd-1", "nist").body)
    validate(published_schema(), district)
    statuses = {c["@id"]: c["PostElectionStatus"] for c in district["Election"][0]["Candidate"]}
    votes = unit_results(ctx, ELECTION, "smd-1", "KZ")["counts"]["votes"]
    winner = max(votes, key=votes.__getitem__)
    assert statuses == {
        f"candidate-smd-1-{option}": "winner" if option == winner else "defeated"
        for option in votes
    }
    assert exports.export(ctx, ELECTION, "smd-2", "csv").stamp.status == "unofficial-partial"


def test_export_command_writes_the_files_the_service_makes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    ctx = Context.open(url)
    import_election(ctx, ELECTION_DEF)
    tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION)}
    with ctx.sessions() as session:
        central = authenticate(session, ELECTION, tokens["KZ"])
    report(ctx, central, LIST, PRECINCTS[:5])

    def saylau(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "saylau", "export", "--election", ELECTION, *args]
        return subprocess.run([*command, "--db", url], capture_output=True, text=True, cwd=REPO)

    one = tmp_path / "list.csv"
    done = saylau("--format", "csv", "--contest", LIST, "--level", "territory", "--out", str(one))
    assert done.returncode == 0, done.stderr
    assert "unofficial-partial" in done.stdout and "tree size 6" in done.stdout  # 1 + 5
    assert one.read_bytes() == exports.export(ctx, ELECTION, LIST, "csv", "territory").body
    folder = tmp_path / "parquet"
    done = saylau("--format", "parquet", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    contests = [c.id for c in ELECTION_DEF.contests]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{ELECTION}-{c}-precinct.parquet" for c in contests
    )
    refused = saylau("--format", "csv", "--contest", "nope", "--out", str(tmp_path / "x.csv"))
    assert refused.returncode == 2 and "no contest 'nope'" in refused.stderr
    assert not (tmp_path / "x.csv").exists()
    ctx.engine.dispose()


# --- HTTP ---------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_downloads_over_http(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url:
        ctx = Context.open(url)
        import_election(ctx, ELECTION_DEF)
        tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION)}
        ctx.engine.dispose()
        server = start_server(url, tmp_path)
        try:
            downloads_over_http(server, tokens)
        finally:
            server.stop()
        assert "Traceback" not in server.log_text(), server.log_text()


def downloads_over_http(server: Server, tokens: dict[str, str]) -> None:
    public = server.client()
    central = server.client(tokens["KZ"])
    batch = [{"protocol": protocol(c, LIST, list_votes(n))} for n, c in enumerate(PRECINCTS)]
    assert central.post("/protocols/batch", json={"submissions": batch}).json()["accepted"] == 12
    size = central.get("/ledger/head").json()["size"]
    media = {
        "csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "parquet": "application/vnd.apache.parquet",
        "nist.json": "application/json",
    }
    downloaded = {}
    for suffix, level in [*((suffix, "precinct") for suffix in media), ("csv", "territory")]:
        answer = public.get(f"/export/{LIST}.{suffix}", params={"level": level})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == media[suffix]
        name = f"{ELECTION}-{LIST}-{level}.{suffix}"
        assert answer.headers["content-disposition"].startswith(f'attachment; filename="{name}"')
        assert answer.headers["x-saylau-status"] == "unofficial-complete"
        assert answer.headers["x-saylau-tree-size"] == str(size)
        downloaded[suffix, level] = answer.content
    rows = read_csv(downloaded["csv", "territory"])
    assert read_parquet(downloaded["parquet", "precinct"]) == read_csv(
        downloaded["csv", "precinct"]
    )
    assert rows[0]["unit"] == "KZ" and rows[0]["votes_amanat"] == sum(
        list_votes(n)["amanat"] for n in range(12)
    )
    assert public.get("/export/smd-1.nist.json").json()["Status"] == "unofficial-partial"
    for path, status in (
        ("/export/nope.csv", 404),
        (f"/export/{LIST}.xml", 404),
        (f"/export/{LIST}.csv?level=everything", 422),
    ):
        answer = public.get(path)
        assert answer.status_code == status and is_problem(answer), path
    assert server.client(tokens["KZ"]).post(f"/contests/{LIST}/certify").status_code == 201
    answer = public.get(f"/export/{LIST}.json")
    assert answer.headers["x-saylau-status"] == "certified"
    assert answer.json()["stamp"]["status"] == "certified"
    assert answer.json()["stamp"]["tree_size"] == size + 1
    schema = httpx.get(server.base + "/openapi.json").json()
    operation = schema["paths"]["/api/v1/elections/{election_id}/export/{contest_id}.{fmt}"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {
        "text/csv",
        "application/json",
        "application/vnd.apache.parquet",
    }
    fmt = next(p for p in operation["parameters"] if p["name"] == "fmt")
    assert fmt["schema"]["enum"] == ["csv", "json", "parquet", "nist.json"]
