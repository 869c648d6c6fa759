"""The review desk as an ASGI app: Starlette routes over the pipeline's Desk.

Every page but the sign-in page needs a session; a browser without one is sent to sign in
(303), anything else gets 401. Every POST must carry the session's CSRF token and, when
the browser says where it comes from, come from the desk itself. Store and pipeline work
runs in a thread, off the event loop. Nothing here logs a password, a token or a cookie.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.resources import files
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from foreigndesk.codes import check_language
from foreigndesk.config import Settings, WebSettings
from foreigndesk.errors import DeskError
from foreigndesk.models import TRANSLATABLE_KINDS, ArticleStatus, Severity
from foreigndesk.pipeline import Desk, RunReport, SilentReporter
from foreigndesk.publish.titles import title_template_problem
from foreigndesk.stages.translate import translated_titles
from foreigndesk.stages.triage import budgets, rule_rows
from foreigndesk.store import Store
from foreigndesk.store.accounts import Accounts, User, WebSession
from foreigndesk.store.review import QA_FILTERS, InboxFilter, Review
from foreigndesk.triage import RuleAction, TriageRule
from foreigndesk.web import charts, editing
from foreigndesk.web.middleware import AllowedHosts, BodyLimit, SecurityHeaders
from foreigndesk.web.security import (
    LOGIN_COOKIE,
    PREVIEW_POLICY,
    SESSION_COOKIE,
    is_https,
    safe_next,
    same_origin,
    tokens_match,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 100


@dataclass
class Call:
    """One request as a page handler sees it: who, what was sent, where."""

    desk_app: DeskApp
    session: WebSession
    token: str
    path: dict[str, Any]
    query: QueryParams
    form: FormData | None
    url_path: str

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else default

    def fields(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [v for v in self.form.getlist(name) if isinstance(v, str)]

    def flash(self, message: str) -> None:
        self.desk_app.flash(self.token, message)


Handler = Callable[[Call], Response]

#: Password checks at once: argon2 takes 64 MiB and tens of milliseconds for each.
PASSWORD_CHECKS = 2
#: The most fields a desk form has: a page of ticked articles, an article's lead blocks.
MAX_FIELDS = 500
#: The longest user name (as `user add` allows): the rest of a longer one is not kept.
MAX_NAME = 128


@dataclass
class DeskApp:
    """The desk's state behind the routes: settings, store, pipeline, templates."""

    settings: Settings
    store: Store
    desk: Desk = field(init=False)
    accounts: Accounts = field(init=False)
    review: Review = field(init=False)
    env: Environment = field(init=False)
    #: One publish at a time: two editors pressing "publish now" build the site in turn.
    publish_lock: threading.Lock = field(default_factory=threading.Lock)
    #: Password checks in progress at once; more sign-ins wait their turn.
    verifications: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(PASSWORD_CHECKS)
    )
    _flashes: dict[str, list[str]] = field(default_factory=dict)
    _block_flashes: dict[str, dict[int, str]] = field(default_factory=dict)
    _flash_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.desk = Desk(self.settings, self.store, reporter=SilentReporter())
        self.accounts = Accounts(self.store)
        self.review = Review(self.store)
        self.env = Environment(
            loader=PackageLoader("foreigndesk.web", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def check_password(self, name: str, password: str) -> User | None:
        with self.verifications:
            return self.accounts.authenticate(name, password)

    # -- flashes: one-off messages shown on the next page ---------------------------------

    def flash(self, token: str, message: str) -> None:
        with self._flash_lock:
            self._flashes.setdefault(token, []).append(message)

    def take_flashes(self, token: str) -> list[str]:
        with self._flash_lock:
            return self._flashes.pop(token, [])

    def block_flash(self, token: str, position: int, message: str) -> None:
        """A message shown inside one block of the editor, where the editor is looking."""
        with self._flash_lock:
            self._block_flashes.setdefault(token, {})[position] = message

    def take_block_flashes(self, token: str) -> dict[int, str]:
        with self._flash_lock:
            return self._block_flashes.pop(token, {})

    # -- rendering ------------------------------------------------------------------------

    def render(
        self, call: Call | None, template_name: str, status_code: int = 200, **context: Any
    ) -> Response:
        template = self.env.get_template(template_name)
        html = template.render(
            user=call.session.user if call else None,
            csrf=call.session.csrf_token if call else "",
            flashes=self.take_flashes(call.token) if call else [],
            current=call.url_path if call else "",
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    # -- wrapping handlers ----------------------------------------------------------------

    def page(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """A route that needs a session, and on POST the session's CSRF token."""

        async def endpoint(request: Request) -> Response:
            token = request.cookies.get(SESSION_COOKIE, "")
            session = await run_in_threadpool(self.accounts.session, token) if token else None
            if session is None:
                if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                    target = request.url.path + (
                        f"?{request.url.query}" if request.url.query else ""
                    )
                    return RedirectResponse(f"/login?next={quote(target, safe='')}", 303)
                if request.method == "GET":
                    return RedirectResponse("/login", 303)
                return PlainTextResponse("sign in first", 401)
            form = None
            if request.method == "POST":
                if not same_origin(request):
                    return PlainTextResponse("refused: the request comes from another site", 403)
                # What can be checked before the body is read is checked first: the
                # origin above, a token sent as a header here; the body itself is bounded
                # (web.max_body_bytes) and so is its number of fields.
                header = request.headers.get("x-csrf-token")
                if header is not None and not tokens_match(header, session.csrf_token):
                    return PlainTextResponse(
                        "refused: the request's security token is stale — reload the page", 403
                    )
                form = await request.form(max_files=0, max_fields=MAX_FIELDS)
                sent = form.get("csrf")
                sent_token = sent if isinstance(sent, str) else header
                if not tokens_match(sent_token, session.csrf_token):
                    return PlainTextResponse(
                        "refused: the form's security token is missing or stale — reload the"
                        " page and try again",
                        403,
                    )
            call = Call(
                desk_app=self,
                session=session,
                token=token,
                path=dict(request.path_params),
                query=request.query_params,
                form=form,
                url_path=request.url.path,
            )
            try:
                return await run_in_threadpool(handler, call)
            except DeskError as exc:
                if request.method == "POST":
                    call.flash(f"error: {for_the_desk(str(exc))}")
                    back = safe_next(call.field("back"), _page_of(request.url.path))
                    return RedirectResponse(back, 303)
                return self.render(call, "error.html", 404, message=for_the_desk(str(exc)))

        return endpoint


_COMMAND_HINT = re.compile(r" — [^—]*`foreigndesk [^`]*`[^—]*$")


def for_the_desk(message: str) -> str:
    """An error line as the desk shows it: the fix a command-line user is told (" — see
    `foreigndesk articles list`") means nothing in a browser, so it is left off."""
    return _COMMAND_HINT.sub("", message)


def _page_of(action: str) -> str:
    """The page a form posting to ``action`` is on: where an error sends the editor back."""
    found = re.match(r"/(articles/\d+|sources)(/|$)", action)
    return f"/{found.group(1)}" if found else "/"


#: The largest id the store can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def _int(value: object, name: str) -> int:
    """A number from a path, a query or a form: an id, a position, a page. One that is not
    a number, or beyond any id the store can hold, is a DeskError (404 on a page, a line
    on a form), never a 500 from the database."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > 19 or int(text) > MAX_ID:
        shown = text if len(text) <= 24 else text[:21] + "…"
        raise DeskError(f"{name} {shown!r} is not a number the desk knows")
    return int(text)


# -- sign in and out ---------------------------------------------------------------------


def _cookie_args(request: Request) -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": is_https(request), "path": "/"}


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login_routes(app: DeskApp) -> list[Route]:
    settings = app.settings.web
    window = timedelta(seconds=settings.login_window_seconds)

    def form(request: Request, error: str = "", status: int = 200, name: str = "") -> Response:
        pre = request.cookies.get(LOGIN_COOKIE) or ""
        if len(pre) < 32:
            import secrets

            pre = secrets.token_urlsafe(32)
        response = app.render(
            None,
            "login.html",
            status,
            login_token=pre,
            next=safe_next(request.query_params.get("next")),
            error=error,
            name=name,
        )
        response.set_cookie(LOGIN_COOKIE, pre, max_age=3600, **_cookie_args(request))
        return response

    async def login(request: Request) -> Response:
        if request.method == "GET":
            token = request.cookies.get(SESSION_COOKIE, "")
            live = await run_in_threadpool(app.accounts.session, token) if token else None
            if live is not None:
                return RedirectResponse(safe_next(request.query_params.get("next")), 303)
            return form(request)
        if not same_origin(request):
            return PlainTextResponse("refused: the request comes from another site", 403)
        data = await request.form(max_files=0, max_fields=10)
        sent = data.get("csrf")
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not tokens_match(sent if isinstance(sent, str) else None, expected):
            return PlainTextResponse(
                "refused: the sign-in form's security token is missing — reload the page", 403
            )
        # A name longer than any user's is no one's; only so much of it is kept.
        name = str(data.get("name") or "").strip()[:MAX_NAME]
        password = str(data.get("password") or "")
        keys = [f"user:{name.lower()}", f"ip:{_client(request)}"]
        attempt = await run_in_threadpool(
            app.accounts.reserve_attempt, keys, window, settings.login_attempts
        )
        if attempt is None:
            logger.warning("sign-in refused: too many failures for %r from %s", name, keys[1][3:])
            return form(
                request,
                "Too many failed sign-ins. Wait a few minutes, then try again.",
                429,
                name,
            )
        # Each check takes argon2's 64 MiB and tens of milliseconds: a few at a time.
        user = await run_in_threadpool(app.check_password, name, password)
        await run_in_threadpool(
            functools.partial(
                app.accounts.settle, attempt, succeeded=user is not None, clear=keys[:1]
            )
        )
        if user is None:
            logger.info("failed sign-in for %r from %s", name, keys[1][3:])
            return form(request, "Wrong name or password.", 400, name)
        lifetime = timedelta(hours=settings.session_hours)
        token, _ = await run_in_threadpool(app.accounts.start_session, user, lifetime)
        logger.info("%s signed in", user.name)
        target = safe_next(str(data.get("next") or ""))
        response = RedirectResponse(target, 303)
        response.set_cookie(
            SESSION_COOKIE, token, max_age=int(lifetime.total_seconds()), **_cookie_args(request)
        )
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    def logout(call: Call) -> Response:
        app.accounts.end_session(call.token)
        response = RedirectResponse("/login", 303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", app.page(logout), methods=["POST"]),
    ]


# -- the inbox ---------------------------------------------------------------------------


def inbox(call: Call) -> Response:
    app = call.desk_app
    query = call.query
    status = query.get("status", ArticleStatus.IN_REVIEW.value)
    if status not in {s.value for s in ArticleStatus} and status != "all":
        status = ArticleStatus.IN_REVIEW.value
    source = query.get("source") or None
    qa = query.get("qa") if query.get("qa") in QA_FILTERS else None
    page = max(_int(query.get("page") or "1", "page"), 1)
    if (page - 1) * PAGE_SIZE > MAX_ID:
        raise DeskError(f"page {page} is beyond the last one")
    chosen = InboxFilter(
        status=None if status == "all" else status,
        source_id=_int(source, "source") if source else None,
        category=query.get("category") or None,
        lang=query.get("lang") or None,
        qa=qa,
        search=(query.get("q") or "").strip() or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    rows, total = app.review.inbox(chosen)
    counts = app.store.articles.status_counts()
    params = {k: v for k, v in query.items() if k != "page"}
    translated = translated_titles(app.desk, [(r.id, r.title, r.lang) for r in rows])
    # Why each failed article failed, on its row: the editor picks the ones to finish.
    failures = {
        row.id: app.store.articles.get(row.id, with_blocks=False).error or ""
        for row in rows
        if row.status == ArticleStatus.FAILED.value
    }
    triage = {}
    if status in TRIAGE_STATUSES:
        for row in rows:
            article = app.store.articles.get(row.id)
            length = sum(len(b.text) for b in article.blocks if b.kind in TRANSLATABLE_KINDS)
            triage[row.id] = (article, length, app.desk.estimates(article))
    return app.render(
        call,
        "inbox.html",
        triage=triage,
        failures=failures,
        translated=translated,
        target_lang=app.settings.desk.target_lang,
        budgets=budgets(app.desk),
        rows=rows,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        params=params,
        page_link=lambda n: "/?" + urlencode({**params, "page": n}),
        status=status,
        statuses=[s.value for s in ArticleStatus],
        counts=counts,
        sources=app.store.sources.all(),
        categories=app.store.sources.categories(),
        languages=app.review.languages(),
        chosen=chosen,
        qa_filters=QA_FILTERS,
        back="/?" + str(query),
    )


def bulk_reject(call: Call) -> Response:
    ids = [_int(v, "article") for v in call.fields("ids")]
    if not ids:
        raise DeskError("no articles ticked — tick the ones to reject")
    done = call.desk_app.review.reject(ids)
    call.flash(f"rejected {done} of {len(ids)} articles")
    return RedirectResponse(safe_next(call.field("back"), "/"), 303)


#: Inbox views that show articles as triage does: brief beside original, with costs.
TRIAGE_STATUSES = (ArticleStatus.TRIAGED.value, ArticleStatus.DISMISSED.value)


def _ticked(call: Call, verb: str) -> list[int]:
    ids = [_int(v, "article") for v in call.fields("ids")]
    if not ids:
        raise DeskError(f"no articles ticked — tick the ones to {verb}")
    return ids


def bulk_pick(call: Call) -> Response:
    ids = _ticked(call, "translate in full")
    done = call.desk_app.desk.pick(ids, by=call.session.user.name)
    call.flash(
        f"picked {len(done)} of {len(ids)} articles ({', '.join(map(str, done))}): translated"
        " in full on the next run"
    )
    return RedirectResponse(safe_next(call.field("back"), "/"), 303)


def bulk_dismiss(call: Call) -> Response:
    ids = _ticked(call, "dismiss")
    done = call.desk_app.desk.dismiss(ids, by=call.session.user.name)
    call.flash(f"dismissed {len(done)} of {len(ids)} articles")
    return RedirectResponse(safe_next(call.field("back"), "/"), 303)


# -- the editor --------------------------------------------------------------------------


def _editor_url(article_id: int, anchor: str = "") -> str:
    return f"/articles/{article_id}" + (f"#{anchor}" if anchor else "")


def editor(
    call: Call,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    conflicts: dict[int, str] | None = None,
) -> Response:
    """The editor page. With ``errors``, a form refused, shown again as it was sent with
    each field's problem beside it; with ``conflicts``, a block's save refused because
    another editor's came first, the text typed shown beside the one that stands."""
    app = call.desk_app
    article_id = _int(call.path["article_id"], "article")
    view = editing.editor_view(app.desk, article_id)
    before, after = app.review.neighbours(article_id, view.article.status.value)
    return app.render(
        call,
        "editor.html",
        status,
        errors=errors or {},
        sent=call.form if errors else None,
        conflicts=conflicts or {},
        notes=app.take_block_flashes(call.token),
        view=view,
        previous_id=before,
        next_id=after,
        title_template=view.article.title_template or "",
        default_template=app.settings.post.title_template,
        overridden=app.store.articles.qa_overridden(article_id),
        open_errors=sum(
            1
            for f in [*view.article_findings, *(f for b in view.blocks for f in b.findings)]
            if f.severity == Severity.ERROR and not f.resolved
        ),
        Markup=Markup,
    )


def _version_of(call: Call) -> str:
    version = call.field("version")
    if not version:
        raise DeskError("the form has no version — reload the page, then save again")
    return version


def save_block(call: Call) -> Response:
    article_id = _int(call.path["article_id"], "article")
    position = _int(call.path["position"], "block")
    edit = editing.save_block(
        call.desk_app.desk,
        article_id,
        position,
        call.field("text"),
        expect=_version_of(call),
        editor=call.session.user.name,
    )
    if edit.outcome != "saved":
        # Someone saved this block first: theirs stands, and the page shows it beside
        # what this editor typed (also kept in the block's history).
        return editor(call, status=409, conflicts={position: call.field("text").strip()})
    call.desk_app.block_flash(call.token, position, f"block {position} saved as your translation")
    return RedirectResponse(_editor_url(article_id, f"block-{position}"), 303)


def retranslate(call: Call) -> Response:
    article_id = _int(call.path["article_id"], "article")
    position = _int(call.path["position"], "block")
    engine = call.field("engine")
    human_wins = editing.retranslate_block(call.desk_app.desk, article_id, position, engine)
    note = (
        "; your own translation of it still wins — pick the engine's below to use it"
        if human_wins
        else ""
    )
    call.flash(f"block {position} translated again with {engine}{note}")
    return RedirectResponse(_editor_url(article_id, f"block-{position}"), 303)


def translate_missing(call: Call) -> Response:
    """Every block of a failed article that has no translation, through the engine the
    editor chose; what it could not translate is named, and stays for the editor."""
    article_id = _int(call.path["article_id"], "article")
    engine = call.field("engine")
    finished = editing.translate_missing(call.desk_app.desk, article_id, engine)
    tried = finished.translated + len(finished.failed)
    line = f"translated {finished.translated} of {tried} with {engine}"
    if finished.failed:
        first, reason = next(iter(finished.failed.items()))
        line += f"; {len(finished.failed)} not ({first}: {reason}) — write them by hand"
    call.flash(line)
    return RedirectResponse(_editor_url(article_id, "missing"), 303)


def glossary_add(call: Call) -> Response:
    article_id = _int(call.path["article_id"], "article")
    source, target = call.field("source"), call.field("target")
    editing.add_glossary_term(call.desk_app.desk, article_id, source, target)
    call.flash(f"glossary: {' '.join(source.split())} → {' '.join(target.split())}")
    return RedirectResponse(_editor_url(article_id), 303)


def name_offer(call: Call) -> Response:
    """Confirm a name the article brings into the glossary (as the editor spelled it), or
    dismiss it."""
    article_id = _int(call.path["article_id"], "article")
    name = call.field("name")
    if call.field("action") == "dismiss":
        editing.dismiss_name(call.desk_app.desk, article_id, name)
        call.flash(f"{' '.join(name.split())}: not offered again")
    else:
        terms = editing.confirm_name(call.desk_app.desk, article_id, name, call.field("spelling"))
        call.flash(
            "glossary: "
            + "; ".join(f"{source} → {target}" for source, target in terms)
            + " — later translations write it so, with every engine"
        )
    return RedirectResponse(_editor_url(article_id, "names"), 303)


def lead(call: Call) -> Response:
    article_id = _int(call.path["article_id"], "article")
    positions = [_int(v, "block") for v in call.fields("lead")]
    if not call.desk_app.store.edits.bump(article_id, _int(_version_of(call), "version")):
        return editor(
            call,
            status=409,
            errors={
                "lead": "someone saved this article since you opened it — the lead shown is"
                " theirs; tick yours again and save"
            },
        )
    editing.set_lead(call.desk_app.desk, article_id, positions)
    call.flash("lead: " + (", ".join(f"block {p}" for p in sorted(positions)) or "none"))
    return RedirectResponse(_editor_url(article_id), 303)


def meta(call: Call) -> Response:
    app = call.desk_app
    article_id = _int(call.path["article_id"], "article")
    template = call.field("title_template").strip()
    problem = title_template_problem(template) if template else None
    if problem is not None:
        # Nothing is saved; the editor gets the form back as typed, the line beside it.
        return editor(call, status=400, errors={"title_template": problem})
    if not app.store.edits.bump(article_id, _int(_version_of(call), "version")):
        view = editing.editor_view(app.desk, article_id)
        theirs = (
            f"title “{view.translation.title if view.translation else ''}”,"
            f" tags “{', '.join(view.article.tags)}”,"
            f" template “{view.article.title_template or ''}”"
        )
        return editor(
            call,
            status=409,
            errors={
                "meta": "someone saved this article's title, tags or template while you"
                f" edited them — theirs: {theirs}; yours are in the form, not saved: save"
                " again to keep yours"
            },
        )
    title = call.field("title")
    if title.strip():
        current = editing.editor_view(app.desk, article_id).translation
        if current is None or " ".join(title.split()) != current.title:
            editing.save_title(app.desk, article_id, title)
    app.review.set_tags(article_id, call.field("tags").split(","))
    app.review.set_title_template(article_id, template or None)
    call.flash("title, tags and title template saved")
    return RedirectResponse(_editor_url(article_id), 303)


def _next_in_review(call: Call, article_id: int) -> str:
    _, after = call.desk_app.review.neighbours(article_id, ArticleStatus.IN_REVIEW.value)
    before, _ = call.desk_app.review.neighbours(article_id, ArticleStatus.IN_REVIEW.value)
    following = after or before
    return _editor_url(following) if following else "/"


def approve(call: Call) -> Response:
    article_id = _int(call.path["article_id"], "article")
    article = call.desk_app.desk.approve(article_id)
    call.flash(f"approved {article.id} {article.title or ''}")
    return RedirectResponse(_next_in_review(call, article_id), 303)


def reject(call: Call) -> Response:
    article_id = _int(call.path["article_id"], "article")
    if not call.desk_app.review.reject([article_id]):
        raise DeskError(f"article {article_id} cannot be rejected in its status")
    call.flash(f"rejected {article_id}")
    return RedirectResponse(_next_in_review(call, article_id), 303)


def publish_now(call: Call) -> Response:
    app = call.desk_app
    article_id = _int(call.path["article_id"], "article")
    with app.publish_lock:
        article = app.store.articles.get(article_id, with_blocks=False)
        if article.status != ArticleStatus.APPROVED and article.status != ArticleStatus.PUBLISHED:
            app.desk.approve(article_id)
        if call.field("override_qa"):
            app.store.articles.override_qa(article_id)
        report = RunReport()
        reporter = SilentReporter()
        app.desk.reporter = reporter
        try:
            if not app.desk.publish_article(article_id, report):
                raise DeskError(reporter.errors[-1] if reporter.errors else "held by QA")
            app.desk.build(report)
        finally:
            app.desk.reporter = SilentReporter()
    for error in reporter.errors:
        call.flash(f"error: {error}")
    written = ", ".join(f"{t.target}: {t.written} written" for t in report.targets)
    call.flash(f"published {article_id}" + (f" ({written})" if written else ""))
    return RedirectResponse(_editor_url(article_id), 303)


def preview(call: Call) -> Response:
    app = call.desk_app
    article_id = _int(call.path["article_id"], "article")
    html = editing.preview_html(app.desk, article_id, f"/articles/{article_id}/preview/")
    return HTMLResponse(
        html,
        headers={"content-security-policy": PREVIEW_POLICY, "referrer-policy": "no-referrer"},
    )


def preview_file(call: Call) -> Response:
    if call.path["path"] != "style.css":
        return PlainTextResponse("only the post itself is previewed", 404)
    return Response(editing.preview_style(call.desk_app.desk), media_type="text/css")


# -- sources -----------------------------------------------------------------------------


def sources(call: Call) -> Response:
    app = call.desk_app
    from foreigndesk.plugins import engine_specs

    health = app.store.sources.health()
    return app.render(
        call,
        "sources.html",
        health=health,
        engines=sorted(engine_specs()),
        editing_id=call.query.get("edit"),
        rules=rule_rows(app.desk),
        source_names={h.source.id: h.source.title or h.source.url for h in health},
        mode=_mode_note(app.settings),
    )


def _mode_note(settings: Settings) -> str:
    mode = settings.translate.mode
    return {
        "auto": "translate.mode is auto: when the engine bills",
        "triage": "translate.mode is triage",
        "full": "translate.mode is full: never, until it is set to triage or auto",
    }[mode]


def _listed(call: Call, name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in call.field(name).split(",") if part.strip())


def _count(call: Call, name: str) -> int | None:
    value = call.field(name).strip()
    return _int(value, name.replace("_", " ")) if value else None


def rule_add(call: Call) -> Response:
    _admin_only(call, "change sources and triage rules")
    source = call.field("source").strip()
    action = call.field("action")
    if action not in {a.value for a in RuleAction}:
        raise DeskError(f"action {action!r}: choose pick, include or exclude")
    try:
        rule = TriageRule(
            action=RuleAction(action),
            words=_listed(call, "words"),
            pattern=call.field("pattern").strip() or None,
            authors=_listed(call, "authors"),
            tags=_listed(call, "tags"),
            min_chars=_count(call, "min_chars"),
            max_chars=_count(call, "max_chars"),
            source_id=_int(source, "source") if source else None,
            label="the new rule",
        )
    except ValueError as exc:
        raise DeskError(str(exc)) from None
    if rule.source_id is not None:
        call.desk_app.store.sources.get(rule.source_id)
    rule_id = call.desk_app.store.triage.add(rule)
    call.flash(f"rule {rule_id} added: {rule.action} — {'; '.join(rule.criteria())}")
    return RedirectResponse("/sources#rules", 303)


def rule_remove(call: Call) -> Response:
    _admin_only(call, "change sources and triage rules")
    rule_id = _int(call.path["rule_id"], "rule")
    call.desk_app.store.triage.remove(rule_id)
    call.flash(f"rule {rule_id} removed")
    return RedirectResponse("/sources#rules", 303)


def _admin_only(call: Call, what: str) -> None:
    """Editors review, approve and publish; what the whole desk follows is an admin's."""
    if not call.session.user.is_admin:
        raise DeskError(f"only an admin may {what} — ask an admin of the desk to make you one")


def _source_fields(call: Call) -> tuple[str, str, str | None, str | None]:
    from foreigndesk.plugins import engine_specs

    url = call.field("url").strip()
    lang = call.field("lang").strip().lower()
    if not url.startswith(("http://", "https://")):
        raise DeskError(f"source {url!r}: not an http(s) URL — give the feed's or page's address")
    try:
        lang = check_language(lang)
    except ValueError as exc:
        raise DeskError(str(exc)) from None
    engine = call.field("engine").strip() or None
    if engine is not None and engine not in engine_specs():
        raise DeskError(f"engine {engine!r} is not installed")
    return url, lang, call.field("license").strip() or None, engine


def source_add(call: Call) -> Response:
    _admin_only(call, "change sources and triage rules")
    url, lang, license, engine = _source_fields(call)
    source, created = call.desk_app.store.sources.add(url, lang, license, engine)
    call.flash(f"{'added' if created else 'already there:'} source {source.id} {source.url}")
    return RedirectResponse("/sources", 303)


def source_edit(call: Call) -> Response:
    _admin_only(call, "change sources and triage rules")
    source_id = _int(call.path["source_id"], "source")
    url, lang, license, engine = _source_fields(call)
    title = call.field("title").strip() or None
    category = call.field("category").strip() or None
    call.desk_app.review.update_source(
        source_id,
        url=url,
        lang=lang,
        license=license,
        engine=engine,
        title=title,
        category=category,
    )
    call.flash(f"source {source_id} saved")
    return RedirectResponse("/sources", 303)


def source_pause(call: Call) -> Response:
    _admin_only(call, "change sources and triage rules")
    source_id = _int(call.path["source_id"], "source")
    paused = call.field("paused") == "1"
    source = call.desk_app.store.sources.set_paused(source_id, paused)
    call.flash(f"{'paused' if paused else 'resumed'} source {source.id} {source.url}")
    return RedirectResponse("/sources", 303)


# -- stats -------------------------------------------------------------------------------


def _svg(chart: str) -> Markup:
    """A chart from ``charts``: built from numbers and escaped labels only."""
    return Markup(chart)  # noqa: S704


def stats(call: Call) -> Response:
    app = call.desk_app
    figures = app.review.stats()
    budgets = app.settings.translate.budget
    prices = app.settings.web.prices
    engines = sorted({engine for _, engine, _, _ in figures.usage})
    usage_charts = []
    for engine in engines:
        months = [(m, float(units)) for m, e, _, units in figures.usage if e == engine]
        usage_charts.append(
            (
                engine,
                _svg(
                    charts.columns(
                        months,
                        f"{engine}: units billed per month",
                        limit=float(budgets[engine]) if engine in budgets else None,
                    )
                ),
                _svg(
                    charts.columns(
                        [(m, units * prices[engine] / 1_000_000) for m, units in months],
                        f"{engine}: cost per month",
                        limit=budgets[engine] * prices[engine] / 1_000_000
                        if engine in budgets
                        else None,
                    )
                )
                if engine in prices
                else None,
            )
        )
    per_day = [(d.strftime("%m-%d"), float(n)) for d, n in figures.per_day]
    return app.render(
        call,
        "stats.html",
        per_source=_svg(
            charts.horizontal_bars(
                [(s, float(n)) for s, n in figures.per_source], "articles per source"
            )
        ),
        per_day=_svg(charts.columns(per_day, "articles per day", every=5)),
        usage=usage_charts,
        findings=_svg(
            charts.horizontal_bars(
                [(f"{c} ({s})", float(n)) for c, s, n in figures.findings], "open QA findings"
            )
        ),
    )


def create_app(settings: Settings, store: Store) -> Starlette:
    """The review desk over ``store``."""
    desk_app = DeskApp(settings, store)
    page = desk_app.page
    static = StaticFiles(directory=str(files("foreigndesk.web") / "static"))
    routes = [
        *login_routes(desk_app),
        Route("/", page(inbox)),
        Route("/articles/reject", page(bulk_reject), methods=["POST"]),
        Route("/articles/pick", page(bulk_pick), methods=["POST"]),
        Route("/articles/dismiss", page(bulk_dismiss), methods=["POST"]),
        Route("/articles/{article_id:int}", page(editor)),
        Route(
            "/articles/{article_id:int}/blocks/{position:int}", page(save_block), methods=["POST"]
        ),
        Route(
            "/articles/{article_id:int}/blocks/{position:int}/retranslate",
            page(retranslate),
            methods=["POST"],
        ),
        Route(
            "/articles/{article_id:int}/translate-missing",
            page(translate_missing),
            methods=["POST"],
        ),
        Route("/articles/{article_id:int}/glossary", page(glossary_add), methods=["POST"]),
        Route("/articles/{article_id:int}/names", page(name_offer), methods=["POST"]),
        Route("/articles/{article_id:int}/lead", page(lead), methods=["POST"]),
        Route("/articles/{article_id:int}/meta", page(meta), methods=["POST"]),
        Route("/articles/{article_id:int}/approve", page(approve), methods=["POST"]),
        Route("/articles/{article_id:int}/reject", page(reject), methods=["POST"]),
        Route("/articles/{article_id:int}/publish", page(publish_now), methods=["POST"]),
        Route("/articles/{article_id:int}/preview", page(preview)),
        Route("/articles/{article_id:int}/preview/{path:path}", page(preview_file)),
        Route("/sources", page(sources)),
        Route("/sources/add", page(source_add), methods=["POST"]),
        Route("/sources/{source_id:int}", page(source_edit), methods=["POST"]),
        Route("/sources/{source_id:int}/pause", page(source_pause), methods=["POST"]),
        Route("/rules/add", page(rule_add), methods=["POST"]),
        Route("/rules/{rule_id:int}/remove", page(rule_remove), methods=["POST"]),
        Route("/stats", page(stats)),
        Mount("/static", static, name="static"),
    ]
    app = _Desk(routes=routes)
    app.state.desk = desk_app
    app.state.guards = settings.web
    return app


class _Desk(Starlette):
    """Starlette with the desk's guards outside everything, its error pages included."""

    def build_middleware_stack(self) -> ASGIApp:
        web: WebSettings = self.state.guards
        inner = super().build_middleware_stack()
        # The address it listens on is one of its names, unless that is every address.
        every = ("0.0.0.0", "::")  # noqa: S104 - compared with, not bound to
        names = [*web.allowed_hosts, *([web.host] if web.host not in every else [])]
        guarded = AllowedHosts(BodyLimit(inner, web.max_body_bytes), names)
        return SecurityHeaders(guarded)


__all__ = ["DeskApp", "create_app"]
