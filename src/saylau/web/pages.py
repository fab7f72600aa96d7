"""The site's pages built from the service's answers: an election, a unit's results (with
its charts and map), a precinct's protocol with its proof. Each builder returns the page's
bytes; the routes in :mod:`saylau.web.site` decide when a page is rebuilt."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_time
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from saylau import moments, territory
from saylau.assemblies import icalendar
from saylau.election import ContestDef, Election
from saylau.model import iso_date
from saylau.outcome.records import ListOutcome
from saylau.service import (
    assemblies,
    candidates,
    elections,
    headlines,
    live,
    overview,
    parties,
    search,
    standings,
)
from saylau.service import forensics as night_forensics
from saylau.service import petitions as service_petitions
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.service.settings import SETTINGS
from saylau.tabulation import figures as tally
from saylau.tabulation import previous, turnout_hours
from saylau.web import (
    candidacy,
    charts,
    datalinks,
    dictionary,
    drawing,
    embedding,
    evidence,
    feeds,
    gatherings,
    geo,
    observers,
    petitioning,
    registry,
    views,
)
from saylau.web.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    TIMEZONE,
    day,
    listing,
    moment,
    name,
    number,
    percent,
    points,
    share,
    translations,
    zone,
)


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
        points=lambda v: points(v, language),
        moment=lambda v: moment(v, language),
        instant=instant,
        day=lambda v: day(v, language),
        name=lambda names: name(dict(names), language),
        listed_names=lambda named: listing(
            [name(dict(n.names), language) for n in named], language
        ),
        status_words=views.STATUS_WORDS,
        precinct_words=views.PRECINCT_WORDS,
        live=lambda field, text: Markup(f'<span data-live="{field}">{escape(text)}</span>'),
    )
    return env


def instant(value: str | None) -> str:
    """A stored moment as a machine reads it, on the commission's clock with its offset
    (a stored moment without a zone is UTC)."""
    if value is None:
        return ""
    when = dt.datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(TIMEZONE).isoformat(timespec="seconds")


def render(language: str, template: str, **values: Any) -> bytes:
    """A page; every page links its data (its JSON twin, its contest's downloads, the
    election's definition and feed, the data dictionary) and its election's Atom feed."""
    view = values.get("view")
    election = values.get("election") or getattr(view, "election", None)
    contest = values.get("contest") or getattr(view, "contest", None)
    election_id = election.id if election is not None else None
    contest_id = contest.id if contest is not None else None
    values.setdefault(
        "data_links", datalinks.page_data(language, election_id, contest_id, values.get("twin"))
    )
    if election_id is not None:
        values.setdefault("feed", feeds.feed_path(language, election_id))
    return environment(language).get_template(template).render(**values).encode()


def data_page(language: str) -> bytes:
    """The data dictionary, as :mod:`saylau.web.dictionary` writes it."""
    return render(language, "data.html", sections=dictionary.SECTIONS, page_path="/data/")


def clock(night: list[dict[str, Any]], language: str) -> None:
    """Label each point of the night with its time of day as the language writes it, to the
    second when the whole count took less than an hour (else every label would read the
    same minute)."""
    instants = [dt.datetime.fromisoformat(p["at"]) for p in night]
    length = "medium" if instants[-1] - instants[0] < dt.timedelta(hours=1) else "short"
    for point, when in zip(night, instants, strict=True):
        point["clock"] = format_time(when, length, tzinfo=TIMEZONE, locale=language)


def night_zone(night: list[dict[str, Any]], language: str) -> str | None:
    """The zone the night's times are written in, named in the language, or None."""
    if not night:
        return None
    return zone(moments.local(moments.parse(night[-1]["at"])), language)


def election_of(context: Context, election_id: str) -> Election:
    with context.sessions() as session:
        return context.catalog(session, election_id).election


def republic_of(context: Context, election_id: str) -> str:
    with context.sessions() as session:
        return context.catalog(session, election_id).republic


def round_links(
    context: Context, election: Election, contest: ContestDef | None, language: str
) -> list[views.RoundLink]:
    """Both rounds of a presidential (or Senate) election with repeat voting, when this
    election is one of them and the other is imported: each named, the other one linked to
    its contest of the same kind, else to its election page."""
    pair = elections.rounds(context, election.id)
    if pair.first is None and pair.second is None:
        return []
    first, second = (pair.first, election.id) if pair.first else (election.id, pair.second)
    links = []
    for position, election_id in ((1, first), (2, second)):
        if election_id is None:
            continue
        other = election if election_id == election.id else election_of(context, election_id)
        href = f"/{language}/{other.id}/"
        if contest is not None:
            same = [c for c in other.contests if c.kind is contest.kind and c.round == position]
            if len(same) == 1:
                href += f"{same[0].id}/"
        links.append(
            views.RoundLink(
                round=position,
                label=name(dict(other.names), language),
                date=other.date,
                href=href,
                current=other.id == election.id,
            )
        )
    return links


def election_page(
    context: Context, language: str, election_id: str, size: int, maslikhat: str | None = None
) -> bytes:
    """Every contest's progress, read at once; the maslikhats one row each, or, with
    ``maslikhat``, that maslikhat's own contests (a combined night has thousands)."""
    election = election_of(context, election_id)
    found = overview.overview(context, election_id)
    group = found.maslikhat(maslikhat) if maslikhat is not None else None
    if maslikhat is not None and group is None:
        raise NotFound(f"no maslikhat of {maslikhat!r} in election {election_id!r}")
    return render(
        language,
        "election.html",
        election=election,
        contests=group.contests if group is not None else found.contests,
        maslikhats=() if group is not None else found.maslikhats,
        group=group,
        night=headlines.night(context, election_id) if group is None else (),
        rounds=round_links(context, election, None, language),
        tree_size=size,
        page_path=f"/{election_id}/" + (f"?maslikhat={maslikhat}" if maslikhat else ""),
    )


def search_page(context: Context, language: str, election_id: str, query: str) -> bytes:
    """The places whose precinct number or name matches ``query``, each with its region
    and district and a link to its results."""
    election = election_of(context, election_id)
    found = search.search(context, election_id, query) if query.strip() else None
    return render(
        language,
        "search.html",
        election=election,
        found=found,
        query=query,
        page_path=f"/{election_id}/search/" + _query(q=query.strip() or None),
    )


def regional_map(election: Election, language: str) -> dict[str, Any]:
    """The map's outlines on the borders of election day, and the note saying which of
    today's regions are drawn inside the unit they were part of then."""
    paths, box = geo.svg_paths(election.date)
    _ = translations(language).gettext
    regions = {row["iso_3166_2"]: row for row in _region_names()}
    column = {"kk": "name_kk", "ru": "name_ru_official", "en": "name_en_wikipedia"}[language]
    parts = [
        _("%(made)s within %(parent)s")
        % {
            "made": regions[child][column],
            "parent": name(dict(election.unit(parent).names), language),
        }
        for child, parent in geo.folded_on(election.date).items()
        if election.has_unit(parent)
    ]
    note = (
        _(
            "Borders as on election day: regions made later are drawn within the unit they "
            "were part of (%(parts)s)."
        )
        % {"parts": listing(parts, language)}
        if parts
        else None
    )
    return {"paths": paths, "box": box, "note": note, "shades": charts.margin_key(language)}


@cache
def _region_names() -> tuple[dict[str, str], ...]:
    return tuple(territory.rows("regions.csv"))


def unit_page(
    context: Context,
    lang: str,
    election_id: str,
    contest_id: str,
    unit: str,
    size: int,
    widget: bool = False,
    base: str = "",
    block: bool = False,
) -> bytes:
    """A contest's results at a unit (or its widget), with the embed a news page pastes,
    which names the site at ``base``; with ``block``, only its results block (what the open
    page swaps in while counting goes on). Every figure is of one read (:func:`live.read`):
    the page says the ledger size it was read at, which may be newer than ``size``, the one
    it was asked at."""
    election = election_of(context, election_id)
    try:
        contest = election.contest(contest_id)
    except KeyError:
        raise NotFound(f"no contest {contest_id!r}") from None
    read = live.read(context, election_id, contest_id, unit, whole=not widget)
    answer = read.answer
    answer["as_of_tree_size"] = read.size
    if election.unit(unit).level == "precinct":
        return precinct_page(context, lang, election, contest, read)
    top = unit == republic_of(context, election_id)
    decided = read.standing.outcome if read.standing is not None else None
    seats = views.seats_state(contest, top, answer["status"], decided, read.seats_projected)
    view = views.unit_view(election, contest, answer, decided, lang, seats)
    _ = translations(lang).gettext
    shares_chart = None
    if view.rows and view.participated:
        threshold = None
        if isinstance(view.outcome, ListOutcome):
            threshold = float(view.outcome.threshold * 100)
        shares_chart = charts.bar_chart(
            [r.label for r in view.rows],
            [r.percent or 0 for r in view.rows],
            [r.colour for r in view.rows],
            (
                _("Share of those who took part")
                if view.contest.kind.value in tally.SHARES_OF_PARTICIPANTS
                else _("Share of valid votes")
            ),
            lang,
            threshold=threshold,
            threshold_label=_("threshold"),
        )
    seats_chart = None
    if view.outcome and view.rows and view.rows[0].seats is not None:
        seated = [(r.label, r.seats or 0, r.colour) for r in view.rows if r.seats]
        seats_chart = charts.chamber(
            seated,
            _("Projected seats of the party lists")
            if view.seats == "projected"
            else _("Seats won by party lists"),
            lang,
        )
    turnout_rows = [c for c in view.children if c.turnout is not None]
    turnout_chart = None
    if turnout_rows and not widget:
        turnout_chart = charts.bar_chart(
            [c.label for c in turnout_rows],
            [c.turnout or 0 for c in turnout_rows],
            [charts.PALETTE[4]] * len(turnout_rows),
            _("Turnout by unit"),
            lang,
        )
    jobs: dict[str, drawing.Job] = {}
    drawn_map = None
    if view.level == "republic" and not widget and len(view.children) > 1:
        drawn_map = regional_map(election, lang)
    night = [dict(point) for point in read.night]
    if view.level == "republic" and not widget and night:
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
    template = {
        (True, True): "_widget_results.html",
        (True, False): "widget.html",
        (False, True): "_results.html",
        (False, False): "unit.html",
    }[(widget, block)]
    title = name(dict(contest.names), lang)
    embedded = embedding.embed(base, lang, election_id, contest_id, title, len(contest.options))
    compared = None
    announced = None
    if view.level == "republic" and not widget:
        announced = turnout_hours.announced(election.date)
        compared = previous.compare(
            contest.kind.value,
            election.date,
            answer["counts"] or {},
            [(option.id, option.party) for option in contest.options],
        )
    return render(
        lang,
        template,
        view=view,
        figures=figures,
        shares_chart=shares_chart,
        seats_chart=seats_chart,
        turnout_chart=turnout_chart,
        regional_map=drawn_map,
        compared=compared,
        announced=announced,
        night=night,
        night_zone=night_zone(night, lang),
        embed=embedded,
        rounds=[] if widget or block else round_links(context, election, contest, lang),
        projection=projection(read, lang),
        tree_size=read.size,
        page_path=f"/{election_id}/{contest_id}/"
        + ("" if view.level == "republic" else f"{unit}/"),
        twin=f"/api/v1/elections/{election_id}/results/{contest_id}?unit={unit}",
    )


def projection(read: live.LiveRead, language: str) -> dict[str, str]:
    """The shares a seats section states: of precincts in now, and needed for a projection."""
    return {
        "needed": share(SETTINGS.seat_projection_share, language),
        "now": percent(read.reported_share * 100, language),
    }


def precinct_page(
    context: Context, lang: str, election: Election, contest: ContestDef, read: live.LiveRead
) -> bytes:
    """A precinct's protocol, its badge (the precinct's own state, not the contest's), its
    versions with who approved each and what it changed, and its proof."""
    answer, size = read.answer, read.size
    proof = None
    if answer["counts"]:
        proof = evidence.check(context, election.id, answer["unit"], contest.id, answer["counts"])
    labels = {o.id: name(dict(o.names), lang) for o in contest.options}
    path = [(c, name(dict(election.unit(c).names), lang)) for c in election.path(answer["unit"])]
    return render(
        lang,
        "precinct.html",
        election=election,
        contest=contest,
        answer=answer,
        proof=proof,
        labels=labels,
        path=path,
        rounds=round_links(context, election, contest, lang),
        versions=[views.version_view(v, election, labels, lang) for v in answer["history"]],
        tree_size=size,
        page_path=f"/{election.id}/{contest.id}/{answer['unit']}/",
        twin=f"/api/v1/elections/{election.id}/results/{contest.id}?unit={answer['unit']}",
    )


def _party_names(context: Context) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    listed = parties.registry(context)
    return listed, {p["id"]: p["names"] for p in listed}


def parties_page(context: Context, language: str) -> bytes:
    """The registry of parties: each named in the language, its status, registration
    date and history."""
    listed, names = _party_names(context)
    shown = [registry.party_view(p, names, language) for p in listed]
    shown.sort(key=lambda p: (p["status"] != "registered", p["name"].casefold()))
    return render(
        language, "parties.html", parties=shown, page_path="/parties/", twin="/api/v1/parties"
    )


def party_page(context: Context, language: str, party_id: str) -> bytes:
    """One party with its history, each refusal's rules told in the language."""
    found = parties.party(context, party_id)
    _listed, names = _party_names(context)
    return render(
        language,
        "party.html",
        party=registry.party_view(found, names, language),
        page_path=f"/parties/{party_id}/",
        twin=f"/api/v1/parties/{party_id}",
    )


def candidates_page(context: Context, language: str, election_id: str, size: int) -> bytes:
    """Every candidate of the election with the office, the nominator and the decision,
    a refusal's rules told in the language."""
    election = election_of(context, election_id)
    contests = {c.id: c.names for c in election.contests}
    parties = {
        row["id"]: {"kk": row["name_kk"], "ru": row["name_ru"], "en": row["name_en"]}
        for row in territory.rows("party-registry.csv")
    }
    shown = [
        candidacy.candidate_view(c, contests, language, parties)
        for c in candidates.candidates(context, election_id)
    ]
    return render(
        language,
        "candidates.html",
        election=election,
        candidates=shown,
        tree_size=size,
        page_path=f"/{election_id}/candidates/",
        twin=f"/api/v1/elections/{election_id}/candidates",
    )


def lists_page(context: Context, language: str, election_id: str, size: int) -> bytes:
    """Each party's registered list in list order, the quota's members marked."""
    election = election_of(context, election_id)
    found = candidates.party_lists(context, election_id)
    return render(
        language,
        "lists.html",
        election=election,
        lists=found["lists"],
        tree_size=size,
        page_path=f"/{election_id}/lists/",
        twin=f"/api/v1/elections/{election_id}/lists",
    )


def deputies_page(context: Context, language: str, election_id: str, size: int) -> bytes:
    """The named deputies of each party list and each single-member district."""
    election = election_of(context, election_id)
    found = candidates.deputies(context, election_id)
    return render(
        language,
        "deputies.html",
        election=election,
        lists=found["lists"],
        districts=found["districts"],
        tree_size=size,
        page_path=f"/{election_id}/deputies/",
        twin=f"/api/v1/elections/{election_id}/deputies",
    )


def _query(**values: str | None) -> str:
    chosen = {k: v for k, v in values.items() if v}
    return ("?" + urlencode(chosen)) if chosen else ""


def _assembly_filter(
    city: str | None, state: str | None, since: str | None, until: str | None
) -> assemblies.Filter:
    return assemblies.Filter(
        city,
        state,
        iso_date(since, "since") if since else None,
        iso_date(until, "until") if until else None,
    )


def assemblies_ics(
    context: Context,
    language: str,
    city: str | None,
    state: str | None,
    since: str | None,
    until: str | None,
    base: str,
) -> bytes:
    """The calendar as iCalendar in the language: each event's form, purpose, place, city
    and state as the page words them, its link the assembly's page."""
    views = assemblies.calendar(context, _assembly_filter(city, state, since, until))
    stamp = dt.datetime.now(dt.UTC)
    words = translations(language).gettext
    events = []
    for view in views:
        shown = gatherings.line(view, language)
        events.append(
            icalendar.Event(
                uid=f"{view.id}@saylau",
                summary=f"{shown.kind}: {shown.purpose}",
                starts=view.starts,
                ends=view.ends,
                location=f"{shown.place}, {shown.city}",
                description=f"{shown.state_words}. {shown.organiser}",
                url=f"{base}/{language}/assemblies/{view.id}/",
                status=icalendar.STATUS[view.state],
                stamp=stamp,
            )
        )
    return icalendar.calendar(f"Saylau: {words('Peaceful assemblies')}", events).encode()


def assemblies_page(
    context: Context,
    language: str,
    city: str | None,
    state: str | None,
    since: str | None,
    until: str | None,
) -> bytes:
    """The public calendar of notified assemblies and their answers, filtered by city,
    state and days, in the language."""
    wanted = _assembly_filter(city, state, since, until)
    shown = [gatherings.line(v, language) for v in assemblies.calendar(context, wanted)]
    query = _query(city=city, state=state, since=since, until=until)
    names = gatherings.city_names()
    return render(
        language,
        "assemblies.html",
        assemblies=shown,
        city_options=[(c, name(names[c], language)) for c in gatherings.cities()],
        state_options=gatherings.state_choices(language),
        chosen={"city": city, "state": state, "since": since, "until": until},
        page_path="/assemblies/" + query,
        twin="/api/v1/assemblies" + query,
        ics=f"/{language}/assemblies/calendar.ics" + query,
    )


def assembly_page(context: Context, language: str, assembly_id: str) -> bytes:
    """One assembly: its place and time, its answer and every step, in the language."""
    found = gatherings.line(assemblies.assembly(context, assembly_id), language)
    return render(
        language,
        "assembly.html",
        a=found,
        page_path=f"/assemblies/{assembly_id}/",
        twin=f"/api/v1/assemblies/{assembly_id}",
    )


def observers_page(
    context: Context, language: str, election_id: str, contest_id: str, size: int
) -> bytes:
    """The forensic suite on the contest's protocols counted so far: its pictures, a table
    beside each, the flagged precincts linked to their protocols, and the references."""
    election = election_of(context, election_id)
    try:
        contest = election.contest(contest_id)
    except KeyError:
        raise NotFound(f"no contest {contest_id!r}") from None
    _read_at, report = night_forensics.night_report(context, election_id, contest_id)
    labels = {o.id: name(dict(o.names), language) for o in contest.options}
    return render(
        language,
        "observers.html",
        election=election,
        contest=contest,
        view=observers.observers_view(report, language, labels),
        tree_size=size,
        page_path=f"/{election_id}/{contest_id}/observers/",
        twin=f"/api/v1/elections/{election_id}/forensics/{contest_id}",
    )


def petitions_page(context: Context, language: str, query: str | None) -> bytes:
    """The public petitions, newest first, or those holding ``query``."""
    found = service_petitions.listing(context, query)
    return render(
        language,
        "petitions.html",
        petitions=[petitioning.summary_view(p, language) for p in found],
        query=query,
        page_path="/petitions/",
        twin="/api/v1/petitions",
    )


def petition_page(context: Context, language: str, petition_id: str) -> bytes:
    """One petition: its progress to the threshold, working days left, steps, the body's
    answer and its counts per region and per day."""
    found = service_petitions.shown(context, petition_id)
    regions = service_petitions.by_region(context, petition_id)
    days = service_petitions.by_day(context, petition_id)
    return render(
        language,
        "petition.html",
        petition=petitioning.petition_view(found, regions, days, language),
        page_path=f"/petitions/{petition_id}/",
        twin=f"/api/v1/petitions/{petition_id}",
    )


def _party_label(party_id: str, language: str, lists: tuple[standings.OptionNight, ...]) -> str:
    """The party's name in the language: its list's, else the registry's."""
    if lists:
        return name(dict(lists[0].option.names), language)
    row = next((r for r in territory.rows("party-registry.csv") if r["id"] == party_id), None)
    if row is None:
        return party_id
    return name({"kk": row["name_kk"], "ru": row["name_ru"], "en": row["name_en"]}, language)


def party_night_page(
    context: Context, language: str, election_id: str, party_id: str, size: int
) -> bytes:
    """A party's night: its list in every list contest, region by region, and each
    candidate it nominated, with the figures the tabulation computed."""
    election = election_of(context, election_id)
    found = standings.party_night(context, election_id, party_id)
    return render(
        language,
        "party_night.html",
        election=election,
        night=found,
        party_label=_party_label(party_id, language, found.lists),
        colours={n.contest.id: views.option_colours(n.contest)[n.option.id] for n in found.lists},
        tree_size=size,
        page_path=f"/{election_id}/parties/{party_id}/",
    )


def option_night_page(
    context: Context, language: str, election_id: str, contest_id: str, option_id: str, size: int
) -> bytes:
    """A candidate's (or a list's, or an answer's) night in one contest, unit by unit."""
    election = election_of(context, election_id)
    found = standings.option_night(context, election_id, contest_id, option_id)
    party = found.option.party
    return render(
        language,
        "option_night.html",
        election=election,
        contest=found.contest,
        night=found,
        colour=views.option_colours(found.contest)[option_id],
        party_href=f"/{language}/{election_id}/parties/{party}/" if party else None,
        party_label=_party_label(party, language, ()) if party else None,
        tree_size=size,
        page_path=f"/{election_id}/{contest_id}/options/{option_id}/",
    )
