"""The flow of DESIGN.md in one place: crawl, then analyze, then deliver.

The stages never import a later stage (``tests/test_layout.py`` checks it); this module is
where they are chained, once, for the command line (``crawl``, ``analyze``, ``restance``,
``deliver``) and the scheduler (its crawl child runs ``stancewatch crawl``; its deliver job and
the clean-up after a cut crawl call ``deliver`` here). The actors file is read once per flow
and handed to both the engine and the alert routing.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
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
    return analysis.analyze_worker(
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


def _withdraw(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        outbox.withdraw_retracted(session)
