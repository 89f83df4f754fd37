"""``stancewatch stance`` (the engine on JSON Lines) and ``stancewatch actors``."""

from __future__ import annotations

import json
import sys

import click

from stancewatch.actors import load_actors
from stancewatch.cli.common import App, emit_rows, one_line_errors, output_options, pass_app
from stancewatch.crawl.extract import parse_date


@click.command()
@pass_app
@one_line_errors
def stance(app: App) -> None:
    """Read JSON Lines {"text": ..., "published": optional} on stdin; write one JSON line per
    input with its statements (actor, actor_kind, stance, confidence, evidence, start, end, cue).

    A line that is not a JSON object with a "text" string gets {"error": ...} in its place, the
    rest go on, and the exit code is 1.

    Example: echo '{"text": "Fico says he will oppose Ukraine in NATO"}' | stancewatch stance
    """
    from stancewatch.stance import StanceEngine

    engine = StanceEngine(load_actors(app.settings.actors))
    failed = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError('expected an object with a "text" string')
        except ValueError as exc:
            failed += 1
            click.echo(json.dumps({"error": f"line {number}: {exc}"}))
            click.echo(f"stancewatch stance: line {number}: {exc}", err=True)
            continue
        statements = engine.analyze(row["text"], parse_date(row.get("published")))
        click.echo(
            json.dumps({"statements": [s.as_dict() for s in statements]}, ensure_ascii=False)
        )
    if failed:
        raise SystemExit(1)


@click.command("actors")
@output_options
@pass_app
@one_line_errors
def actors_cmd(app: App, fmt: str) -> None:
    """List the tracked actors (packaged, or --actors FILE).

    Example: stancewatch actors --format json
    """
    rows = []
    for actor in load_actors(app.settings.actors):
        row = actor.to_dict()
        if fmt == "table":
            row["aliases"] = ", ".join(actor.aliases[:4]) + (
                " ..." if len(actor.aliases) > 4 else ""
            )
            row["roles"] = "; ".join(r.title for r in actor.roles)
        rows.append(row)
    emit_rows(rows, ["name", "kind", "aliases", "roles"], fmt, title="Actors")


COMMANDS = [stance, actors_cmd]
