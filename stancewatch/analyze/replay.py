"""Replay queued actors' statements through the tracker and store states and changes.

A replay reads every support/oppose statement of an actor in publication order, so
incremental ``analyze`` and a full ``restance`` compute states and changes the same way.
Stored changes are reconciled, never blindly rewritten, so no alert is sent twice:

* a computed change with the key of a stored one (actor, new stance, ``changed_at``) keeps
  the stored row and its id (its outbox rows stay as they are); evidence links are refreshed;
* otherwise a stored change of the same actor and direction less than one window away is the
  same change seen with earlier evidence (out-of-order arrival): it is moved, not re-alerted;
* a computed change matching nothing is new (the delivery stage alerts it);
* a stored change that is no longer computed is *retracted* (``retracted_at`` set, its unsent
  outbox rows are withdrawn by the delivery stage, ``deliver.outbox.withdraw_retracted``;
  sent ones stay as history); it comes back if a later replay finds it.

Every change is stored with ``backfill`` (history only, never alerted), ``event_key`` (the
sentence that decided it, shared by a person and the country they speak for) and ``reason``
(the rule that allowed it, the stories and outlets behind it, the evidence pending against the
old stance). Late statements that would have flipped a live stance are stored too, ``blocked``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from stancewatch.analyze.statements import chunks
from stancewatch.analyze.tracker import (
    POSITIONS,
    ActorTrack,
    Change,
    ChangeRule,
    Evidence,
    pending_summary,
    track,
)
from stancewatch.models import (
    ActorQueue,
    ActorState,
    Article,
    ArticleVersion,
    Source,
    StanceChange,
    Statement,
    stance_change_statements,
    utcnow,
)


@dataclass
class ReplaySummary:
    actors: int = 0
    changes_new: int = 0
    changes_kept: int = 0
    changes_moved: int = 0
    changes_retracted: int = 0
    changes_backfill: int = 0
    changes_blocked: int = 0


def queued_actors(session: Session) -> set[str]:
    return set(session.scalars(select(ActorQueue.actor)))


def iter_evidence(
    session: Session, actors: set[str] | None
) -> Iterator[tuple[str, list[Evidence]]]:
    """Yield ``(actor, evidence)`` per actor, streaming so memory holds one actor at a time."""
    # An outlet's update of an article must not make its evidence look late: an article is
    # known from its first fetch, which the oldest stored version remembers.
    first_fetch = (
        select(ArticleVersion.article_id, func.min(ArticleVersion.fetched_at).label("first"))
        .group_by(ArticleVersion.article_id)
        .subquery()
    )
    query = (
        select(
            Statement.id,
            Statement.actor,
            Statement.stance,
            Statement.confidence,
            Statement.span_start,
            Statement.span_end,
            Statement.article_id,
            Article.published_at,
            Article.fetched_at,
            Article.duplicate_of_id,
            first_fetch.c.first,
        )
        .join(Article, Article.id == Statement.article_id)
        .outerjoin(first_fetch, first_fetch.c.article_id == Article.id)
        .where(Statement.stance.in_(POSITIONS))
        .order_by(Statement.actor)
        .execution_options(yield_per=5000)
    )
    if actors is not None and len(actors) <= 500:
        query = query.where(Statement.actor.in_(sorted(actors)))
    current: str | None = None
    batch: list[Evidence] = []
    for row in session.execute(query):
        if actors is not None and row.actor not in actors:
            continue
        if row.actor != current:
            if current is not None:
                yield current, batch
            current, batch = row.actor, []
        fetched = min(row.fetched_at, _aware(row.first)) if row.first else row.fetched_at
        published = row.published_at or fetched
        batch.append(
            Evidence(
                ref=row.id,
                actor=row.actor,
                stance=row.stance,
                confidence=row.confidence,
                published=published,
                known_at=max(fetched, published),
                story=row.duplicate_of_id or row.article_id,
                order=(row.article_id, row.span_start),
                article=row.article_id,
                span=(row.span_start, row.span_end),
            )
        )
    if current is not None:
        yield current, batch


def _aware(value: datetime) -> datetime:
    """A raw aggregate skips the UTC column type: SQLite gives a string, both may be naive."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def replay(
    session: Session, rule: ChangeRule, actors: set[str] | None = None, now: datetime | None = None
) -> ReplaySummary:
    """Replay ``actors`` (default: the queue) and store their states and changes."""
    now = now or utcnow()
    if actors is None:
        actors = queued_actors(session)
    summary = ReplaySummary(actors=len(actors))
    if not actors:
        return summary
    states: dict[str, ActorTrack] = {}
    computed: list[Change] = []
    for _actor, evidence in iter_evidence(session, actors):
        result = track(evidence, rule)
        states.update(result.states)
        computed.extend(result.changes)
        computed.extend(result.blocked)
    summary.changes_backfill = sum(c.backfill and not c.blocked for c in computed)
    summary.changes_blocked = sum(c.blocked for c in computed)
    _store_states(session, actors, states, rule, now)
    _reconcile(session, actors, computed, rule, now, summary)
    for part in chunks(sorted(actors)):
        session.execute(delete(ActorQueue).where(ActorQueue.actor.in_(part)))
    return summary


def _store_states(
    session: Session,
    actors: set[str],
    states: dict[str, ActorTrack],
    rule: ChangeRule,
    now: datetime,
) -> None:
    """Write changed states only, so an unchanged replay leaves the rows as they were."""
    stored = {
        s.actor: s
        for part in chunks(sorted(actors))
        for s in session.scalars(select(ActorState).where(ActorState.actor.in_(part)))
    }
    for actor in actors:
        state, row = states.get(actor), stored.get(actor)
        if state is None or state.stance is None:
            if row is not None:
                session.delete(row)
            continue
        assert state.since is not None
        pending = pending_summary(state, rule)
        values = (state.stance, state.since, state.statement, pending)
        if row is None:
            session.add(
                ActorState(
                    actor=actor,
                    stance=state.stance,
                    since=state.since,
                    statement_id=state.statement,
                    pending=pending,
                    updated_at=now,
                )
            )
        elif (row.stance, row.since, row.statement_id, row.pending) != values:
            row.stance, row.since, row.statement_id, row.pending, row.updated_at = (*values, now)
    session.flush()


def _evidence_texts(session: Session, changes: list[Change]) -> dict[int, str]:
    ids = sorted({c.statement for c in changes} | {c.previous_statement or 0 for c in changes})
    texts: dict[int, str] = {}
    for part in chunks(ids):
        query = select(Statement.id, Statement.evidence).where(Statement.id.in_(part))
        for statement_id, evidence in session.execute(query):
            texts[statement_id] = evidence
    return texts


def _match(stored: list[StanceChange], change: Change, rule: ChangeRule) -> StanceChange | None:
    """The stored row that is this change: same key, else the nearest same-direction one."""
    for row in stored:
        if row.new_stance == change.new_stance and row.changed_at == change.changed_at:
            return row
    near = [
        row
        for row in stored
        if row.retracted_at is None
        and row.blocked == change.blocked
        and (row.old_stance, row.new_stance) == (change.old_stance, change.new_stance)
        and abs(row.changed_at - change.changed_at) < rule.window
    ]
    return min(near, key=lambda r: abs(r.changed_at - change.changed_at), default=None)


def _reconcile(
    session: Session,
    actors: set[str],
    computed: list[Change],
    rule: ChangeRule,
    now: datetime,
    summary: ReplaySummary,
) -> None:
    stored = [
        c
        for part in chunks(sorted(actors))
        for c in session.scalars(
            select(StanceChange).where(StanceChange.actor.in_(part)).order_by(StanceChange.id)
        )
    ]
    by_actor: dict[str, list[StanceChange]] = {}
    for row in stored:
        by_actor.setdefault(row.actor, []).append(row)
    texts = _evidence_texts(session, computed)
    sources = _article_sources(session, computed)
    # Exact matches first, so a moved match never steals another change's exact row.
    exact_first = sorted(computed, key=lambda c: _match(by_actor.get(c.actor, []), c, rule) is None)
    for change in exact_first:
        candidates = by_actor.get(change.actor, [])
        found = _match(candidates, change, rule)
        if found is None:
            row = StanceChange(actor=change.actor, recorded_at=now)
            session.add(row)
            summary.changes_new += 1
        else:
            row = found
            candidates.remove(row)
            moved = row.changed_at != change.changed_at
            summary.changes_moved += moved
            summary.changes_kept += not moved
        _fill(row, change, texts, reason(change, rule, sources))
        session.flush()
        _link_statements(session, row.id, change.statements)
    leftovers = [row for rows in by_actor.values() for row in rows if row.retracted_at is None]
    for row in leftovers:
        row.retracted_at = now
        summary.changes_retracted += 1
    session.flush()


#: Pending statements listed in a change's reason; the count says how many there were.
MAX_PENDING_LISTED = 20


def _article_sources(session: Session, changes: list[Change]) -> dict[int, tuple[str, str]]:
    """(outlet, link) of every article a change's reason names."""
    ids = sorted({p.article for c in changes for p in (*c.pending, *c.decisive)})
    found: dict[int, tuple[str, str]] = {}
    for part in chunks(ids):
        query = (
            select(Article.id, Source.name, Article.canonical_url, Article.url)
            .join(Source, Source.id == Article.source_id)
            .where(Article.id.in_(part))
        )
        for article_id, outlet, canonical, url in session.execute(query):
            found[article_id] = (outlet, canonical or url or "")
    return found


def _reason_item(ev: Evidence, sources: dict[int, tuple[str, str]]) -> dict:
    outlet, url = sources.get(ev.article, ("", ""))
    return {
        "article_id": ev.article,
        "outlet": outlet,
        "url": url,
        "published_at": ev.published.isoformat(),
        "confidence": round(ev.confidence, 3),
    }


def reason(change: Change, rule: ChangeRule, sources: dict[int, tuple[str, str]]) -> dict:
    """Why ``change`` was allowed, in plain data: the rule with its thresholds, the stories
    and outlets behind it, and the evidence that was pending against the old stance.

    Article ids, not statement ids, so that a ``restance`` (which may renumber statements)
    stores the same reason."""
    if change.rule == "confidence":
        text = f"one statement of confidence ≥ {rule.confidence:g}"
    else:
        text = f"{rule.min_stories} distinct stories within {rule.window.days} days"
    return {
        "rule": change.rule,
        "text": text,
        "confidence": rule.confidence,
        "min_stories": rule.min_stories,
        "window_days": rule.window.days,
        "stories": [_reason_item(ev, sources) for ev in change.decisive],
        "pending_count": len(change.pending),
        "pending_stories": len({p.story for p in change.pending}),
        "pending": [_reason_item(ev, sources) for ev in change.pending[-MAX_PENDING_LISTED:]],
    }


def _fill(row: StanceChange, change: Change, texts: dict[int, str], why: dict) -> None:
    """Set the row's fields from the computed change, touching only what differs."""
    values = {
        "old_stance": change.old_stance,
        "new_stance": change.new_stance,
        "changed_at": change.changed_at,
        "statement_id": change.statement,
        "previous_statement_id": change.previous_statement,
        "stories": change.stories,
        "evidence": texts.get(change.statement, ""),
        "previous_evidence": texts.get(change.previous_statement or 0, ""),
        "retracted_at": None,
        "backfill": change.backfill,
        "blocked": change.blocked,
        "event_key": change.event_key,
        "reason": why,
    }
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _link_statements(session: Session, change_id: int, statement_ids: tuple) -> None:
    table = stance_change_statements
    have = set(session.scalars(select(table.c.statement_id).where(table.c.change_id == change_id)))
    want = set(statement_ids)
    if have - want:
        session.execute(
            delete(table).where(
                table.c.change_id == change_id, table.c.statement_id.in_(have - want)
            )
        )
    if want - have:
        session.execute(
            insert(table),
            [{"change_id": change_id, "statement_id": s} for s in sorted(want - have)],
        )
