"""The packaged territory: every region, district, city and party named in Kazakh, Russian and
English, the names those of the official classifier, and the check that fails on a gap."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau import territory
from saylau.cli import app as cli_app
from saylau.synth import generate, national
from tests.conftest import SHARED_DATA

LATIN = re.compile(r"[A-Za-z]")


def shared_rows(name: str) -> list[dict[str, str]]:
    path = SHARED_DATA / "territory" / name
    if not path.exists():
        pytest.skip(f"{path} (the shared reference data beside the repository) is absent")
    with path.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_the_shipped_data_names_everything_in_three_languages() -> None:
    assert territory.name_problems() == []
    assert len(territory.rows("districts.csv")) == 223
    assert len(territory.rows("regions.csv")) == 20


def test_districts_carry_the_classifier_s_kazakh_and_russian_names() -> None:
    """Row by row the names of the shared file, which cites the classifier's code for each."""
    packaged = territory.rows("districts.csv")
    source = shared_rows("districts.csv")
    assert len(packaged) == len(source) == 223
    for ours, theirs in zip(packaged, source, strict=True):
        assert (ours["region_iso"], ours["name_en"]) == (theirs["region_iso"], theirs["name_en"])
        assert ours["name_kk"] == theirs["name_kk"] and ours["name_ru"] == theirs["name_ru"]
        assert "KATO" in ours["source"], ours["name_en"]
    assert {r["name_kk"] for r in packaged} >= {"Бейімбет Майлин ауданы", "Степногор"}


def test_kazakh_and_russian_names_are_in_cyrillic_not_english() -> None:
    """No English word stands in for a missing name (party names such as «AMANAT» are
    officially in Latin letters, so only places are held to this)."""
    for file, columns in (
        ("regions.csv", ("name_kk", "name_ru_official")),
        ("districts.csv", ("name_kk", "name_ru")),
    ):
        for row in territory.rows(file):
            for column in columns:
                assert not LATIN.search(row[column]), (file, column, row[column])


def test_the_synthetic_night_uses_the_names_of_the_data() -> None:
    election = generate(precincts=300).election
    rows = territory.rows("districts.csv")
    districts = [u for u in election.units if u.level == "district"]
    assert len(districts) == len(rows)
    for unit, row in zip(districts, rows, strict=True):
        assert unit.names == {"kk": row["name_kk"], "ru": row["name_ru"], "en": row["name_en"]}
        assert unit.names["kk"] != unit.names["en"]


def test_units_created_since_2023_are_not_in_the_2023_territory() -> None:
    """Alatau city, Markakol, Ulken Naryn, Sarayshyk and Baikonur are classifier units the
    2023 elections did not have (or, for Baikonur, no maslikhat): none is a row here."""
    later = shared_rows("units-since-2023.csv")
    assert len(later) == 5
    ours = {(r["region_iso"], base(r["name_kk"])) for r in territory.rows("districts.csv")}
    for unit in later:
        region = f"KZ-{unit['kato'][:2]}"
        assert (region, base(unit["name_kk_kato"])) not in ours, unit["what"]


def base(kazakh: str) -> str:
    """A classifier name without its kind ('Марқакөл ауданы', 'Алатау Қ.Ә.' → the name)."""
    return re.sub(r"\s+(ауданы|Қ\.Ә\.|қаласы)$", "", kazakh)


# --- the check ----------------------------------------------------------------------------


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the territory files that the check reads instead of the packaged ones."""
    copy = tmp_path / "territory"
    shutil.copytree(Path(str(territory.DATA)), copy)
    monkeypatch.setattr(territory, "DATA", copy)
    return copy


def blank(copy: Path, file: str, line: int, column: str) -> str:
    """Empty one cell of a copied file (``line`` as an editor counts, the header being 1);
    return what the row is called in problems."""
    path = copy / file
    with path.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        fields = list(reader.fieldnames or [])
        table = list(reader)
    row = table[line - 2]
    row[column] = ""
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fields)
        writer.writeheader()
        writer.writerows(table)
    return row["name_en"] if "name_en" in row else row["name_en_wikipedia"]


@pytest.mark.parametrize(
    ("file", "line", "column", "language"),
    [
        ("districts.csv", 40, "name_kk", "Kazakh name (kk, column name_kk)"),
        ("districts.csv", 200, "name_ru", "Russian name (ru, column name_ru)"),
        ("regions.csv", 5, "name_ru_official", "Russian name (ru, column name_ru_official)"),
        ("parties.csv", 3, "name_en", "English name (en, column name_en)"),
    ],
)
def test_a_missing_name_fails_the_check(
    scratch: Path, file: str, line: int, column: str, language: str
) -> None:
    called = blank(scratch, file, line, column)
    (problem,) = territory.name_problems()
    assert problem.startswith(f"territory data: {file} line {line} (")
    assert problem.endswith(f"has no {language}")
    if column != "name_en":
        assert called in problem
    result = CliRunner().invoke(cli_app, ["i18n", "check"])
    assert result.exit_code == 2
    assert result.stderr == f"saylau: {problem}\n"
    national._sources.cache_clear()  # read the copy, then forget it
    try:
        with pytest.raises(ValueError, match=f"{file} line {line}"):
            generate(precincts=300)
    finally:
        national._sources.cache_clear()


def test_a_missing_column_or_file_fails_the_check(scratch: Path) -> None:
    text = (scratch / "regions.csv").read_text(encoding="utf-8")
    (scratch / "regions.csv").write_text(text.replace("name_kk", "name_kz", 1), encoding="utf-8")
    (scratch / "parties.csv").unlink()
    assert territory.name_problems() == [
        "territory data: regions.csv has no column name_kk",
        "territory data: parties.csv is missing",
    ]


def test_the_check_passes_on_the_shipped_data() -> None:
    result = CliRunner().invoke(cli_app, ["i18n", "check"])
    assert result.exit_code == 0, result.stderr
    assert "data names are complete" in result.stdout
