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

    def engine(self, migrate: bool = True, create: bool = False) -> Engine:
        """The database engine; on first use an empty database is upgraded to head.

        Only the commands that write (``db upgrade``, ``crawl``, ``run``) pass ``create``: the
        others refuse a SQLite file that does not exist rather than make an empty one.
        """
        if self._engine is None:
            engine = make_engine(self.settings.database_url, create=create)
            check_connection(engine)
            if migrate:
                ensure_schema(engine)
            self._engine = engine
        return self._engine

    def sessions(self, create: bool = False) -> sessionmaker[Session]:
        return session_factory(self.engine(create=create))

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


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (click's test runner and
    ``--help`` pagers swap it), like logging's own last-resort handler."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class _LevelByOrigin(logging.Filter):
    """Our records at our level, every library's at the library level; Scrapy's are left to
    the handler Scrapy installs for a crawl (at ``crawl_log_level``), so none shows twice."""

    SCRAPY = ("scrapy", "twisted")
    #: Our spider's logger (Scrapy names it after the spider): Scrapy's handler has it.
    SPIDER = "stancewatch"

    def __init__(self, ours: int, libraries: int) -> None:
        super().__init__()
        self.ours, self.libraries = ours, libraries

    def filter(self, record: logging.LogRecord) -> bool:
        top = record.name.split(".", 1)[0]
        if record.name in (self.SPIDER, "py.warnings") or top in self.SCRAPY:
            return False
        own = record.name.startswith("stancewatch.")
        return record.levelno >= (self.ours if own else self.libraries)


def _level(name: str) -> int:
    level = logging.getLevelName(name.upper())
    return level if isinstance(level, int) else logging.INFO


def setup_logging(level: str, library_level: str | None = None) -> None:
    """Log to stderr: our lines at ``level``, the libraries' (Alembic's migration lines,
    apprise's per-send lines) at ``library_level`` or ``level``, whichever is higher.

    The command group calls it once with both settings, before any command opens the
    database; a later call with ``level`` only (``run``, ``deliver``) changes nothing.
    """
    root = logging.getLogger()
    previous = [h for h in root.handlers if isinstance(h, _Stderr)]
    if previous and library_level is None:
        return
    ours = _level(level)
    libraries = max(ours, _level(library_level or Settings.library_log_level))
    for handler in previous:
        root.removeHandler(handler)
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_LevelByOrigin(ours, libraries))
    root.addHandler(handler)
    root.setLevel(min(ours, libraries))
