"""The HTTP API: one router per area, each handler a few lines over ``saylau.service``.

Writes need a commission's bearer token; reads are public. Handlers are synchronous and
run in the worker's thread pool, except single submissions, which await the worker's writer
that groups them; no state that another worker needs lives in memory. ``create_app`` holds
no route of its own: it puts the shared parts on ``app.state`` (see ``saylau.api.params``),
mounts the routers in the order they are matched, and wraps them in the middleware.
"""

from __future__ import annotations

from fastapi import FastAPI

from saylau import __version__
from saylau.api import (
    assemblies,
    candidates,
    decisions,
    definitions,
    docs,
    downloads,
    health,
    intake,
    ledger,
    openapi,
    parties,
    petitions,
    problems,
    results,
    throttle,
)
from saylau.api.cache import ResponseCache
from saylau.api.express import ExpressSubmissions
from saylau.api.headers import SecurityHeaders
from saylau.api.limits import BodyLimit
from saylau.api.outage import DatabaseOutage
from saylau.api.reads import PublicReads
from saylau.api.strictbody import StrictRoute
from saylau.service.context import Context
from saylau.service.intake import Intake
from saylau.service.signing_desk import SigningDesk
from saylau.service.snapshots import Snapshots

BODY_LIMIT = 2 * 1024 * 1024


def create_app(url: str | None = None, ctx: Context | None = None) -> FastAPI:
    """The application over the database at ``url`` (or ``DATABASE_URL``, or SQLite)."""
    context = ctx or Context.open(url)
    app = FastAPI(
        title="Saylau tabulation API",
        version=__version__,
        description="Precinct protocols in, verified results out: submission, corrections, "
        "results at every level of the territory, outcomes under the law of the "
        "election's date, and the ledger's signed heads and proofs.",
        docs_url=None,  # served from the package by saylau.api.docs
        redoc_url=None,
    )
    app.router.route_class = StrictRoute  # before any route: every JSON body read strictly
    app.state.context = context
    app.state.intake = Intake(context)
    app.state.signing = SigningDesk(context)
    problems.install(app)
    app.add_middleware(BodyLimit, limit=BODY_LIMIT)
    docs.install(app)

    app.include_router(health.router)
    app.include_router(intake.router)
    snapshots = Snapshots(context)
    app.state.snapshots = snapshots
    app.include_router(results.router)
    app.include_router(ledger.router)

    from saylau.web import desk, signing, site

    desk.install(app, context, app.state.intake, snapshots)
    signing.install(app)
    site.install(app, context, snapshots)
    app.include_router(decisions.router)
    app.include_router(definitions.router)
    app.include_router(downloads.router)
    app.include_router(parties.router)
    app.include_router(candidates.router)
    app.include_router(assemblies.router)
    app.include_router(petitions.router)
    throttle.install(app)
    # outside the rest: a single protocol skips them all, its refusals go on to the routes
    app.add_middleware(
        ExpressSubmissions, intake=app.state.intake, snapshots=snapshots, body_limit=BODY_LIMIT
    )
    app.add_middleware(DatabaseOutage)  # a lost database anywhere is a 503
    openapi.install(app)
    app.add_middleware(PublicReads)  # CORS, ETag, 304, Cache-Control and gzip on every read
    app.add_middleware(SecurityHeaders)  # cached, refused and 503 answers get them too
    # outermost: repeated reads get the finished answer, headers and gzip included
    app.add_middleware(ResponseCache, snapshots=snapshots)
    return app
