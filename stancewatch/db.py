"""Engines, sessions and migrations: the one place that opens the database.

SQLite gets WAL mode, foreign keys and a busy timeout on every connection; connection failures
(a corrupt file, a directory that cannot be made, a bad port, a missing driver) are wrapped once
into :class:`DatabaseNotAvailableError`, and a URL of a database we do not run on into
:class:`UnsupportedDatabaseError`, so the CLI can say them in one line, the URL redacted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.errors import DatabaseNotAvailableError, NoDatabaseError, UnsupportedDatabaseError
from stancewatch.redact import redact_text, redact_url

#: The database backends the models and migrations are tested on.
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def _sqlite_pragmas(busy_ms: int):  # type: ignore[no-untyped-def]
    def on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return on_connect


def _parse(url: str) -> URL:
    """The URL of a database we run on, or a one-line error naming the ones we do."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise UnsupportedDatabaseError(shown_url(url)) from None
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise UnsupportedDatabaseError(shown_url(url))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def shown_url(url: str) -> str:
    """``url`` as a message may show it: a SQLite file as it is (its path is all it holds and
    all the reader needs), any other URL redacted."""
    try:
        if make_url(url).get_backend_name() == "sqlite":
            return url
    except (ArgumentError, ValueError):
        pass
    return redact_url(url, keep_path=True)


def _sqlite_file(parsed: URL) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database or another backend)."""
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def _prepare_sqlite_file(url: str, path: Path, create: bool) -> None:
    """Make the file's directory when creating; refuse a missing file when only reading."""
    if not create:
        if not path.exists():
            raise NoDatabaseError(str(path))
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = f"cannot create directory {path.parent}: {exc.strerror or exc}"
        raise DatabaseNotAvailableError(shown_url(url), reason) from None


def make_engine(
    url: str, wait: float = 30.0, create: bool = True, pool_size: int | None = None
) -> Engine:
    """Create an engine for ``url``; SQLite connections get WAL and foreign keys.

    ``wait`` bounds, in seconds, how long a connection attempt or a locked table is waited
    for; a health check passes a short one so it can never hang on a locked database.
    ``create=False`` (the commands that only read) refuses a SQLite file that does not exist
    instead of creating an empty one, and its directories, by accident.
    ``pool_size`` fixes how many connections the engine holds (no overflow), for a server
    that limits its concurrent requests to that number (the web page); None keeps
    SQLAlchemy's defaults.
    """
    parsed = _parse(url)
    kwargs: dict = {"future": True}
    path = _sqlite_file(parsed)
    if path is not None:
        _prepare_sqlite_file(url, path, create)
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": wait}
    else:
        kwargs["pool_pre_ping"] = True
        if wait < 30.0:
            ms = int(wait * 1000)
            kwargs["connect_args"] = {
                "connect_timeout": max(1, int(wait)),
                "options": f"-c lock_timeout={ms} -c statement_timeout={ms}",
            }
    if pool_size is not None and parsed.database not in (None, "", ":memory:"):
        kwargs.update(pool_size=pool_size, max_overflow=0, pool_timeout=wait)
    try:
        engine = create_engine(parsed, **kwargs)
    except (ImportError, NoSuchModuleError) as exc:
        reason = f"driver {parsed.drivername} is not installed ({exc})"
        raise DatabaseNotAvailableError(shown_url(url), reason) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(int(wait * 1000)))
    return engine


def check_connection(engine: Engine) -> None:
    """Connect once, so an unreachable database is reported before any work starts."""
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:  # refused, bad port, not a database file, cannot open...
        raise DatabaseNotAvailableError(*_redacted(engine, exc)) from None


def _redacted(engine: Engine, exc: DBAPIError) -> tuple[str, str]:
    """The engine's URL and the driver's first line of ``exc``, with the secrets hidden."""
    url = engine.url.render_as_string(hide_password=False)
    text = str(exc.orig) if exc.orig is not None else str(exc)
    lines = text.strip().splitlines() or [type(exc).__name__]
    return shown_url(url), redact_text(lines[0], [url])


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
