"""The results site in Kazakh, Russian and English: complete catalogues, real pages.

The catalogues are checked against a fresh extraction from the code, so a message added to
a template without a translation fails here; the pages are rendered by the real application
over a small election with protocols in, and read as a reader's browser gets them.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from saylau.api import create_app
from saylau.cli import app as cli_app
from saylau.election import Election
from saylau.service.auth import Principal, authenticate
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.submission import submit
from saylau.synth.demo import prepare, regional_principals, submit_all
from saylau.web import catalogues
from saylau.web.i18n import LANGUAGES, LOCALE_DIR
from tests.conftest import REPO
from tests.elections_fixture import protocol, small_election
from tests.latin_names import english_names_in, readable, unit_words

ELECTION = "test-2023"
CONTEST = "mazhilis-list"
P1 = "KZ-71-D01-P0001"
P2 = "KZ-75-D02-P0003"
NAMED = re.compile(r"%\((\w+)\)[sd]")
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def votes(a: int, b: int, c: int) -> dict[str, int]:
    return {"amanat": a, "auyl": b, "respublica": c}


def catalogue(language: str) -> Catalog:
    with catalogues.po_path(language).open("rb") as source:
        return read_po(source, locale=language)


def texts(message: Message) -> list[str]:
    value = message.string
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


# --- the catalogues -----------------------------------------------------------------------


def test_every_message_in_the_code_is_translated_into_kazakh_and_russian() -> None:
    extracted = [m for m in catalogues.extract() if m.id]
    assert len(extracted) > 80  # templates, chart titles, status words, protocol states
    for language in ("kk", "ru"):
        translated = catalogue(language)
        for message in extracted:
            entry = translated.get(message.id, message.context)
            assert entry is not None, f"{language}: {message.id!r} has no entry"
            assert all(texts(entry)), f"{language}: {message.id!r} is not translated"
            assert not entry.fuzzy, f"{language}: {message.id!r} is fuzzy"
            for text in texts(entry):
                assert sorted(NAMED.findall(text)) == sorted(NAMED.findall(str(message.id)))
                assert text.count("%") == str(message.id).count("%"), (language, text)


def test_messages_only_used_through_variables_are_extracted() -> None:
    ids = {m.id for m in catalogues.extract()}
    assert {"accepted", "pending", "refused"} <= ids  # `_(v.state)` on the precinct page
    assert "Unofficial, counting in progress" in ids  # `_(status_words[...])`
    assert {"Share of valid votes", "Turnout by unit", "threshold"} <= ids  # chart titles


def test_catalogues_are_current_and_use_the_glossary() -> None:
    assert catalogues.problems() == []
    extracted = {m.id for m in catalogues.extract() if m.id}
    for language in LANGUAGES:
        assert extracted <= {m.id for m in catalogue(language)}
    kk, ru = catalogue("kk"), catalogue("ru")
    assert kk["Against all"].string == "Барлығына қарсы"
    assert ru["Against all"].string == "Против всех"
    assert kk["Invalid ballots"].string == "Жарамсыз бюллетеньдер"
    assert "сайлау учаскесі" in str(kk["This precinct has not reported yet."].string)
    assert "избирательного участка" in str(ru["This precinct has not reported yet."].string)
    # the data dictionary and the data links name columns, values and formats as they stand
    # in the files (votes_ak_zhol, unofficial-partial, Parquet): those Latin words must be
    # the English message's own literals, never prose left untranslated
    literal = {
        m.id
        for m in catalogues.extract()
        if m.id
        and any(
            path.endswith(("dictionary.py", "datalinks.py", "data.html")) for path, _ in m.locations
        )
    }
    assert len(literal) > 40
    kazakh = "".join(str(m.string) for m in kk if m.id and m.id not in literal)
    assert KAZAKH_LETTERS & set(kazakh) >= set("әғқңөұүі")
    # format names and the placeholders a script fills ({index}) stand as they are written
    technical = r"%\(\w+\)s|\{\w+\}|JSON|API|Ed25519|PEM|CERTIFICATE|PRIVATE KEY"
    assert not re.search(r"[a-zA-Z]", re.sub(technical, "", kazakh))
    for language in ("kk", "ru"):
        for message in catalogue(language):
            if message.id not in literal:
                continue
            source = set(re.findall(r"[A-Za-z](?:[A-Za-z0-9_/.+-]*[A-Za-z0-9_])?", str(message.id)))
            latin = set(
                re.findall(r"[A-Za-z](?:[A-Za-z0-9_/.+-]*[A-Za-z0-9_])?", str(message.string))
            )
            assert latin <= source, (language, message.id, latin - source)
            assert not latin & {"the", "of", "and", "is", "a", "for", "in", "to"}, message.id


def test_the_check_command_passes_on_the_repository() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "saylau", "i18n", "check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogues that the commands read and write instead of the real ones."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    monkeypatch.setattr(catalogues, "LOCALE_DIR", copy)
    monkeypatch.setattr(catalogues, "TEMPLATE", copy / "messages.pot")
    return copy


def edit(copy: Path, language: str, change: dict[str, str | None]) -> None:
    """Set (or, with None, delete) entries of one copied catalogue."""
    path = copy / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    for msgid, text in change.items():
        if text is None:
            del catalog[msgid]
        elif msgid in catalog:
            catalog[msgid].string = text
        else:
            catalog.add(msgid, text)
    with path.open("wb") as target:
        write_po(target, catalog)


def check(copy: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli_app, ["i18n", "check"])
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("language", "change", "named"),
    [
        ("kk", {"Turnout": None}, "kk: 'Turnout' has no entry"),
        ("ru", {"Turnout": ""}, "ru: 'Turnout' is not translated"),
        (
            "kk",
            {"%(reported)s of %(expected)s": "%(expected)s ішінен"},
            "kk: '%(reported)s of %(expected)s' has placeholders",
        ),
        ("ru", {"Leader": "Лидер 100 %"}, "ru: 'Leader' has a lone '%'"),
        ("ru", {"Leader": "Лидер %(name)s"}, "ru: 'Leader' has placeholders"),
        ("en", {"Turnout": "Turnout %(n)s"}, "en: 'Turnout' has placeholders"),
    ],
)
def test_the_check_names_what_is_wrong(
    scratch: Path, language: str, change: dict[str, str | None], named: str
) -> None:
    edit(scratch, language, change)
    code, stderr = check(scratch)
    assert code == 2
    assert stderr.startswith(f"saylau: {named}")
    assert stderr.count("\n") == 1


def test_the_check_refuses_a_fuzzy_translation(scratch: Path) -> None:
    path = scratch / "ru" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    marked = text.replace('msgid "Turnout"\n', '#, fuzzy\nmsgid "Turnout"\n', 1)
    assert marked != text
    path.write_text(marked, encoding="utf-8")
    code, stderr = check(scratch)
    assert code == 2 and "ru: 'Turnout' is marked fuzzy" in stderr


def test_update_adds_new_messages_and_keeps_translations(scratch: Path) -> None:
    assert catalogues.update() == []  # already current: nothing rewritten
    edit(scratch, "kk", {"Turnout": None, "Old words": "Ескі сөздер"})
    (missing,) = catalogues.problems()  # a leftover entry is harmless; a missing one is not
    assert missing.startswith("kk: 'Turnout' has no entry")
    written = catalogues.update()
    assert written == [catalogues.po_path("kk")]
    kk = catalogue("kk")
    back = kk["Turnout"]  # back, empty or with a nearby translation offered as fuzzy
    assert back.fuzzy or back.string == ""
    assert kk.get("Old words") is None
    assert kk["Against all"].string == "Барлығына қарсы"
    (problem,) = catalogues.problems()
    assert problem.startswith("kk: 'Turnout' is ")
    assert catalogues.update() == []  # stable: a second run changes nothing


# --- the pages ----------------------------------------------------------------------------


def who(ctx: Context, token: str) -> Principal:
    with ctx.sessions() as session:
        return authenticate(session, ELECTION, token)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The application over SQLite with two precincts in, one with a pending correction."""
    folder = tmp_path_factory.mktemp("i18n")
    ctx = Context.open(f"sqlite:///{folder / 'saylau.db'}")
    import_election(ctx, small_election())
    tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION)}
    first = protocol(P1, CONTEST, votes(600, 300, 100), against_all=50, invalid=20)
    submit(ctx, who(ctx, tokens[P1]), first)
    submit(ctx, who(ctx, tokens[P2]), protocol(P2, CONTEST, votes(700, 250, 80), voters=1300))
    corrected = protocol(P1, CONTEST, votes(590, 310, 100), against_all=50, invalid=20)
    submit(ctx, who(ctx, tokens[P1]), corrected, reason="recount")
    with TestClient(create_app(ctx=ctx)) as test_client:
        yield test_client
    ctx.engine.dispose()


def page(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    body: str = response.text
    return body


def visible(body: str) -> str:
    """The page without the law's sources and open points, which are quoted as the law data
    records them (in English, marked so)."""
    return re.sub(r'<(cite|span) lang="en">.*?</\1>', "", body, flags=re.S)


def words(body: str) -> str:
    """What a reader sees of the page: its text without the markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", body))


REPUBLIC = f"/{ELECTION}/{CONTEST}/"


def test_kazakh_page_is_in_kazakh(client: TestClient) -> None:
    body = page(client, "/kk" + REPUBLIC)
    assert '<html lang="kk">' in body
    assert "Хаттамалары түскен учаскелер" in body  # "precincts reported"
    assert "Хаттамалары түскен учаскелер: 12 ішінен 2" in words(body)
    assert "Барлығына қарсы" in body and "Жарамсыз бюллетеньдер" in body
    assert "Алдын ала деректер (ресми емес, ішінара)" in body  # the status words
    assert 'id="shares-chart-title">Жарамды дауыстардағы үлесі</figcaption>' in body  # a chart
    assert 'id="turnout-chart-title">Аумақтар бойынша сайлаушылардың келуі</figcaption>' in body
    assert "ұ" in body and "қ" in body


def test_russian_page_is_in_russian(client: TestClient) -> None:
    body = page(client, "/ru" + REPUBLIC)
    assert '<html lang="ru">' in body
    assert "Участки, по которым поступили протоколы: 2 из 12" in words(body)
    assert "Против всех" in body and "Недействительные бюллетени" in body
    assert "Предварительные данные (неофициальные, неполные)" in body
    assert 'id="shares-chart-title">Доля от действительных голосов</figcaption>' in body
    assert not KAZAKH_LETTERS & set(visible(body).replace("Қазақша", ""))  # bar the switcher


def test_english_page_is_in_english(client: TestClient) -> None:
    body = page(client, "/en" + REPUBLIC)
    assert '<html lang="en">' in body
    assert "2 of 12 precincts reported" in words(body)
    assert "Against all" in body and "Unofficial, counting in progress" in body
    assert 'id="shares-chart-title">Share of valid votes</figcaption>' in body
    assert not re.search("[а-яА-Я]", body.replace("Қазақша", "").replace("Русский", ""))


def test_no_english_is_left_on_the_kazakh_and_russian_pages(client: TestClient) -> None:
    english = visible(page(client, "/en" + REPUBLIC))
    shown = [
        m.id
        for m in catalogues.extract()
        if isinstance(m.id, str) and m.id and "%" not in m.id and html.escape(m.id) in english
    ]
    assert len(shown) > 20
    for language in ("kk", "ru"):
        body = visible(page(client, f"/{language}" + REPUBLIC))
        left = [m for m in shown if re.search(rf"\b{re.escape(html.escape(m))}\b", body)]
        assert left == [], language


def test_numbers_follow_each_language(client: TestClient) -> None:
    registered = "14\u00a0400"  # voters on the lists of the 12 precincts
    participated = {"kk": "2\u00a0100", "ru": "2\u00a0100", "en": "2,100"}
    for language in LANGUAGES:
        body = page(client, f"/{language}" + REPUBLIC)
        grouped = registered if language != "en" else "14,400"
        assert grouped in body, language
        assert participated[language] in body, language
    assert "14,400" not in page(client, "/kk" + REPUBLIC)
    assert "14\u00a0400" not in page(client, "/en" + REPUBLIC)


def heading(body: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", body, flags=re.S)
    assert found is not None
    return words(found.group(1))


def test_language_links_point_at_the_same_page(client: TestClient) -> None:
    republic_unit = f"{REPUBLIC}KZ/"  # the contest's page is also its republic's drill-down
    for path in (f"/{ELECTION}/", REPUBLIC, f"{REPUBLIC}KZ-71/", f"{REPUBLIC}{P1}/"):
        body = page(client, "/ru" + path)
        found = re.findall(
            r'<a href="/([a-z]{2})/choose\?to=/([a-z]{2})(/[^"]*)" hreflang="([a-z]{2})"', body
        )
        assert sorted(language for language, *_rest in found) == sorted(LANGUAGES)
        assert all(language == to == hreflang for language, to, _rest, hreflang in found)
        (rest,) = {unquote(rest) for _language, _to, rest, _hreflang in found}
        assert rest == path or (path == REPUBLIC and rest == republic_unit)
        assert re.search(r'<a href="/ru/choose[^"]*" hreflang="ru" lang="ru" aria-current', body)
        for other in LANGUAGES:
            assert f'<link rel="alternate" hreflang="{other}" href="/{other}{rest}">' in body
            there = page(client, f"/{other}{rest}")
            assert f'<html lang="{other}">' in there
            assert heading(there) == heading(body)  # names are the same in the fixture


def test_precinct_page_translates_protocol_states(client: TestClient) -> None:
    body = page(client, f"/kk/{ELECTION}/{CONTEST}/{P1}/")
    assert "қабылданды" in body and "шешім күтуде" in body
    assert "Учаскелік комиссия алған бюллетеньдер саны" in body
    assert "Сайлау жәшіктерінен алынған бюллетеньдер саны" in body
    assert "1\u00a0100" in body  # voters on the list
    body = page(client, f"/ru/{ELECTION}/{CONTEST}/{P1}/")
    assert "принят" in body and "ожидает решения" in body
    assert "Число бюллетеней, извлечённых из избирательных урн" in body
    assert ">accepted<" not in body and ">pending<" not in body


def test_election_page_shows_progress_in_each_language(client: TestClient) -> None:
    assert "12 ішінен 2" in page(client, f"/kk/{ELECTION}/")
    assert "2 из 12" in page(client, f"/ru/{ELECTION}/")
    assert "2 of 12" in page(client, f"/en/{ELECTION}/")


def test_the_language_is_remembered(client: TestClient) -> None:
    client.cookies.clear()
    first = client.get("/", follow_redirects=False)
    assert first.status_code == 307 and first.headers["location"] == f"/kk/{ELECTION}/"
    assert "set-cookie" not in client.get(f"/ru/{ELECTION}/").headers  # a page is for all
    response = client.get(f"/ru/choose?to=/ru/{ELECTION}/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/ru/{ELECTION}/"
    assert "saylau_lang=ru" in response.headers["set-cookie"]
    assert response.headers["cache-control"] == "no-store"
    assert client.cookies.get("saylau_lang") == "ru"
    again = client.get("/", follow_redirects=False)
    assert again.status_code == 307 and again.headers["location"] == f"/ru/{ELECTION}/"
    client.get("/en/choose?to=/en" + REPUBLIC)
    assert client.get("/", follow_redirects=False).headers["location"] == f"/en/{ELECTION}/"
    for elsewhere in ("//evil.example/", "https://evil.example/", "/kk/x"):  # not followed
        refused = client.get(f"/en/choose?to={elsewhere}", follow_redirects=False)
        assert refused.status_code == 422 or refused.headers["location"].startswith("/en/")
    client.cookies.set("saylau_lang", "xx")  # a forged value falls back to Kazakh
    assert client.get("/", follow_redirects=False).headers["location"] == f"/kk/{ELECTION}/"


# --- how the law decides, numbers, dates and charts in each language ----------------------


def explanation(body: str) -> str:
    found = re.search(r'<details class="explanation">(.*?)</details>', body, flags=re.S)
    assert found is not None, "no explanation on the page"
    return found.group(1)


def test_the_law_s_explanation_is_told_in_each_language_with_names(client: TestClient) -> None:
    told = {
        language: explanation(page(client, f"/{language}" + REPUBLIC)) for language in LANGUAGES
    }
    assert "Партиялық тізімдер бойынша бөлінетін депутаттық мандаттар саны: 69." in told["kk"]
    assert "Өту межесінен өткен тізімдер: Amanat, Auyl" in words(told["kk"])
    assert "Число мандатов, распределяемых по партийным спискам: 69." in told["ru"]
    assert "Барьер преодолели: Amanat, Auyl и Respublica." in words(told["ru"])
    assert "69 list seats are allocated." in told["en"]
    assert "Amanat, Auyl, and Respublica passed." in words(told["en"])
    for language, text in told.items():
        assert not re.search(r"\bamanat\b|\bauyl\b|\brespublica\b", text), language  # no ids
        assert 'lang="en"' in text  # the sources are quoted as recorded, and marked so
    for language in ("kk", "ru"):
        sentences = words(visible(told[language]))
        assert not re.search(r"\b(the|of|and|is|are|list|seats|since)\b", sentences), language
    assert "күшіне енген күні: 2022\u202fж. 17 қыркүйек" in told["kk"]
    assert "действует с 17 сентября 2022\u202fг." in told["ru"]
    assert "in force since September 17, 2022" in told["en"]


def test_shares_dates_and_charts_follow_each_language(client: TestClient) -> None:
    pages = {language: page(client, f"/{language}" + REPUBLIC) for language in LANGUAGES}
    # 2,100 of the 2,400 on the lists of the two precincts counted
    turnout = {"kk": ">87,50%<", "ru": ">87,50\u00a0%<", "en": ">87.50%<"}
    threshold = {"kk": "5% және", "ru": "набравшими 5\u00a0% и более", "en": "the 5% threshold"}
    for language, body in pages.items():
        assert turnout[language] in body, language
        assert threshold[language] in words(body), language
        charts = words(" ".join(re.findall(r'<figure class="bars".*?</figure>', body, flags=re.S)))
        shares = re.findall(r"\d+[.,]\d\d\u00a0?%", charts)
        assert shares, language
        assert all(("," in s) == (language != "en") for s in shares), (language, shares)
        assert all(("\u00a0" in s) == (language == "ru") for s in shares), (language, shares)
    day = {"kk": "2023\u202fж. 19 наурыз", "ru": "19 марта 2023\u202fг.", "en": "March 19, 2023"}
    for language, written in day.items():
        assert written in page(client, f"/{language}/{ELECTION}/"), language


def test_live_numbers_come_written_for_the_page_s_language(client: TestClient) -> None:
    for language, participated, share in (
        ("kk", "2\u00a0100", "%"),
        ("ru", "2\u00a0100", "\u00a0%"),
        ("en", "2,100", "%"),
    ):
        answer = client.get(f"/live/{ELECTION}/{CONTEST}.json", params={"lang": language})
        assert answer.status_code == 200
        live = answer.json()
        assert live["participated"] == 2100 and live["shown"]["participated"] == participated
        for option, value in live["percent"].items():
            shown = live["shown"]["percent"][option]
            assert shown.endswith(share) and not shown.endswith("\u00a0" + share), shown
            assert float(re.sub(r"[^\d.,]", "", shown).replace(",", ".")) == value
    assert "shown" not in client.get(f"/live/{ELECTION}/{CONTEST}.json").json()
    page_body = page(client, "/kk" + REPUBLIC)
    assert "/block?unit=KZ&amp;lang=kk" in page_body  # live.js asks in the page's language


# --- the national night in Kazakh and Russian: no English place names ---------------------


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Election]]:
    """The synthetic 2023 night on the real territory (300 precincts), every protocol in."""
    folder = tmp_path_factory.mktemp("national")
    ctx, synthetic = prepare(f"sqlite:///{folder / 'saylau.db'}", 2023, 300)
    principals = regional_principals(ctx, synthetic.election.id)
    submit_all(ctx, synthetic, principals, 2023, lambda _count: None)
    with TestClient(create_app(ctx=ctx)) as test_client:
        yield test_client, synthetic.election
    ctx.engine.dispose()


def one_of_each(election: Election) -> dict[str, str]:
    """A unit of each level below the republic: the first region, district and precinct."""
    region = election.children("KZ")[0]
    district = election.children(region.code)[0]
    precinct = election.children(district.code)[0]
    return {"region": region.code, "district": district.code, "precinct": precinct.code}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english_place_name_on_any_kind_of_page(
    national: tuple[TestClient, Election], language: str
) -> None:
    client, election = national
    units = one_of_each(election)
    assert len(unit_words(election)) > 200  # the words of 244 English names
    contest = f"/{language}/{election.id}/mazhilis-list/"
    paths = [f"/{language}/{election.id}/", contest, f"{contest}widget"]
    paths += [f"{contest}{code}/" for code in units.values()]
    paths.append(f"/{language}/{election.id}/smd-01/")
    for path in paths:
        text = readable(page(client, path))
        assert english_names_in(text, election) == [], path
    region, district = (election.unit(units[level]) for level in ("region", "district"))
    shown = readable(page(client, f"{contest}{district.code}/"))
    assert region.names[language] in shown and district.names[language] in shown
    overview = readable(page(client, contest))
    assert all(r.names[language] in overview for r in election.children("KZ"))  # table, map


#: A number or date as English writes it: digits grouped by commas, a decimal point before
#: a percent sign, an English month, a 12-hour clock.
ENGLISH_FORMATS = re.compile(
    r"\d,\d{3}(?!\d)|\d\.\d+\s?%|\b(January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b|\d\s?(AM|PM)\b"
)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_number_or_date_is_written_the_english_way(client: TestClient, language: str) -> None:
    """Every kind of page, charts and live numbers included, in Kazakh and Russian; the same
    pages in English do have such numbers, so the pattern can see one."""
    paths = [
        f"/{ELECTION}/",
        REPUBLIC,
        f"{REPUBLIC}KZ-71/",
        f"{REPUBLIC}{P1}/",
        f"{REPUBLIC}widget",
    ]
    for path in paths:
        body = visible(page(client, f"/{language}{path}"))
        seen = words(
            re.sub(r"<code>.*?</code>|<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
        )
        assert ENGLISH_FORMATS.findall(seen) == [], (language, path)
    live = client.get(f"/live/{ELECTION}/{CONTEST}.json", params={"lang": language}).json()
    assert not ENGLISH_FORMATS.search(str(live["shown"])), live["shown"]
    english = words(visible(page(client, f"/en{REPUBLIC}")))
    assert ENGLISH_FORMATS.search(english)
