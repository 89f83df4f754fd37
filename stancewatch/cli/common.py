"""What every command shares: the settings, the database, one-line errors, output options."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.db import check_connection, make_engine, session_factory
from stancewatch.errors import StancewatchError
from stancewatch.migrations import ensure_schema
from stancewatch.settings import Settings
from stancewatch.sources import SourceConfig, load_sources

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class App:
    """Loaded once per invocation and passed to every command (``@pass_app``)."""

    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self, migrate: bool = True) -> Engine:
        """The database engine; on first use an empty database is upgraded to head."""
        if self._engine is None:
            engine = make_engine(self.settings.database_url)
            check_connection(engine)
            if migrate:
                ensure_schema(engine)
            self._engine = engine
        return self._engine

    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine())

    def sources(self) -> list[SourceConfig]:
        return load_sources(self.settings.sources)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


pass_app = click.make_pass_decorator(App)


class UserError(click.ClickException):
    """Printed as ``Error: <message>``, exit code from the stancewatch error."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click reads it per instance


def one_line_errors(func: F) -> F:
    """Turn a StancewatchError into a one-line message and a non-zero exit, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except StancewatchError as exc:
            raise UserError(str(exc), exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def output_options(func: F) -> F:
    """``--format table|json|jsonl`` for every command that lists things."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "jsonl"]),
        default="table",
        show_default=True,
        help="Output as a table for people, or JSON / JSON Lines for programs.",
    )(func)


def console() -> Console:
    return Console(soft_wrap=False)


def emit_rows(
    rows: Iterable[dict[str, Any]], columns: list[str], fmt: str, title: str | None = None
) -> None:
    """Print rows as a rich table, a JSON array (one document, for ``jq``) or JSON Lines."""
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    rows = list(rows)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console().print(table)


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
