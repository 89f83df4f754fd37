"""The flow of DESIGN.md in one place: crawl, then analyze, then deliver.

The stages never import a later stage (``tests/test_layout.py`` checks it); this module is
where they are chained, once, for the command line (``crawl``, ``analyze``, ``restance``,
``deliver``) and the scheduler (its crawl child runs ``stancewatch crawl``; its deliver job and
the clean-up after a cut crawl call ``deliver`` here). The actors file is read once per flow
and handed to both the engine and the alert routing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from stancewatch.actors import Actor, load_actors
from stancewatch.analyze import runner as analysis
from stancewatch.analyze.runner import AnalyzeSummary
from stancewatch.db import session_scope
from stancewatch.deliver import outbox
from stancewatch.deliver.runner import DeliverSummary, deliver_pending
from stancewatch.deliver.targets import Target
from stancewatch.settings import Settings

if TYPE_CHECKING:  # Scrapy is heavy: the scheduler process imports this module too
    from stancewatch.crawl.summary import CrawlSummary
    from stancewatch.sources import SourceConfig


@dataclass
class FlowSummary:
    """What one pass of the flow did, stage by stage (None: the stage did not run)."""

    crawl: list[CrawlSummary] = field(default_factory=list)
    analyze: AnalyzeSummary | None = None
    deliver: DeliverSummary | None = None


def actor_tags(actors: list[Actor]) -> Mapping[str, Collection[str]]:
    """Each actor's tags from actors.toml, to route alerts to the targets that follow them."""
    return {actor.name: actor.tags for actor in actors}


def analyze(
    settings: Settings,
    sessions: sessionmaker[Session],
    actors: list[Actor] | None = None,
    *,
    engine: Any = None,
    workers: int = 0,
    limit: int | None = None,
) -> AnalyzeSummary:
    """Analyse pending articles, then withdraw the unsent alerts of changes it retracted."""
    if engine is None and workers <= 1:
        engine = analysis.make_stance_engine(settings, actors)
    summary = analysis.analyze_pending(settings, sessions, engine, limit=limit, workers=workers)
    _withdraw(sessions)
    return summary


def analyze_worker(
    settings: Settings,
    sessions: sessionmaker[Session],
    stop: threading.Event,
    *,
    idle_exit: float | None = None,
) -> AnalyzeSummary:
    """``analyze --worker``: analyse what arrives until stopped, as ``analyze`` does each pass."""
    return analysis.run_analyze_worker(
        settings, sessions, stop, idle_exit=idle_exit, after_batch=lambda: _withdraw(sessions)
    )


def restance(
    settings: Settings, sessions: sessionmaker[Session], engine: Any = None, *, workers: int = 0
) -> AnalyzeSummary:
    """Recompute everything from the stored articles; unsent alerts of retracted changes go."""
    if engine is None and workers <= 1:
        engine = analysis.make_stance_engine(settings)
    summary = analysis.reanalyze_all(settings, sessions, engine, workers=workers)
    _withdraw(sessions)
    return summary


def deliver(
    settings: Settings,
    sessions: sessionmaker[Session],
    actors: list[Actor] | None = None,
    targets: list[Target] | None = None,
    *,
    retry_held: bool = False,
) -> DeliverSummary:
    """Queue the new changes for every target that follows their actor and send what is due."""
    actors = load_actors(settings.actors) if actors is None else actors
    return deliver_pending(settings, sessions, targets, actor_tags(actors), retry_held=retry_held)


def crawl_analyze_deliver(
    settings: Settings,
    sessions: sessionmaker[Session],
    sources: list[SourceConfig],
    *,
    analyze_after: bool = True,
) -> FlowSummary:
    """Crawl ``sources``, then analyse what is new, then deliver the alerts it raised."""
    from stancewatch.crawl.runner import run_crawl  # Scrapy is heavy: import on use

    summary = FlowSummary(crawl=run_crawl(settings, sessions, sources))
    if not analyze_after:
        return summary
    actors = load_actors(settings.actors)
    summary.analyze = analyze(settings, sessions, actors)
    if settings.notify_urls:
        summary.deliver = deliver(settings, sessions, actors)
    return summary


@dataclass
class BackfillProgress:
    """How far a backfill has got: what the progress bar and the final line show."""

    source: str
    #: Index pages (listing, feed, sitemap pages) walked by this run, and the articles it stored.
    pages: int = 0
    articles: int = 0
    #: The oldest publication date stored for the source: how far back it reaches.
    oldest: datetime | None = None
    analysed: int = 0
    #: Stance changes recorded during the run, and how many of them are backfill.
    changes: int = 0
    changes_backfill: int = 0
    #: Why it stopped early: "since" (reached --since), "interrupted" (a signal: resumable),
    #: None when it ran to the end.
    stopped: str | None = None
    crawl: dict[str, Any] = field(default_factory=dict)
    analyze: AnalyzeSummary | None = None
    deliver: DeliverSummary | None = None


def _backfill_child(
    conn: Any, settings: Settings, source: SourceConfig, pages: int, since: datetime | None
) -> None:
    """Runs in a forked child (Scrapy's reactor runs once per process): the crawl itself.

    It sends ``("pages", n)`` after each index page walked, then ``("done", summary)``."""
    from stancewatch.crawl.runner import run_crawl
    from stancewatch.db import make_engine, session_factory

    engine = make_engine(settings.database_url)
    try:
        jobdir = str(Path(settings.backfill_dir) / source.name)
        [summary] = run_crawl(settings, session_factory(engine), [source], {"JOBDIR": jobdir},
                              backfill=True, max_pages=pages, since=since,
                              on_page=lambda n: conn.send(("pages", n)))  # fmt: skip
        conn.send(("done", summary.as_dict()))
    except KeyboardInterrupt:  # a second Ctrl-C: Scrapy's state in the JOBDIR stays
        conn.send(("done", {"details": {"finish_reason": "interrupted"}}))
    finally:
        engine.dispose()
        conn.close()


def _receive(conn: Any, progress: BackfillProgress, wait: float = 0.0) -> None:
    """Take what the crawl child has sent so far (waiting up to ``wait`` s for its summary)."""
    while not progress.crawl:
        try:
            if not conn.poll(wait):
                return
            kind, payload = conn.recv()
        except (EOFError, OSError):  # the child is gone without a summary
            return
        if kind == "pages":
            progress.pages = int(payload)
        else:
            progress.crawl = payload
            progress.pages = int(payload.get("details", {}).get("index_pages", progress.pages))


def _reach(sessions: sessionmaker[Session], source: str, started: datetime) -> tuple[int, Any]:
    """Articles of ``source`` stored since ``started``, and its oldest publication date."""
    from sqlalchemy import func, select

    from stancewatch.models import Article, Source

    with session_scope(sessions) as session:
        mine = select(Source.id).where(Source.name == source).scalar_subquery()
        new = session.scalar(
            select(func.count()).where(Article.source_id == mine, Article.fetched_at >= started)
        )
        oldest = session.scalar(
            select(func.min(Article.published_at)).where(Article.source_id == mine)
        )
    return int(new or 0), oldest


def _recorded(sessions: sessionmaker[Session], started: datetime) -> tuple[int, int]:
    """Stance changes recorded since ``started``, and how many of them are backfill."""
    from sqlalchemy import select

    from stancewatch.models import StanceChange

    with session_scope(sessions) as session:
        flags = list(
            session.scalars(
                select(StanceChange.backfill).where(
                    StanceChange.recorded_at >= started, StanceChange.blocked.is_(False)
                )
            )
        )
    return len(flags), sum(flags)


def backfill(
    settings: Settings,
    sessions: sessionmaker[Session],
    source: SourceConfig,
    *,
    since: datetime | None = None,
    max_pages: int | None = None,
    on_progress: Callable[[BackfillProgress], None] = lambda _p: None,
    poll_seconds: float = 1.0,
) -> BackfillProgress:
    """Walk ``source`` back in time, analysing as it goes, then deliver (only live changes
    alert: what a backfill finds is history).

    The crawl runs in a child with Scrapy's JOBDIR under ``settings.backfill_dir``: an
    interrupted backfill (Ctrl-C, SIGTERM) keeps its queue and seen requests and the next one
    resumes there; a finished one (or one that reached ``since``) clears it.
    """
    import multiprocessing
    import shutil

    from stancewatch.models import utcnow

    actors = load_actors(settings.actors)
    engine = analysis.make_stance_engine(settings, actors)
    progress = BackfillProgress(source.name)
    parent, child_end = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_backfill_child,
        args=(child_end, settings, source, max_pages or settings.backfill_max_pages, since),
    )
    started = utcnow()
    child.start()
    child_end.close()
    try:
        _follow_backfill(settings, sessions, source, engine, child, parent, progress, started,
                         since, on_progress, poll_seconds)  # fmt: skip
    except KeyboardInterrupt:  # the child got the SIGINT too: it stops cleanly, state kept
        child.join(60)
        raise
    _receive(parent, progress, wait=5)
    progress.articles, progress.oldest = _reach(sessions, source.name, started)
    if since is not None and progress.oldest is not None and progress.oldest < since:
        progress.stopped = "since"  # the spider walked no feed page older than --since
    finished = progress.crawl.get("details", {}).get("finish_reason") == "finished"
    if finished or progress.stopped == "since":
        shutil.rmtree(Path(settings.backfill_dir) / source.name, ignore_errors=True)
    else:  # stopped by a signal: the next backfill resumes from the JOBDIR
        progress.stopped = "interrupted"
    progress.analyze = analyze(settings, sessions, actors, engine=engine)
    progress.analysed += progress.analyze.articles
    progress.articles, progress.oldest = _reach(sessions, source.name, started)
    progress.changes, progress.changes_backfill = _recorded(sessions, started)
    if settings.notify_urls:
        progress.deliver = deliver(settings, sessions, actors)
    on_progress(progress)
    return progress


def _follow_backfill(
    settings: Settings,
    sessions: sessionmaker[Session],
    source: SourceConfig,
    engine: Any,
    child: Any,
    conn: Any,
    progress: BackfillProgress,
    started: datetime,
    since: datetime | None,
    on_progress: Callable[[BackfillProgress], None],
    poll_seconds: float,
) -> None:
    """While the crawl runs: analyse what it stored, report, stop it at ``since``."""
    while child.is_alive():
        child.join(poll_seconds)
        _receive(conn, progress)
        step = analysis.analyze_pending(settings, sessions, engine, limit=analysis.BATCH_SIZE)
        progress.analysed += step.articles
        progress.articles, progress.oldest = _reach(sessions, source.name, started)
        if since is not None and progress.oldest is not None and progress.oldest < since:
            if progress.stopped is None:
                progress.stopped = "since"
                child.terminate()  # SIGTERM: Scrapy stops cleanly and records the run
        on_progress(progress)


def _withdraw(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        outbox.withdraw_retracted(session)
