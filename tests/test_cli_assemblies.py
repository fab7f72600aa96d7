"""``saylau assemblies``: the same use cases as the API from a terminal, credentials read
from the files ``election credentials official`` writes; a refusal is one line and exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli import app
from saylau.law.calendar import working_calendar
from saylau.service.assemblies import today

RUNNER = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = RUNNER.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def credential(db: str, folder: Path, role: str, name: str, *city: str) -> Path:
    out = folder / f"{role}-{name}.json"
    code, _, err = run(
        "election", "credentials", "official", "--out", str(out), "--name", name,
        "--position", role, "--role", role, *city, "--db", db,
    )  # fmt: skip
    assert code == 0, err
    return out


def test_places_are_listed_with_their_decisions() -> None:
    code, out, _ = run("assemblies", "places", "--city", "KZ-71", "--on", "2024-01-10")
    assert code == 0
    places = json.loads(out)
    assert {p["place"] for p in places} == {
        "pushkin-square",
        "circus-square",
        "zheruiyk-park",
        "saryarka-square",
        "writers-alley-route",
    }
    assert all("133/16-VIII" in p["decision"] for p in places)
    code, _, err = run("assemblies", "places", "--on", "10.01.2024")
    assert code == 2 and err.count("\n") == 1 and "'on'" in err


def test_a_notice_from_the_terminal(tmp_path: Path) -> None:
    day = today() + dt.timedelta(days=14)
    if day.year not in working_calendar().years:
        pytest.skip(f"the working-day calendar holds no transfers for {day.year}")
    db = f"sqlite:///{tmp_path / 'saylau.db'}"
    organiser = credential(db, tmp_path, "organiser", "Aigerim")
    akimat = credential(db, tmp_path, "akimat", "Akimov", "--city", "KZ-71")
    notice = tmp_path / "notice.json"
    body = {
        "kind": "picket",
        "city": "KZ-71",
        "place": "circus-square",
        "starts": f"{day.isoformat()}T10:00",
        "ends": f"{day.isoformat()}T11:00",
        "participants": 20,
        "purpose": "Public transport",
    }
    notice.write_text(json.dumps(body), encoding="utf-8")
    code, out, err = run(
        "assemblies", "notify", str(notice), "--credential", str(organiser), "--db", db
    )
    assert code == 0, err
    filed = json.loads(out)
    assert filed["state"] == "notified" and filed["filed_on"] == today().isoformat()
    code, _, err = run(
        "assemblies", "withdraw", filed["id"], "--credential", str(akimat), "--db", db
    )
    assert code == 2 and err.count("\n") == 1 and "organiser" in err
    code, out, err = run(
        "assemblies", "answer", filed["id"], "--decision", "agree",
        "--credential", str(akimat), "--db", db,
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["state"] == "agreed"
    code, out, _ = run("assemblies", "list", "--city", "KZ-71", "--ics", "--db", db)
    assert code == 0 and out.count("BEGIN:VEVENT") == 1 and "STATUS:CONFIRMED" in out
    code, out, _ = run("assemblies", "tick", "--db", db)
    assert code == 0 and json.loads(out)["went_ahead"] == []
    notice.write_text(json.dumps(body | {"place": "gandhi-park"}), encoding="utf-8")
    code, out, err = run(
        "assemblies", "notify", str(notice), "--credential", str(organiser), "--db", db
    )
    assert code == 2 and out == "" and err.count("\n") == 1 and "place" in err
    code, out, _ = run("assemblies", "show", filed["id"], "--db", db)
    assert [s["state"] for s in json.loads(out)["history"]] == ["notified", "agreed"]
