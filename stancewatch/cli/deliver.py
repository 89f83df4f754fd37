"""``stancewatch deliver`` and ``stancewatch notify-test``: the deliver stage by hand."""

from __future__ import annotations

import json
import signal
import threading

import click

from stancewatch import flow
from stancewatch.actors import load_actors
from stancewatch.cli.common import (
    App,
    emit_rows,
    one_line_errors,
    output_options,
    pass_app,
    setup_logging,
)
from stancewatch.deliver import load_targets, notify_test
from stancewatch.deliver.targets import Target, Timeouts
from stancewatch.deliver.worker import run_deliver_worker
from stancewatch.errors import NoTargetsError


@click.command("deliver")
@click.option("--retry-held", is_flag=True, help="Put held alerts back in the queue first.")
@click.option(
    "--worker",
    is_flag=True,
    help="Keep delivering until SIGTERM (or --idle-exit); run several, on several hosts.",
)
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="With --worker: exit after this many seconds with nothing to send.",
)
@output_options
@pass_app
@one_line_errors
def deliver_cmd(
    app: App, retry_held: bool, worker: bool, idle_exit: float | None, fmt: str
) -> None:
    """Queue new stance changes and send every due alert through apprise.

    Alerts that fail are retried later with exponential backoff; each is sent once, also
    with several `deliver --worker` processes side by side (they claim rows with
    FOR UPDATE SKIP LOCKED on PostgreSQL).

    Example: STANCEWATCH_NOTIFY_URLS='mailtos://me:pw@smtp.example.org' stancewatch deliver
    """
    setup_logging(app.settings.log_level)
    if idle_exit is not None and not worker:
        raise click.UsageError("--idle-exit needs --worker")
    targets = load_targets(app.settings.notify_urls)
    if not targets:
        click.echo("No notification targets configured (STANCEWATCH_NOTIFY_URLS): nothing sent.")
        return
    if worker:
        _worker(app, targets, idle_exit, fmt)
        return
    summary = flow.deliver(app.settings, app.sessions(), targets=targets, retry_held=retry_held)
    if fmt == "json":
        data = {k: v for k, v in vars(summary).items()}
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"deliver: {summary.line()}")
    for error in summary.errors:
        click.echo(f"  failed: {error}")


def _worker(app: App, targets: list[Target], idle_exit: float | None, fmt: str) -> None:
    """Run one delivery worker until SIGTERM / SIGINT or ``idle_exit``; one key=value line
    (or one JSON document) when it stops."""
    from stancewatch.scheduler.jobs import kv

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    tags = flow.actor_tags(load_actors(app.settings.actors))
    done = run_deliver_worker(app.settings, app.sessions(), targets, tags, stop, idle_exit)
    if fmt == "json":
        click.echo(json.dumps(vars(done), indent=2))
        return
    click.echo(kv(job="deliver-worker", status="ok", **vars(done)))


@click.command("notify-test")
@output_options
@pass_app
@one_line_errors
def notify_test_cmd(app: App, fmt: str) -> None:
    """Send a test message to every notification target and say which ones work.

    Exits 1 when any target failed. URLs and reasons are shown with secrets redacted.

    Example: stancewatch notify-test --format json
    """
    setup_logging(app.settings.log_level)
    targets = load_targets(app.settings.notify_urls)
    if not targets:
        raise NoTargetsError()
    rows = [
        {
            "target": target.redacted,
            "service": target.service,
            "tags": " ".join(sorted(target.tags)),
            "result": "ok" if result.ok else "failed",
            "reason": result.error or "",
        }
        for target, result in notify_test(targets, Timeouts.of(app.settings))
    ]
    emit_rows(rows, ["target", "service", "tags", "result", "reason"], fmt, title="notify-test")
    if any(row["result"] != "ok" for row in rows):
        raise SystemExit(1)


COMMANDS = [deliver_cmd, notify_test_cmd]
