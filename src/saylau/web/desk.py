"""The commission's desk: pages where a commission enters its protocols, approves the
corrections below it and certifies, signed in with its credential, in kk, ru and en.

Everything lives under ``/desk/``: the session cookie (the commission's token, HttpOnly,
SameSite=Strict, Secure over https) is sent on those paths only, and the public, cacheable
pages never see or set it. Every desk request asks the service who the token belongs to, so a
revoked or expired credential is refused at once. Every form carries a CSRF token (derived
from the session's token, or before sign-in a random one kept in a cookie of its own) and a
POST from another origin is refused. The rules are the service's: a protocol goes through
the same intake writer as the API, its live check through the same check, an approval and a
certification through the same transactions; the pages only show their answers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from saylau.model import BadInput
from saylau.protocol import COUNT_FIELDS
from saylau.service import certification, desk, submission
from saylau.service.auth import Principal
from saylau.service.context import Context
from saylau.service.double_entry import Entry, differences, protocol_of, seal, unseal
from saylau.service.errors import Problem, ServiceError, Unauthenticated, problem_of
from saylau.service.intake import Intake
from saylau.service.snapshots import Snapshots
from saylau.service.submission import Receipt
from saylau.web import pages
from saylau.web.i18n import DEFAULT, LANGUAGES, N_, name, translations

ROOT = "/desk"
SESSION = "saylau_desk"
SIGN_IN_CSRF = "saylau_desk_csrf"
HTML = "text/html; charset=utf-8"
#: Never stored by a cache; the origin sent on same-origin requests only, so that the desk's
#: forms can be checked to come from the desk (under ``no-referrer`` a browser sends
#: ``Origin: null``, which the desk refuses as it cannot tell where a form came from).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "same-origin"}
FORM_LIMIT = 64 * 1024

Language = Annotated[str, PathParam(pattern="^(kk|ru|en)$")]
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
Code = Annotated[str, PathParam(pattern=CODE.pattern, max_length=64)]
ProtocolNumber = Annotated[int, PathParam(ge=1, le=2**53)]

#: The protocol's lines as the paper form names them (the public precinct page's words).
LINE_LABELS = {
    "voters_on_list": N_("Voters on the list"),
    "voters_added": N_("Voters added on the day"),
    "ballots_received": N_("Ballots received"),
    "ballots_issued": N_("Ballots issued"),
    "ballots_cancelled": N_("Ballots cancelled"),
    "ballots_found": N_("Ballots found in the boxes"),
    "invalid": N_("Invalid ballots"),
    "against_all": N_("Against all"),
    "neither": N_("Ballots neither invalid nor a vote"),
    "votes": N_("Votes for the options"),
    "precinct_list": N_("Voters on the precinct's list in the election definition"),
    "reason": N_("Reason for the correction"),
}

#: What a refusal is called, by its HTTP status, before the service's own words.
REFUSALS = {
    400: N_("The request was not understood"),
    401: N_("The credential is not valid"),
    403: N_("This commission may not do this"),
    404: N_("Not found"),
    409: N_("This conflicts with what is already accepted"),
    422: N_("The protocol breaks a rule"),
    503: N_("The service could not store it: try again"),
}


# --- the session and its forms --------------------------------------------------------------


def csrf_of(token: str) -> str:
    """The form token of a session: a keyed hash of its credential, which a page of another
    site cannot compute (the cookie is HttpOnly and never sent cross-site)."""
    return hmac.new(token.encode("utf-8"), b"saylau desk form", hashlib.sha256).hexdigest()


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def _same_origin(request: Request) -> bool:
    """A browser's POST names its origin; one from another site, or hidden (``null``), is
    refused. A client that sends no origin at all (not a browser) has only its CSRF token."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin == f"{request.url.scheme}://{request.headers.get('host', '')}"


async def _form(request: Request) -> dict[str, str]:
    """An url-encoded form's fields (the last value of each)."""
    body = await request.body()
    if len(body) > FORM_LIMIT:
        raise BadInput("(form)", f"must be at most {FORM_LIMIT} bytes")
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values[-1] for name, values in fields.items()}


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


_LINE = re.compile(r"\b(" + "|".join(sorted(LINE_LABELS, key=len, reverse=True)) + r")\b")


_OPTION = re.compile(r"\bvotes\.([A-Za-z0-9_-]+)")


def words(text: str, language: str, options: Iterable[desk.Option] = ()) -> str:
    """A check, a finding or a field as the law data writes it (``ballots_found <=
    ballots_issued``, ``votes.amanat``), its protocol lines and options named in
    ``language``."""
    gettext = translations(language).gettext
    named = {option.id: name(option.names, language) for option in options}
    text = _OPTION.sub(lambda match: named.get(match.group(1), match.group(1)), text)
    return _LINE.sub(lambda match: gettext(LINE_LABELS[match.group(1)]), text)


def _page(language: str, template: str, status: int = 200, **values: Any) -> Response:
    values.setdefault("page_path", "/")
    body = pages.render(
        language,
        template,
        language_root=ROOT,
        line_label=LINE_LABELS,
        refusals=REFUSALS,
        words=lambda text, options=(): words(str(text), language, options),
        **values,
    )
    return Response(body, status_code=status, media_type=HTML, headers=dict(NO_STORE))


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=dict(NO_STORE))


class Desk:
    """What the desk's routes share: the service, the intake writer and the snapshots."""

    def __init__(self, context: Context, intake: Intake, snapshots: Snapshots) -> None:
        self.context = context
        self.intake = intake
        self.snapshots = snapshots


def _desk(request: Request) -> Desk:
    found: Desk = request.app.state.desk
    return found


class SignedIn:
    """A desk request whose session the service has just recognised."""

    def __init__(self, token: str, commission: desk.Commission) -> None:
        self.token = token
        self.commission = commission
        self.csrf = csrf_of(token)

    @property
    def principal(self) -> Principal:
        return self.commission.principal


def _session(request: Request) -> SignedIn | Unauthenticated:
    """The session's commission, asked of the service now; or why there is none."""
    token = request.cookies.get(SESSION)
    if not token:
        return Unauthenticated("sign in with your commission's token")
    try:
        return SignedIn(token, desk.sign_in(_desk(request).context, token))
    except Unauthenticated as exc:
        return exc


def _sign_in_page(
    request: Request, language: str, error: ServiceError | None = None, status: int = 200
) -> Response:
    csrf = secrets.token_urlsafe(24)
    response = _page(
        language,
        "desk_signin.html",
        status=status,
        page_path="/sign-in",
        csrf=csrf,
        error=problem_of(error) if error is not None else None,
    )
    response.set_cookie(
        SIGN_IN_CSRF,
        csrf,
        path=ROOT,
        httponly=True,
        secure=_secure(request),
        samesite="strict",
    )
    if error is not None and request.cookies.get(SESSION):
        _forget(request, response)
    return response


def _forget(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION, path=ROOT, httponly=True, secure=_secure(request), samesite="strict"
    )


def _refused_session(request: Request, language: str, refused: Unauthenticated) -> Response:
    if not request.cookies.get(SESSION):
        return _see_other(f"{ROOT}/{language}/sign-in")
    return _sign_in_page(request, language, refused, status=401)


def _forbidden_form(language: str) -> Response:
    return _page(
        language,
        "desk_message.html",
        status=403,
        problem=Problem(
            403, "Forbidden", "the form is out of date or came from another site: open it again"
        ),
    )


async def _signed_in_form(
    request: Request, language: str
) -> tuple[SignedIn, dict[str, str]] | Response:
    """The session and the form of a POST, once its origin and CSRF token are checked."""
    session = await run_in_threadpool(_session, request)
    if isinstance(session, Unauthenticated):
        return _refused_session(request, language, session)
    fields = await _form(request)
    if not _same_origin(request) or not _same(fields.get("csrf"), session.csrf):
        return _forbidden_form(language)
    return session, fields


# --- routes ---------------------------------------------------------------------------------

router = APIRouter(include_in_schema=False)


@router.get(ROOT + "/")
def desk_root(request: Request) -> RedirectResponse:
    language = request.cookies.get("saylau_lang", DEFAULT)
    return _see_other(f"{ROOT}/{language if language in LANGUAGES else DEFAULT}/")


@router.get(ROOT + "/{lang}/sign-in")
def sign_in_page(lang: Language, request: Request) -> Response:
    return _sign_in_page(request, lang)


@router.post(ROOT + "/{lang}/sign-in")
async def sign_in(lang: Language, request: Request) -> Response:
    """The token becomes the session's cookie once the service recognises it."""
    fields = await _form(request)
    if not _same_origin(request) or not _same(
        fields.get("csrf"), request.cookies.get(SIGN_IN_CSRF)
    ):
        return _forbidden_form(lang)
    token = fields.get("token", "").strip()
    try:
        await run_in_threadpool(desk.sign_in, _desk(request).context, token)
    except Unauthenticated as exc:
        return _sign_in_page(request, lang, exc, status=401)
    response = _see_other(f"{ROOT}/{lang}/")
    response.set_cookie(
        SESSION, token, path=ROOT, httponly=True, secure=_secure(request), samesite="strict"
    )
    response.delete_cookie(SIGN_IN_CSRF, path=ROOT)
    return response


@router.post(ROOT + "/{lang}/sign-out")
async def sign_out(lang: Language, request: Request) -> Response:
    fields = await _form(request)
    token = request.cookies.get(SESSION)
    if not _same_origin(request) or not token or not _same(fields.get("csrf"), csrf_of(token)):
        return _forbidden_form(lang)
    response = _see_other(f"{ROOT}/{lang}/sign-in")
    _forget(request, response)
    return response


@router.get(ROOT + "/{lang}/")
def home(lang: Language, request: Request) -> Response:
    """The commission's own page: its forms and protocols, its approval queue and units'
    progress, or the certification of every contest, by the credential's role."""
    session = _session(request)
    if isinstance(session, Unauthenticated):
        return _refused_session(request, lang, session)
    return _home(request, lang, session)


def _home(
    request: Request,
    language: str,
    session: SignedIn,
    problem: Problem | None = None,
    done: str | None = None,
) -> Response:
    context = _desk(request).context
    principal = session.principal
    values: dict[str, Any] = {
        "session": session,
        "commission": session.commission,
        "problem": problem,
        "done": done or request.query_params.get("done"),
        "done_id": request.query_params.get("id"),
    }
    status = problem.status if problem is not None else 200
    if principal.role == "precinct":
        values["precinct"] = desk.precinct_desk(context, principal)
    if principal.role in ("territorial", "central"):
        values["queue"] = desk.approval_queue(context, principal)
        values["progress"] = desk.progress(context, principal)
        if principal.role == "territorial":  # the central commission's list is the country
            values["below"] = desk.precincts_below(context, principal)
    if principal.role == "central":
        values["board"] = desk.certification_board(context, principal)
    return _page(language, "desk_home.html", status=status, **values)


def _form_page(
    language: str,
    session: SignedIn,
    form: desk.ProtocolFormDef,
    *,
    step: str,
    entry: Mapping[str, str] | None = None,
    sealed: str = "",
    mismatched: tuple[str, ...] = (),
    problem: Problem | None = None,
    status: int = 200,
) -> Response:
    return _page(
        language,
        "desk_protocol.html",
        status=status,
        page_path=f"/protocol/{form.precinct}/{form.contest}/",
        session=session,
        commission=session.commission,
        form=form,
        step=step,
        entry=dict(entry or {}),
        sealed=sealed,
        mismatched=mismatched,
        problem=problem,
        check_url=f"{ROOT}/check",
    )


@router.get(ROOT + "/{lang}/protocol/")
def protocol_chosen(
    lang: Language,
    precinct: Annotated[str, Query(max_length=64)] = "",
    contest: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """A territorial commission's choice of a precinct below it and a contest: its form."""
    if not (CODE.match(precinct.strip()) and CODE.match(contest)):
        return _see_other(f"{ROOT}/{lang}/?done=unknown-precinct")
    return _see_other(f"{ROOT}/{lang}/protocol/{precinct.strip()}/{contest}/")


@router.get(ROOT + "/{lang}/protocol/{precinct}/{contest}/")
def protocol_page(lang: Language, precinct: Code, contest: Code, request: Request) -> Response:
    """The first entry of a protocol: an empty form generated from the definition."""
    session = _session(request)
    if isinstance(session, Unauthenticated):
        return _refused_session(request, lang, session)
    try:
        form = desk.protocol_form(_desk(request).context, session.principal, precinct, contest)
    except ServiceError as exc:
        return _home(request, lang, session, problem_of(exc))
    return _form_page(lang, session, form, step="first")


def _entry_of(fields: Mapping[str, str], form: desk.ProtocolFormDef) -> Entry:
    entry = {name: fields.get(name, "") for name in form.fields}
    if form.counted_version is not None:
        entry["reason"] = fields.get("reason", "")
    return entry


@router.post(ROOT + "/{lang}/protocol/{precinct}/{contest}/")
async def protocol_entry(
    lang: Language, precinct: Code, contest: Code, request: Request
) -> Response:
    """One entry of a protocol. The first is read (a line that is no count is refused by
    name) and sealed into the second form; the second is compared with it line by line;
    two that agree are submitted through the intake writer, as the API submits."""
    signed = await _signed_in_form(request, lang)
    if isinstance(signed, Response):
        return signed
    session, fields = signed
    place = _desk(request)
    try:
        form = await run_in_threadpool(
            desk.protocol_form, place.context, session.principal, precinct, contest
        )
    except ServiceError as exc:
        return await run_in_threadpool(_home, request, lang, session, problem_of(exc))
    entry = _entry_of(fields, form)
    options = [o.id for o in form.options]
    second = fields.get("step") == "second"
    reason = entry.get("reason") or None
    try:
        protocol = protocol_of(precinct, contest, form.lines, options, entry)
        if not second:  # the first entry is checked as it would be submitted, then sealed
            await run_in_threadpool(
                submission.check_with_token,
                place.context,
                form.election_id,
                session.token,
                protocol,
                reason,
            )
    except (BadInput, ServiceError) as exc:
        # a refused entry is shown with what was typed, to be mended (no seal is made)
        problem = problem_of(exc)
        return _form_page(
            lang,
            session,
            form,
            step="second" if second else "first",
            entry=entry,
            sealed=fields.get("first_entry", "") if second else "",
            problem=problem,
            status=problem.status,
        )
    if not second:
        sealed = seal(session.token, precinct, contest, entry)
        return _form_page(lang, session, form, step="second", sealed=sealed)
    try:
        first = unseal(session.token, precinct, contest, fields.get("first_entry", ""))
    except BadInput as exc:
        return _form_page(lang, session, form, step="first", problem=problem_of(exc), status=422)
    mismatched = differences(tuple(entry), first, entry)
    if mismatched:
        return _form_page(
            lang,
            session,
            form,
            step="second",
            entry=entry,
            sealed=fields["first_entry"],
            mismatched=mismatched,
            status=409,
        )
    answer = await place.intake.submit(form.election_id, session.token, protocol, reason)
    if isinstance(answer, Problem):
        return _form_page(
            lang, session, form, step="first", entry=entry, problem=answer, status=answer.status
        )
    assert isinstance(answer, Receipt)
    if answer.tree_size is not None:
        place.snapshots.saw(form.election_id, answer.tree_size)
    return _see_other(f"{ROOT}/{lang}/?done={answer.status}&id={answer.protocol_id}")


@router.post(ROOT + "/check")
async def live_check(request: Request) -> Response:
    """The form's lines as typed, checked by the service's own check of a submission: the
    relations broken, each with its line, or ``acceptable``. Nothing is stored."""
    session = await run_in_threadpool(_session, request)
    if isinstance(session, Unauthenticated):
        return _json({"status": "unauthenticated", "detail": session.detail}, 401)
    if not _same_origin(request) or not _same(request.headers.get("x-csrf-token"), session.csrf):
        return _json({"status": "forbidden"}, 403)
    try:
        raw = json.loads(await request.body())
        precinct, contest = str(raw["precinct"]), str(raw["contest"])
        typed = {str(k): str(v) for k, v in dict(raw.get("lines", {})).items()}
        language = str(raw.get("lang")) if raw.get("lang") in LANGUAGES else DEFAULT
    except (ValueError, TypeError, KeyError, AttributeError):
        return _json({"status": "unreadable"}, 400)
    context = _desk(request).context
    options: tuple[desk.Option, ...] = ()
    try:
        form = await run_in_threadpool(
            desk.protocol_form, context, session.principal, precinct, contest
        )
        options = form.options
        entry = {name: typed.get(name, "") for name in form.fields}
        protocol = protocol_of(precinct, contest, form.lines, [o.id for o in options], entry)
        answer = await run_in_threadpool(
            submission.check_with_token, context, form.election_id, session.token, protocol, None
        )
    except (BadInput, ServiceError) as exc:
        problem = problem_of(exc)
        shown = [
            {
                "field": b["field"],
                "line": words(b["field"], language, options),
                "check": words(b["check"], language, options),
                "found": words(b["found"], language, options),
            }
            for b in problem.extra.get("broken", [])
        ]
        if not shown and "field" in problem.extra:
            field = str(problem.extra["field"])
            shown = [{"field": field, "line": words(field, language, options)}]
        return _json({"status": "refused", "problem": problem.as_json(), "shown": shown}, 200)
    return _json({"status": answer["status"]}, 200)


def _json(document: dict[str, Any], status: int) -> Response:
    return Response(
        json.dumps(document, ensure_ascii=False),
        status_code=status,
        media_type="application/json",
        headers=dict(NO_STORE),
    )


@router.post(ROOT + "/{lang}/corrections/{protocol_id}/approve")
async def approve(lang: Language, protocol_id: ProtocolNumber, request: Request) -> Response:
    """Approve a pending correction, as the API's approval does."""
    signed = await _signed_in_form(request, lang)
    if isinstance(signed, Response):
        return signed
    session, _fields = signed
    place = _desk(request)
    try:
        receipt = await run_in_threadpool(
            submission.approve, place.context, session.principal, protocol_id
        )
    except (BadInput, ServiceError) as exc:
        return await run_in_threadpool(_home, request, lang, session, problem_of(exc))
    if receipt.tree_size is not None:
        place.snapshots.saw(session.principal.election_id, receipt.tree_size)
    return _see_other(f"{ROOT}/{lang}/?done={receipt.status}&id={receipt.protocol_id}")


@router.post(ROOT + "/{lang}/contests/{contest}/certify")
async def certify(lang: Language, contest: Code, request: Request) -> Response:
    """The central commission certifies a contest whose every precinct has reported."""
    signed = await _signed_in_form(request, lang)
    if isinstance(signed, Response):
        return signed
    session, _fields = signed
    place = _desk(request)
    try:
        decision = await run_in_threadpool(
            certification.certify, place.context, session.principal, contest
        )
    except (BadInput, ServiceError) as exc:
        return await run_in_threadpool(_home, request, lang, session, problem_of(exc))
    place.snapshots.saw(session.principal.election_id, decision.tree_size)
    return _see_other(f"{ROOT}/{lang}/?done=certified&id={contest}")


@router.post(ROOT + "/{lang}/contests/{contest}/reopen")
async def reopen(lang: Language, contest: Code, request: Request) -> Response:
    """The central commission reopens a certified contest, saying why."""
    signed = await _signed_in_form(request, lang)
    if isinstance(signed, Response):
        return signed
    session, fields = signed
    place = _desk(request)
    try:
        decision = await run_in_threadpool(
            certification.reopen, place.context, session.principal, contest, fields.get("reason")
        )
    except (BadInput, ServiceError) as exc:
        return await run_in_threadpool(_home, request, lang, session, problem_of(exc))
    place.snapshots.saw(session.principal.election_id, decision.tree_size)
    return _see_other(f"{ROOT}/{lang}/?done=reopened&id={contest}")


def install(app: FastAPI, context: Context, intake: Intake, snapshots: Snapshots) -> None:
    """Add the desk's routes (before the public site's, whose paths are broader)."""
    app.state.desk = Desk(context, intake, snapshots)
    app.include_router(router)


__all__ = ["COUNT_FIELDS", "LINE_LABELS", "ROOT", "SESSION", "csrf_of", "install", "router"]
