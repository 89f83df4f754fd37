"""The analyze stage: stored articles -> statements -> actor states and stance changes.

``analyze_pending`` is what ``stancewatch analyze``, ``crawl`` and the scheduler call;
``reanalyze_all`` (``stancewatch restance``) recomputes everything after the actors or the rules
changed. Both end with the same replay of the touched actors, so they agree on states and changes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.actors import Actor, load_actors
from stancewatch.analyze.pool import PooledAnalyzer
from stancewatch.analyze.replay import replay
from stancewatch.analyze.statements import Analyzer, analyze_batch, queue_actors
from stancewatch.analyze.tracker import ChangeRule
from stancewatch.db import session_scope
from stancewatch.errors import ConfigError
from stancewatch.models import ActorState, Article, StanceChange, Statement
from stancewatch.settings import Settings

log = logging.getLogger(__name__)

#: Articles per transaction: large enough for fast bulk writes, small enough to lose little.
BATCH_SIZE = 200
#: Articles one ``analyze --worker`` claims at a time: small, so several workers share a
#: backlog evenly (each claim is one transaction with FOR UPDATE SKIP LOCKED).
WORKER_BATCH_SIZE = 20
#: PostgreSQL advisory lock key of the replay (``stancewatch`` in ASCII, as a number).
REPLAY_LOCK_KEY = 0x7374616E6365


@dataclass
class AnalyzeSummary:
    """What one run did; printed by the CLI and returned to the scheduler."""

    articles: int = 0
    articles_changed: int = 0
    statements_written: int = 0
    errors: int = 0
    actors_replayed: int = 0
    changes_new: int = 0
    changes_kept: int = 0
    changes_moved: int = 0
    changes_retracted: int = 0
    #: Of the changes computed: history only (found late), and late articles kept from
    #: flipping a live stance.
    changes_backfill: int = 0
    changes_blocked: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def make_stance_engine(settings: Settings, actors: list[Actor] | None = None) -> Analyzer:
    """The stance engine over ``actors``, else the configured ones (packaged, or
    ``settings.actors``)."""
    from stancewatch.stance.engine import StanceEngine

    return StanceEngine(load_actors(settings.actors) if actors is None else actors)


def analyze_pending(
    settings: Settings,
    session_factory: sessionmaker[Session],
    engine: Analyzer | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    limit: int | None = None,
    workers: int = 0,
) -> AnalyzeSummary:
    """Analyse articles with ``analyzed_at`` NULL, then replay the actors they touched.

    ``limit`` stops after that many articles (the rest stays pending for the next run);
    ``workers`` > 1 runs the engine in that many processes (when ``engine`` is not given).
    """
    if engine is None and workers > 1:
        with PooledAnalyzer(settings, workers) as pooled:
            return analyze_pending(
                settings, session_factory, pooled, batch_size=batch_size, limit=limit
            )
    started = time.perf_counter()
    analyzer = engine if engine is not None else make_stance_engine(settings)
    summary = AnalyzeSummary()
    last_id = 0
    while limit is None or summary.articles < limit:
        size = batch_size if limit is None else min(batch_size, limit - summary.articles)
        with session_scope(session_factory) as session:
            ids = list(
                session.scalars(
                    select(Article.id)
                    .where(Article.analyzed_at.is_(None), Article.id > last_id)
                    .order_by(Article.id)
                    .limit(size)
                    # PostgreSQL: a concurrent analyze skips the rows this one works on.
                    .with_for_update(skip_locked=True)
                )
            )
            if not ids:
                break
            result = analyze_batch(session, analyzer, ids)
        last_id = ids[-1]
        summary.articles += result.articles
        summary.articles_changed += result.changed
        summary.statements_written += result.statements
        summary.errors += result.errors
        log.debug("analysed %d articles up to id %d", summary.articles, last_id)
    _replay_queue(settings, session_factory, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _replay_queue(
    settings: Settings, session_factory: sessionmaker[Session], summary: AnalyzeSummary
) -> None:
    with session_scope(session_factory) as session:
        # Replays take turns: two at once (two sources' crawls finishing together, analysis
        # workers on several hosts) would both record an actor's change, or both insert its
        # first state. PostgreSQL: an advisory lock; SQLite: the database's write lock, taken
        # before the replay reads (a deferred transaction reads an actor's state as missing,
        # then its insert fails once the other replay has committed one).
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REPLAY_LOCK_KEY})
        elif dialect == "sqlite":
            session.execute(text("BEGIN IMMEDIATE"))
        result = replay(session, ChangeRule.from_settings(settings))
    summary.actors_replayed = result.actors
    summary.changes_new = result.changes_new
    summary.changes_kept = result.changes_kept
    summary.changes_moved = result.changes_moved
    summary.changes_retracted = result.changes_retracted
    summary.changes_backfill = result.changes_backfill
    summary.changes_blocked = result.changes_blocked


def run_analyze_worker(
    settings: Settings,
    session_factory: sessionmaker[Session],
    stop: threading.Event,
    *,
    idle_exit: float | None = None,
    engine: Analyzer | None = None,
    after_batch: Callable[[], None] | None = None,
) -> AnalyzeSummary:
    """``analyze --worker``: claim and analyse pending articles until ``stop`` is set or
    nothing was pending for ``idle_exit`` seconds.

    Any number of these run side by side on PostgreSQL: each claim is ``FOR UPDATE SKIP
    LOCKED`` and marks its articles analysed in the same transaction, so no article is
    analysed twice; replays take turns on an advisory lock. ``after_batch`` runs after each
    pass that analysed something (the flow withdraws retracted changes' alerts there).
    """
    if session_factory.kw["bind"].dialect.name != "postgresql":
        raise ConfigError(
            "analyze --worker needs PostgreSQL (workers claim rows with FOR UPDATE SKIP LOCKED)"
        )
    analyzer = engine if engine is not None else make_stance_engine(settings)
    total = AnalyzeSummary()
    idle_since = time.monotonic()
    poll = settings.analyze_worker_poll
    log.info("analyze worker ready")
    while not stop.is_set():
        done = analyze_pending(settings, session_factory, analyzer, batch_size=WORKER_BATCH_SIZE)
        _add_counts(total, done)
        if done.articles:
            idle_since = time.monotonic()
            if after_batch is not None:
                after_batch()
        elif idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
            break
        else:
            stop.wait(poll if idle_exit is None else min(poll, idle_exit))
    return total


def _add_counts(total: AnalyzeSummary, part: AnalyzeSummary) -> None:
    for key, value in part.to_dict().items():
        setattr(total, key, getattr(total, key) + value)


def reanalyze_all(
    settings: Settings,
    session_factory: sessionmaker[Session],
    engine: Analyzer | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    workers: int = 0,
) -> AnalyzeSummary:
    """Recompute statements, states and changes from every stored article.

    Every article is marked pending and every known actor queued in one transaction, then the
    normal analysis runs; a crash midway is finished by ``analyze`` or another ``reanalyze_all``.
    Articles whose statements come out the same keep their rows (and ids).
    """
    with session_scope(session_factory) as session:
        session.execute(update(Article).values(analyzed_at=None))
        known: set[str] = set(session.scalars(select(Statement.actor).distinct()))
        known |= set(session.scalars(select(ActorState.actor)))
        known |= set(session.scalars(select(StanceChange.actor).distinct()))
        queue_actors(session, known)
    return analyze_pending(
        settings, session_factory, engine, batch_size=batch_size, workers=workers
    )
