"""``stancewatch run`` (the scheduler service) and ``stancewatch status`` (its health check)."""

from __future__ import annotations

import json

import click
from sqlalchemy import inspect

from stancewatch.cli.common import App, console, emit_rows, one_line_errors, pass_app, setup_logging
from stancewatch.db import check_connection, make_engine
from stancewatch.errors import DatabaseNotAvailableError

#: Seconds the health check waits for a connection or a lock before giving up.
STATUS_WAIT = 3.0


@click.command()
@pass_app
@one_line_errors
def run(app: App) -> None:
    """Run the scheduler: crawl every enabled source on its interval until SIGTERM / SIGINT.

    Crawls run in child processes, are killed at their source's timeout, and back off while
    a source fails; jobs persist in the database, and a second instance waits for the first.

    Example: stancewatch --sources my-sources.toml run
    """
    from stancewatch.scheduler.service import run_service

    setup_logging(app.settings.log_level, app.settings.library_log_level)
    sources = app.sources()  # a bad sources.toml fails here, not at 3 a.m.
    run_service(app.settings, app.engine(create=True), sources)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output as a table for people or JSON for programs.")  # fmt: skip
@click.option("--service", is_flag=True,
              help="Exit 0 while the service can work (its database answers), whatever the "
                   "sources do: the scheduler container's health check.")  # fmt: skip
@pass_app
@one_line_errors
def status(app: App, fmt: str, service: bool) -> None:
    """Per source: last run, result, health, next run; and the outbox backlog.

    Exits 1 when a source failed its last three runs or an outbox message is past its
    attempts, 3 when the database is unreachable; it never waits long on a busy database.
    With --service only the database counts: an outside site that keeps failing is a
    source-health alert, not a dead service to restart.

    Example: stancewatch status --format json
    """
    from stancewatch.scheduler.status import add_queue_status, collect_status

    engine = make_engine(app.settings.database_url, wait=STATUS_WAIT, create=False)
    try:
        check_connection(engine)
        if not inspect(engine).has_table("crawl_runs"):
            raise DatabaseNotAvailableError(
                engine.url.render_as_string(hide_password=True),
                "no stancewatch tables (run: stancewatch db upgrade)",
            )
        report = collect_status(engine, app.sources())
    finally:
        engine.dispose()
    add_queue_status(report, app.settings)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        columns = ["source", "enabled", "last_run", "result", "health", "next_run", "reason"]
        emit_rows(report.sources, columns, "table", title="Sources")
        backlog = ", ".join(f"{k} {v}" for k, v in report.outbox.items())
        console().print(f"outbox: {backlog}")
        if report.queue is not None:
            q = report.queue
            console().print(
                f"crawl queue: {q['queued']} queued, {q['claimed']} claimed, "
                f"{len(q['running'])} runs in progress; "
                f"workers seen in the last minute: {q['workers_seen']}"
            )
        for problem in report.problems:
            console().print(f"[red]unhealthy:[/red] {problem}")
    if not report.healthy and not service:
        raise SystemExit(1)


COMMANDS = [run, status]
