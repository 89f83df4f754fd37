"""``deliver --worker``: a long-running delivery process; run as many as you like.

Each round is one :func:`deliver_pending`. Workers never share a row: claims take rows with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL (any number of hosts) or under the lock file on
SQLite (processes of one machine), each claim carries the worker's run token, and the lease is
renewed before every send (``deliver/outbox.py``). A stop request (SIGTERM) is honoured
between sends: the send under way finishes and is recorded, the rows claimed but not yet sent
go back to ``pending`` for the others.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from stancewatch.deliver.runner import deliver_pending
from stancewatch.deliver.targets import Target
from stancewatch.settings import Settings


@dataclass
class DeliverWorkerSummary:
    """What a worker did over its life, and why it stopped (``signal`` or ``idle``)."""

    rounds: int = 0
    enqueued: int = 0
    sent: int = 0
    failed: int = 0
    held: int = 0
    stopped_by: str = "signal"


def run_deliver_worker(
    settings: Settings,
    sessions: sessionmaker[Session],
    targets: Sequence[Target],
    actor_tags: Mapping[str, Collection[str]],
    stop: threading.Event,
    idle_exit: float | None = None,
) -> DeliverWorkerSummary:
    """Deliver until ``stop`` is set, or until ``idle_exit`` seconds passed with nothing due.

    Between rounds with nothing to do it waits ``deliver_worker_poll`` seconds (cut short by
    ``stop``); a round that did something is followed at once by the next.
    """
    summary = DeliverWorkerSummary()
    idle_since = time.monotonic()
    while not stop.is_set():
        done = deliver_pending(settings, sessions, targets, actor_tags, stop=stop)
        summary.rounds += 1
        summary.enqueued += done.enqueued
        summary.sent += done.sent
        summary.failed += done.failed
        summary.held += done.held_now
        if done.enqueued or done.sent or done.failed or done.held_now:
            idle_since = time.monotonic()
            continue
        if idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
            summary.stopped_by = "idle"
            break
        stop.wait(settings.deliver_worker_poll)
    return summary
