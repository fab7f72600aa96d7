"""The commission's desk over HTTP, in process: sign-in and its cookie, CSRF, double entry,
refusals with the relations broken, the live check, the approval queue and certification.

Each test works on its own precincts of the small election, so they do not disturb one
another; what the desk stores is read back through the public API, the same numbers a
reader sees.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from saylau.api.app import create_app
from saylau.model import BadInput
from saylau.service import credentials
from saylau.service.context import Context
from saylau.service.double_entry import differences, seal, unseal
from tests.elections_fixture import protocol
from tests.serving import API, ELECTION, PARTIES, Tokens, check_invariants, prepare

HTTPS = "https://desk.test"
P_ENTRY = "KZ-71-D01-P0001"  # double entry and its correction
P_REFUSED = "KZ-71-D01-P0002"  # refusals: never stored
P_OWN = "KZ-71-D02-P0001"  # a district's own correction
P_REVOKED = "KZ-75-D01-P0001"


@dataclass
class Desk:
    app: FastAPI
    tokens: Tokens
    url: str

    def client(self, base: str = HTTPS) -> TestClient:
        return TestClient(self.app, base_url=base, follow_redirects=False)

    def signed_in(self, who: str, lang: str = "en") -> TestClient:
        client = self.client()
        page = client.get(f"/desk/{lang}/sign-in")
        answer = client.post(
            f"/desk/{lang}/sign-in", data={"csrf": csrf(page.text), "token": self.tokens[who]}
        )
        assert answer.status_code == 303, answer.text
        return client

    def results(self, contest: str, unit: str) -> dict[str, Any]:
        answer = self.client().get(f"{API}/results/{contest}", params={"unit": unit})
        assert answer.status_code == 200, answer.text
        document: dict[str, Any] = answer.json()
        return document


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    folder: Path = tmp_path_factory.mktemp("desk")
    url = f"sqlite:///{folder / 'desk.db'}"
    tokens = prepare(url)
    app = create_app(url)
    yield Desk(app, tokens, url)
    app.state.context.engine.dispose()


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found[1]


def sealed(html: str) -> str:
    found = re.search(r'name="first_entry" value="([^"]+)"', html)
    assert found, "the second entry's form does not carry the first entry"
    return found[1]


def lines(document: dict[str, Any], reason: str | None = None) -> dict[str, str]:
    """A protocol as the form's fields are typed."""
    typed = {
        name: str(value)
        for name, value in document.items()
        if name not in ("precinct", "contest", "votes", "neither")
    }
    typed |= {f"votes.{option}": str(v) for option, v in document["votes"].items()}
    if reason is not None:
        typed["reason"] = reason
    return typed


def form_path(precinct: str, contest: str, lang: str = "en") -> str:
    return f"/desk/{lang}/protocol/{precinct}/{contest}/"


def first_entry(client: TestClient, precinct: str, contest: str, typed: dict[str, str]) -> str:
    """Type the first entry; the second entry's page."""
    page = client.get(form_path(precinct, contest))
    assert page.status_code == 200, page.text
    answer = client.post(
        form_path(precinct, contest), data={"csrf": csrf(page.text), "step": "first", **typed}
    )
    assert answer.status_code == 200, answer.text
    text: str = answer.text
    assert "Second entry of two" in text
    return text


def second_entry(
    client: TestClient, precinct: str, contest: str, page: str, typed: dict[str, str]
) -> Any:
    return client.post(
        form_path(precinct, contest),
        data={"csrf": csrf(page), "step": "second", "first_entry": sealed(page), **typed},
    )


def test_sign_in_keeps_the_token_in_a_strict_cookie_of_the_desk_only(desk: Desk) -> None:
    client = desk.client()
    page = client.get("/desk/en/sign-in")
    assert page.headers["cache-control"] == "no-store"
    answer = client.post(
        "/desk/en/sign-in", data={"csrf": csrf(page.text), "token": desk.tokens[P_ENTRY]}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/desk/en/"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("saylau_desk="))
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path=/desk", "samesite=strict", "secure"} <= attributes
    assert not any(a.startswith(("max-age", "expires")) for a in attributes), "a session cookie"
    home = client.get("/desk/en/")
    assert home.status_code == 200 and P_ENTRY in home.text
    # the public pages neither receive nor set the desk's cookie
    public = client.get(f"/en/{ELECTION}/")
    assert public.status_code == 200
    assert "saylau_desk" not in public.request.headers.get("cookie", "")
    assert not any("saylau_desk" in c for c in public.headers.get_list("set-cookie"))
    # over plain http the cookie is not marked Secure (a browser would drop it)
    plain = desk.client("http://desk.test")
    page = plain.get("/desk/en/sign-in")
    answer = plain.post(
        "/desk/en/sign-in", data={"csrf": csrf(page.text), "token": desk.tokens[P_ENTRY]}
    )
    assert "secure" not in answer.headers["set-cookie"].lower()
    # signing out forgets the token
    out = client.post("/desk/en/sign-out", data={"csrf": csrf(home.text)})
    assert out.status_code == 303 and 'saylau_desk=""' in out.headers["set-cookie"]


def test_a_wrong_token_is_refused_and_a_page_needs_a_session(desk: Desk) -> None:
    client = desk.client()
    assert client.get("/desk/kk/").headers["location"] == "/desk/kk/sign-in"
    page = client.get("/desk/kk/sign-in")
    answer = client.post("/desk/kk/sign-in", data={"csrf": csrf(page.text), "token": "nobody"})
    assert answer.status_code == 401 and 'role="alert"' in answer.text
    assert "saylau_desk=" not in "".join(answer.headers.get_list("set-cookie")).replace(
        "saylau_desk_csrf=", ""
    )


def test_double_entry_submits_only_two_entries_that_agree(desk: Desk) -> None:
    client = desk.signed_in(P_ENTRY)
    document = protocol(P_ENTRY, "mazhilis-list", {"amanat": 347, "auyl": 120, "respublica": 88})
    typed = lines(document)
    page = first_entry(client, P_ENTRY, "mazhilis-list", typed)
    assert 'value="347"' not in page, "the second form shows the first entry's numbers"
    # one line typed differently: named, the first entry's number not shown
    wrong = typed | {"votes.amanat": "374"}
    answer = second_entry(client, P_ENTRY, "mazhilis-list", page, wrong)
    assert answer.status_code == 409
    problem = answer.text.split('id="problem"')[1].split("</div>")[0]
    assert "Amanat" in problem and "Auyl" not in problem
    assert not re.search(r"\b347\b", re.sub(r'value="[^"]{40,}"', "", answer.text))
    assert 'value="374"' in answer.text, "the second entry is kept, to be mended"
    assert desk.results("mazhilis-list", P_ENTRY)["counts"] is None, "nothing stored yet"
    # the line mended: submitted, and counted
    answer = second_entry(client, P_ENTRY, "mazhilis-list", answer.text, typed)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/desk/en/?done=accepted")
    assert desk.results("mazhilis-list", P_ENTRY)["counts"]["votes"]["amanat"] == 347
    home = client.get(answer.headers["location"])
    assert "accepted" in home.text and "counts now" in home.text


def test_a_protocol_that_breaks_a_relation_is_refused_with_the_relation(desk: Desk) -> None:
    client = desk.signed_in(P_REFUSED, lang="kk")
    document = protocol(P_REFUSED, "mazhilis-list", {"amanat": 300, "auyl": 100, "respublica": 50})
    document["ballots_found"] += 5  # more found than issued, and not accounted for
    page = client.get(form_path(P_REFUSED, "mazhilis-list", "kk"))
    answer = client.post(
        form_path(P_REFUSED, "mazhilis-list", "kk"),
        data={"csrf": csrf(page.text), "step": "first", **lines(document)},
    )
    assert answer.status_code == 422
    assert "Second entry" not in answer.text and 'name="first_entry"' not in answer.text
    broken = answer.text.split('class="broken"')[1].split("</ul>")[0]
    assert broken.count("<li>") == 2
    assert "ballots_found" not in broken, "the lines are named in Kazakh"
    assert "Жәшіктерден" in broken or "жәшік" in broken.lower()
    # a line that is no count is refused by name
    answer = client.post(
        form_path(P_REFUSED, "mazhilis-list", "kk"),
        data={"csrf": csrf(page.text), "step": "first", **lines(document), "invalid": "two"},
    )
    assert answer.status_code == 422 and 'role="alert"' in answer.text
    assert desk.results("mazhilis-list", P_REFUSED)["counts"] is None


def test_forms_without_their_token_or_from_another_site_are_refused(desk: Desk) -> None:
    client = desk.signed_in(P_REFUSED)
    page = client.get(form_path(P_REFUSED, "smd-1"))
    document = protocol(P_REFUSED, "smd-1", {"c1a": 10, "c1b": 20})
    typed = {"step": "first", **lines(document)}
    assert client.post(form_path(P_REFUSED, "smd-1"), data=typed).status_code == 403
    assert (
        client.post(form_path(P_REFUSED, "smd-1"), data={**typed, "csrf": "0" * 64}).status_code
        == 403
    )
    answer = client.post(
        form_path(P_REFUSED, "smd-1"),
        data={**typed, "csrf": csrf(page.text)},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert answer.status_code == 403
    # the sign-in form needs its own token too (no signing a browser into a commission)
    fresh = desk.client()
    answer = fresh.post("/desk/en/sign-in", data={"token": desk.tokens[P_REFUSED]})
    assert answer.status_code == 403 and "set-cookie" not in answer.headers
    # a seal of another form does not open here
    other = first_entry(client, P_REFUSED, "smd-1", lines(document))
    answer = client.post(
        form_path(P_REFUSED, "mazhilis-list"),
        data={
            "csrf": csrf(page.text),
            "step": "second",
            "first_entry": sealed(other),
            **lines(protocol(P_REFUSED, "mazhilis-list", dict.fromkeys(PARTIES, 1))),
        },
    )
    assert answer.status_code == 422 and "Second entry" not in answer.text


def test_the_live_check_asks_the_service(desk: Desk) -> None:
    client = desk.signed_in(P_REFUSED)
    page = client.get(form_path(P_REFUSED, "mazhilis-list"))
    token = csrf(page.text)
    document = protocol(P_REFUSED, "mazhilis-list", {"amanat": 30, "auyl": 20, "respublica": 5})

    def check(typed: dict[str, str], header: str | None = token, lang: str = "en") -> Any:
        return client.post(
            "/desk/check",
            json={
                "precinct": P_REFUSED,
                "contest": "mazhilis-list",
                "lang": lang,
                "lines": typed,
            },
            headers={"X-CSRF-Token": header} if header else {},
        )

    good = lines(document)
    assert check(good).json() == {"status": "acceptable"}
    assert check(good, header=None).status_code == 403
    broken = check(good | {"ballots_issued": str(document["ballots_issued"] - 1)}, lang="ru")
    answer = broken.json()
    assert answer["status"] == "refused"
    relations = {b["relation"] for b in answer["problem"]["broken"]}
    assert {"received", "found_within_issued"} <= relations
    assert all("ballots" not in item["check"] for item in answer["shown"]), answer["shown"]
    # an empty line is named
    empty = check(good | {"invalid": ""}).json()
    assert empty["problem"]["field"] == "invalid"
    assert desk.results("mazhilis-list", P_REFUSED)["counts"] is None


def test_a_correction_waits_for_another_commission_above_it(desk: Desk) -> None:
    # the precinct corrects its accepted protocol (the double-entry test's), with a reason
    client = desk.signed_in(P_ENTRY)
    document = protocol(P_ENTRY, "mazhilis-list", {"amanat": 340, "auyl": 127, "respublica": 88})
    typed = lines(document, reason="recount of the Amanat pile")
    page = first_entry(client, P_ENTRY, "mazhilis-list", typed)
    answer = second_entry(client, P_ENTRY, "mazhilis-list", page, typed)
    assert answer.status_code == 303 and "done=correction-pending" in answer.headers["location"]
    assert desk.results("mazhilis-list", P_ENTRY)["counts"]["votes"]["amanat"] == 347
    home = client.get("/desk/en/")
    pending = home.text.split('id="pending-title"')[1].split("</section>")[0]
    assert "recount of the Amanat pile" in pending
    # the district sees it with what it changes, and approves it
    district = desk.signed_in("KZ-71-D01")
    queue = district.get("/desk/en/").text
    item = queue.split('id="queue-title"')[1].split("</section>")[0]
    assert "recount of the Amanat pile" in item
    assert re.search(r"Amanat</th><td class=\"num\">347</td><td class=\"num\">340", item)
    approve = re.search(r'action="(/desk/en/corrections/\d+/approve)"', item)
    assert approve
    answer = district.post(approve[1], data={"csrf": csrf(queue)})
    assert answer.status_code == 303 and "done=correction-approved" in answer.headers["location"]
    assert desk.results("mazhilis-list", P_ENTRY)["counts"]["votes"]["amanat"] == 340
    progress = district.get("/desk/en/").text.split('id="progress-title"')[1]
    assert re.search(rf"{P_ENTRY}</td><td class=\"num\">1 of 1", progress)
    check_invariants(desk.url)


def test_a_commission_cannot_approve_its_own_correction(desk: Desk) -> None:
    district = desk.signed_in("KZ-71-D02")
    first = protocol(P_OWN, "smd-1", {"c1a": 400, "c1b": 500})
    page = first_entry(district, P_OWN, "smd-1", lines(first))
    assert second_entry(district, P_OWN, "smd-1", page, lines(first)).status_code == 303
    corrected = protocol(P_OWN, "smd-1", {"c1a": 401, "c1b": 499})
    typed = lines(corrected, reason="a ballot moved")
    page = first_entry(district, P_OWN, "smd-1", typed)
    answer = second_entry(district, P_OWN, "smd-1", page, typed)
    assert "done=correction-pending" in answer.headers["location"]
    queue = district.get("/desk/en/").text
    item = queue.split('id="queue-title"')[1].split("</section>")[0]
    assert "a ballot moved" in item and "may not approve it" in item
    below = queue.split('id="precincts-below"')[1].split("</datalist>")[0]
    assert below.count("<option") == 3 and P_OWN in below
    assert "/approve" not in item, "no approval offered to the commission that submitted it"
    correction = desk.results("smd-1", P_OWN)["versions"][-1]["protocol_id"]
    answer = district.post(f"/desk/en/corrections/{correction}/approve", data={"csrf": csrf(queue)})
    assert answer.status_code == 403 and "submitted by commission KZ-71-D02 itself" in answer.text
    # a district chooses a precinct below it; one elsewhere is refused on its own page
    chosen = district.get("/desk/en/protocol/", params={"precinct": P_OWN, "contest": "smd-1"})
    assert chosen.headers["location"] == form_path(P_OWN, "smd-1")
    elsewhere = district.get(form_path(P_REVOKED, "mazhilis-list"))
    assert elsewhere.status_code == 403 and 'id="forms-title"' not in elsewhere.text
    odd = district.get("/desk/en/protocol/", params={"precinct": "../x", "contest": "smd-1"})
    assert district.get(odd.headers["location"]).text.count('role="alert"') == 1
    region = desk.signed_in("KZ-71")
    queue = region.get("/desk/en/").text
    assert f"/desk/en/corrections/{correction}/approve" in queue
    answer = region.post(f"/desk/en/corrections/{correction}/approve", data={"csrf": csrf(queue)})
    assert answer.status_code == 303
    assert desk.results("smd-1", P_OWN)["counts"]["votes"]["c1a"] == 401


def test_a_revoked_credential_is_refused_at_once(desk: Desk) -> None:
    client = desk.signed_in(P_REVOKED)
    page = client.get(form_path(P_REVOKED, "mazhilis-list"))
    assert page.status_code == 200
    ctx = Context.open(desk.url)
    try:
        found = credentials.select_credentials(ctx, ELECTION, P_REVOKED, None)
        credentials.revoke(ctx, ELECTION, found, "administrator", "lost")
    finally:
        ctx.engine.dispose()
    answer = client.get("/desk/en/")
    assert answer.status_code == 401 and "revoked" in answer.text
    assert 'saylau_desk=""' in "".join(answer.headers.get_list("set-cookie"))
    document = protocol(P_REVOKED, "mazhilis-list", {"amanat": 1, "auyl": 2, "respublica": 3})
    client.cookies.set("saylau_desk", desk.tokens[P_REVOKED])  # as a stale tab still holds it
    answer = client.post(
        form_path(P_REVOKED, "mazhilis-list"),
        data={"csrf": csrf(page.text), "step": "first", **lines(document)},
    )
    assert answer.status_code == 401
    assert desk.results("mazhilis-list", P_REVOKED)["counts"] is None


def test_the_central_commission_certifies_a_complete_contest(desk: Desk) -> None:
    central = desk.signed_in("KZ")
    board = central.get("/desk/en/").text
    assert 'id="certification-title"' in board
    answer = central.post("/desk/en/contests/smd-2/certify", data={"csrf": csrf(board)})
    assert answer.status_code == 409 and "have not reported" in answer.text
    api = desk.client()
    submissions = [
        {"protocol": protocol(f"KZ-75-D0{d}-P000{p}", "smd-2", {"c2a": 50 + p, "c2b": 40})}
        for d in (1, 2)
        for p in (1, 2, 3)
    ]
    stored = api.post(
        f"{API}/protocols/batch",
        json={"submissions": submissions},
        headers={"Authorization": f"Bearer {desk.tokens['KZ-75']}"},
    )
    assert stored.json()["accepted"] == 6, stored.text
    answer = central.post("/desk/en/contests/smd-2/certify", data={"csrf": csrf(board)})
    assert answer.status_code == 303, answer.text
    board = central.get(answer.headers["location"]).text
    assert "certified" in board.lower() and "/contests/smd-2/reopen" in board
    assert desk.results("smd-2", "KZ")["status"] == "certified"


def test_a_precinct_has_no_queue_and_writes_only_its_own_precinct(desk: Desk) -> None:
    client = desk.signed_in(P_REFUSED)
    home = client.get("/desk/en/").text
    assert 'id="queue-title"' not in home and 'id="forms-title"' in home
    answer = client.get(form_path(P_ENTRY, "mazhilis-list"))
    assert answer.status_code == 403 and "may not submit for precinct" in answer.text


def test_an_expired_credential_is_refused_at_once(desk: Desk) -> None:
    ctx = Context.open(desk.url)
    try:
        (issued,) = credentials.issue(
            ctx,
            ELECTION,
            [credentials.Member(P_REVOKED, "Aigerim Seitova", "secretary")],
            valid_for=dt.timedelta(seconds=3),
        )
    finally:
        ctx.engine.dispose()
    client = desk.client()
    page = client.get("/desk/en/sign-in")
    answer = client.post("/desk/en/sign-in", data={"csrf": csrf(page.text), "token": issued.token})
    assert answer.status_code == 303
    assert "Aigerim Seitova" in client.get("/desk/en/").text
    time.sleep(max(0.0, (issued.expires_at - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
    answer = client.get("/desk/en/")
    assert answer.status_code == 401 and "expired" in answer.text


entries = st.dictionaries(
    st.sampled_from(["voters_on_list", "invalid", "votes.a", "votes.b", "reason"]),
    st.text(alphabet="0123456789 x", max_size=6),
)


@settings(max_examples=60, deadline=None)
@given(first=entries, second=entries, token=st.text(min_size=1, max_size=20))
def test_entries_differ_exactly_where_their_counts_do(
    first: dict[str, str], second: dict[str, str], token: str
) -> None:
    fields = ("voters_on_list", "invalid", "votes.a", "votes.b", "reason")
    assert unseal(token, "P", "c", seal(token, "P", "c", first)) == first
    differing = differences(fields, first, second)
    assert differing == differences(fields, second, first)
    assert differences(fields, first, first) == ()
    for name in fields:
        a, b = ("".join(e.get(name, "").split()) for e in (first, second))
        same = (int(a) == int(b)) if a.isdigit() and b.isdigit() else a == b
        assert (name in differing) is not same


def test_the_first_entry_is_sealed_to_its_session_and_form() -> None:
    entry = {"voters_on_list": "1 100", "votes.a": "7"}
    box = seal("token-a", "P1", "c", entry)
    assert unseal("token-a", "P1", "c", box) == entry
    for token, precinct, contest in (("token-b", "P1", "c"), ("token-a", "P2", "c")):
        with pytest.raises(BadInput):
            unseal(token, precinct, contest, box)
    with pytest.raises(BadInput):
        unseal("token-a", "P1", "c", box[:-4] + "AAAA")
    assert differences(("voters_on_list", "votes.a"), entry, {"voters_on_list": "1100"}) == (
        "votes.a",
    )
