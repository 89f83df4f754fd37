"""What every command shares: the settings, the database, one-line errors, output options."""

from __future__ import annotations

import functools
import json
import logging
import sys
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
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


#: Where ``--wide`` is kept for :func:`emit_rows` (click shares ``meta`` across contexts).
WIDE = "stancewatch.wide"


def _remember_wide(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta[WIDE] = value


def output_options(func: F) -> F:
    """``--format table|json|jsonl`` for every command that lists things, and ``--wide`` for
    its table (read by :func:`emit_rows`, so commands do not take it as an argument)."""
    func = click.option(
        "--wide",
        is_flag=True,
        expose_value=False,
        callback=_remember_wide,
        help="Table: one line per row, nothing wrapped or cut (for a wide terminal or a pager).",
    )(func)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "jsonl"]),
        default="table",
        show_default=True,
        help="Output as a table for people, or JSON / JSON Lines for programs.",
    )(func)


#: How each stance shows in a table (colour only on a terminal).
STANCE_STYLES = {"support": "green", "oppose": "red", "neutral": "yellow"}
#: Columns whose values hold stances, coloured by STANCE_STYLES.
STANCE_COLUMNS = {"stance", "old_stance", "new_stance", "change"}
#: Columns never cut: a URL with an ellipsis cannot be opened.
WHOLE_COLUMNS = {"url", "start_urls", "target"}


def _wide() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(WIDE))


def console(wide: bool = False) -> Console:
    """stdout as rich sees it; ``wide`` lets a table take its natural width, however long."""
    return Console(soft_wrap=False, width=100_000 if wide else None)


def _cell(column: str, value: Any) -> Text:
    text = Text("" if value is None else str(value))
    if column in STANCE_COLUMNS:
        for stance, style in STANCE_STYLES.items():
            text.highlight_words([stance], style=style)
    return text


#: Columns of running text: wrapped in a table, on their own lines in records.
TEXT_COLUMNS = {"evidence", "previous_evidence", "title", "reason", "aliases", "roles"}


def _table(rows: list[dict[str, Any]], columns: list[str], title: str | None) -> Table:
    table = Table(title=title)
    for col in columns:
        table.add_column(col, no_wrap=col not in TEXT_COLUMNS)
    for row in rows:
        table.add_row(*(_cell(c, row.get(c)) for c in columns))
    return table


def _records(
    out: Console, rows: list[dict[str, Any]], columns: list[str], title: str | None
) -> None:
    """Rows too wide for the terminal, one block each: the short values on one line, the
    text wrapped under them, each URL whole on its own line (a cut URL cannot be opened)."""
    if title:
        out.print(Text(title, style="bold"))
    short = [c for c in columns if c not in TEXT_COLUMNS | WHOLE_COLUMNS]
    labelled = len(TEXT_COLUMNS & set(columns)) > 1
    for row in rows:
        out.print()
        out.print(Text("  ").join(_cell(c, row.get(c)) for c in short if row.get(c) is not None))
        for col in columns:
            value = row.get(col)
            if value in (None, ""):
                continue
            if col in TEXT_COLUMNS:
                label = f"{col}: " if labelled else ""
                wrapped = textwrap.fill(label + str(value), out.width - 1, initial_indent="  ",
                                        subsequent_indent="  ")  # fmt: skip
                out.print(Text(wrapped), soft_wrap=True, highlight=False)
            elif col in WHOLE_COLUMNS:
                out.print(Text("  " + str(value)), soft_wrap=True, highlight=False)


#: Width a table leaves at least to each text column (it wraps there) before it gives up.
TEXT_MIN_WIDTH = 30


def _fits(out: Console, rows: list[dict[str, Any]], columns: list[str], title: str | None) -> bool:
    """True when the table fits the terminal with every short value and URL whole and each
    text column at least TEXT_MIN_WIDTH wide."""
    probe = [
        {c: str(v)[:TEXT_MIN_WIDTH] if c in TEXT_COLUMNS and v is not None else v
         for c, v in row.items()}
        for row in rows
    ]  # fmt: skip
    table = _table(probe, columns, title)
    return Measurement.get(out, out.options.update_width(100_000), table).maximum <= out.width


def emit_rows(
    rows: Iterable[dict[str, Any]], columns: list[str], fmt: str, title: str | None = None
) -> None:
    """Print rows as a rich table, a JSON array (one document, for ``jq``) or JSON Lines.

    A table wider than the terminal (80 columns, say) is printed as one block per row
    instead, so nothing is squeezed into slivers; ``--wide`` keeps the table, one line a row.
    """
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    rows = list(rows)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    wide = _wide()
    out = console(wide)
    table = _table(rows, columns, title)
    if wide or not rows or _fits(out, rows, columns, title):
        out.print(table)
    else:
        _records(out, rows, columns, title)


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
    """Our records at our level, every library's at the library level."""

    def __init__(self, ours: int, libraries: int) -> None:
        super().__init__()
        self.ours, self.libraries = ours, libraries

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name.startswith("stancewatch.")
        return record.levelno >= (self.ours if own else self.libraries)


def _level(name: str) -> int:
    level = logging.getLevelName(name.upper())
    return level if isinstance(level, int) else logging.INFO


def setup_logging(level: str, library_level: str | None = None) -> None:
    """Log to stderr, for the commands whose log is part of their output (``run``,
    ``deliver``, ``notify-test``): our lines at ``level``, the libraries' (Alembic's migration
    lines, apprise's per-send lines) at ``library_level`` or ``level``, whichever is higher.

    Without ``library_level``, the invocation's ``library_log_level`` setting. The other
    commands install no handler: a library's warning reaches stderr through logging's last
    resort, its INFO lines never. Logging set up by someone else (pytest's capture, a program
    that embeds the CLI) is left alone, as ``logging.basicConfig`` would.
    """
    root = logging.getLogger()
    if any(not isinstance(h, _Stderr) for h in root.handlers):
        return
    if library_level is None:
        ctx = click.get_current_context(silent=True)
        app = ctx.find_object(App) if ctx else None
        library_level = (app.settings if app else Settings()).library_log_level
    ours = _level(level)
    libraries = max(ours, _level(library_level))
    for previous in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(previous)
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_LevelByOrigin(ours, libraries))
    root.addHandler(handler)
    root.setLevel(min(ours, libraries))
