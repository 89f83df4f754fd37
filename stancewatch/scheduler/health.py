"""Source health: failures weighed by kind, silence against a source's rhythm, backoff, alerts.

Silent failure is what users of monitoring tools complain about most, so every scheduled run
updates the source's health record from its ``crawl_runs``, and a source that stays broken
or silent past a threshold raises ONE health alert (an outbox row per notification target,
sent by ``deliver`` with the apprise tag ``health``), and one more when it recovers.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from stancewatch.deliver.outbox import enqueue_health
from stancewatch.deliver.targets import Target, health_targets
from stancewatch.models import CrawlRun, Source, SourceHealth
from stancewatch.models.status import RUN_FAILURE, RUN_SUCCESS, HealthState, RunStatus
from stancewatch.settings import Settings

#: Statuses of a run that reached the site, and statuses that count against a source.
SUCCESS, FAILURE = RUN_SUCCESS, RUN_FAILURE
#: Reason prefix of a crawl stopped because the service shut down: neither success nor failure.
STOPPED = "stopped:"
#: Runs read to judge a source (consecutive failures and its publishing rhythm).
HISTORY = 60


def failure_weight(status: str, reason: str | None) -> float:
    """How much one failed run counts toward ``health_failure_threshold``.

    A 429 says "slow down", not "broken": half. A block by robots.txt or bot protection will
    not go away by itself: double, so it is reported sooner. A feed or sitemap that is gone
    (404/410) will not come back by itself either, but a redeploy can 404 for a moment: one
    and a half (two crawls in a row break the default threshold of 3). Hard errors, timeouts
    and oversized pages: one.
    """
    if status not in FAILURE:
        return 0.0
    why = reason or ""
    if "http_429" in why:
        return 0.5
    if status == RunStatus.BLOCKED:
        return 2.0
    if status == RunStatus.GONE:
        return 1.5
    return 1.0


@dataclass
class Assessment:
    state: str  # ok | failing | broken | gone | silent
    score: float
    consecutive_failures: int
    rate_limited: bool
    last: CrawlRun | None
    last_success_at: datetime | None
    last_new_at: datetime | None
    rhythm_seconds: float | None
    #: A failing source is not crawled again before this time (None: its normal interval).
    backoff_until: datetime | None = None
    #: Seconds between consecutive runs that found new articles, newest first: what the
    #: rhythm is the median of, and what an adaptive interval is computed from.
    news_gaps: list[float] = field(default_factory=list)


def assess(runs: list[CrawlRun], interval: float, settings: Settings, now: datetime) -> Assessment:
    """Judge a source from its finished runs, newest first."""
    runs = [
        r
        for r in runs
        if r.status != RunStatus.RUNNING and not (r.reason or "").startswith(STOPPED)
    ]
    score, consecutive, rate_limited = 0.0, 0, False
    for run in runs:
        if run.status not in FAILURE:
            break
        score += failure_weight(run.status, run.reason)
        consecutive += 1
        rate_limited = rate_limited or (consecutive == 1 and "http_429" in (run.reason or ""))
    news = [r.started_at for r in runs if r.articles_new > 0]
    gaps = [(a - b).total_seconds() for a, b in zip(news, news[1:], strict=False)]
    rhythm = statistics.median(gaps) if len(gaps) >= 2 else None
    last_new = news[0] if news else None
    state = HealthState.OK
    if score >= settings.health_failure_threshold:
        gone = runs[0].status == RunStatus.GONE
        state = HealthState.GONE if gone else HealthState.BROKEN
    elif score > 0:
        state = HealthState.FAILING
    elif last_new is not None and rhythm is not None:
        allowed = settings.health_silence_factor * max(rhythm, interval)
        if (now - last_new).total_seconds() > allowed:
            state = HealthState.SILENT
    return Assessment(
        state=state,
        score=score,
        consecutive_failures=consecutive,
        rate_limited=rate_limited,
        last=runs[0] if runs else None,
        last_success_at=next((r.started_at for r in runs if r.status in SUCCESS), None),
        last_new_at=last_new,
        rhythm_seconds=rhythm,
        news_gaps=gaps,
    )


def backoff_delay(
    interval: float,
    consecutive_failures: int,
    rate_limited: bool,
    max_backoff: float,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds until a failing source's next run (None: keep its normal interval).

    The delay doubles with each consecutive failure, up to ``max_backoff`` (never below the
    interval itself). After a 429 a random offset of up to one interval is added, so that a
    rate-limited site does not see us come back on the dot with everyone else.
    """
    if consecutive_failures <= 0:
        return None
    ceiling = max(max_backoff, interval)
    delay = min(interval * 2**consecutive_failures, ceiling)
    if rate_limited:
        delay = min(delay + (rng or random).uniform(0, interval), ceiling + interval)
    return delay


def _describe(name: str, a: Assessment) -> tuple[str, str]:
    last = a.last
    if a.state == HealthState.SILENT:
        title = f"stancewatch: source {name} is silent"
        body = (
            f"No new article from {name} since {a.last_new_at:%Y-%m-%d %H:%M} UTC, while it "
            f"usually publishes every {(a.rhythm_seconds or 0) / 3600:.1f} h."
        )
    elif a.state == HealthState.GONE:
        title = f"stancewatch: source {name} is gone"
        body = (
            f"{a.consecutive_failures} failed crawls in a row of {name}; its feed or sitemap "
            f"is not found ({(last.reason if last else None) or 'http_404'}): the address is "
            "wrong or has moved. Update its start_urls in sources.toml."
        )
    else:
        title = f"stancewatch: source {name} is failing"
        body = (
            f"{a.consecutive_failures} failed crawls in a row of {name}; last: "
            f"{last.status if last else '?'} ({(last.reason if last else None) or 'no reason'})."
        )
    if a.last_success_at:
        body += f" Last successful crawl: {a.last_success_at:%Y-%m-%d %H:%M} UTC."
    return title, body


def update_health(
    session: Session,
    settings: Settings,
    source_name: str,
    interval: float,
    now: datetime,
    targets: list[Target] | None = None,
) -> tuple[Assessment, int]:
    """Recompute one source's health record; enqueue an alert when it breaks or recovers.

    Runs in the caller's transaction, so the record and its alert rows commit together.
    Returns the assessment and the number of outbox rows added.
    """
    targets = health_targets(settings.notify_urls) if targets is None else targets
    source = session.scalar(select(Source).where(Source.name == source_name))
    if source is None:
        raise LookupError(source_name)
    runs = list(
        session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source_id == source.id)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            .limit(HISTORY)
        )
    )
    a = assess(runs, interval, settings, now)
    delay = backoff_delay(
        interval, a.consecutive_failures, a.rate_limited, settings.health_max_backoff
    )
    a.backoff_until = None if delay is None else now + timedelta(seconds=delay)
    record = session.get(SourceHealth, source.id) or SourceHealth(source_id=source.id)
    session.add(record)
    added = 0
    alerting = (HealthState.BROKEN, HealthState.GONE, HealthState.SILENT)
    if a.state in alerting and record.alert_kind is None:
        title, body = _describe(source_name, a)
        subject = f"health:{source_name}:{a.state}:{now.isoformat(timespec='seconds')}"
        added = enqueue_health(session, targets, subject, title, body)
        record.alert_kind, record.alerted_at = a.state, now
    elif a.state == HealthState.OK and record.alert_kind is not None:
        onset = record.alerted_at.isoformat(timespec="seconds") if record.alerted_at else "?"
        subject = f"health:{source_name}:recovered:{onset}"
        title = f"stancewatch: source {source_name} has recovered"
        body = (
            f"{source_name} is crawled normally again (it was {record.alert_kind} since {onset})."
        )
        added = enqueue_health(session, targets, subject, title, body)
        record.alert_kind, record.alerted_at = None, None
    record.state = a.state
    record.score = a.score
    record.consecutive_failures = a.consecutive_failures
    record.last_status = a.last.status if a.last else None
    record.last_reason = a.last.reason if a.last else None
    record.last_run_at = a.last.started_at if a.last else None
    record.last_success_at = a.last_success_at
    record.last_new_at = a.last_new_at
    record.rhythm_seconds = a.rhythm_seconds
    record.backoff_until = a.backoff_until
    record.updated_at = now
    return a, added
