"""Every status string stored in the database, in one place.

``StrEnum`` members are plain strings: they are stored, compared and printed as the values
users see in ``status``, the crawl summary and SQL, so a query written by hand keeps working.
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """A crawl run (``crawl_runs.status``); the crawl summary says why a run was not ``ok``."""

    RUNNING = "running"
    OK = "ok"
    EMPTY = "empty"
    BLOCKED = "blocked"
    DOWN = "down"
    #: The feed, sitemap or listing answers 404/410: its address is wrong or has moved.
    GONE = "gone"
    #: The site answers, but with pages above ``max_download_size``: not "down".
    TOO_LARGE = "too_large"
    FAILED = "failed"


#: Runs that reached the site, and runs that count against a source's health.
RUN_SUCCESS = frozenset({RunStatus.OK, RunStatus.EMPTY})
RUN_FAILURE = frozenset(
    {RunStatus.FAILED, RunStatus.DOWN, RunStatus.BLOCKED, RunStatus.GONE, RunStatus.TOO_LARGE}
)


class HealthState(StrEnum):
    """A source's health (``source_health.state``)."""

    OK = "ok"
    FAILING = "failing"
    BROKEN = "broken"
    #: Broken because its feed/sitemap is gone (404/410): sources.toml needs a new address.
    GONE = "gone"
    SILENT = "silent"


class OutboxStatus(StrEnum):
    """An alert's life in the outbox (``outbox.status``); see ``deliver/outbox.py``."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
