"""The FastAPI application: server-rendered pages and a JSON API over the same queries.

Read-only: every request gets a session that is rolled back, never committed. Errors show a
plain page (or JSON) without details, so no database URL or notification target can leak.
Bad parameters are a 400 with a sentence (``params.py``); a page too busy to serve a request
within ``web_db_wait`` says so with a 503; every response carries the security headers.
"""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from stancewatch import __version__
from stancewatch.actors import Actor, ActorNames, load_actors
from stancewatch.db import session_factory
from stancewatch.errors import StancewatchError, UnknownActorError
from stancewatch.settings import Settings
from stancewatch.web import api, pages
from stancewatch.web.deps import BUSY, RETRY_AFTER, TEMPLATES, ConnectionGate
from stancewatch.web.params import check_parameters, validation_message
from stancewatch.web.security import SECURITY_HEADERS, SecurityHeadersMiddleware

log = logging.getLogger(__name__)


def create_app(
    engine: Engine, actors: list[Actor] | None = None, settings: Settings | None = None
) -> FastAPI:
    """The app over ``engine`` (the caller owns and disposes it); ``actors`` give the aliases
    that names in URLs resolve by (default: the packaged actors.toml); ``settings`` the number
    of requests served at once (``web_db_connections``, at most the engine's pool) and how
    long the others wait (``web_db_wait``)."""
    settings = settings or Settings()
    app = FastAPI(
        title="stancewatch",
        version=__version__,
        description="Who backs Ukraine joining NATO, and who changed their mind: the stored "
        "statements and stance changes, read-only.",
        docs_url=None,  # Swagger UI would load scripts from a CDN; /openapi.json is the API
        redoc_url=None,
        dependencies=[Depends(check_parameters)],
    )
    app.state.sessions = session_factory(engine)
    app.state.gate = ConnectionGate(settings.web_db_connections, settings.web_db_wait)
    app.state.templates = TEMPLATES
    app.state.actors = load_actors(None) if actors is None else actors
    app.state.actor_names = ActorNames(app.state.actors)  # built once, not per request
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(UnknownActorError, _unknown_actor)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _bad_request)  # type: ignore[arg-type]
    app.add_exception_handler(StancewatchError, _stancewatch_error)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeoutError, _busy)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _database_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _server_error)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The error as JSON (API) or as the plain error page, with the security headers (a 500
    is answered outside the middleware)."""
    headers = {**SECURITY_HEADERS, **(headers or {})}
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message},
        status_code=status,
        headers=headers,
    )


async def _unknown_actor(request: Request, exc: UnknownActorError):  # type: ignore[no-untyped-def]
    """404 for a name no actor has: JSON with the closest names, or a page linking them."""
    if _wants_json(request):
        detail = {"detail": f"unknown actor: {exc.name}", "suggestions": exc.suggestions}
        return JSONResponse(detail, status_code=404)
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {
            "status": 404,
            "message": f"No actor named {exc.name!r} in the stored history or actors.toml.",
            "suggestions": exc.suggestions,
        },
        status_code=404,
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))


async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
    return _error(request, 400, validation_message(exc))


async def _stancewatch_error(request: Request, exc: StancewatchError) -> Response:
    """Our own one-line errors: bad input (exit code 2) is a 400, an unreachable database a
    503, anything else a 500 that says no more than any other."""
    if exc.exit_code == 2:
        return _error(request, 400, str(exc))
    if exc.exit_code == 3:
        return _busy(request, exc)
    return await _server_error(request, exc)


#: PostgreSQL's codes for a statement or lock wait that ran out of time (the web's engine
#: bounds both by ``web_db_wait``), and SQLite's message for its busy timeout.
TIMED_OUT_SQLSTATES = frozenset({"57014", "55P03"})
SQLITE_BUSY = "database is locked"


async def _database_error(request: Request, exc: OperationalError) -> Response:
    """A query that waited too long is a busy page (503), anything else a plain 500."""
    if getattr(exc.orig, "sqlstate", None) in TIMED_OUT_SQLSTATES or SQLITE_BUSY in str(exc.orig):
        return _busy(request, exc)
    return await _server_error(request, exc)


def _busy(request: Request, exc: Exception) -> Response:
    log.warning("busy serving %s: %s", request.url.path, type(exc).__name__)
    return _error(request, 503, BUSY, {"Retry-After": str(RETRY_AFTER)})


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("error serving %s: %s", request.url.path, type(exc).__name__)
    return _error(request, 500, "Something went wrong on our side; the log has the details.")
