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


class UnknownActorError(StancewatchError):
    """An actor on the command line that neither actors.toml nor the statements know."""

    exit_code = 2

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown actor: {name} (see `stancewatch actors`)")


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
