"""``analyze``, ``restance``, ``history`` and ``changes``: the analyze stage from the command line."""

from __future__ import annotations

import json
from typing import Any

import click

from stancewatch import flow
from stancewatch.actors import Actor, ActorNames, load_actors
from stancewatch.analyze.runner import AnalyzeSummary
from stancewatch.cli.common import (
    App,
    emit_rows,
    one_line_errors,
    output_options,
    pass_app,
    setup_logging,
)
from stancewatch.db import session_scope
from stancewatch.history import queries

EVIDENCE_WIDTH = 100


def _print_analysis(summary: AnalyzeSummary, fmt: str) -> None:
    if fmt != "table":
        click.echo(json.dumps(summary.to_dict()))
        return
    s = summary
    click.echo(
        f"analysed {s.articles} articles ({s.articles_changed} with new statements, "
        f"{s.errors} failed), {s.statements_written} statements written; "
        f"replayed {s.actors_replayed} actors: {s.changes_new} new changes, "
        f"{s.changes_kept} kept, {s.changes_moved} moved, {s.changes_retracted} retracted "
        f"({s.changes_backfill} backfill, {s.changes_blocked} blocked) in {s.seconds:.1f}s"
    )


def _load_actors(app: App) -> list[Actor]:
    """The configured actors, for alias lookup."""
    return load_actors(app.settings.actors)


def _short(rows: list[dict[str, Any]], fmt: str, *keys: str) -> list[dict[str, Any]]:
    if fmt != "table":
        return rows
    for row in rows:
        for key in keys:
            text = " ".join(str(row.get(key) or "").split())
            row[key] = text if len(text) <= EVIDENCE_WIDTH else text[: EVIDENCE_WIDTH - 1] + "…"
        for key in ("date", "changed_at"):
            if row.get(key):
                row[key] = row[key][:10]
    return rows


def workers_option(func: Any) -> Any:
    return click.option(
        "--workers",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Processes running the stance engine (0: in this process).",
    )(func)


@click.command("analyze")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many articles.")
@workers_option
@click.option("--worker", "as_worker", is_flag=True,
              help="Keep claiming new articles until SIGTERM (PostgreSQL; run several).")  # fmt: skip
@click.option("--idle-exit", type=click.FloatRange(min=0), metavar="SECONDS",
              help="With --worker: exit after this many seconds with nothing to analyse.")  # fmt: skip
@output_options
@pass_app
@one_line_errors
def analyze_cmd(
    app: App,
    limit: int | None,
    workers: int,
    as_worker: bool,
    idle_exit: float | None,
    fmt: str,
) -> None:
    """Find statements in articles not analysed yet, then update stances and record changes.

    With --worker it keeps running, and any number of such processes share the backlog
    (each claims articles with FOR UPDATE SKIP LOCKED: none is analysed twice).

    Example: stancewatch analyze --format json
    """
    if as_worker:
        summary = _analyze_worker(app, idle_exit)
    else:
        summary = flow.analyze(app.settings, app.sessions(), limit=limit, workers=workers)
    _print_analysis(summary, fmt)


def _analyze_worker(app: App, idle_exit: float | None) -> AnalyzeSummary:
    """The worker loop, stopped cleanly (after its current batch) by SIGTERM or SIGINT."""
    import signal
    import threading

    setup_logging(app.settings.log_level)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return flow.analyze_worker(app.settings, app.sessions(), stop, idle_exit=idle_exit)


@click.command("restance")
@workers_option
@output_options
@pass_app
@one_line_errors
def restance_cmd(app: App, workers: int, fmt: str) -> None:
    """Recompute statements, stances and changes from every stored article.

    Run it after editing actors or the change rule. Changes already recorded keep their ids
    (no alert is sent twice); changes no longer found are marked retracted.

    Example: stancewatch --actors my-actors.toml restance --workers 2
    """
    summary = flow.restance(app.settings, app.sessions(), workers=workers)
    _print_analysis(summary, fmt)


@click.command("history")
@click.argument("actor")
@click.option("--since", help="First publication date (YYYY-MM-DD).")
@click.option("--until", help="Last publication date, inclusive (YYYY-MM-DD).")
@output_options
@pass_app
@one_line_errors
def history_cmd(app: App, actor: str, since: str | None, until: str | None, fmt: str) -> None:
    """Timeline of an actor's statements: date, stance, outlet, evidence and link.

    ACTOR is a canonical name or an alias (any case).

    Example: stancewatch history Zelensky --since 2024-01-01 --format json
    """
    start = queries.parse_day("--since", since)
    end = queries.parse_day("--until", until, end=True)
    actors = _load_actors(app)
    with session_scope(app.sessions()) as session:
        name = queries.resolve_actor(session, actor, ActorNames(actors))
        rows = queries.history(session, name, start, end)
    columns = ["date", "stance", "confidence", "outlet", "evidence", "url"]
    if fmt == "table":  # the statement that decided a change says so, and of which kind
        for row in rows:
            if row["change"]:
                row["stance"] += f" (decided {row['change']})"
    emit_rows(_short(rows, fmt, "evidence"), columns, fmt, title=f"Statements of {name}")


@click.command("changes")
@click.option("--since", help="First change date (YYYY-MM-DD).")
@click.option("--until", help="Last change date, inclusive (YYYY-MM-DD).")
@click.option("--actor", help="Only this actor (canonical name or alias).")
@click.option(
    "--all",
    "include_retracted",
    is_flag=True,
    help="Include retracted changes and late articles blocked from flipping a live stance.",
)
@click.option(
    "--live/--backfill",
    "live",
    default=None,
    help="Only changes decided by coverage that arrived in time (alerted), or only backfill "
    "(coverage found late: history, never alerted). Default: both.",
)
@output_options
@pass_app
@one_line_errors
def changes_cmd(
    app: App,
    since: str | None,
    until: str | None,
    actor: str | None,
    include_retracted: bool,
    live: bool | None,
    fmt: str,
) -> None:
    """Recorded stance changes, oldest first, with the new and the replaced evidence and the
    rule that allowed each; backfill changes are marked (history only, never alerted).

    Example: stancewatch changes --since 2025-12-01 --live
    """
    start = queries.parse_day("--since", since)
    end = queries.parse_day("--until", until, end=True)
    backfill = None if live is None else not live
    with session_scope(app.sessions()) as session:
        name = (
            queries.resolve_actor(session, actor, ActorNames(_load_actors(app))) if actor else None
        )
        rows = queries.change_rows(session, start, end, name, include_retracted, backfill)
    columns = ["id", "changed_at", "actor", "change", "kind", "stories", "evidence"]
    short = _short(rows, fmt, "evidence", "previous_evidence")
    if fmt == "table":
        for row in short:
            row["change"] = f"{row['old_stance']} → {row['new_stance']}"
    emit_rows(short, columns, fmt, title="Stance changes")


COMMANDS = [analyze_cmd, restance_cmd, history_cmd, changes_cmd]
