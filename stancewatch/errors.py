"""Every error stancewatch raises on purpose; messages are built here, one line each.

The CLI turns a :class:`StancewatchError` into ``Error: <message>`` and a non-zero exit, so a
user's mistake never shows a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name nearest to a misspelt ``name`` (any case), or None when none is near."""
    by_fold = {k.casefold(): k for k in known}
    match = difflib.get_close_matches(name.casefold(), list(by_fold), n=1, cutoff=0.6)
    return by_fold[match[0]] if match else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"did you mean X? "`` for the closest known name, or nothing."""
    near = closest(name, known)
    return f"did you mean {near}? " if near else ""


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
        hint = did_you_mean(names[0], known) if len(names) == 1 else ""
        super().__init__(
            f"unknown source: {', '.join(names)} ({hint}known: {', '.join(sorted(known))})"
        )


class UnsupportedDatabaseError(ConfigError):
    """A database URL naming a database stancewatch does not run on (MySQL, say)."""

    def __init__(self, redacted_url: str) -> None:
        super().__init__(
            f"unsupported database URL {redacted_url}: stancewatch runs on SQLite "
            "(sqlite:///FILE) and PostgreSQL (postgresql://USER@HOST/DB)"
        )


class NoDatabaseError(ConfigError):
    """A command that only reads, pointed at a SQLite file that does not exist: creating an
    empty database there would hide the typo behind empty tables."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"no database at {path}: create it with `stancewatch db upgrade` or `stancewatch crawl`"
        )


class DatabaseNotAvailableError(StancewatchError):
    """The database cannot be reached or opened; wrapped once, in stancewatch.db."""

    exit_code = 3

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"database unreachable ({url}): {reason}")


class CannotListenError(StancewatchError):
    """``stancewatch web`` cannot open its address (a port in use, a privileged port)."""

    exit_code = 4

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {reason}")


class SearchTooLongError(StancewatchError):
    """A search with more words than one query may hold (SQLite's expression depth)."""

    exit_code = 2

    def __init__(self, words: int, most: int) -> None:
        super().__init__(f"search: at most {most} words, got {words}")


class UnknownActorError(StancewatchError):
    """An actor on the command line that neither actors.toml nor the statements know."""

    exit_code = 2

    def __init__(self, name: str, suggestions: list[str] | None = None) -> None:
        self.name = name
        #: The closest known actors, for "did you mean" (the web's 404 page links them).
        self.suggestions = list(suggestions or [])
        if self.suggestions:
            hint = "did you mean " + " or ".join(self.suggestions) + "?"
        else:
            hint = "see `stancewatch actors`"
        super().__init__(f"unknown actor: {name} ({hint})")


class BadDateError(StancewatchError):
    """A --since/--until value that is not a date."""

    exit_code = 2

    def __init__(self, option: str, value: str) -> None:
        super().__init__(f"{option}: not a date: {value!r} (use YYYY-MM-DD)")


class NotifyTargetError(ConfigError):
    """A notification URL that apprise cannot use; shown redacted, never as given."""

    def __init__(self, redacted_url: str, reason: str = "not a URL apprise can send to") -> None:
        super().__init__(f"invalid notification URL {redacted_url}: {reason}")


class NoTargetsError(ConfigError):
    """A command that needs a notification target, run without one."""

    def __init__(self) -> None:
        super().__init__(
            "no notification targets: set STANCEWATCH_NOTIFY_URLS or notify_urls in the config"
        )


class BadFilterError(StancewatchError):
    """A filter value that cannot be right (an unknown stance, for example)."""

    exit_code = 2

    def __init__(self, option: str, value: str, hint: str) -> None:
        super().__init__(f"{option}: {value!r} is not valid ({hint})")


class SchedulerLockLostError(StancewatchError):
    """The scheduler lost its database lock (the server restarted); it stops, so that a
    supervisor restarts it and it waits for the lock again rather than double-crawl."""

    def __init__(self, where: str) -> None:
        super().__init__(f"the scheduler lost its lock ({where}): stopped to avoid double crawls")


class RedisNotAvailableError(StancewatchError):
    """The Redis server of the crawl workers (``redis_url``) cannot be reached."""

    exit_code = 3

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"redis unreachable ({url}): {reason}")
