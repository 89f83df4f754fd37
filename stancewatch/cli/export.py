"""``stancewatch export``: stored articles, statements or changes as CSV, JSON or JSON Lines."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from stancewatch.actors import ActorNames, load_actors
from stancewatch.cli.common import App, one_line_errors, pass_app
from stancewatch.history.export import (
    FORMATS,
    WHATS,
    ExportFilters,
    columns,
    count_rows,
    stream_rows,
    write_rows,
)
from stancewatch.history.queries import parse_day, resolve_actor


@contextlib.contextmanager
def _target(output: str | None) -> Iterator[IO[str]]:
    """stdout, or FILE written beside itself and renamed at the end: never a half file."""
    if output is None or output == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(output)
    partial = path.with_name(path.name + ".part")
    try:
        out_file = partial.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with out_file as out:
            yield out
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _show_progress(output: str | None) -> bool:
    """A bar only for a person watching a terminal, and never drawn over the rows themselves
    (an export to the screen), nor into a log or a pipe."""
    to_screen = output in (None, "-") and sys.stdout.isatty()
    return sys.stderr.isatty() and not to_screen


def _progress() -> Progress:
    return Progress(
        TextColumn("exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="CSV with a header, a JSON array, or JSON Lines.")  # fmt: skip
@click.option("--what", type=click.Choice(WHATS), default="statements", show_default=True,
              help="Which table to export.")  # fmt: skip
@click.option("--actor", help="Only this actor: canonical name or alias, any case.")
@click.option(
    "--stance", help="Only this stance: support, oppose or neutral (changes: the new one)."
)
@click.option("--source", help="Only articles of this source (by name).")
@click.option("--since", help="From this date (YYYY-MM-DD, UTC), inclusive.")
@click.option("--until", help="Up to this date (YYYY-MM-DD, UTC), inclusive.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE (default: stdout)."
)
@pass_app
@one_line_errors
def export(
    app: App,
    fmt: str,
    what: str,
    actor: str | None,
    stance: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
    output: str | None,
) -> None:
    """Export stored statements, articles or stance changes, streamed row by row.

    Dates filter on publication (changes: the change's date). A progress bar shows on a
    terminal.

    Example: stancewatch export --what statements --actor "Olaf Scholz" --format csv -o scholz.csv
    """
    start, end = parse_day("--since", since), parse_day("--until", until, end=True)
    with app.sessions()() as session:
        # the resolver of `history` and the web: an alias exports its actor, a typo fails
        names = ActorNames(load_actors(app.settings.actors)) if actor else None
        name = resolve_actor(session, actor, names) if actor else None
        filters = ExportFilters(
            actor=name,
            stance=stance.strip().lower() if stance else None,
            source=source,
            since=start,
            until=end,
        )
        filters.check(session)
        show = _show_progress(output)
        total = count_rows(session, what, filters) if show else 0
        with _target(output) as out, _progress() if show else contextlib.nullcontext() as bar:
            advance: Callable[[], None] = lambda: None  # noqa: E731
            if bar is not None:
                task = bar.add_task("export", total=total)
                advance = functools.partial(bar.advance, task)
            written = write_rows(
                stream_rows(session, what, filters), fmt, out, columns(what), advance
            )
    if output and output != "-":
        click.echo(f"exported {written} {what} to {output}", err=True)


COMMANDS = [export]
