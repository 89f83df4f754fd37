"""Tables of the analyze stage: statements, each actor's established stance, stance changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stancewatch.models.base import Base, UTCDateTime, utcnow
from stancewatch.models.crawl import Article


class Statement(Base):
    """What one actor says (or is said to hold) about Ukraine joining NATO, in one article."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(200))
    actor_kind: Mapped[str] = mapped_column(String(20))
    #: support | oppose | neutral
    stance: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)
    #: Character offsets of ``evidence`` in the article text (title + "\n\n" + text).
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    #: The rule or cue that decided the stance, so every label can be explained.
    cue: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship()

    __table_args__ = (
        Index("ix_statements_actor", "actor"),
        Index("ix_statements_article_id", "article_id"),
    )


class ActorState(Base):
    """The established stance of an actor, as the tracker last left it."""

    __tablename__ = "actor_states"

    actor: Mapped[str] = mapped_column(String(200), primary_key=True)
    stance: Mapped[str] = mapped_column(String(10))
    #: Publication time of the evidence that established it.
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statements.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Evidence of the other stance building up below the change rule's threshold (None:
    #: nothing pending): ``{"stance", "stories", "needed", "window_days", "first", "last",
    #: "confidence", "needed_confidence"}``, so the read side needs no settings to show it.
    pending: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))


class ActorQueue(Base):
    """Actors whose state must be replayed: written in the same transaction as the statements
    that touch them, removed in the same transaction as the replayed state, so a crash between
    the two loses nothing."""

    __tablename__ = "actor_queue"

    actor: Mapped[str] = mapped_column(String(200), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


stance_change_statements = Table(
    "stance_change_statements",
    Base.metadata,
    Column("change_id", ForeignKey("stance_changes.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "statement_id",
        ForeignKey("statements.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class StanceChange(Base):
    """A recorded change of an actor's stance: the unit of an alert."""

    __tablename__ = "stance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    old_stance: Mapped[str] = mapped_column(String(10))
    new_stance: Mapped[str] = mapped_column(String(10))
    #: Publication time of the evidence that made the change.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The statement that decided it, and the one it replaced (the old stance's evidence).
    # indexed: deleting a statement (restance) looks up what refers to it
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statements.id", ondelete="SET NULL"), index=True
    )
    previous_statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statements.id", ondelete="SET NULL"), index=True
    )
    #: Distinct stories (near-duplicate copies counted once) behind the change.
    stories: Mapped[int] = mapped_column(Integer, default=1)
    #: Evidence of an old change survives ``restance`` through this: text of both quotes.
    evidence: Mapped[str] = mapped_column(Text, default="")
    previous_evidence: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when a ``restance`` no longer finds this change. The row (and any alert already
    #: sent for it) stays as history; unsent outbox rows are dropped; NULL again if it returns.
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Decided by coverage found more than ``late_coverage_days`` after publication (an archive,
    #: a first crawl): part of the history, never alerted.
    backfill: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: A late article that would have flipped a stance established by timely coverage: kept to
    #: say so, never applied (the state does not change) and never alerted.
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The piece of evidence that decided it (``article:start:end``): a person and the country
    #: they speak for changed by one sentence share it, and make one alert.
    event_key: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: Why the change was allowed: the rule, the stories and outlets behind it, the evidence
    #: pending against the old stance (see ``analyze.replay.reason``).
    reason: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    statement = relationship(Statement, foreign_keys=[statement_id])
    previous_statement = relationship(Statement, foreign_keys=[previous_statement_id])
    statements: Mapped[list[Statement]] = relationship(secondary=stance_change_statements)

    __table_args__ = (
        UniqueConstraint("actor", "changed_at", "new_stance", name="uq_stance_changes_key"),
        Index("ix_stance_changes_changed_at", "changed_at"),
        Index("ix_stance_changes_event_key", "event_key"),
    )
