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
  unsent outbox rows are withdrawn by the delivery stage, ``deliver.outbox.withdraw_retracted``;
  sent ones stay as history); it comes back if a later replay finds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from stancewatch.analyze.statements import chunks
from stancewatch.analyze.tracker import POSITIONS, ActorTrack, Change, ChangeRule, Evidence, track
from stancewatch.models import (
    ActorQueue,
    ActorState,
    Article,
    ArticleVersion,
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
    _store_states(session, actors, states, now)
    _reconcile(session, actors, computed, rule, now, summary)
    for part in chunks(sorted(actors)):
        session.execute(delete(ActorQueue).where(ActorQueue.actor.in_(part)))
    return summary


def _store_states(
    session: Session, actors: set[str], states: dict[str, ActorTrack], now: datetime
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
        values = (state.stance, state.since, state.statement)
        if row is None:
            session.add(
                ActorState(
                    actor=actor,
                    stance=state.stance,
                    since=state.since,
                    statement_id=state.statement,
                    updated_at=now,
                )
            )
        elif (row.stance, row.since, row.statement_id) != values:
            row.stance, row.since, row.statement_id, row.updated_at = (*values, now)
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
        _fill(row, change, texts)
        session.flush()
        _link_statements(session, row.id, change.statements)
    leftovers = [row for rows in by_actor.values() for row in rows if row.retracted_at is None]
    for row in leftovers:
        row.retracted_at = now
        summary.changes_retracted += 1
    session.flush()


def _fill(row: StanceChange, change: Change, texts: dict[int, str]) -> None:
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
