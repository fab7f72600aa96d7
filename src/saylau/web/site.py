"""The public results site, served by the same application as the API.

Every page exists in Kazakh (default), Russian and English under ``/kk/``, ``/ru/``,
``/en/``; the choice is remembered in a cookie. Pages are rendered from the service's
answers into snapshots keyed by the ledger size, so a surge of readers costs one render per
change, never a database query per reader. A small JSON (``/live/…``) lets the open page
update its numbers while counting goes on.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from babel.dates import format_time
from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from saylau.service import elections, proofs, results
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.service.snapshots import SIZE_HEADER, Key, Snapshots
from saylau.tabulation import figures as tally
from saylau.web import charts, drawing, evidence, geo, views
from saylau.web.i18n import (
    DEFAULT,
    LANGUAGE_NAMES,
    LANGUAGES,
    TIMEZONE,
    day,
    moment,
    name,
    number,
    percent,
    translations,
)

STATIC = Path(__file__).with_name("static")
COOKIE = "saylau_lang"
CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
Code = Annotated[str, PathParam(pattern=CODE, max_length=64)]
Language = Annotated[str, PathParam(pattern="^(kk|ru|en)$")]
HTML = "text/html; charset=utf-8"
#: A page with charts is rebuilt at most this often (seconds); its numbers keep moving in
#: the reader's browser through /live meanwhile.
PAGE_INTERVAL = 5.0


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("saylau.web", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        lang=language,
        languages=LANGUAGES,
        language_names=LANGUAGE_NAMES,
        number=lambda v: number(v, language),
        percent=lambda v: percent(v, language),
        moment=lambda v: moment(v, language),
        day=lambda v: day(v, language),
        name=lambda names: name(dict(names), language),
        status_words=views.STATUS_WORDS,
        live=lambda field, text: Markup(f'<span data-live="{field}">{escape(text)}</span>'),
    )
    return env


def clock(night: list[dict[str, Any]], language: str) -> None:
    """Label each point of the night with its time of day as the language writes it, to the
    second when the whole count took less than an hour (else every label would read the
    same minute)."""
    moments = [dt.datetime.fromisoformat(p["at"]) for p in night]
    length = "medium" if moments[-1] - moments[0] < dt.timedelta(hours=1) else "short"
    for point, when in zip(night, moments, strict=True):
        point["clock"] = format_time(when, length, tzinfo=TIMEZONE, locale=language)


def install(app: FastAPI, context: Context, snapshots: Snapshots) -> None:
    """Add the site's routes and static files to the application."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def latest_election() -> str:
        return elections.latest_election(context)

    def election_of(election_id: str) -> Any:
        with context.sessions() as session:
            return context.catalog(session, election_id).election

    def render(language: str, template: str, **values: Any) -> bytes:
        return environment(language).get_template(template).render(**values).encode()

    def html(page: tuple[int, bytes], language: str) -> Response:
        size, body = page
        response = Response(body, media_type=HTML, headers={SIZE_HEADER: str(size)})
        response.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, samesite="lax")
        return response

    async def page(election_id: str, key: Key, build: Callable[[int], bytes]) -> tuple[int, bytes]:
        return await snapshots.read_sized(election_id, key, build, min_interval=PAGE_INTERVAL)

    @app.get("/", include_in_schema=False)
    def root(request: Request) -> RedirectResponse:
        language = request.cookies.get(COOKIE, DEFAULT)
        if language not in LANGUAGES:
            language = DEFAULT
        return RedirectResponse(f"/{language}/{latest_election()}/", status_code=307)

    @app.get("/{lang}/", include_in_schema=False)
    def language_root(lang: Language) -> RedirectResponse:
        return RedirectResponse(f"/{lang}/{latest_election()}/", status_code=307)

    @app.get("/{lang}/{election_id}/", include_in_schema=False)
    async def election_page(lang: Language, election_id: Code) -> Response:
        def build(size: int) -> bytes:
            election = election_of(election_id)
            contests = []
            for contest in election.contests:
                answer = results.unit_results(
                    context, election_id, contest.id, context_republic(election_id)
                )
                contests.append((contest, answer))
            return render(
                lang,
                "election.html",
                election=election,
                contests=contests,
                tree_size=size,
                page_path=f"/{election_id}/",
            )

        key = ("site", lang, election_id)
        return html(await page(election_id, key, build), lang)

    def context_republic(election_id: str) -> str:
        with context.sessions() as session:
            return context.catalog(session, election_id).republic

    def unit_page(
        lang: str, election_id: str, contest_id: str, unit: str, size: int, widget: bool = False
    ) -> bytes:
        election = election_of(election_id)
        try:
            contest = election.contest(contest_id)
        except KeyError:
            raise NotFound(f"no contest {contest_id!r}") from None
        answer = results.unit_results(context, election_id, contest_id, unit)
        answer["as_of_tree_size"] = size
        if election.unit(unit).level == "precinct":
            return precinct_page(lang, election, contest, answer, size)
        outcome = (
            results.outcome(context, election_id, contest_id)
            if unit == context_republic(election_id)
            else None
        )
        view = views.unit_view(election, contest, answer, outcome, lang)
        _ = translations(lang).gettext
        jobs: dict[str, drawing.Job] = {}
        if view.rows and view.participated:
            threshold = None
            if view.outcome and view.outcome.get("threshold_share"):
                threshold = float(Fraction(view.outcome["threshold_share"]) * 100)
            jobs["shares"] = (
                "bars",
                (
                    [r.label for r in view.rows],
                    [r.percent or 0 for r in view.rows],
                    [r.colour for r in view.rows],
                    (
                        _("Share of those who took part")
                        if view.contest.kind.value in tally.SHARES_OF_PARTICIPANTS
                        else _("Share of valid votes")
                    ),
                    lang,
                ),
                {"threshold": threshold, "threshold_label": _("threshold")},
            )
        if view.outcome and view.rows and view.rows[0].seats is not None:
            seated = [(r.label, r.seats or 0, r.colour) for r in view.rows if r.seats]
            total = sum(s for _l, s, _c in seated)
            jobs["seats"] = (
                "hemicycle",
                (seated, _("Seats won by party lists"), total, lang),
                {},
            )
        turnout_rows = [c for c in view.children if c.turnout is not None]
        if turnout_rows and not widget:
            jobs["turnout"] = (
                "bars",
                (
                    [c.label for c in turnout_rows],
                    [c.turnout or 0 for c in turnout_rows],
                    [charts.PALETTE[4]] * len(turnout_rows),
                    _("Turnout by unit"),
                    lang,
                ),
                {},
            )
        regional_map = None
        if view.level == "republic" and not widget and len(view.children) > 1:
            paths, box = geo.svg_paths()
            regional_map = {"paths": paths, "box": box}
        night: list[dict[str, Any]] = []
        if view.level == "republic" and not widget:
            night = proofs.progress(context, election_id, contest_id)
            if night:
                clock(night, lang)
                jobs["progress"] = (
                    "progress",
                    (
                        [p["clock"] for p in night],
                        [p["reported"] for p in night],
                        view.expected,
                        _("Precincts reported over the night"),
                        lang,
                    ),
                    {},
                )
        figures = drawing.draw(jobs)
        template = "widget.html" if widget else "unit.html"
        return render(
            lang,
            template,
            view=view,
            figures=figures,
            regional_map=regional_map,
            night=night,
            tree_size=size,
            page_path=f"/{election_id}/{contest_id}/"
            + ("" if view.level == "republic" else f"{unit}/"),
            twin=f"/api/v1/elections/{election_id}/results/{contest_id}?unit={unit}",
        )

    def precinct_page(
        lang: str, election: Any, contest: Any, answer: dict[str, Any], size: int
    ) -> bytes:
        proof = None
        if answer["counts"]:
            proof = evidence.check(
                context, election.id, answer["unit"], contest.id, answer["counts"]
            )
        labels = {o.id: name(dict(o.names), lang) for o in contest.options}
        path = [
            (c, name(dict(election.unit(c).names), lang)) for c in election.path(answer["unit"])
        ]
        return render(
            lang,
            "precinct.html",
            election=election,
            contest=contest,
            answer=answer,
            proof=proof,
            labels=labels,
            path=path,
            tree_size=size,
            page_path=f"/{election.id}/{contest.id}/{answer['unit']}/",
            twin=f"/api/v1/elections/{election.id}/results/{contest.id}?unit={answer['unit']}",
        )

    @app.get("/{lang}/{election_id}/{contest_id}/", include_in_schema=False)
    async def contest_page(lang: Language, election_id: Code, contest_id: Code) -> Response:
        def build(size: int) -> bytes:
            return unit_page(lang, election_id, contest_id, context_republic(election_id), size)

        key = ("site", lang, election_id, contest_id, None)
        return html(await page(election_id, key, build), lang)

    @app.get("/{lang}/{election_id}/{contest_id}/{unit}/", include_in_schema=False)
    async def drill_down(
        lang: Language, election_id: Code, contest_id: Code, unit: Code
    ) -> Response:
        def build(size: int) -> bytes:
            election = election_of(election_id)
            if not election.has_unit(unit):
                raise NotFound(f"no unit {unit!r}")
            return unit_page(lang, election_id, contest_id, unit, size)

        key = ("site", lang, election_id, contest_id, unit)
        return html(await page(election_id, key, build), lang)

    @app.get("/{lang}/{election_id}/{contest_id}/widget", include_in_schema=False)
    async def widget(lang: Language, election_id: Code, contest_id: Code) -> Response:
        def build(size: int) -> bytes:
            return unit_page(
                lang, election_id, contest_id, context_republic(election_id), size, widget=True
            )

        key = ("widget", lang, election_id, contest_id)
        size, body = await page(election_id, key, build)
        response = Response(body, media_type=HTML, headers={SIZE_HEADER: str(size)})
        response.headers["Content-Security-Policy"] = "frame-ancestors *"
        return response

    @app.get("/live/{election_id}/{contest_id}.json", tags=["results"])
    async def live(
        election_id: Code,
        contest_id: Code,
        unit: Annotated[str | None, Query(max_length=64, pattern=CODE)] = None,
        lang: Annotated[str | None, Query(pattern="^(kk|ru|en)$")] = None,
    ) -> Response:
        """A small summary for pages that update themselves while counting goes on; with
        ``lang``, also its numbers as the page writes them in that language (``shown``)."""

        def build(size: int) -> bytes:
            code = unit or context_republic(election_id)
            answer = results.unit_results(context, election_id, contest_id, code)
            counts = answer["counts"] or {}
            votes = counts.get("votes", {})
            kind = election_of(election_id).contest(contest_id).kind.value
            shares = tally.shares(kind, counts)
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
                "votes": votes,
                "percent": shares,
            }
            if lang:
                summary["shown"] = {
                    "precincts_reported": number(answer["precincts_reported"], lang),
                    "participated": number(summary["participated"], lang),
                    "tree_size": number(size, lang),
                    "votes": {o: number(v, lang) for o, v in votes.items()},
                    "percent": {o: percent(p, lang) for o, p in shares.items()},
                }
            return json.dumps(summary, ensure_ascii=False).encode()

        key = ("live", election_id, contest_id, unit, lang)
        return Response(
            await snapshots.read(election_id, key, build),
            media_type="application/json",
            headers={"Cache-Control": "no-cache"},
        )
