"""Every error stancewatch raises on purpose; messages are built here, one line each.

The CLI turns a :class:`StancewatchError` into ``Error: <message>`` and a non-zero exit, so a
user's mistake never shows a traceback.
"""

from __future__ import annotations


class StancewatchError(Exception):
    """Base class: a problem a user can act on, said in one line."""

    exit_code = 1


class ConfigError(StancewatchError):
    """A settings, sources or actors file (or variable) that cannot be used."""

    exit_code = 2


class UnknownSourceError(StancewatchError):
    """A source name on the command line that no sources file entry has."""

    exit_code = 2

    def __init__(self, names: list[str], known: list[str]) -> None:
        shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        super().__init__(f"unknown source: {', '.join(names)} (known: {shown})")


class DatabaseNotAvailableError(StancewatchError):
    """The database cannot be reached or opened; wrapped once, in stancewatch.db."""

    exit_code = 3

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"database unreachable ({url}): {reason}")


class SchedulerLockLostError(StancewatchError):
    """The scheduler lost its database lock (the server restarted); it stops, so that a
    supervisor restarts it and it waits for the lock again rather than double-crawl."""

    def __init__(self, where: str) -> None:
        super().__init__(f"the scheduler lost its lock ({where}): stopped to avoid double crawls")
