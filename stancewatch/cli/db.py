"""``stancewatch db``: one command per verb on the schema."""

from __future__ import annotations

import click

from stancewatch import migrations
from stancewatch.cli.common import App, one_line_errors, pass_app


@click.group()
def db() -> None:
    """Create and migrate the database (Alembic migrations shipped in the package)."""


@db.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@pass_app
@one_line_errors
def upgrade(app: App, revision: str) -> None:
    """Migrate the database up to REVISION (creates it when empty).

    Example: stancewatch --database-url postgresql://localhost/test db upgrade
    """
    engine = app.engine(migrate=False, create=True)
    before = migrations.current_revision(engine)
    migrations.upgrade(engine, revision)
    after = migrations.current_revision(engine)
    click.echo(f"database at revision {after} (was {before or 'empty'})")


@db.command()
@click.argument("revision")
@pass_app
@one_line_errors
def downgrade(app: App, revision: str) -> None:
    """Migrate the database down to REVISION ("base" drops every table).

    Example: stancewatch db downgrade base
    """
    engine = app.engine(migrate=False)
    migrations.downgrade(engine, revision)
    click.echo(f"database at revision {migrations.current_revision(engine) or 'base'}")


@db.command()
@pass_app
@one_line_errors
def current(app: App) -> None:
    """Print the database's revision and the newest one this version knows.

    Example: stancewatch db current
    """
    engine = app.engine(migrate=False)
    click.echo(
        f"current: {migrations.current_revision(engine) or 'empty'}  "
        f"head: {migrations.head_revision(engine)}"
    )


COMMANDS = [db]
