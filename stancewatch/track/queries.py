"""Read the analyze stage's tables for people: an actor's timeline, the recorded changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from stancewatch.errors import BadDateError, UnknownActorError
from stancewatch.models import Article, Source, StanceChange, Statement


def parse_day(option: str, value: str | None, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` (or an ISO timestamp) as UTC; an ``end`` date includes its whole day."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadDateError(option, value) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if end and len(value.strip()) <= 10:
        parsed += timedelta(days=1)
    return parsed


def resolve_actor(session: Session, name: str, actors: list[Any] | None) -> str:
    """The canonical name for ``name``: a canonical name or alias, any case, else an error."""
    wanted = name.strip().casefold()
    for actor in actors or []:
        names = [actor.name, *getattr(actor, "aliases", ())]
        if any(str(n).casefold() == wanted for n in names):
            return str(actor.name)
    stored = session.scalars(
        select(Statement.actor).where(func.lower(Statement.actor) == wanted).limit(1)
    ).first()
    if stored is None:
        stored = session.scalars(
            select(StanceChange.actor).where(func.lower(StanceChange.actor) == wanted).limit(1)
        ).first()
    if stored is None:
        raise UnknownActorError(name)
    return stored


def _published():  # type: ignore[no-untyped-def]
    return func.coalesce(Article.published_at, Article.fetched_at)


def _between(query: Select, column, since: datetime | None, until: datetime | None) -> Select:  # type: ignore[no-untyped-def]
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


def history(
    session: Session, actor: str, since: datetime | None = None, until: datetime | None = None
) -> list[dict[str, Any]]:
    """Every statement of ``actor`` in publication order, with its outlet and link."""
    query = (
        select(Statement, Article, Source.name)
        .join(Article, Article.id == Statement.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(Statement.actor == actor)
        .order_by(_published(), Article.id, Statement.span_start)
    )
    query = _between(query, _published(), since, until)
    rows = []
    for st, art, outlet in session.execute(query):
        rows.append(
            {
                "date": (art.published_at or art.fetched_at).isoformat(),
                "actor": st.actor,
                "stance": st.stance,
                "confidence": round(st.confidence, 3),
                "outlet": outlet,
                "evidence": st.evidence,
                "url": art.canonical_url or art.url,
                "cue": st.cue,
                "statement_id": st.id,
                "article_id": art.id,
            }
        )
    return rows


def changes(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    include_retracted: bool = False,
) -> list[dict[str, Any]]:
    """Recorded stance changes in time order, with the deciding and the replaced evidence."""
    new_st, old_st = aliased(Statement), aliased(Statement)
    new_art, old_art = aliased(Article), aliased(Article)
    query = (
        select(StanceChange, new_art.canonical_url, old_art.canonical_url, Source.name)
        .outerjoin(new_st, new_st.id == StanceChange.statement_id)
        .outerjoin(new_art, new_art.id == new_st.article_id)
        .outerjoin(Source, Source.id == new_art.source_id)
        .outerjoin(old_st, old_st.id == StanceChange.previous_statement_id)
        .outerjoin(old_art, old_art.id == old_st.article_id)
        .order_by(StanceChange.changed_at, StanceChange.id)
    )
    query = _between(query, StanceChange.changed_at, since, until)
    if actor is not None:
        query = query.where(StanceChange.actor == actor)
    if not include_retracted:
        query = query.where(StanceChange.retracted_at.is_(None))
    return [
        {
            "id": ch.id,
            "changed_at": ch.changed_at.isoformat(),
            "actor": ch.actor,
            "old_stance": ch.old_stance,
            "new_stance": ch.new_stance,
            "stories": ch.stories,
            "outlet": outlet,
            "evidence": ch.evidence,
            "url": url,
            "previous_evidence": ch.previous_evidence,
            "previous_url": previous_url,
            "retracted_at": ch.retracted_at.isoformat() if ch.retracted_at else None,
        }
        for ch, url, previous_url, outlet in session.execute(query)
    ]
