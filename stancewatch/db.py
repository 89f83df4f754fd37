"""Engines, sessions and migrations: the one place that opens the database.

SQLite gets WAL mode, foreign keys and a busy timeout on every connection; connection failures
are wrapped once into :class:`DatabaseNotAvailableError` so the CLI can say them in one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.errors import DatabaseNotAvailableError
from stancewatch.redact import redact_url


def _sqlite_pragmas(busy_ms: int):  # type: ignore[no-untyped-def]
    def on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return on_connect


def make_engine(url: str, wait: float = 30.0, pool_size: int | None = None) -> Engine:
    """Create an engine for ``url``; SQLite connections get WAL and foreign keys.

    ``wait`` bounds, in seconds, how long a connection attempt or a locked table is waited
    for; a health check passes a short one so it can never hang on a locked database.
    ``pool_size`` fixes how many connections the engine holds (no overflow), for a server
    that limits its concurrent requests to that number (the web page); None keeps
    SQLAlchemy's defaults.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseNotAvailableError(redact_url(url), "not a database URL") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": wait}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
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
    engine = create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(int(wait * 1000)))
    return engine


def check_connection(engine: Engine) -> None:
    """Connect once, so an unreachable database is reported before any work starts."""
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseNotAvailableError(
            engine.url.render_as_string(hide_password=True), reason
        ) from None


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
