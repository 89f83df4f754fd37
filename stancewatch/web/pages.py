"""Server-rendered pages: overview, one page per actor, changes, article, search."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from stancewatch.history import queries as query
from stancewatch.web.deps import DB, TEMPLATES, ActorName
from stancewatch.web.feeds import FEED_ENTRIES, changes_atom
from stancewatch.web.params import ArticleId, ChangeId
from stancewatch.web.render import highlight, timeline_svg

ATOM = "application/atom+xml"

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context)


@router.get("/")
def overview(request: Request, session: DB) -> HTMLResponse:
    actors = query.actors(session)
    return _page(request, "overview.html", actors=actors, changes=query.changes(session, limit=5))


@router.get("/actors/{name}")
def actor_page(request: Request, actor: ActorName, session: DB) -> HTMLResponse:
    statements = query.statements(session, actor)
    changes = query.changes(session, actor=actor, limit=None)
    blocked = [
        c
        for c in query.changes(session, actor=actor, limit=None, include_blocked=True)
        if c.blocked
    ]
    summary = next((a for a in query.actors(session) if a.actor == actor), None)
    return _page(
        request,
        "actor.html",
        actor=actor,
        summary=summary,
        statements=statements,
        changes=changes,
        blocked=blocked,
        chart=timeline_svg(statements, changes),
    )


@router.get("/changes")
def changes_page(request: Request, session: DB) -> HTMLResponse:
    return _page(request, "changes.html", changes=query.changes(session, limit=200))


@router.get("/changes/{change_id}")
def change_page(request: Request, change_id: ChangeId, session: DB) -> HTMLResponse:
    """One change with why it was allowed: the rule, the stories and outlets, the pending."""
    found = query.change(session, change_id)
    if found is None:
        raise HTTPException(404, f"No stance change {change_id}.")
    also = query.event_members(session, found)
    return _page(request, "change.html", change=found, also=also)


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


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/changes.atom", response_class=Response)
def changes_feed(request: Request, session: DB) -> Response:
    """The newest recorded changes of every actor as an Atom feed."""
    body = changes_atom(
        query.changes(session, limit=FEED_ENTRIES),
        base=_base(request),
        self_path="/changes.atom",
        page_path="/changes",
        title="stancewatch: stance changes",
    )
    return Response(body, media_type=ATOM)


@router.get("/actors/{name}/changes.atom", response_class=Response)
def actor_feed(request: Request, actor: ActorName, session: DB) -> Response:
    """One actor's recorded changes (by name or alias) as an Atom feed."""
    page = "/actors/" + quote(actor, safe="")
    body = changes_atom(
        query.changes(session, actor=actor, limit=FEED_ENTRIES),
        base=_base(request),
        self_path=page + "/changes.atom",
        page_path=page,
        title=f"stancewatch: stance changes of {actor}",
    )
    return Response(body, media_type=ATOM)
