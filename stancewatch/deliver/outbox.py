"""The outbox: one row per stance change and target, claimed before sending, marked after.

Life of a row::

    pending --claim--> sending --apprise ok--> sent
       ^                  |  \\--apprise failed--> pending (backoff) ... failed (max attempts)
       |                  |  \\--no answer (maybe sent)--> pending, once; then failed
       |                  \\--cannot render--> held
       +-- lease expired (the sender died between claim and mark) --+

Claiming is what keeps ``deliver`` runs apart. Due rows are selected and set to ``sending``
in one transaction, with the claiming run's token and a lease in ``next_attempt_at``. On
PostgreSQL the select uses ``FOR UPDATE SKIP LOCKED``, so a second run skips rows the first is
claiming; on SQLite the claim runs under an exclusive lock file next to the database (a single
writer). A run claims only what it can send within the lease, and just before each send
renews the lease of that send's rows (:func:`start_send`), which also records that the send
has started; a run that lost its lease (paused past it) sends nothing. Marks carry the token,
so only the holder records an outcome.

A sender killed after sending and before marking leaves its rows ``sending``; once the lease
expires they are sent again: at most one duplicate, never a lost alert. Such a row, like one
whose send got no answer in time, "may have been sent" (``maybe_sent_at``): it is sent once
more at most, then given up, so a slow receiver never gets a stream of copies.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.db import session_scope
from stancewatch.deliver.targets import Target
from stancewatch.models import OutboxMessage, StanceChange, Statement
from stancewatch.models.status import OutboxStatus

PENDING, SENDING, SENT, FAILED, HELD = (
    OutboxStatus.PENDING,
    OutboxStatus.SENDING,
    OutboxStatus.SENT,
    OutboxStatus.FAILED,
    OutboxStatus.HELD,
)
STATUSES = tuple(OutboxStatus)
#: Rows of a retracted change that were never sent and are withdrawn with it.
UNSENT = (PENDING, FAILED, HELD)

_thread_guard = threading.Lock()


def subject_key(change_id: int) -> str:
    return f"change:{change_id}"


def digest_due(recorded_at: datetime) -> datetime:
    """A digest row is due when its day (UTC) is over, so the message lists the whole day."""
    day = recorded_at.astimezone(UTC).date()
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def _alerted_changes():  # type: ignore[no-untyped-def]
    """Changes owed an alert: still standing (a ``restance`` may retract one), decided by
    coverage that arrived in time (backfill is history only), and applied (not blocked)."""
    query = select(
        StanceChange.id,
        StanceChange.actor,
        StanceChange.recorded_at,
        StanceChange.event_key,
        Statement.actor_kind,
    ).outerjoin(Statement, Statement.id == StanceChange.statement_id)
    return query.where(
        StanceChange.retracted_at.is_(None),
        StanceChange.backfill.is_(False),
        StanceChange.blocked.is_(False),
    ).order_by(StanceChange.id)


def events(session: Session) -> list[list[Any]]:
    """Alerted changes grouped by the evidence that decided them, the lead first.

    A person and the country they speak for changed by one sentence are one event: one
    message names both, so each target gets one row per event, on the lead change (a person
    before the sides they speak for, then the oldest)."""
    grouped: dict[str, list[Any]] = {}
    for row in session.execute(_alerted_changes()):
        grouped.setdefault(row.event_key or f"change:{row.id}", []).append(row)
    return [
        sorted(members, key=lambda r: (r.actor_kind != "person", r.id))
        for members in grouped.values()
    ]


def withdraw_retracted(session: Session) -> int:
    """Delete the unsent rows of changes a replay retracted, or found to be backfill or blocked
    (sent ones stay as history).

    Analysis only marks a change retracted; the outbox is this stage's, so the rows go here,
    both after every analysis (``stancewatch.flow``) and before every enqueue.
    """
    retracted = select(StanceChange.id).where(
        or_(
            StanceChange.retracted_at.is_not(None),
            # a replay under other settings may find a queued change late after all
            StanceChange.backfill.is_(True),
            StanceChange.blocked.is_(True),
        )
    )
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.change_id.in_(retracted), OutboxMessage.status.in_(UNSENT)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def enqueue_health(
    session: Session, targets: Sequence[Target], subject_key: str, title: str, body: str
) -> int:
    """One source-health row per target, in the caller's transaction. Returns the count added."""
    count = 0
    for target in targets:
        exists = session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.subject_key == subject_key, OutboxMessage.target_key == target.key
            )
        )
        if exists is None:
            session.add(
                OutboxMessage(
                    kind="health",
                    subject_key=subject_key,
                    target_key=target.key,
                    target_redacted=target.redacted,
                    title=title,
                    body=body,
                )
            )
            count += 1
    return count


def enqueue(
    session: Session,
    targets: Sequence[Target],
    actor_tags: Mapping[str, Collection[str]],
    now: datetime,
    digest: bool = False,
) -> int:
    """Add a pending row for each (event, target that follows one of its actors) not yet
    queued: an event is the changes one piece of evidence made (see :func:`events`).

    Idempotent and safe against a concurrent run: the (subject, target) pair is unique and
    the insert skips existing pairs. Returns the number of rows added.
    """
    withdraw_retracted(session)
    added = 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    owed = events(session)
    for target in targets:
        queued = set(
            session.scalars(
                select(OutboxMessage.change_id).where(
                    OutboxMessage.target_key == target.key, OutboxMessage.change_id.is_not(None)
                )
            )
        )
        rows = [
            {
                "kind": "change",
                "change_id": lead.id,
                "subject_key": subject_key(lead.id),
                "target_key": target.key,
                "target_redacted": target.redacted,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": digest_due(lead.recorded_at) if digest else now,
                "created_at": now,
            }
            for lead, *rest in owed
            if not {lead.id, *(r.id for r in rest)} & queued
            and any(target.wants(r.actor, actor_tags) for r in (lead, *rest))
        ]
        if rows:
            stmt = insert(OutboxMessage).values(rows).on_conflict_do_nothing()
            added += len(session.execute(stmt.returning(OutboxMessage.id)).all())
    return added


@contextmanager
def writer_guard(engine: Engine) -> Iterator[None]:
    """On SQLite, one claimer at a time across processes and threads (lock file); else nothing."""
    if engine.dialect.name != "sqlite":
        yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        with _thread_guard:
            yield
        return
    path = Path(database).expanduser().with_name(Path(database).name + ".deliver.lock")
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def claim(
    sessions: sessionmaker[Session],
    target_keys: Collection[str],
    now: datetime,
    lease_seconds: float,
    limit: int = 200,
    token: str | None = None,
    leased_at: datetime | None = None,
) -> list[int]:
    """Mark up to ``limit`` rows due at ``now`` ``sending`` (counting an attempt) under a
    lease from ``leased_at`` (default ``now``: the real time when ``now`` is a replay's) and
    return their ids.

    Due: pending rows whose time has come, and sending rows whose lease has expired. An
    expired row whose send had started may have been sent: it is sent once more at most
    (:func:`_claimable`).
    """
    engine = sessions.kw["bind"]
    with writer_guard(engine), session_scope(sessions) as session:
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status.in_([PENDING, SENDING]),
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.target_key.in_(list(target_keys)),
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = [row.id for row in session.scalars(query) if _claimable(row, now)]
        if ids:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(
                    status=SENDING,
                    attempts=OutboxMessage.attempts + 1,
                    next_attempt_at=(leased_at or now) + timedelta(seconds=lease_seconds),
                    claim_token=token,
                    send_started_at=None,
                )
            )
    return ids


def _claimable(row: OutboxMessage, now: datetime) -> bool:
    """False for an expired row whose send started and may have arrived already twice."""
    if row.status != SENDING or row.send_started_at is None:
        return True
    if row.maybe_sent_at is None:
        row.maybe_sent_at = row.send_started_at  # its sender died mid-send: one retry left
        return True
    row.status, row.claim_token, row.send_started_at = FAILED, None, None
    row.last_error = "its sender stopped mid-send twice: it may have been sent; not sent again"
    return False


def start_send(
    session: Session, ids: Sequence[int], token: str | None, now: datetime, lease_seconds: float
) -> bool:
    """Renew the lease of a send's rows and record that the send starts; False if any row is
    no longer this run's (its lease expired and another run claimed it): then send nothing."""
    stmt = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == SENDING,
            _held_by(token),
        )
        .values(next_attempt_at=now + timedelta(seconds=lease_seconds), send_started_at=now)
        .returning(OutboxMessage.id)
    )
    renewed = set(session.execute(stmt).scalars())
    if renewed == set(ids):
        return True
    if renewed:  # part of a digest was taken over: the rest goes back to the queue
        release(session, list(renewed), token, now)
    return False


def _held_by(token: str | None):  # type: ignore[no-untyped-def]
    """Rows of the run holding ``token`` (no token: rows claimed without one, as in tests)."""
    if token is None:
        return OutboxMessage.claim_token.is_(None)
    return OutboxMessage.claim_token == token


def _released() -> dict[str, None]:
    return {"claim_token": None, "send_started_at": None}


def mark_sent(
    session: Session, ids: Sequence[int], now: datetime, title: str, token: str | None = None
) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _held_by(token))
        .values(status=SENT, sent_at=now, last_error=None, title=title, **_released())
    )


def mark_failed(
    session: Session,
    ids: Sequence[int],
    error: str,
    now: datetime,
    backoff_seconds: float,
    max_attempts: int,
    token: str | None = None,
    maybe_sent: bool = False,
) -> int:
    """Back off (doubling per attempt) or give up; returns the rows given up.

    A row is given up at ``max_attempts``, and on any failure after a send that may have
    arrived (``maybe_sent_at``): its one retry is spent. ``maybe_sent`` says this send got no
    answer: the first time, the row is recorded as maybe sent and retried once.
    """
    gave_up = 0
    query = select(OutboxMessage).where(OutboxMessage.id.in_(ids), _held_by(token))
    for row in session.scalars(query):
        row.last_error = error[:2000]
        row.claim_token = row.send_started_at = None
        retry_spent = row.maybe_sent_at is not None
        if maybe_sent and not retry_spent:
            row.maybe_sent_at = now
        if row.attempts >= max_attempts or retry_spent:
            row.status = FAILED
            gave_up += 1
            if retry_spent:
                row.last_error = f"{error} (it may have arrived before: not sent again)"[:2000]
        else:
            row.status = PENDING
            delay = backoff_seconds * 2 ** max(row.attempts - 1, 0)
            row.next_attempt_at = now + timedelta(seconds=delay)
    return gave_up


def release(session: Session, ids: Sequence[int], token: str | None, now: datetime) -> int:
    """Give claimed rows back unsent (a worker stopping): pending again, the attempt undone."""
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == SENDING, _held_by(token))
        .values(
            status=PENDING,
            attempts=OutboxMessage.attempts - 1,
            next_attempt_at=now,
            **_released(),
        )
        .returning(OutboxMessage.id)
    )
    return len(session.execute(stmt).all())


def mark_held(session: Session, ids: Sequence[int], error: str) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(status=HELD, last_error=error[:2000], **_released())
    )


def release_held(session: Session, target_keys: Collection[str], now: datetime) -> int:
    """Put held rows back to pending (after a template or data fix)."""
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.status == HELD, OutboxMessage.target_key.in_(list(target_keys)))
        .values(status=PENDING, next_attempt_at=now, last_error=None)
        .returning(OutboxMessage.id)
    )
    return len(session.execute(stmt).all())


def counts(session: Session, target_keys: Collection[str]) -> dict[str, int]:
    """Rows per status for the configured targets."""
    found: dict[str, int] = dict.fromkeys(STATUSES, 0)
    query = (
        select(OutboxMessage.status, func.count())
        .where(and_(OutboxMessage.target_key.in_(list(target_keys))))
        .group_by(OutboxMessage.status)
    )
    for status, n in session.execute(query):
        found[status] = n
    return found
