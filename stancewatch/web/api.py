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
from stancewatch.web.deps import DB, ActorName
from stancewatch.web.params import ArticleId, ChangeId

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/actors", response_model=list[ActorSummary])
def list_actors(session: DB) -> list[ActorSummary]:
    """Every actor with a statement: established stance, since when, latest evidence."""
    return query.actors(session)


@router.get("/actors/{name}/statements", response_model=list[TimelineEntry])
def actor_statements(actor: ActorName, session: DB) -> list[TimelineEntry]:
    """Every statement of one actor (by name or alias, any case), oldest first; 404 with
    the closest names if unknown."""
    return query.statements(session, actor)


@router.get("/changes", response_model=list[RecordedChange])
def list_changes(
    session: DB,
    actor: str | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    backfill: Annotated[
        bool | None,
        Query(description="true: only backfill (found late, never alerted); false: only live"),
    ] = None,
) -> list[RecordedChange]:
    """Recorded stance changes, newest first, each with ``kind`` (live or backfill) and the
    ``reason`` it was allowed."""
    return query.changes(session, actor=actor, since=since, limit=limit, backfill=backfill)


@router.get("/changes/{change_id}", response_model=RecordedChange)
def get_change(change_id: ChangeId, session: DB) -> RecordedChange:
    """One recorded change (also a retracted or blocked one) with its reason; 404 if none."""
    found = query.change(session, change_id)
    if found is None:
        raise HTTPException(404, f"no stance change {change_id}")
    return found


@router.get("/articles", response_model=list[ArticleHit])
def search_articles(
    session: DB,
    q: Annotated[str, Query(min_length=1, description="Words that must all appear")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[ArticleHit]:
    """Articles with every word of ``q`` (or a word it starts), most relevant first, then newest."""
    return query.search(session, q, limit)


@router.get("/articles/{article_id}", response_model=ArticleView)
def get_article(article_id: ArticleId, session: DB) -> ArticleView:
    """One article with its statements and their spans in ``title + "\\n\\n" + text``."""
    view = query.article(session, article_id)
    if view is None:
        raise HTTPException(404, f"no article {article_id}")
    return view
