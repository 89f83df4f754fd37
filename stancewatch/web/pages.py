"""Server-rendered pages: overview, one page per actor, changes, article, search."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from stancewatch.history import queries as query
from stancewatch.web.deps import DB, TEMPLATES
from stancewatch.web.params import ArticleId
from stancewatch.web.render import highlight, timeline_svg

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context)


@router.get("/")
def overview(request: Request, session: DB) -> HTMLResponse:
    actors = query.actors(session)
    return _page(request, "overview.html", actors=actors, changes=query.changes(session, limit=5))


@router.get("/actors/{name}")
def actor_page(request: Request, name: str, session: DB) -> HTMLResponse:
    actor = query.find_actor(session, name)
    if actor is None:
        raise HTTPException(404, f"No actor named {name!r} in the stored history.")
    statements = query.statements(session, actor)
    changes = query.changes(session, actor=actor, limit=None)
    summary = next((a for a in query.actors(session) if a.actor == actor), None)
    return _page(
        request,
        "actor.html",
        actor=actor,
        summary=summary,
        statements=statements,
        changes=changes,
        chart=timeline_svg(statements, changes),
    )


@router.get("/changes")
def changes_page(request: Request, session: DB) -> HTMLResponse:
    return _page(request, "changes.html", changes=query.changes(session, limit=200))


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: ArticleId, session: DB) -> HTMLResponse:
    view = query.article(session, article_id)
    if view is None:
        raise HTTPException(404, f"No article {article_id}.")
    return _page(request, "article.html", article=view, body=highlight(view.document, view.spans))


@router.get("/search")
def search_page(request: Request, session: DB, q: str = "") -> HTMLResponse:
    hits = query.search(session, q, limit=50) if q.strip() else []
    return _page(request, "search.html", q=q, hits=hits)
