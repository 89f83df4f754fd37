"""``stancewatch crawl`` and ``stancewatch search``: the crawl stage from the command line."""

from __future__ import annotations

import click

from stancewatch.cli.common import App, one_line_errors, pass_app
from stancewatch.sources import select_sources


@click.command()
@click.argument("names", nargs=-1)
@pass_app
@one_line_errors
def crawl(app: App, names: tuple[str, ...]) -> None:
    """Crawl the named sources (default: every enabled one) and print a summary.

    Example: stancewatch crawl censor-nato-membership cnbc-world
    """
    chosen = select_sources(app.sources(), names)
    raise click.ClickException(f"crawling is not built yet ({len(chosen)} sources chosen)")


COMMANDS = [crawl]
