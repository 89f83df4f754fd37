"""The delivery outbox: one row per stance change (or health alert) and notification target."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stancewatch.models.base import Base, UTCDateTime, utcnow
from stancewatch.models.stance import StanceChange


class OutboxMessage(Base):
    """A message owed to one target. The target's URL is never stored, only a key and a
    redacted form, so the database holds no secret."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: change | health | digest
    kind: Mapped[str] = mapped_column(String(20), default="change")
    change_id: Mapped[int | None] = mapped_column(
        ForeignKey("stance_changes.id", ondelete="CASCADE")
    )
    #: Deduplication key of what is sent (e.g. "change:12", "health:cnbc:down:2026-01-01").
    subject_key: Mapped[str] = mapped_column(String(300))
    #: sha256 of the target URL: identifies the target without holding its secret.
    target_key: Mapped[str] = mapped_column(String(64))
    target_redacted: Mapped[str] = mapped_column(Text)
    #: pending | sending | sent | failed | held
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Title and body for kinds that are not rendered from a change (health alerts).
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The deliver run holding a ``sending`` row's lease: only it may renew or mark the row.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    #: Set just before the apprise call, cleared when its outcome is recorded: a ``sending``
    #: row whose lease expired with this set may have been sent by a sender that died.
    send_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a send ended without knowing whether it arrived (no answer within the send
    #: timeout, or its sender died mid-send): such a row is sent at most once more.
    maybe_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    change: Mapped[StanceChange | None] = relationship()

    __table_args__ = (
        UniqueConstraint("subject_key", "target_key", name="uq_outbox_subject_target"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )
