"""The FastAPI application: server-rendered pages and a JSON API over the same queries.

Read-only: every request gets a session that is rolled back, never committed. Errors show a
plain page (or JSON) without details, so no database URL or notification target can leak.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from stancewatch import __version__
from stancewatch.actors import Actor, load_actors
from stancewatch.db import session_factory
from stancewatch.errors import UnknownActorError
from stancewatch.web import api, pages
from stancewatch.web.deps import TEMPLATES

log = logging.getLogger(__name__)


def create_app(engine: Engine, actors: list[Actor] | None = None) -> FastAPI:
    """The app over ``engine`` (the caller owns and disposes it); ``actors`` give the aliases
    that names in URLs resolve by (default: the packaged actors.toml)."""
    app = FastAPI(
        title="stancewatch",
        version=__version__,
        description="Who backs Ukraine joining NATO, and who changed their mind: the stored "
        "statements and stance changes, read-only.",
        docs_url=None,  # Swagger UI would load scripts from a CDN; /openapi.json is the API
        redoc_url=None,
    )
    app.state.sessions = session_factory(engine)
    app.state.templates = TEMPLATES
    app.state.actors = load_actors(None) if actors is None else actors
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(UnknownActorError, _unknown_actor)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _server_error)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


async def _http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
    if _wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {"status": exc.status_code, "message": exc.detail},
        status_code=exc.status_code,
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


async def _server_error(request: Request, exc: Exception):  # type: ignore[no-untyped-def]
    log.error("error serving %s: %s", request.url.path, type(exc).__name__)
    message = "Something went wrong on our side; the log has the details."
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=500)
    return TEMPLATES.TemplateResponse(
        request, "error.html", {"status": 500, "message": message}, status_code=500
    )
