"""The public results site, served by the same application as the API.

Every page exists in Kazakh (default), Russian and English under ``/kk/``, ``/ru/``,
``/en/``; the choice is remembered in a cookie. Pages are rendered from the service's
answers into snapshots keyed by the ledger size, so a surge of readers costs one render per
change, never a database query per reader. An open results page polls its results block
(``/live/…/block``): every figure of one read, swapped in whole, so that no figure of the
page is ever of another moment than the rest (the widget has a block of its own); a small
JSON (``/live/….json``) gives a unit's numbers to programs.

The routes are one router per area: ``entry`` (the root and each language's root, which
lead to the latest election), ``results`` (an election, a contest, a unit or precinct),
``widgets`` (the embeddable summary) and ``live`` (the blocks the open pages poll, and the
JSON); the static files (style sheet, script) are mounted under ``/static``. Each route
reaches the service through the :class:`Site` that :func:`install` keeps in the
application's state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from saylau.law.reading import iso_day
from saylau.service import changes, elections
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.service.live import read as live_read
from saylau.service.snapshots import HOLD_HEADER, SIZE_HEADER, Key, Snapshots
from saylau.tabulation import figures as tally
from saylau.web import embedding, feeds, pages
from saylau.web.i18n import DEFAULT, LANGUAGES, number, percent
from saylau.web.whatif_page import whatif_page as whatif_page_of

STATIC = Path(__file__).with_name("static")
COOKIE = "saylau_lang"
CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
Code = Annotated[str, PathParam(pattern=CODE, max_length=64)]
Language = Annotated[str, PathParam(pattern="^(kk|ru|en)$")]
HTML = "text/html; charset=utf-8"
#: A page with charts is rebuilt at most this often (seconds); its numbers keep moving in
#: the reader's browser through /live meanwhile.
PAGE_INTERVAL = 5.0
#: The observers' page runs every forensic method: while counting goes on it is rebuilt at
#: most this often (seconds).
FORENSICS_INTERVAL = 30.0


@dataclass(frozen=True)
class Site:
    """What the site's routes share: the service and the snapshots of its pages."""

    context: Context
    snapshots: Snapshots

    async def page(
        self,
        language: str,
        election_id: str,
        key: Key,
        build: Callable[[int], bytes],
        interval: float = PAGE_INTERVAL,
    ) -> Response:
        """The page for ``key`` as HTML, rebuilt when the ledger moved (at most every
        :data:`PAGE_INTERVAL` seconds) or when another election was imported (a first
        round's pages then link its repeat voting)."""
        known = len(self.snapshots.sizes)
        return await self.held_page(election_id, (*key, known), build, interval)

    async def held_page(
        self,
        election_id: str,
        key: Key,
        build: Callable[[int], bytes],
        interval: float = PAGE_INTERVAL,
    ) -> Response:
        """The snapshot of ``key``, labelled with its ledger size and with the seconds it
        stands as it is, so the response cache answers it until then without routing."""
        size, body = await self.snapshots.read_sized(election_id, key, build, min_interval=interval)
        held = self.snapshots.held_for(key, interval)
        headers = {SIZE_HEADER: str(size)}
        if held > 0:
            headers[HOLD_HEADER] = f"{held:.3f}"
        return Response(body, media_type=HTML, headers=headers)

    def latest_election(self) -> str:
        return elections.latest_election(self.context)


def site_of(request: Request) -> Site:
    found: Site = request.app.state.site
    return found


SiteOf = Annotated[Site, Depends(site_of)]


# --- entry: where a reader without a path lands ----------------------------------------------

entry = APIRouter(include_in_schema=False)


#: the root's answer depends on the reader's cookie: no shared cache may keep it
PERSONAL = {"Cache-Control": "private, no-cache", "Vary": "Cookie"}


@entry.get("/")
def root(request: Request, site: SiteOf) -> RedirectResponse:
    language = request.cookies.get(COOKIE, DEFAULT)
    if language not in LANGUAGES:
        language = DEFAULT
    return RedirectResponse(
        f"/{language}/{site.latest_election()}/", status_code=307, headers=PERSONAL
    )


@entry.get("/{lang}/choose")
def choose_language(
    lang: Language,
    to: Annotated[str, Query(max_length=512, pattern=r"^/(kk|ru|en)/[^\\\s]*$")],
) -> RedirectResponse:
    """The language switch: remember ``lang`` and go to ``to``, the same page in it (a path
    of this site in that language; nothing else is followed)."""
    if not to.startswith(f"/{lang}/"):
        to = f"/{lang}/"
    response = RedirectResponse(to, status_code=303, headers={"Cache-Control": "no-store"})
    response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


@entry.get("/{lang}/")
def language_root(lang: Language, site: SiteOf) -> RedirectResponse:
    return RedirectResponse(f"/{lang}/{site.latest_election()}/", status_code=307)


# --- parties: the registry of parties (before the results, whose paths would match) ------

party_pages = APIRouter(include_in_schema=False)
PartyId = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


def _html(body: bytes) -> Response:
    return Response(body, media_type=HTML)


@party_pages.get("/{lang}/parties/")
def parties_page(lang: Language, site: SiteOf) -> Response:
    """The registry of parties with each party's status, registration date and history."""
    return _html(pages.parties_page(site.context, lang))


@party_pages.get("/{lang}/parties/{party_id}/")
def party_page(lang: Language, party_id: PartyId, site: SiteOf) -> Response:
    """One party and its history, each refusal with the rules it failed."""
    return _html(pages.party_page(site.context, lang, party_id))


# --- assemblies: the public calendar of peaceful assemblies (before the results too) ------

assembly_pages = APIRouter(include_in_schema=False)
AssemblyId = Annotated[str, PathParam(pattern=r"^a[0-9a-f]{12}$")]
CityQuery = Annotated[str | None, Query(pattern=r"^(KZ-[0-9]{2})?$")]
StateQuery = Annotated[str | None, Query(pattern=r"^[a-z_]{0,16}$")]
DayQuery = Annotated[str | None, Query(pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]


@assembly_pages.get("/{lang}/assemblies/")
def assemblies_page(
    lang: Language,
    site: SiteOf,
    city: CityQuery = None,
    state: StateQuery = None,
    since: DayQuery = None,
    until: DayQuery = None,
) -> Response:
    """The calendar of notified assemblies and their answers, per city, with filters."""
    body = pages.assemblies_page(
        site.context, lang, city or None, state or None, since or None, until or None
    )
    return _html(body)


@assembly_pages.get("/{lang}/assemblies/calendar.ics")
def assemblies_calendar(
    request: Request,
    lang: Language,
    site: SiteOf,
    city: CityQuery = None,
    state: StateQuery = None,
    since: DayQuery = None,
    until: DayQuery = None,
) -> Response:
    """The same calendar as iCalendar, worded in the language, for a calendar application."""
    base = str(request.base_url).rstrip("/")
    body = pages.assemblies_ics(
        site.context, lang, city or None, state or None, since or None, until or None, base
    )
    return Response(body, media_type="text/calendar; charset=utf-8")


@assembly_pages.get("/{lang}/assemblies/{assembly_id}/")
def assembly_page(lang: Language, assembly_id: AssemblyId, site: SiteOf) -> Response:
    """One assembly: where and when, the akimat's answer and every step."""
    return _html(pages.assembly_page(site.context, lang, assembly_id))


@party_pages.get("/{lang}/data/")
def data_page(lang: Language) -> Response:
    """The data dictionary: every download's columns and fields, the publish folder's files."""
    return _html(pages.data_page(lang))


# --- petitions: the public petitions and each one's page (before the results, whose paths
# would match) ---------------------------------------------------------------------------

petition_pages = APIRouter(include_in_schema=False)
PetitionId = Annotated[str, PathParam(pattern=r"^[a-z0-9]{1,64}$")]
SearchQuery = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]


@petition_pages.get("/{lang}/petitions/")
def petitions_page(lang: Language, site: SiteOf, q: SearchQuery = None) -> Response:
    """The public petitions with their state and count; ``q`` searches titles and texts."""
    query = q.strip() if q and q.strip() else None
    return _html(pages.petitions_page(site.context, lang, query))


@petition_pages.get("/{lang}/petitions/{petition_id}/")
def petition_page(lang: Language, petition_id: PetitionId, site: SiteOf) -> Response:
    """One petition: progress to its threshold, working days left, steps and answer."""
    return _html(pages.petition_page(site.context, lang, petition_id))


# --- people: an election's candidates, lists and deputies (before the results, whose contest
# paths would match; election.RESERVED_CONTEST_IDS keeps contests off these ids) ------------

people_pages = APIRouter(include_in_schema=False)


@people_pages.get("/{lang}/{election_id}/candidates/")
async def candidates_page(lang: Language, election_id: Code, site: SiteOf) -> Response:
    """Every candidate with the office, the nominator, the decision and its reasons."""

    def build(size: int) -> bytes:
        return pages.candidates_page(site.context, lang, election_id, size)

    return await site.page(lang, election_id, ("people", lang, election_id, "candidates"), build)


@people_pages.get("/{lang}/{election_id}/lists/")
async def lists_page(lang: Language, election_id: Code, site: SiteOf) -> Response:
    """Each party's registered list in list order, the quota's members marked."""

    def build(size: int) -> bytes:
        return pages.lists_page(site.context, lang, election_id, size)

    return await site.page(lang, election_id, ("people", lang, election_id, "lists"), build)


@people_pages.get("/{lang}/{election_id}/deputies/")
async def deputies_page(lang: Language, election_id: Code, site: SiteOf) -> Response:
    """The named deputies of each party list and each single-member district."""

    def build(size: int) -> bytes:
        return pages.deputies_page(site.context, lang, election_id, size)

    return await site.page(lang, election_id, ("people", lang, election_id, "deputies"), build)


@people_pages.get("/{lang}/{election_id}/search/")
def search_page(
    lang: Language,
    election_id: Code,
    site: SiteOf,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The precincts and places whose number or name matches ``q``, each linked to its
    results (not kept as a snapshot: every query is its own page, and a cheap one)."""
    return _html(pages.search_page(site.context, lang, election_id, q))


@people_pages.get("/{lang}/{election_id}/parties/{party_id}/")
async def party_night_page(
    lang: Language, election_id: Code, party_id: PartyId, site: SiteOf
) -> Response:
    """A party's results in every contest of the night: its lists and its nominees."""

    def build(size: int) -> bytes:
        return pages.party_night_page(site.context, lang, election_id, party_id, size)

    key = ("people", lang, election_id, "party", party_id)
    return await site.page(lang, election_id, key, build)


@people_pages.get("/{lang}/{election_id}/{contest_id}/options/{option_id}/")
async def option_night_page(
    lang: Language, election_id: Code, contest_id: Code, option_id: Code, site: SiteOf
) -> Response:
    """A candidate's (or a list's) results in one contest, unit by unit."""

    def build(size: int) -> bytes:
        return pages.option_night_page(site.context, lang, election_id, contest_id, option_id, size)

    key = ("people", lang, election_id, "option", contest_id, option_id)
    return await site.page(lang, election_id, key, build)


# --- what-if: a contest under the law of another date (before the results' unit paths) ----

whatif_pages = APIRouter(include_in_schema=False)
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")]


@whatif_pages.get("/{lang}/{election_id}/{contest_id}/whatif/")
async def whatif_page(
    lang: Language, election_id: Code, contest_id: Code, site: SiteOf, rules_on: Day = None
) -> Response:
    """The contest's seats under the law of ``rules_on`` and the seat Monte-Carlo."""
    day = iso_day(rules_on) if rules_on else None
    if rules_on and day is None:
        raise NotFound(f"no day {rules_on!r}")

    def build(size: int) -> bytes:
        if not pages.election_of(site.context, election_id).has_contest(contest_id):
            raise NotFound(f"no contest {contest_id!r}")
        return whatif_page_of(site.context, lang, election_id, contest_id, day, size)

    key = ("whatif", lang, election_id, contest_id, rules_on or "")
    return await site.page(lang, election_id, key, build)


# --- observers: a contest's forensic checks (before the results, whose unit paths would
# match; election.RESERVED_UNIT_CODES keeps units off this path) ----------------------------

observer_pages = APIRouter(include_in_schema=False)


@observer_pages.get("/{lang}/{election_id}/{contest_id}/observers/")
async def observers_page(
    lang: Language, election_id: Code, contest_id: Code, site: SiteOf
) -> Response:
    """The contest's statistical checks for observers, rebuilt at most every
    :data:`FORENSICS_INTERVAL` seconds while the ledger moves (the suite is the costly part,
    computed once per ledger size for every language)."""

    def build(size: int) -> bytes:
        return pages.observers_page(site.context, lang, election_id, contest_id, size)

    key = ("observers", lang, election_id, contest_id)
    return await site.page(lang, election_id, key, build, FORENSICS_INTERVAL)


# --- results: an election, a contest, a unit, a precinct ------------------------------------

results_pages = APIRouter(include_in_schema=False)


@results_pages.get("/{lang}/{election_id}/")
async def election_page(
    lang: Language,
    election_id: Code,
    site: SiteOf,
    maslikhat: Annotated[str | None, Query(max_length=64, pattern=CODE)] = None,
) -> Response:
    """The election's contests; a maslikhat's contests are one row each maslikhat, listed
    on a page of their own (``?maslikhat=UNIT``): a combined night has thousands."""

    def build(size: int) -> bytes:
        return pages.election_page(site.context, lang, election_id, size, maslikhat)

    key = ("site", lang, election_id, maslikhat or "")
    return await site.page(lang, election_id, key, build)


def public_base(request: Request) -> str:
    """The address the site's embeds name (see :mod:`saylau.web.embedding`)."""
    return embedding.public_base(str(request.base_url))


@results_pages.get("/{lang}/{election_id}/{contest_id}/")
async def contest_page(
    request: Request, lang: Language, election_id: Code, contest_id: Code, site: SiteOf
) -> Response:
    base = public_base(request)

    def build(size: int) -> bytes:
        republic = pages.republic_of(site.context, election_id)
        return pages.unit_page(
            site.context, lang, election_id, contest_id, republic, size, base=base
        )

    key = ("site", lang, election_id, contest_id, None, base)
    return await site.page(lang, election_id, key, build)


@results_pages.get("/{lang}/{election_id}/{contest_id}/{unit}/")
async def unit_page(
    request: Request,
    lang: Language,
    election_id: Code,
    contest_id: Code,
    unit: Code,
    site: SiteOf,
) -> Response:
    """A region's or district's results, or a precinct's protocol and its proof."""
    base = public_base(request)

    def build(size: int) -> bytes:
        if not pages.election_of(site.context, election_id).has_unit(unit):
            raise NotFound(f"no unit {unit!r}")
        return pages.unit_page(site.context, lang, election_id, contest_id, unit, size, base=base)

    key = ("site", lang, election_id, contest_id, unit, base)
    return await site.page(lang, election_id, key, build)


# --- feeds: the election's changes of status, as Atom ----------------------------------------

news_feeds = APIRouter(include_in_schema=False)


@news_feeds.get("/{lang}/{election_id}/feed.atom")
async def status_feed(
    request: Request, lang: Language, election_id: Code, site: SiteOf
) -> Response:
    """The contests' changes of status (counting began, every precinct reported, certified,
    reopened), newest first, as an Atom feed in the language."""
    base = public_base(request)

    def build(size: int) -> bytes:
        found = changes.changes(site.context, election_id)
        return feeds.atom(found.election, found.changes, lang, base, found.imported_at)

    key = ("feed", lang, election_id, base)
    body = await site.snapshots.read(election_id, key, build)
    return Response(body, media_type=feeds.MEDIA_TYPE)


# --- widgets: the summary a news page embeds -------------------------------------------------

widgets = APIRouter(include_in_schema=False)


@widgets.get("/{lang}/{election_id}/{contest_id}/widget")
async def widget(lang: Language, election_id: Code, contest_id: Code, site: SiteOf) -> Response:
    def build(size: int) -> bytes:
        republic = pages.republic_of(site.context, election_id)
        return pages.unit_page(
            site.context, lang, election_id, contest_id, republic, size, widget=True
        )

    # its policy, which lets any site frame it, is set with every other page's
    return await site.held_page(election_id, ("widget", lang, election_id, contest_id), build)


# --- live: what an open page polls --------------------------------------------------------

live_numbers = APIRouter(tags=["results"])
live_blocks = APIRouter(include_in_schema=False)
#: The ledger size a results block was read at, as its first tag states it.
BLOCK_SIZE = re.compile(rb'data-tree-size="(\d+)"')


@live_blocks.get("/live/{election_id}/{contest_id}/block")
async def live_block(
    election_id: Code,
    contest_id: Code,
    site: SiteOf,
    unit: Annotated[str | None, Query(max_length=64, pattern=CODE)] = None,
    lang: Annotated[str, Query(pattern="^(kk|ru|en)$")] = DEFAULT,
    after: Annotated[int | None, Query(ge=0)] = None,
    widget: bool = False,
) -> Response:
    """A unit's whole results block (every figure of one read), as the open page (or, with
    ``widget``, the embedded widget) swaps it in; with ``after``, 204 No Content unless the
    block was read at a larger ledger size, so a page polling an unchanged count costs a few
    bytes. Built as the page is (at most every :data:`PAGE_INTERVAL` seconds), from the
    database alone: any worker answers alike."""

    def build(size: int) -> bytes:
        code = unit or pages.republic_of(site.context, election_id)
        election = pages.election_of(site.context, election_id)
        if not election.has_unit(code) or election.unit(code).level == "precinct":
            raise NotFound(f"no results block for unit {unit!r}")
        return pages.unit_page(
            site.context, lang, election_id, contest_id, code, size, widget=widget, block=True
        )

    key = ("block", lang, election_id, contest_id, unit, widget)
    size, body = await site.snapshots.read_sized(
        election_id, key, build, min_interval=PAGE_INTERVAL
    )
    found = BLOCK_SIZE.search(body, 0, 600)
    read_at = int(found[1]) if found else size
    headers = {SIZE_HEADER: str(read_at), "Cache-Control": "no-cache"}
    if after is not None and read_at <= after:
        return Response(status_code=204, headers=headers)
    return Response(body, media_type=HTML, headers=headers)


@live_numbers.get("/live/{election_id}/{contest_id}.json")
async def live(
    election_id: Code,
    contest_id: Code,
    site: SiteOf,
    unit: Annotated[str | None, Query(max_length=64, pattern=CODE)] = None,
    lang: Annotated[str | None, Query(pattern="^(kk|ru|en)$")] = None,
) -> Response:
    """A small summary for pages that update themselves while counting goes on; with
    ``lang``, also its numbers as the page writes them in that language (``shown``)."""
    context = site.context

    def build(size: int) -> bytes:
        code = unit or pages.republic_of(context, election_id)
        read = live_read(context, election_id, contest_id, code, whole=False)
        answer, size = read.answer, read.size  # every number of one read, and its size
        counts = answer["counts"] or {}
        votes = counts.get("votes", {})
        kind = pages.election_of(context, election_id).contest(contest_id).kind.value
        shares = tally.shares(kind, counts)
        turnout = tally.turnout(counts)
        summary: dict[str, Any] = {
            "election": election_id,
            "contest": contest_id,
            "unit": code,
            "status": answer["status"],
            "precincts_reported": answer["precincts_reported"],
            "precincts_expected": answer["precincts_expected"],
            "updated_at": answer.get("updated_at"),
            "tree_size": size,
            "participated": counts.get("ballots_found", 0),
            "turnout": turnout,
            "votes": votes,
            "percent": shares,
        }
        if lang:
            summary["shown"] = {
                "precincts_reported": number(answer["precincts_reported"], lang),
                "participated": number(summary["participated"], lang),
                "voters": number(tally.voters(counts), lang),
                "turnout": percent(turnout, lang),
                "tree_size": number(size, lang),
                "votes": {o: number(v, lang) for o, v in votes.items()},
                "percent": {o: percent(p, lang) for o, p in shares.items()},
            }
        return json.dumps(summary, ensure_ascii=False).encode()

    key = ("live", election_id, contest_id, unit, lang)
    return Response(
        await site.snapshots.read(election_id, key, build),
        media_type="application/json",
        headers={"Cache-Control": "public, no-cache"},
    )


ROUTERS = (
    entry,
    party_pages,
    assembly_pages,
    petition_pages,
    people_pages,
    whatif_pages,
    news_feeds,
    observer_pages,
    results_pages,
    widgets,
    live_numbers,
    live_blocks,
)


def install(app: FastAPI, context: Context, snapshots: Snapshots) -> None:
    """Add the site's routers and static files to the application."""
    app.state.site = Site(context, snapshots)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
