"""The data dictionary covers everything published and says it in three languages: every
column a table download can have, every field of the JSON download, every file of the
publish folder; the Markdown in docs/ is what `saylau dictionary` writes now, and the site
serves the same entries at /{lang}/data/."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from saylau import publication
from saylau.api import create_app
from saylau.election import LANGUAGES
from saylau.publication import folder
from saylau.publication.table import STAMP_COLUMNS, columns
from saylau.service import exports
from saylau.service.context import Context
from saylau.service.elections import import_election
from saylau.synth import generate
from saylau.web import dictionary
from saylau.web.i18n import translations
from tests.conftest import REPO
from tests.databases import imported, principals
from tests.open_data import ELECTION, ELECTION_DEF, counting_night
from tests.serving import SAYLAU
from tests.test_publication_golden import STAMP

DOCS = REPO / "docs"
ENTRIES = dictionary.TABLE + dictionary.DOCUMENT + dictionary.FOLDER


def test_every_table_column_of_every_contest_kind_has_an_entry() -> None:
    national = generate(seed=3, precincts=300).election
    for contest in (*ELECTION_DEF.contests, *national.contests):
        missing = [column for column in columns(contest) if dictionary.entry(column) is None]
        assert not missing, (contest.id, missing)
    assert dictionary.entry("nonsense") is None


def test_every_field_of_the_json_download_has_an_entry(tmp_path: Path) -> None:
    names = {item.name for item in dictionary.DOCUMENT}
    table = {item.name for item in dictionary.TABLE}
    with imported("sqlite", tmp_path, ELECTION_DEF) as ctx:
        counting_night(ctx, principals(ctx, ELECTION))
        read = exports.read(ctx, ELECTION, "mazhilis-list", "precinct")
    read = dataclasses.replace(read, stamp=STAMP)
    document = json.loads(publication.write(read, "json"))
    assert set(document) <= names, set(document) - names
    for key in document["stamp"]:
        assert key in table or f"stamp.{key}" in names, key
    assert set(STAMP_COLUMNS) <= set(document["stamp"])


def test_every_file_of_the_publish_folder_has_an_entry() -> None:
    written = {folder.DEFINITION, folder.HEAD, folder.CHECKPOINT, folder.ENTRIES}
    written |= {folder.PRECINCT_RESULTS, folder.TOTALS, *folder.FILES}
    assert written == {item.name for item in dictionary.FOLDER}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_meaning_is_translated(language: str) -> None:
    catalogue = translations(language)
    for item in ENTRIES:
        for message in (item.meaning, item.kind):
            assert catalogue.gettext(message) != message, (language, message)
    for title, note, _entries in dictionary.SECTIONS:
        assert catalogue.gettext(title) != title and catalogue.gettext(note) != note


def test_the_docs_are_what_the_command_writes_now(tmp_path: Path) -> None:
    done = subprocess.run(
        [*SAYLAU, "dictionary", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for language in LANGUAGES:
        name = dictionary.file_name(language)
        written = (tmp_path / name).read_text(encoding="utf-8")
        assert written == dictionary.markdown(language)
        assert (DOCS / name).read_text(encoding="utf-8") == written, (
            f"docs/{name} is stale: run saylau dictionary --out docs"
        )
        for item in ENTRIES:
            assert f"`{item.name}`" in written


def test_the_site_serves_the_dictionary(tmp_path: Path) -> None:
    ctx = Context.open(f"sqlite:///{tmp_path / 'saylau.db'}")
    import_election(ctx, ELECTION_DEF)
    with TestClient(create_app(ctx=ctx)) as client:
        for language in LANGUAGES:
            page = client.get(f"/{language}/data/")
            assert page.status_code == 200
            assert "set-cookie" not in page.headers
            catalogue = translations(language)
            for item in ENTRIES:
                anchor = item.name.replace("<", "").replace(">", "")
                assert f'<tr id="{anchor}">' in page.text
                meaning = catalogue.gettext(item.meaning)  # catalogues are trusted text
                assert meaning in page.text, (language, item.name)
            unit = client.get(f"/{language}/{ELECTION}/mazhilis-list/")
            assert f'href="/{language}/data/"' in unit.text  # every page leads to it
    ctx.engine.dispose()
