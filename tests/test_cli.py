"""The command line as a user runs it: real processes, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, shared_cases

SAYLAU = [sys.executable, "-m", "saylau"]

GOOD: dict[str, Any] = {
    "kind": "mazhilis-list",
    "date": "2023-03-19",
    "registered": 1000,
    "participated": 800,
    "invalid": 10,
    "against_all": 20,
    "options": {"A": 500, "B": 200, "C": 70},
}


def saylau(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SAYLAU, *args], input=stdin, capture_output=True, text=True, cwd=REPO, check=False
    )


def decide_json(document: Any) -> subprocess.CompletedProcess[str]:
    return saylau("decide", "-", stdin=json.dumps(document))


def test_decide_prints_the_outcome() -> None:
    done = decide_json(GOOD)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert sum(outcome["seats"].values()) == 69
    assert outcome["rules_date"] == "2023-03-19" and outcome["explanation"]


@pytest.mark.parametrize("path", shared_cases(), ids=lambda p: p.stem)
def test_decide_reads_the_official_files(path: Path) -> None:
    done = saylau("decide", str(path))
    assert done.returncode == 0, done.stderr
    official = json.loads(path.read_text(encoding="utf-8"))["official"]
    outcome = json.loads(done.stdout)
    for key in ("seats", "winner", "status", "valid"):
        if key in official:
            assert outcome[key] == official[key]


def broken(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if value is ...:
            del document[key]
        else:
            document[key] = value
    return document


BAD = [
    (broken(participated=...), "participated"),
    (broken(kind="mayor"), "kind"),
    (broken(kind=...), "kind"),
    (broken(date="19.03.2023"), "date"),
    (broken(date="2023/03/19"), "date"),
    (broken(date="20230319"), "date"),
    (broken(date="2004-09-19"), "date"),
    (broken(registered=-1), "registered"),
    (broken(invalid=1.5), "invalid"),
    (broken(invalid=True), "invalid"),
    (broken(options={"A": "7"}), "options.A"),
    (broken(options={"A": 500, "B": -2}), "options.B"),
    (broken(options={}), "options"),
    (broken(options={"A": 500, "a": 200}), "options"),
    (broken(participated=700), "participated"),
    (broken(participated=1200), "participated"),
    (broken(kind="kurultai-list"), "kind"),
    (broken(kind="senate", date="2027-06-01"), "kind"),
    (broken(seats=70), "seats"),
    (broken(date="2016-03-20"), "against_all"),
]


@pytest.mark.parametrize(("document", "field"), BAD, ids=[f for _d, f in BAD])
def test_bad_input_is_one_line_naming_the_field(document: dict[str, Any], field: str) -> None:
    done = decide_json(document)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"'{field}'" in lines[0]


@pytest.mark.parametrize("date", ["19.03.2023", "2023/03/19", "20230319"])
def test_decide_takes_dates_only_in_iso_form(date: str) -> None:
    done = decide_json(broken(date=date))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "saylau: field 'date': must be an ISO 8601 date YYYY-MM-DD such as 2023-03-19 "
        f"(found {date!r})\n"
    )


def test_decide_refuses_names_that_differ_only_in_case_or_spaces() -> None:
    done = decide_json(broken(options={"Amanat": 500, "Auyl": 200, " AMANAT": 70}))
    assert (done.returncode, done.stdout) == (2, "")
    (line,) = done.stderr.splitlines()
    assert line.startswith("saylau: field 'options': option names must be unique")
    assert "' AMANAT' duplicates 'Amanat'" in line
    spaced = decide_json(broken(options={" A ": 500, "B\u00a0": 200, "C": 70}))
    assert spaced.returncode == 0, spaced.stderr
    plain = json.loads(decide_json(GOOD).stdout)["seats"]
    assert json.loads(spaced.stdout)["seats"] == plain and list(plain) == ["A", "B", "C"]


def test_decide_refuses_units_that_contradict_the_nation() -> None:
    units = {
        f"U{i}": {"registered": 200, "participated": 150, "invalid": 0, "against_all": 0,
                  "options": {"yes": 100, "no": 50}}
        for i in range(20)
    }  # fmt: skip
    document = {
        "kind": "referendum",
        "date": "2026-03-15",
        "question_type": "constitution",
        "registered": 4000,
        "participated": 3000,
        "invalid": 0,
        "against_all": 0,
        "options": {"yes": 2000, "no": 1000},
        "regions": units,
    }
    assert decide_json(document).returncode == 0
    done = decide_json(document | {"options": {"yes": 2100, "no": 900}})
    assert (done.returncode, done.stdout) == (2, "")
    (line,) = done.stderr.splitlines()
    assert "field 'regions.*.options.no'" in line
    assert "add up to 1,000, more than the national figure 900" in line
    done = decide_json(document | {"registered": 4100})
    assert (done.returncode, done.stdout) == (2, "")
    (line,) = done.stderr.splitlines()
    assert "field 'regions.*.registered'" in line
    assert "add up to 4,000, the national figure is 4,100" in line


def test_law_dates_only_in_iso_form() -> None:
    done = saylau("law", "show", "--date", "20230319")
    assert (done.returncode, done.stdout) == (2, "")
    assert "field 'date'" in done.stderr and "ISO 8601 date YYYY-MM-DD" in done.stderr


def test_not_json_and_missing_file() -> None:
    done = saylau("decide", "-", stdin="{not json")
    assert (done.returncode, done.stdout) == (2, "")
    assert "not valid JSON" in done.stderr
    done = saylau("decide", "/nonexistent/contest.json")
    assert (done.returncode, done.stdout) == (2, "")
    assert len(done.stderr.strip().splitlines()) == 1


def test_law_show_diff_history() -> None:
    shown = json.loads(saylau("law", "show", "--date", "2026-08-23").stdout)
    assert shown["institutions"]["kurultai"]["parameters"]["total_seats"]["value"] == 145
    done = saylau("law", "diff", "2021-01-10", "2023-03-19")
    assert done.returncode == 0
    for name in ("mazhilis.list_threshold", "mazhilis.list_seats", "mandate_quota_share"):
        assert name in done.stdout
    changes = json.loads(saylau("law", "diff", "2023-03-19", "2026-08-23", "--json").stdout)
    assert {e["institution"] for e in changes["ended"]} >= {"mazhilis", "senate"}
    history = saylau("law", "history", "parties.membership_minimum")
    for number in ("50,000", "40,000", "20,000", "5,000"):
        assert number in history.stdout
    unknown = saylau("law", "history", "no_such_rule")
    assert unknown.returncode == 2 and unknown.stdout == ""


def test_law_book_check_passes_on_the_committed_file() -> None:
    done = saylau("law", "book", "--check")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"kind": "mazhilis-list", "kind": "maslikhat-list"}', "kind"),
        (json.dumps(GOOD)[:-1] + ', "registered": 5}', "registered"),
        (json.dumps(GOOD).replace('"C": 70', '"C": 70, "A": 1'), "options.A"),
    ],
    ids=["kind", "registered", "options.A"],
)
def test_decide_refuses_a_key_given_twice(text: str, field: str) -> None:
    """JSON would silently keep the last value; a count given twice is ambiguous input."""
    done = saylau("decide", "-", stdin=text)
    assert (done.returncode, done.stdout) == (2, "")
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"'{field}'" in lines[0] and "twice" in lines[0]


def test_election_import_refuses_a_key_given_twice(tmp_path: Path) -> None:
    from tests.elections_fixture import small_election_mapping

    text = json.dumps(small_election_mapping())
    assert text.startswith('{"id": ')
    file = tmp_path / "election.json"
    file.write_text('{"id": "other-2023", ' + text[1:], encoding="utf-8")
    done = saylau("election", "import", str(file), "--db", f"sqlite:///{tmp_path}/db.sqlite")
    assert (done.returncode, done.stdout) == (2, "")
    assert "'id'" in done.stderr and "twice" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_election_import_refuses_a_yaml_key_given_twice(tmp_path: Path) -> None:
    """YAML would keep the last value as JSON did: the same strictness for both formats."""
    import yaml

    from tests.elections_fixture import small_election_mapping

    text = yaml.safe_dump(small_election_mapping(), sort_keys=False)
    assert text.startswith("id: ")
    file = tmp_path / "election.yaml"
    file.write_text("id: other-2023\n" + text, encoding="utf-8")
    done = saylau("election", "import", str(file), "--db", f"sqlite:///{tmp_path}/db.sqlite")
    assert (done.returncode, done.stdout) == (2, "")
    assert "'id'" in done.stderr and "twice" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
