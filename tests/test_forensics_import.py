"""Imported precinct tables: CSV and Parquet read with a column mapping, a bad mapping refused
with the field and the rule, and ``saylau forensics`` over a real table of protocols."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from saylau.cli import app
from saylau.forensics.integers import integer_percentages
from saylau.forensics.mapping import mapping_from_pairs, read_mapping
from saylau.forensics.precincts import Precincts
from saylau.forensics.russia import ELECTIONS
from saylau.model import BadInput
from saylau.service.forensics import read_table
from tests.forensics_data import folder, russia
from tests.forensics_synthetic import clean, stuffed

MAPPING: dict[str, Any] = {
    "precinct": ["okrug", "station"],
    "region": "okrug",
    "voters": ["on_list", "added"],
    "issued": "issued",
    "valid": "valid",
    "invalid": "spoilt",
    "options": {"Alpha": "votes_a", "Beta": "votes_b", "Gamma": "votes_c"},
}


def _columns(table: Precincts) -> dict[str, Any]:
    """The table as a commission might publish it: its own headers, voters on two lines."""
    added = table.voters // 20
    return {
        "okrug": table.region.tolist(),
        "station": [code[1:] for code in table.ids.tolist()],
        "on_list": (table.voters - added).tolist(),
        "added": added.tolist(),
        "issued": table.issued.tolist(),
        "valid": table.valid.tolist(),
        "spoilt": table.invalid.tolist(),
        "votes_a": table.votes[:, 0].tolist(),
        "votes_b": table.votes[:, 1].tolist(),
        "votes_c": table.votes[:, 2].tolist(),
    }


@pytest.fixture(scope="module")
def original() -> Precincts:
    return stuffed(clean(2_000, seed=4, options=3), share=0.05, seed=4, extreme=0.02)


@pytest.fixture(scope="module")
def files(original: Precincts, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("tables")
    arrow = pa.table(_columns(original))
    pa_csv.write_csv(arrow, where / "stations.csv")
    pq.write_table(arrow, where / "stations.parquet")
    (where / "mapping.yaml").write_text(yaml.safe_dump(MAPPING, allow_unicode=True))
    (where / "mapping.json").write_text(json.dumps(MAPPING))
    return {
        "csv": where / "stations.csv",
        "parquet": where / "stations.parquet",
        "yaml": where / "mapping.yaml",
        "json": where / "mapping.json",
    }


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_table_read_with_its_mapping_holds_the_original_precincts(
    kind: str, original: Precincts, files: dict[str, Path]
) -> None:
    read = read_table(files[kind], read_mapping(MAPPING))
    table = read.precincts
    assert table.options == ("Alpha", "Beta", "Gamma")
    assert table.ids.tolist() == [
        f"{r} / {c[1:]}" for r, c in zip(original.region, original.ids, strict=True)
    ]
    for line in ("voters", "issued", "valid", "invalid", "votes"):
        assert np.array_equal(getattr(table, line), getattr(original, line)), line
    assert np.array_equal(read.district, original.region)


def test_csv_and_parquet_give_the_same_report_and_it_finds_the_stuffing(
    files: dict[str, Path],
) -> None:
    mapping = read_mapping(MAPPING)
    from_csv = read_table(files["csv"], mapping).report(replicates=200).to_json()
    from_parquet = read_table(files["parquet"], mapping).report(replicates=200).to_json()
    assert from_csv == from_parquet
    alarms = {m["method"] for m in from_csv["methods"] if m["alarm"]}
    assert "near_unanimous" in alarms


def test_the_same_mapping_given_as_pairs_reads_alike() -> None:
    pairs = mapping_from_pairs(
        [
            "precinct=okrug+station",
            "region=okrug",
            "voters=on_list+added",
            "issued=issued",
            "valid=valid",
            "invalid=spoilt",
            "option:Alpha=votes_a",
            "option:Beta=votes_b",
            "option:Gamma=votes_c",
        ]
    )
    assert pairs == read_mapping(MAPPING)


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"voters": None}, "voters", "is required"),
        ({"turnout": "issued"}, "turnout", "is not a field of the mapping"),
        ({"options": {}}, "options", "at least one"),
        ({"options": {"Alpha": "issued"}}, "options.Alpha", "cannot also be a protocol line"),
        ({"options": {"A": "votes_a", "B": "votes_a"}}, "options.A", "two options cannot read"),
        ({"region": ""}, "region", "must name a column"),
        ({"issued": []}, "issued", "non-empty list"),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_field_and_the_rule(
    change: dict[str, Any], field: str, rule: str
) -> None:
    raw = {k: v for k, v in (MAPPING | change).items() if v is not None}
    with pytest.raises(BadInput) as refused:
        read_mapping(raw)
    assert refused.value.field == field
    assert rule in refused.value.rule


def test_a_mapping_naming_a_missing_or_unfit_column_is_refused_on_reading(
    files: dict[str, Path],
) -> None:
    with pytest.raises(BadInput) as missing:
        read_table(files["csv"], read_mapping(MAPPING | {"issued": "ballots"}))
    assert missing.value.field == "issued"
    assert "must be in the table" in missing.value.rule
    with pytest.raises(BadInput) as text:
        read_table(files["parquet"], read_mapping(MAPPING | {"issued": "okrug"}))
    assert text.value.field == "issued"
    assert "whole number" in text.value.rule


def test_the_command_refuses_a_bad_mapping_in_one_line_and_exit_2(
    files: dict[str, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({k: v for k, v in MAPPING.items() if k != "valid"}))
    runner = CliRunner()
    for arguments in (
        [str(files["csv"]), "--mapping", str(bad)],
        [str(files["csv"])],
        [str(tmp_path / "absent.parquet"), "--mapping", str(files["json"])],
    ):
        result = runner.invoke(app, ["forensics", *arguments])
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(app, ["forensics", str(files["csv"]), "--mapping", str(bad)])
    assert "field 'valid': is required" in result.stderr


def test_the_command_reads_a_real_table_of_protocols_and_draws_its_plots(tmp_path: Path) -> None:
    """The 2018 Russian presidential protocols (97 000 stations) as a CSV, with the mapping an
    observer would write for its Russian headers: the report's integer-percentage count is the
    one the method gives on the same protocols read by the loader, and the plots are drawn."""
    election = ELECTIONS[2018]
    with zipfile.ZipFile(folder() / election.file) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        (tmp_path / "russia-2018.csv").write_bytes(archive.read(name))
    columns = election.mapping
    mapping = {
        "precinct": list(columns.precinct),
        "region": columns.region,
        "voters": list(columns.voters),
        "issued": list(columns.issued),
        "valid": list(columns.valid),
        "invalid": list(columns.invalid),
        "options": {option: column for option, column in columns.options},
    }
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True))
    plots = tmp_path / "plots"
    result = CliRunner().invoke(
        app,
        [
            "forensics",
            str(tmp_path / "russia-2018.csv"),
            "--mapping",
            str(tmp_path / "mapping.yaml"),
            "--replicates",
            "100",
            "--plots",
            str(plots),
            "--format",
            "png",
        ],
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["format"] == "saylau-forensics/1"
    assert report["leader"] == election.leader
    loaded = russia(2018)
    assert report["precincts"] == len(loaded)
    integers = next(m for m in report["methods"] if m["method"] == "integer_percentages")
    direct = integer_percentages(loaded, replicates=100)
    assert integers["statistics"]["observed"] == direct.either.observed
    assert integers["alarm"] is True  # Kobak et al.: whole percentages far beyond chance
    klimek = next(m for m in report["methods"] if m["method"] == "klimek")
    assert klimek["statistics"]["extreme"] > 0
    for stem in ("fingerprint", "integer-percentages", "second-digit"):
        drawn = (plots / f"{stem}.png").read_bytes()
        assert drawn.startswith(b"\x89PNG") and len(drawn) > 10_000
    assert sorted(report["plots"]) == sorted(str(p) for p in plots.glob("*.png"))
