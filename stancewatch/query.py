"""Read what stancewatch stored, for people: the web page and the export share these queries.

Every function takes a session and returns plain dataclasses (FastAPI serialises them and
documents them in the OpenAPI description; templates read their attributes). Nothing here
writes. Queries are portable SQL: they run on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from stancewatch.models import ActorState, Article, Source, StanceChange, Statement


@dataclass
class Evidence:
    """One statement with where it was published: the unit of every timeline."""

    statement_id: int
    actor: str
    stance: str
    confidence: float
    evidence: str
    cue: str
    article_id: int
    title: str
    url: str
    outlet: str
    published_at: datetime


@dataclass
class ActorSummary:
    """An actor's established stance (None when only neutral mentions exist) and its news."""

    actor: str
    stance: str | None
    since: datetime | None
    statements: int
    last: Evidence | None


@dataclass
class Change:
    """A recorded stance change, with the deciding and the replaced evidence."""

    id: int
    actor: str
    old_stance: str
    new_stance: str
    changed_at: datetime
    stories: int
    evidence: str
    previous_evidence: str
    article_id: int | None
    url: str | None
    outlet: str | None


@dataclass
class ArticleHit:
    id: int
    title: str
    url: str
    outlet: str
    published_at: datetime | None
    duplicate_of_id: int | None


@dataclass
class ArticleView:
    """An article with its statements; spans are offsets into :attr:`document`."""

    id: int
    title: str
    text: str
    url: str
    outlet: str
    published_at: datetime | None
    duplicate_of_id: int | None
    statements: list[Evidence] = field(default_factory=list)
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def document(self) -> str:
        """The text statement spans point into (see ``Statement.span_start``)."""
        return self.title + "\n\n" + self.text


def published():  # type: ignore[no-untyped-def]
    """When an article appeared: its published date, else when we fetched it."""
    return func.coalesce(Article.published_at, Article.fetched_at)


def _evidence_query():  # type: ignore[no-untyped-def]
    return (
        select(Statement, Article.title, Article.canonical_url, Source.name, published())
        .join(Article, Article.id == Statement.article_id)
        .join(Source, Source.id == Article.source_id)
    )


def _evidence(row) -> Evidence:  # type: ignore[no-untyped-def]
    st, title, url, outlet, when = row
    return Evidence(
        statement_id=st.id,
        actor=st.actor,
        stance=st.stance,
        confidence=round(st.confidence, 3),
        evidence=st.evidence,
        cue=st.cue,
        article_id=st.article_id,
        title=title,
        url=url,
        outlet=outlet,
        published_at=when,
    )


def find_actor(session: Session, name: str) -> str | None:
    """The stored spelling of ``name`` (any case), or None when no statement names it."""
    wanted = name.strip().lower()
    for column in (Statement.actor, ActorState.actor):
        found = session.scalars(select(column).where(func.lower(column) == wanted).limit(1))
        if (hit := found.first()) is not None:
            return hit
    return None


def actors(session: Session) -> list[ActorSummary]:
    """Every actor that has a statement: current stance, since when, and the latest evidence."""
    counts = dict(
        session.execute(select(Statement.actor, func.count()).group_by(Statement.actor)).all()
    )
    states = {s.actor: s for s in session.scalars(select(ActorState))}
    ranked = (
        select(
            Statement.id,
            func.row_number()
            .over(partition_by=Statement.actor, order_by=(published().desc(), Statement.id.desc()))
            .label("rank"),
        )
        .join(Article, Article.id == Statement.article_id)
        .subquery()
    )
    newest = select(ranked.c.id).where(ranked.c.rank == 1)
    last = {
        ev.actor: ev
        for ev in map(_evidence, session.execute(_evidence_query().where(Statement.id.in_(newest))))
    }
    result = []
    for actor in sorted(set(counts) | set(states), key=str.casefold):
        state = states.get(actor)
        result.append(
            ActorSummary(
                actor=actor,
                stance=state.stance if state else None,
                since=state.since if state else None,
                statements=counts.get(actor, 0),
                last=last.get(actor),
            )
        )
    return result


def statements(session: Session, actor: str, limit: int | None = None) -> list[Evidence]:
    """Every statement of ``actor`` in publication order, with article, outlet and link."""
    query = (
        _evidence_query()
        .where(Statement.actor == actor)
        .order_by(published(), Statement.article_id, Statement.span_start)
    )
    if limit is not None:
        query = query.limit(limit)
    return [_evidence(row) for row in session.execute(query)]


def changes(
    session: Session,
    actor: str | None = None,
    since: datetime | None = None,
    limit: int | None = 50,
) -> list[Change]:
    """Recorded (not retracted) stance changes, newest first."""
    st, art = aliased(Statement), aliased(Article)
    query = (
        select(StanceChange, art.id, art.canonical_url, Source.name)
        .outerjoin(st, st.id == StanceChange.statement_id)
        .outerjoin(art, art.id == st.article_id)
        .outerjoin(Source, Source.id == art.source_id)
        .where(StanceChange.retracted_at.is_(None))
        .order_by(StanceChange.changed_at.desc(), StanceChange.id.desc())
    )
    if actor is not None:
        query = query.where(StanceChange.actor == actor)
    if since is not None:
        query = query.where(StanceChange.changed_at >= since)
    if limit is not None:
        query = query.limit(limit)
    return [
        Change(
            id=ch.id,
            actor=ch.actor,
            old_stance=ch.old_stance,
            new_stance=ch.new_stance,
            changed_at=ch.changed_at,
            stories=ch.stories,
            evidence=ch.evidence,
            previous_evidence=ch.previous_evidence,
            article_id=article_id,
            url=url,
            outlet=outlet,
        )
        for ch, article_id, url, outlet in session.execute(query)
    ]


def article(session: Session, article_id: int) -> ArticleView | None:
    """An article with its statements in text order, or None when there is no such article."""
    row = session.execute(
        select(Article, Source.name)
        .join(Source, Source.id == Article.source_id)
        .where(Article.id == article_id)
    ).first()
    if row is None:
        return None
    art, outlet = row
    found = session.execute(
        _evidence_query().where(Statement.article_id == article_id).order_by(Statement.span_start)
    )
    view = ArticleView(
        id=art.id,
        title=art.title,
        text=art.text,
        url=art.canonical_url,
        outlet=outlet,
        published_at=art.published_at,
        duplicate_of_id=art.duplicate_of_id,
    )
    for ev_row in found:
        view.statements.append(_evidence(ev_row))
        st = ev_row[0]
        view.spans.append((st.span_start, st.span_end, st.stance))
    return view


def search(session: Session, query: str, limit: int = 20) -> list[ArticleHit]:
    """Articles whose title or text contains every word of ``query`` (any case), newest first."""
    words = [w.lower() for w in query.split() if w]
    if not words:
        return []
    conditions = [
        or_(
            func.lower(Article.title).contains(w, autoescape=True),
            func.lower(Article.text).contains(w, autoescape=True),
        )
        for w in words
    ]
    stmt = (
        select(Article, Source.name)
        .join(Source, Source.id == Article.source_id)
        .where(*conditions)
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(limit)
    )
    return [
        ArticleHit(
            id=a.id,
            title=a.title,
            url=a.canonical_url,
            outlet=outlet,
            published_at=a.published_at,
            duplicate_of_id=a.duplicate_of_id,
        )
        for a, outlet in session.execute(stmt)
    ]
