"""The JSON API: the same queries as the pages, described in ``/openapi.json``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from stancewatch.history import queries as query
from stancewatch.history.queries import (
    ActorSummary,
    ArticleHit,
    ArticleView,
    RecordedChange,
    TimelineEntry,
)
from stancewatch.web.deps import DB
from stancewatch.web.params import ArticleId

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/actors", response_model=list[ActorSummary])
def list_actors(session: DB) -> list[ActorSummary]:
    """Every actor with a statement: established stance, since when, latest evidence."""
    return query.actors(session)


@router.get("/actors/{name}/statements", response_model=list[TimelineEntry])
def actor_statements(name: str, session: DB) -> list[TimelineEntry]:
    """Every statement of one actor (any spelling case), oldest first; 404 if unknown."""
    actor = query.find_actor(session, name)
    if actor is None:
        raise HTTPException(404, f"unknown actor: {name}")
    return query.statements(session, actor)


@router.get("/changes", response_model=list[RecordedChange])
def list_changes(
    session: DB,
    actor: str | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[RecordedChange]:
    """Recorded stance changes, newest first."""
    return query.changes(session, actor=actor, since=since, limit=limit)


@router.get("/articles", response_model=list[ArticleHit])
def search_articles(
    session: DB,
    q: Annotated[str, Query(min_length=1, description="Words that must all appear")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[ArticleHit]:
    """Articles whose title or text contains every word of ``q``, newest first."""
    return query.search(session, q, limit)


@router.get("/articles/{article_id}", response_model=ArticleView)
def get_article(article_id: ArticleId, session: DB) -> ArticleView:
    """One article with its statements and their spans in ``title + "\\n\\n" + text``."""
    view = query.article(session, article_id)
    if view is None:
        raise HTTPException(404, f"no article {article_id}")
    return view
