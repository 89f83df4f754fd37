"""``stancewatch demo``: the whole loop offline, for a new user."""

from __future__ import annotations

from pathlib import Path

import click

from stancewatch.cli.common import App, one_line_errors, pass_app


@click.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("stancewatch-demo.db"), show_default=True,
              help="SQLite file the demo writes (made anew each run).")  # fmt: skip
@pass_app
@one_line_errors
def demo(app: App, db_path: Path) -> None:
    """Run the whole loop offline: a local site plays back coverage from the seed documents
    in three phases; each is crawled, analysed, and its stance changes are alerted here.

    Example: stancewatch demo
    """
    from stancewatch.demo.run import run_demo

    result = run_demo(app.settings, db_path, click.echo)
    click.echo(f"\nDone in {result.seconds:.0f} s: {result.articles} articles stored, "
               f"{len(result.changes)} stance change(s) alerted.")  # fmt: skip
    db = f"--database-url {result.database_url}"
    click.echo("Query what the demo stored:")
    for command in (f"stancewatch {db} changes", f"stancewatch {db} history Zelenskyy",
                    f'stancewatch {db} search "NATO membership"'):  # fmt: skip
        click.echo(f"  {command}")
    click.echo(f"  sqlite3 {db_path} 'select actor, stance, evidence from statements limit 10'")
    click.echo("Browse it on the web page (http://127.0.0.1:8000, Ctrl-C stops it):")
    click.echo(f"  stancewatch {db} web")


COMMANDS = [demo]
