"""Read what stancewatch stored, for people: the CLI, the web page and the export share these.

Every function takes a session and returns plain dataclasses (FastAPI serialises them and
documents them in the OpenAPI description; templates read their attributes). Nothing here
writes. Queries are portable SQL: they run on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Float, Integer, Select, func, literal_column, select, text
from sqlalchemy.orm import Session, aliased

from stancewatch.actors import ActorNames
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
    #: Evidence of the other stance building up below the change rule's threshold:
    #: "support: 1 of 2 stories in 7 days (latest 2026-01-06)"; None when nothing is pending.
    building: str | None = None


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
    #: Decided by coverage found late (history only, never alerted).
    backfill: bool = False
    #: A late article that would have flipped a live stance: recorded, not applied.
    blocked: bool = False
    #: Why it was allowed: rule, stories and outlets, pending evidence (``StanceChange.reason``).
    reason: dict[str, Any] | None = None
    #: live | backfill | blocked: how the table, the pages and the API mark it (derived).
    kind: str = ""

    def __post_init__(self) -> None:
        self.kind = "blocked" if self.blocked else "backfill" if self.backfill else "live"

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
            "kind": self.kind,
            "backfill": self.backfill,
            "blocked": self.blocked,
            "reason": self.reason,
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
                building=building_up(state.pending) if state else None,
            )
        )
    return result


def building_up(pending: dict[str, Any] | None) -> str | None:
    """``ActorState.pending`` in words: "support: 1 of 2 stories in 7 days (latest …)"."""
    if not pending:
        return None
    stories, needed = int(pending["stories"]), int(pending["needed"])
    text = (
        f"{pending['stance']}: {stories} of {needed} stor{'y' if needed == 1 else 'ies'}"
        f" in {pending['window_days']} days (latest {str(pending['last'])[:10]})"
    )
    if pending.get("held_until"):
        text += (
            f"; held until {str(pending['held_until'])[:10]}:"
            f" at most one change per {pending['window_days']} days"
        )
    return text


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
    backfill: bool | None = None,
    include_blocked: bool = False,
    change_id: int | None = None,
) -> list[RecordedChange]:
    """Recorded stance changes (not retracted or blocked ones unless asked), newest first
    unless ``oldest_first``, with the deciding and the replaced evidence; ``backfill`` True or
    False keeps only backfill or only live ones."""
    new_st, old_st = aliased(Statement), aliased(Statement)
    new_art, old_art = aliased(Article), aliased(Article)
    query = (
        select(
            StanceChange,
            new_art.id,
            new_art.canonical_url,
            old_art.canonical_url,
            Source.name,
        )
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
    if not include_blocked:
        query = query.where(StanceChange.blocked.is_(False))
    if backfill is not None:
        query = query.where(StanceChange.backfill.is_(backfill))
    if change_id is not None:
        query = query.where(StanceChange.id == change_id)
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
            backfill=ch.backfill,
            blocked=ch.blocked,
            reason=ch.reason,
        )
        for ch, article_id, url, previous_url, outlet in session.execute(query)
    ]


def change(session: Session, change_id: int) -> RecordedChange | None:
    """One recorded change, whatever became of it (retracted, blocked), or None."""
    found = changes(
        session, limit=1, include_retracted=True, include_blocked=True, change_id=change_id
    )
    return found[0] if found else None


def event_members(session: Session, found: RecordedChange) -> list[str]:
    """The other actors the same evidence changed (a person and the country they speak for)."""
    key = session.scalar(select(StanceChange.event_key).where(StanceChange.id == found.id))
    if not key:
        return []
    query = select(StanceChange.actor).where(
        StanceChange.event_key == key,
        StanceChange.id != found.id,
        StanceChange.retracted_at.is_(None),
        StanceChange.blocked.is_(False),
    )
    return list(session.scalars(query.order_by(StanceChange.id)))


def change_rows(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    include_retracted: bool = False,
    backfill: bool | None = None,
) -> list[dict[str, Any]]:
    """Every recorded change in time order as plain rows (the CLI's ``changes``); ``--all``
    adds the retracted and the blocked ones."""
    found = changes(
        session,
        actor,
        since,
        until,
        None,
        oldest_first=True,
        include_retracted=include_retracted,
        backfill=backfill,
        include_blocked=include_retracted,
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


#: A word of a search query: letters and digits of any alphabet (the indexes split the same way).
_WORD = re.compile(r"\w+")


#: Words one search may hold: each is a condition, and SQLite refuses a query whose expression
#: tree is deeper than 1,000 (about 500 words); nobody types 32 words into a search box.
MAX_SEARCH_WORDS = 32


def search_terms(query: str) -> list[str]:
    """The words of ``query``, case-folded; punctuation and operators are dropped, so a query
    is never read as FTS5 or tsquery syntax; more than :data:`MAX_SEARCH_WORDS` is an error.

    The query is NFC-normalised first: a letter typed as base + combining mark ("a" + U+0301)
    is one letter of a word ("á"), not a mark splitting the word in two."""
    terms = _WORD.findall(unicodedata.normalize("NFC", query).casefold())
    if len(terms) > MAX_SEARCH_WORDS:
        raise SearchTooLongError(len(terms), MAX_SEARCH_WORDS)
    return terms


def _ranked_sqlite(terms: list[str]) -> Any:
    """Matching article ids with their FTS5 BM25 score (lower is better; titles weigh 4x)."""
    match = " ".join(f'"{t}"*' for t in terms)  # every word, each as a prefix: "zelensk*"
    return (
        text(
            "SELECT rowid AS article_id, bm25(articles_fts, 4.0, 1.0) AS score "
            "FROM articles_fts WHERE articles_fts MATCH :match"
        )
        .bindparams(match=match)
        .columns(article_id=Integer, score=Float)
        .subquery("hits")
    )


def _ranked_postgres(terms: list[str]) -> Any:
    """Matching article ids with minus their ``ts_rank``, so both databases sort ascending;
    the query's diacritics folded as the index's are ("orbán" finds "Orban" and back)."""
    # migration 0006's function, which ``search_vector`` is built through too; in a scalar
    # subquery (an InitPlan) it runs once per search, not once per row under a generic plan
    folded = func.stancewatch_fold_diacritics(" & ".join(f"{t}:*" for t in terms))
    tsquery = select(func.to_tsquery("simple", folded)).scalar_subquery()
    vector: Any = literal_column("articles.search_vector")  # migration 0003, not a model column
    return (
        select(Article.id.label("article_id"), (-func.ts_rank(vector, tsquery)).label("score"))
        .where(vector.op("@@")(tsquery))
        .subquery("hits")
    )


def search_matches(dialect: str, terms: list[str]) -> Any:
    """A subquery of (``article_id``, ``score``) for the articles with every term; a lower
    score is more relevant, on both databases."""
    return _ranked_postgres(terms) if dialect == "postgresql" else _ranked_sqlite(terms)


def search(session: Session, query: str, limit: int = 20) -> list[ArticleHit]:
    """Articles whose title or text has every word of ``query`` (as a word or the start of one,
    any case, any alphabet), most relevant first, then newest.

    Uses the full-text index of migration 0003: FTS5 on SQLite, ``search_vector`` on PostgreSQL
    (its diacritics folded like FTS5's since migration 0006).
    """
    terms = search_terms(query)
    if not terms:
        return []
    hits = search_matches(session.get_bind().dialect.name, terms)
    # Rank ids first, then load only the rows shown: sorting every match with its text
    # would read each matching article whole (most of them, for "NATO").
    ranked = (
        select(Article.id)
        .join(hits, hits.c.article_id == Article.id)
        .order_by(hits.c.score, Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(limit)
    )
    ids = list(session.scalars(ranked))
    found = {
        a.id: ArticleHit(
            id=a.id,
            title=a.title,
            url=a.canonical_url,
            outlet=outlet,
            published_at=a.published_at,
            duplicate_of_id=a.duplicate_of_id,
        )
        for a, outlet in session.execute(
            select(Article, Source.name)
            .join(Source, Source.id == Article.source_id)
            .where(Article.id.in_(ids))
        )
    }
    return [found[i] for i in ids]


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


#: How many close names an unknown-actor error suggests.
SUGGESTIONS = 3


def stored_actors(session: Session) -> list[str]:
    """Every actor name the history holds (statements, states, changes), as stored."""
    found: set[str] = set()
    for column in (Statement.actor, ActorState.actor, StanceChange.actor):
        found.update(session.scalars(select(column).distinct()))
    return sorted(found, key=str.casefold)


def resolve_actor(session: Session, name: str, names: ActorNames | None) -> str:
    """The canonical name for ``name``: one resolver for the CLI, the export and the web.

    In order: a configured canonical name; a name stored in the history; any other name of a
    configured actor (``ActorNames``: an alias or metonym, "Zelensky", "Зеленський", "Kremlin",
    the same without accents, "Orban"); all in any case. Else an
    :class:`UnknownActorError` that suggests the closest names. ``names`` is built once by
    the caller (the web app keeps one).
    """
    wanted = " ".join(name.split()).casefold()
    names = names or ActorNames(())
    configured = list(names.actors)
    for actor in configured:
        if str(actor.name).casefold() == wanted:
            return str(actor.name)
    stored = stored_actors(session)
    for stored_name in stored:
        if stored_name.casefold() == wanted:
            return stored_name
    found = names.resolve(name)
    if found is not None:
        return found
    raise UnknownActorError(name, closest_actors(wanted, configured, stored))


def _other_names(actor: Any) -> list[str]:
    return [*getattr(actor, "aliases", ()), *getattr(actor, "metonyms", ())]


def closest_actors(wanted: str, actors: list[Any], stored: list[str]) -> list[str]:
    """Up to :data:`SUGGESTIONS` canonical names spelled most like ``wanted`` (case-folded)."""
    spellings: dict[str, str] = {}
    for actor in actors:
        for spelling in (actor.name, *_other_names(actor)):
            spellings.setdefault(str(spelling).rstrip("*").casefold(), str(actor.name))
    for stored_name in stored:
        spellings.setdefault(stored_name.casefold(), stored_name)
    close = difflib.get_close_matches(wanted, list(spellings), n=SUGGESTIONS * 3, cutoff=0.6)
    found = [spellings[c] for c in close]
    found += [canonical for spelling, canonical in spellings.items() if len(wanted) >= 3
              and wanted in spelling]  # fmt: skip
    return list(dict.fromkeys(found))[:SUGGESTIONS]


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
    decided = _decided(session, actor)
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
                "change": decided.get(st.id),
            }
        )
    return rows


def _decided(session: Session, actor: str) -> dict[int, str]:
    """The changes each statement of ``actor`` decided, as the history shows them:
    "support → oppose (live)", "(backfill)", or "(blocked)" for a late article kept from
    flipping a live stance."""
    query = select(StanceChange).where(
        StanceChange.actor == actor,
        StanceChange.retracted_at.is_(None),
        StanceChange.statement_id.is_not(None),
    )
    found: dict[int, str] = {}
    for ch in session.scalars(query):
        kind = "blocked" if ch.blocked else "backfill" if ch.backfill else "live"
        assert ch.statement_id is not None
        found[ch.statement_id] = f"{ch.old_stance} → {ch.new_stance} ({kind})"
    return found
