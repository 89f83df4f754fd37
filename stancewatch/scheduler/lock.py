"""One scheduler per database: a PostgreSQL advisory lock, or a lock file next to SQLite.

A second ``stancewatch run`` against the same database waits here (and says so) instead of
crawling every source twice. The lock belongs to the holder's database session or open file,
so a crashed scheduler releases it with its process; nothing is left to clean up by hand.
"""

from __future__ import annotations

import logging
import threading
import zlib
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

#: The advisory lock key: a stable 32-bit number derived from our name.
ADVISORY_KEY = zlib.crc32(b"stancewatch-scheduler")


def lock_file_path(engine: Engine) -> Path | None:
    """``<database file>.scheduler.lock`` for a SQLite file; None for in-memory SQLite."""
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser().resolve().with_name(Path(database).name + ".scheduler.lock")


class SchedulerLock:
    """Taken by :meth:`acquire` (waiting while another scheduler holds it), freed by :meth:`release`."""

    def __init__(self, engine: Engine, poll: float = 2.0) -> None:
        self.engine = engine
        self.poll = poll
        self._conn: Connection | None = None
        self._file: FileLock | None = None

    @property
    def where(self) -> str:
        if self.engine.dialect.name == "postgresql":
            return f"PostgreSQL advisory lock {ADVISORY_KEY}"
        return f"lock file {lock_file_path(self.engine)}"

    def acquire(self, stop: threading.Event) -> bool:
        """Wait until the lock is ours (True) or ``stop`` is set first (False)."""
        said = False
        while not stop.is_set():
            if self._try():
                log.info("scheduler lock acquired (%s)", self.where)
                return True
            if not said:
                log.info("waiting for the scheduler lock: another scheduler runs (%s)", self.where)
                said = True
            stop.wait(self.poll)
        return False

    def _try(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            return self._try_advisory()
        if self.engine.dialect.name == "sqlite":
            return self._try_file()
        raise RuntimeError(f"no scheduler lock for {self.engine.dialect.name}")

    def _try_advisory(self) -> bool:
        # A dedicated connection, kept for the scheduler's life: the lock is the session's.
        if self._conn is None:
            self._conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY})
        return bool(got.scalar())

    def _try_file(self) -> bool:
        path = lock_file_path(self.engine)
        if path is None:
            return True  # an in-memory database cannot be shared with another process
        # filelock: an OS lock on the open file (flock on POSIX), so it dies with its process;
        # not thread-local and not a per-path singleton, so a second SchedulerLock in this
        # process waits like a second process would.
        lock = FileLock(path, thread_local=False, is_singleton=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        self._file = lock
        return True

    def held(self) -> bool:
        """Still ours? A PostgreSQL restart ends the session and with it the lock."""
        if self._conn is None:
            return self._file is not None or lock_file_path(self.engine) is None
        try:
            row = self._conn.execute(
                text(
                    "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = :k"
                    " AND pid = pg_backend_pid() AND granted"
                ),
                {"k": ADVISORY_KEY},
            ).first()
        except Exception:  # noqa: BLE001 - any failure of the connection means: not held
            return False
        return row is not None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            except Exception:  # noqa: BLE001 - a dead connection has released it already
                pass
            finally:
                self._conn.close()
                self._conn = None
        if self._file is not None:
            self._file.release()
            self._file = None
