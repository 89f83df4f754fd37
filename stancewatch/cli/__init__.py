"""The ``stancewatch`` command line: a thin layer over the functions that do the work."""

from __future__ import annotations

import click

from stancewatch import __version__
from stancewatch.cli.common import App, UserError
from stancewatch.errors import StancewatchError
from stancewatch.settings import load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stancewatch")
@click.option("--config", type=click.Path(dir_okay=False), help="TOML config file.")
@click.option("--database-url", help="SQLAlchemy URL (default: sqlite:///stancewatch.db).")
@click.option(
    "--sources", type=click.Path(dir_okay=False), help="Sources TOML replacing the packaged one."
)
@click.option(
    "--actors", type=click.Path(dir_okay=False), help="Actors TOML replacing the packaged one."
)
@click.option(
    "--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False)
)
@click.pass_context
def cli(ctx: click.Context, **flags: str | None) -> None:
    """Watch the news on Ukraine's NATO bid and alert when an actor changes stance.

    \b
    Example:
        stancewatch crawl censor-nato-membership
        stancewatch changes --since 2025-12-01
    """
    try:
        settings = load_settings(overrides=flags)
    except StancewatchError as exc:
        raise UserError(str(exc), exc.exit_code) from None
    app = App(settings)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register() -> None:
    from stancewatch.cli import (
        analyze,
        crawl,
        db,
        deliver,
        demo,
        export,
        service,
        sources,
        stance,
        web,
        worker,
    )  # fmt: skip

    for module in (db, sources, crawl, stance, analyze, deliver, export, web, service, demo,
                   worker):  # fmt: skip
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="stancewatch")
