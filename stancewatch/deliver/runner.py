"""The deliver stage: queue new stance changes, send what is due, record what happened.

:func:`deliver_pending` is what ``stancewatch deliver``, ``crawl`` and the scheduler call. It
never raises for a delivery failure: a failure is recorded on the row (redacted) and retried
later with backoff; only configuration and database errors propagate.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from stancewatch.db import session_scope
from stancewatch.deliver import outbox
from stancewatch.deliver.render import Alert, Message, Renderer, RenderError, alert_from_change
from stancewatch.deliver.send import SendResult, send
from stancewatch.deliver.targets import READ_GRACE, Target, Timeouts, load_targets
from stancewatch.errors import ConfigError
from stancewatch.models import OutboxMessage, StanceChange, Statement, utcnow
from stancewatch.models.crawl import Article
from stancewatch.settings import Settings

log = logging.getLogger(__name__)

#: Rows one run claims at most, over all its rounds: a run sends what is due now, it does
#: not chase retries it scheduled. One claim is at most CLAIM_LIMIT rows, and fewer when
#: the lease would not cover sending them all (:func:`claim_size`).
MAX_ROWS = 10_000
CLAIM_LIMIT = 200


@dataclass
class DeliverSummary:
    """What one run did (enqueued, sent, failed, gave_up) and what is left (pending, held)."""

    enqueued: int = 0
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    held_now: int = 0
    pending: int = 0
    held: int = 0
    targets: int = 0
    #: Of ``failed``: sends with no answer in time (they may have arrived; retried once).
    unanswered: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        unanswered = f", {self.unanswered} unanswered" if self.unanswered else ""
        return (
            f"{self.sent} sent, {self.failed} failed, {self.pending} pending, {self.held} held"
            f" ({self.enqueued} queued, {self.gave_up} given up{unanswered},"
            f" {self.targets} targets)"
        )


@dataclass
class Batch:
    """Claimed rows that become one message to one target."""

    target: Target
    row_ids: list[int]
    message: Message | None = None
    error: str | None = None


def _load_rows(session: Session, ids: Sequence[int]) -> list[OutboxMessage]:
    evidence = (
        selectinload(Statement.article).selectinload(Article.source),
    )  # fmt: skip
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .options(
            selectinload(OutboxMessage.change)
            .selectinload(StanceChange.statement)
            .options(*evidence),
            selectinload(OutboxMessage.change)
            .selectinload(StanceChange.previous_statement)
            .options(*evidence),
        )
        .order_by(OutboxMessage.id)
    )
    return list(session.scalars(query))


def _batches(
    rows: Sequence[OutboxMessage], targets: Mapping[str, Target], settings: Settings
) -> list[Batch]:
    """Render claimed rows: one batch per row, or per (target, day) in digest mode."""
    renderer = Renderer(settings.templates_dir)
    batches: list[Batch] = []
    groups: dict[tuple[str, date], list[tuple[int, Alert]]] = defaultdict(list)
    for row in rows:
        target = targets[row.target_key]
        if row.change is None:
            batches.append(_free_text_batch(row, target))
            continue
        try:
            alert = alert_from_change(row.change, settings.public_url)
        except RenderError as exc:
            batches.append(Batch(target, [row.id], error=str(exc)))
            continue
        if settings.digest:
            groups[(row.target_key, alert.recorded_at.astimezone(UTC).date())].append(
                (row.id, alert)
            )
            continue
        batches.append(_render(renderer, target, [(row.id, alert)], None))
    for (key, day), members in sorted(groups.items()):
        batches.append(_render(renderer, targets[key], members, day))
    return batches


def _render(
    renderer: Renderer, target: Target, members: list[tuple[int, Alert]], day: date | None
) -> Batch:
    ids = [row_id for row_id, _ in members]
    try:
        message = renderer.render([a for _, a in members], target.body_format, day)
    except RenderError as exc:
        return Batch(target, ids, error=str(exc))
    return Batch(target, ids, message=message)


def _free_text_batch(row: OutboxMessage, target: Target) -> Batch:
    """Rows written with their own title and body (health alerts) are sent as plain text."""
    if not (row.body or "").strip() or not (row.title or "").strip():
        return Batch(target, [row.id], error="the message has no title or body")
    return Batch(target, [row.id], message=Message(row.title or "", row.body or "", "text"))


def claim_size(settings: Settings) -> int:
    """Rows one claim takes: as many as the lease covers if every send took its longest.

    Each send renews the lease anyway (:func:`outbox.start_send`); sizing the claim keeps
    the rows waiting their turn inside it too, so no other run takes them meanwhile. A digest
    claims CLAIM_LIMIT rows: they make one message per target and day, and a day's rows
    must be claimed together to be one message.
    """
    longest = settings.deliver_send_timeout + READ_GRACE
    if settings.deliver_lease_seconds <= longest:
        raise ConfigError(
            f"deliver_lease_seconds ({settings.deliver_lease_seconds:g}) must be longer than"
            f" deliver_send_timeout + {READ_GRACE:g} s ({longest:g})"
        )
    if settings.digest:
        return CLAIM_LIMIT
    return max(1, min(CLAIM_LIMIT, int(settings.deliver_lease_seconds // longest)))


@dataclass
class Run:
    """One delivery run: its claim token and its clock (``now`` plus the real time since)."""

    settings: Settings
    now: datetime
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    started: float = field(default_factory=time.monotonic)

    def clock(self) -> datetime:
        return self.now + timedelta(seconds=time.monotonic() - self.started)


def _record(
    sessions: sessionmaker[Session],
    batch: Batch,
    result: SendResult,
    run: Run,
    summary: DeliverSummary,
) -> None:
    settings = run.settings
    with session_scope(sessions) as session:
        if result.ok and batch.message is not None:
            outbox.mark_sent(session, batch.row_ids, run.clock(), batch.message.title, run.token)
            summary.sent += len(batch.row_ids)
            return
        error = result.error or "unknown failure"
        summary.failed += len(batch.row_ids)
        summary.unanswered += len(batch.row_ids) if result.maybe_sent else 0
        summary.gave_up += outbox.mark_failed(
            session,
            batch.row_ids,
            error,
            run.now,
            settings.deliver_backoff_seconds,
            settings.deliver_max_attempts,
            run.token,
            maybe_sent=result.maybe_sent,
        )
        summary.errors.append(f"{batch.target.redacted}: {error}")
        log.warning("delivery to %s failed: %s", batch.target.redacted, error)


def _send_claimed(
    sessions: sessionmaker[Session],
    batches: list[Batch],
    run: Run,
    summary: DeliverSummary,
    stop: threading.Event | None,
) -> None:
    """Send each rendered batch, renewing its lease first; skip one whose lease was lost.

    Once ``stop`` is set, the batches not yet sent are given back (pending) for others.
    """
    timeouts = Timeouts.of(run.settings)
    for batch in batches:
        if batch.message is None:
            continue
        if stop is not None and stop.is_set():
            with session_scope(sessions) as session:
                outbox.release(session, batch.row_ids, run.token, run.now)
            continue
        with session_scope(sessions) as session:
            ours = outbox.start_send(
                session, batch.row_ids, run.token, run.clock(), run.settings.deliver_lease_seconds
            )
        if not ours:
            log.warning("alert for %s skipped: another run took it over", batch.target.redacted)
            continue
        result = send(batch.target, batch.message, timeouts)
        _record(sessions, batch, result, run, summary)


def deliver_pending(
    settings: Settings,
    session_factory: sessionmaker[Session],
    targets: Sequence[Target] | None = None,
    actor_tags: Mapping[str, Collection[str]] | None = None,
    now: datetime | None = None,
    retry_held: bool = False,
    stop: threading.Event | None = None,
) -> DeliverSummary:
    """Queue new stance changes for every target, then send every due row once.

    ``now`` exists for tests and replays (it decides what is due); sending times are real.
    ``stop`` (a worker's SIGTERM) ends the run after the send under way.
    """
    targets = load_targets(settings.notify_urls) if targets is None else list(targets)
    summary = DeliverSummary(targets=len(targets))
    if not targets:
        return summary
    limit = claim_size(settings)
    run = Run(settings, now or utcnow())
    by_key = {t.key: t for t in targets}
    with session_scope(session_factory) as session:
        if retry_held:
            outbox.release_held(session, by_key, run.now)
        summary.enqueued = outbox.enqueue(
            session, targets, actor_tags or {}, run.now, settings.digest
        )
    for _ in range(max(1, MAX_ROWS // limit)):
        ids = outbox.claim(
            session_factory,
            by_key,
            run.now,
            settings.deliver_lease_seconds,
            limit,
            run.token,
            leased_at=run.clock(),
        )
        if not ids:
            break
        with session_scope(session_factory) as session:
            batches = _batches(_load_rows(session, ids), by_key, settings)
            for batch in batches:
                if batch.error is not None:
                    outbox.mark_held(session, batch.row_ids, batch.error)
                    summary.held_now += len(batch.row_ids)
                    log.warning("alert held for %s: %s", batch.target.redacted, batch.error)
        _send_claimed(session_factory, batches, run, summary, stop)
        if len(ids) < limit or (stop is not None and stop.is_set()):
            break
    with session_scope(session_factory) as session:
        found = outbox.counts(session, by_key)
    summary.pending = found[outbox.PENDING] + found[outbox.SENDING]
    summary.held = found[outbox.HELD]
    return summary
