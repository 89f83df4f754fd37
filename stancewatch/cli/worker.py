"""``stancewatch enqueue`` and ``stancewatch worker``: the crawl stage spread over workers.

Both need ``redis_url`` (and so PostgreSQL); without it ``stancewatch crawl`` crawls in one
process, as it always did.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from stancewatch.cli.common import App, UserError, one_line_errors, pass_app, setup_logging
from stancewatch.sources import SourceConfig, select_sources

if TYPE_CHECKING:  # Scrapy is heavy: imported when a command runs
    from stancewatch.crawl.summary import CrawlSummary

#: The one line asking for the setting (exit 2: a configuration mistake).
NEEDS_REDIS = (
    "{command} needs redis_url (STANCEWATCH_REDIS_URL); without it `stancewatch crawl` "
    "crawls in this process"
)


def _require_redis(app: App, command: str) -> None:
    if not app.settings.redis_url:
        raise UserError(NEEDS_REDIS.format(command=command), 2)


@click.command("enqueue")
@click.argument("names", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="What was queued, as lines or as JSON.")  # fmt: skip
@pass_app
@one_line_errors
def enqueue_cmd(app: App, names: tuple[str, ...], fmt: str) -> None:
    """Start a crawl run of the named sources (default: every enabled one) on the shared
    queue and return; `stancewatch worker` processes take it from there.

    A source whose previous run is still in progress is skipped.

    Example: stancewatch enqueue censor-nato-membership cnbc-world
    """
    from stancewatch.crawl.distributed import enqueue_crawls

    _require_redis(app, "enqueue")
    chosen = select_sources(app.sources(), names)
    if not chosen:
        raise click.ClickException("no enabled source to queue")
    done = enqueue_crawls(app.settings, app.sessions(), chosen)
    if fmt == "json":
        click.echo(json.dumps([vars(q) for q in done]))
        return
    for q in done:
        if q.skipped:
            click.echo(f"{q.source}: not queued, {q.skipped}")
        else:
            click.echo(f"{q.source}: run {q.run_id} queued ({q.requests} requests)")


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(min=1),
              help="Parallel requests of this worker (default: concurrent_requests).")  # fmt: skip
@click.option("--idle-exit", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Exit after this many seconds with nothing to do (default: run until SIGTERM).")  # fmt: skip
@pass_app
@one_line_errors
def worker_cmd(app: App, concurrency: int | None, idle_exit: float | None) -> None:
    """Crawl requests from the shared queue (scrapy-redis) until SIGTERM or --idle-exit.

    Any number of workers on any number of hosts: the same spider and pipelines, one request
    queue, dupefilter and near-duplicate index in Redis, one PostgreSQL database. Prints one
    key=value line with its counts when it stops.

    Example: stancewatch worker --concurrency 16
    """
    from stancewatch.crawl.distributed import run_crawl_worker
    from stancewatch.scheduler.jobs import kv

    _require_redis(app, "worker")
    setup_logging(app.settings.log_level)
    sources = select_sources(app.sources(), ())
    if not sources:
        raise click.ClickException("no enabled source to crawl")
    sessions = app.sessions()

    def record_health(source: SourceConfig, summary: CrawlSummary) -> None:
        """A finished run updates the source's health, as the scheduler does after a crawl."""
        from stancewatch.models import utcnow
        from stancewatch.scheduler.health import update_health

        with sessions.begin() as s:
            update_health(s, app.settings, source.name, source.interval, utcnow())

    result = run_crawl_worker(
        app.settings,
        sessions,
        sources,
        concurrency=concurrency,
        idle_exit=idle_exit,
        on_run_finished=record_health,
    )
    click.echo(
        kv(
            job="worker",
            worker=result.worker,
            status="ok",
            stopped_by=result.stopped_by,
            duration_s=result.seconds,
            pages=result.pages,
            new=result.new,
            updated=result.updated,
            duplicates=result.duplicates,
            errors=result.errors,
            runs=result.runs_finished,
        )
    )


COMMANDS = [enqueue_cmd, worker_cmd]
