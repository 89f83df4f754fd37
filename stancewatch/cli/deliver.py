"""``stancewatch deliver`` and ``stancewatch notify-test``: the deliver stage by hand."""

from __future__ import annotations

import json

import click

from stancewatch import flow
from stancewatch.cli.common import (
    App,
    emit_rows,
    one_line_errors,
    output_options,
    pass_app,
    setup_logging,
)
from stancewatch.deliver import load_targets, notify_test
from stancewatch.deliver.targets import Timeouts
from stancewatch.errors import NoTargetsError


@click.command("deliver")
@click.option("--retry-held", is_flag=True, help="Put held alerts back in the queue first.")
@output_options
@pass_app
@one_line_errors
def deliver_cmd(app: App, retry_held: bool, fmt: str) -> None:
    """Queue new stance changes and send every due alert through apprise.

    Alerts that fail are retried later with exponential backoff; each is sent once.

    Example: STANCEWATCH_NOTIFY_URLS='mailtos://me:pw@smtp.example.org' stancewatch deliver
    """
    setup_logging(app.settings.log_level)
    targets = load_targets(app.settings.notify_urls)
    if not targets:
        click.echo("No notification targets configured (STANCEWATCH_NOTIFY_URLS): nothing sent.")
        return
    summary = flow.deliver(app.settings, app.sessions(), targets=targets, retry_held=retry_held)
    if fmt == "json":
        data = {k: v for k, v in vars(summary).items()}
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"deliver: {summary.line()}")
    for error in summary.errors:
        click.echo(f"  failed: {error}")


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
