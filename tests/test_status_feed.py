"""The election's Atom feed: valid Atom 1.0 (RFC 4287) in each language, an entry for each
change of status (counting began, every precinct reported, certified, reopened) with its
moment's offset and a link to the contest's page, and every page of the election linking
the feed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from saylau.api import create_app
from saylau.service.certification import certify, reopen
from saylau.service.context import Context
from saylau.service.elections import import_election
from saylau.web.i18n import translations
from tests.databases import principals
from tests.open_data import ELECTION, ELECTION_DEF, counting_night

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("feed")
    ctx = Context.open(f"sqlite:///{folder / 'saylau.db'}")
    import_election(ctx, ELECTION_DEF)
    who = principals(ctx, ELECTION)
    counting_night(ctx, who)
    certify(ctx, who["KZ"], "smd-1")
    reopen(ctx, who["KZ"], "smd-1", "a recount ordered by the court")
    certify(ctx, who["KZ"], "smd-1")
    with TestClient(create_app(ctx=ctx)) as test_client:
        yield test_client
    ctx.engine.dispose()


def feed(client: TestClient, language: str) -> ET.Element:
    answer = client.get(f"/{language}/{ELECTION}/feed.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.content)
    assert root.tag == f"{A}feed"
    return root


def one(element: ET.Element, tag: str) -> ET.Element:
    found = element.findall(f"{A}{tag}")
    assert len(found) == 1, (tag, len(found))
    return found[0]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_feed_is_valid_atom(client: TestClient, language: str) -> None:
    root = feed(client, language)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    assert one(root, "id").text.startswith("urn:uuid:")  # type: ignore[union-attr]
    assert one(root, "title").text
    updated = one(root, "updated").text or ""
    assert RFC3339.match(updated), updated
    assert one(one(root, "author"), "name").text
    links = {link.get("rel"): link.get("href") or "" for link in root.findall(f"{A}link")}
    assert links["self"].endswith(f"/{language}/{ELECTION}/feed.atom")
    assert links["alternate"].startswith("http") and "://" in links["self"]
    entries = root.findall(f"{A}entry")
    assert entries
    ids = [one(entry, "id").text for entry in entries]
    assert len(set(ids)) == len(ids) and all(i and i.startswith("urn:uuid:") for i in ids)
    moments = []
    for entry in entries:
        assert one(entry, "title").text and one(entry, "summary").text
        stamp = one(entry, "updated").text or ""
        assert RFC3339.match(stamp) and stamp.endswith(("+05:00", "+06:00")), stamp
        moments.append(stamp)
        (alternate,) = [x for x in entry.findall(f"{A}link") if x.get("rel") == "alternate"]
        path = re.sub(r"^https?://[^/]+", "", alternate.get("href") or "")
        assert client.get(path).status_code == 200, path
    assert moments == sorted(moments, reverse=True)  # newest first
    assert updated == moments[0]


def test_every_change_of_status_is_an_entry(client: TestClient) -> None:
    root = feed(client, "en")
    changes = [
        (
            entry.find(f"{A}category").get("term"),  # type: ignore[union-attr]
            (entry.find(f"{A}link").get("href") or "").rstrip("/").rsplit("/", 1)[-1],  # type: ignore[union-attr]
        )
        for entry in root.findall(f"{A}entry")
    ]
    assert changes.count(("certification", "smd-1")) == 2
    assert changes.count(("reopening", "smd-1")) == 1
    assert ("complete", "smd-1") in changes and ("counting", "smd-1") in changes
    reported = {contest for kind, contest in changes if kind == "counting"}
    assert {"mazhilis-list", "smd-1"} <= reported
    assert ("complete", "mazhilis-list") not in changes  # not every precinct has reported
    summaries = [e.find(f"{A}summary").text or "" for e in root.findall(f"{A}entry")]  # type: ignore[union-attr]
    assert any("a recount ordered by the court" in s for s in summaries)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_feed_speaks_the_language(client: TestClient, language: str) -> None:
    english = feed(client, "en")
    translated = feed(client, language)
    catalogue = translations(language)
    assert catalogue.gettext("%(contest)s: the results are certified") != (
        "%(contest)s: the results are certified"
    )
    for theirs, ours in zip(
        english.findall(f"{A}entry"), translated.findall(f"{A}entry"), strict=True
    ):
        assert one(theirs, "title").text != one(ours, "title").text
        assert one(theirs, "id").text != one(ours, "id").text


def test_the_election_pages_link_the_feed(client: TestClient) -> None:
    for path in (f"/kk/{ELECTION}/", f"/ru/{ELECTION}/smd-1/", f"/en/{ELECTION}/candidates/"):
        page = client.get(path).text
        language = path.split("/")[1]
        assert '<link rel="alternate" type="application/atom+xml" title="' in page
        assert f'href="/{language}/{ELECTION}/feed.atom"' in page
