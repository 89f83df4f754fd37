"""The health record of each source, kept by the scheduler from its crawl runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stancewatch.models.base import Base, UTCDateTime, utcnow
from stancewatch.models.status import HealthState


class SourceHealth(Base):
    """How a source is doing: weighted consecutive failures, silence, backoff and alert state.

    It is derived from ``crawl_runs`` after each scheduled run (so it can be rebuilt), and
    remembers only what the runs cannot: whether an alert is open, so exactly one alert goes
    out when a source breaks and one when it recovers.
    """

    __tablename__ = "source_health"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    #: ok | failing (some failures, under the threshold) | broken | gone (404) | silent
    state: Mapped[str] = mapped_column(String(10), default=HealthState.OK)
    #: Consecutive failures weighted by kind (see ``stancewatch.scheduler.health``).
    score: Mapped[float] = mapped_column(Float, default=0.0)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[str | None] = mapped_column(String(20))
    last_reason: Mapped[str | None] = mapped_column(Text)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last run that reached the site (ok or empty).
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last run that stored a new article.
    last_new_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The usual gap between runs with new articles, in seconds (NULL until known).
    rhythm_seconds: Mapped[float | None] = mapped_column(Float)
    #: A failing source is not crawled again before this time.
    backoff_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: broken | gone | silent while an alert is out and the source has not recovered; NULL otherwise.
    alert_kind: Mapped[str | None] = mapped_column(String(10))
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
