"""Read what stancewatch stored, for people: the CLI, the web page and the export share these.

Every function takes a session and returns plain dataclasses (FastAPI serialises them and
documents them in the OpenAPI description; templates read their attributes). Nothing here
writes. Queries are portable SQL: they run on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from stancewatch.errors import BadDateError, SearchTooLongError, UnknownActorError
from stancewatch.models import ActorState, Article, Source, StanceChange, Statement


@dataclass
class TimelineEntry:
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
    last: TimelineEntry | None


@dataclass
class RecordedChange:
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
    previous_url: str | None = None
    retracted_at: datetime | None = None

    def as_row(self) -> dict[str, Any]:
        """The plain row the CLI prints and ``changes --format json`` emits."""
        return {
            "id": self.id,
            "changed_at": self.changed_at.isoformat(),
            "actor": self.actor,
            "old_stance": self.old_stance,
            "new_stance": self.new_stance,
            "stories": self.stories,
            "outlet": self.outlet,
            "evidence": self.evidence,
            "url": self.url,
            "previous_evidence": self.previous_evidence,
            "previous_url": self.previous_url,
            "retracted_at": self.retracted_at.isoformat() if self.retracted_at else None,
        }


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
    statements: list[TimelineEntry] = field(default_factory=list)
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


def _evidence(row) -> TimelineEntry:  # type: ignore[no-untyped-def]
    st, title, url, outlet, when = row
    return TimelineEntry(
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


def statements(session: Session, actor: str, limit: int | None = None) -> list[TimelineEntry]:
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
    until: datetime | None = None,
    limit: int | None = 50,
    *,
    oldest_first: bool = False,
    include_retracted: bool = False,
) -> list[RecordedChange]:
    """Recorded stance changes (not retracted ones unless asked), newest first unless
    ``oldest_first``, with the deciding and the replaced evidence."""
    new_st, old_st = aliased(Statement), aliased(Statement)
    new_art, old_art = aliased(Article), aliased(Article)
    query = (
        select(StanceChange, new_art.id, new_art.canonical_url, old_art.canonical_url, Source.name)
        .outerjoin(new_st, new_st.id == StanceChange.statement_id)
        .outerjoin(new_art, new_art.id == new_st.article_id)
        .outerjoin(Source, Source.id == new_art.source_id)
        .outerjoin(old_st, old_st.id == StanceChange.previous_statement_id)
        .outerjoin(old_art, old_art.id == old_st.article_id)
    )
    if oldest_first:
        query = query.order_by(StanceChange.changed_at, StanceChange.id)
    else:
        query = query.order_by(StanceChange.changed_at.desc(), StanceChange.id.desc())
    query = between(query, StanceChange.changed_at, since, until)
    if actor is not None:
        query = query.where(StanceChange.actor == actor)
    if not include_retracted:
        query = query.where(StanceChange.retracted_at.is_(None))
    if limit is not None:
        query = query.limit(limit)
    return [
        RecordedChange(
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
            previous_url=previous_url,
            retracted_at=ch.retracted_at,
        )
        for ch, article_id, url, previous_url, outlet in session.execute(query)
    ]


def change_rows(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    include_retracted: bool = False,
) -> list[dict[str, Any]]:
    """Every recorded change in time order as plain rows (the CLI's ``changes``)."""
    found = changes(
        session, actor, since, until, None, oldest_first=True, include_retracted=include_retracted
    )
    return [c.as_row() for c in found]


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


#: Words one search may hold: each is a condition, and SQLite refuses a query whose expression
#: tree is deeper than 1,000 (about 500 words); nobody types 32 words into a search box.
MAX_SEARCH_WORDS = 32


def search_words(query: str) -> list[str]:
    """The words of ``query``, lower-cased; more than :data:`MAX_SEARCH_WORDS` is an error."""
    words = [w.lower() for w in query.split() if w]
    if len(words) > MAX_SEARCH_WORDS:
        raise SearchTooLongError(len(words), MAX_SEARCH_WORDS)
    return words


def search(session: Session, query: str, limit: int = 20) -> list[ArticleHit]:
    """Articles whose title or text contains every word of ``query`` (any case), newest first."""
    words = search_words(query)
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


# The command line's timeline: dates as typed, actors by any of their names.


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
    """The canonical name for ``name``: a canonical name, alias or metonym ("Kremlin"), any
    case; else a name found in the statements; else an error."""
    wanted = name.strip().casefold()
    for actor in actors or []:
        if str(actor.name).casefold() == wanted:
            return str(actor.name)
    stored = session.scalars(
        select(Statement.actor).where(func.lower(Statement.actor) == wanted).limit(1)
    ).first()
    if stored is None:
        stored = session.scalars(
            select(StanceChange.actor).where(func.lower(StanceChange.actor) == wanted).limit(1)
        ).first()
    if stored is not None:
        return stored
    for actor in actors or []:
        names = [*getattr(actor, "aliases", ()), *getattr(actor, "metonyms", ())]
        if any(str(n).rstrip("*").casefold() == wanted for n in names):
            return str(actor.name)
    raise UnknownActorError(name)


def between(query: Select, column: Any, since: datetime | None, until: datetime | None) -> Select:
    """``query`` limited to ``since <= column < until`` (either end open)."""
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
        .order_by(published(), Article.id, Statement.span_start)
    )
    query = between(query, published(), since, until)
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
