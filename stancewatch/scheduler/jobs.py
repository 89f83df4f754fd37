"""The job functions APScheduler persists: module-level, with picklable arguments.

A persisted job names its function by import path and holds only a source name; what the
function needs besides (settings, database, the scheduler) is the :class:`Runtime` that
``stancewatch run`` installs when it starts.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.deliver.targets import Target
from stancewatch.models import Article, CrawlRun, Source, utcnow
from stancewatch.models.status import RunStatus
from stancewatch.redact import redact_text
from stancewatch.scheduler.adaptive import adaptive_delay, adaptive_enabled
from stancewatch.scheduler.child import Children, ChildResult, run_command
from stancewatch.scheduler.health import STOPPED, SUCCESS, Assessment, update_health
from stancewatch.settings import Settings
from stancewatch.sources import SourceConfig

if TYPE_CHECKING:
    from stancewatch.deliver.runner import DeliverSummary

log = logging.getLogger("stancewatch.scheduler")

DELIVER_JOB = "deliver"


def crawl_job_id(name: str) -> str:
    return f"crawl:{name}"


@dataclass
class Runtime:
    """What the jobs of a running service share."""

    settings: Settings
    sessions: sessionmaker[Session]
    sources: dict[str, SourceConfig]
    scheduler: BaseScheduler | None = None
    children: Children = field(default_factory=Children)
    stopping: threading.Event = field(default_factory=threading.Event)
    #: Where source-health alerts go (validated once, at start); None: work it out per run.
    health_targets: list[Target] | None = None


_runtime: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    global _runtime
    _runtime = runtime


def current_runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("no scheduler runtime installed (jobs run inside stancewatch run)")
    return _runtime


def kv(**fields: Any) -> str:
    """One structured log line: ``key=value`` pairs, values with spaces JSON-quoted."""
    parts = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.2f}"
        text = str(value)
        if not text or any(c in text for c in ' "=\n'):
            text = json.dumps(text, ensure_ascii=False)
        parts.append(f"{key}={text}")
    return " ".join(parts)


def _log_failure(job: str, started: float, exc: Exception, **fields: Any) -> None:
    """The job's one line when it failed in the scheduler itself (database gone, a bug):
    the error in one line, secrets redacted, instead of APScheduler's bare traceback."""
    rt = current_runtime()
    secrets = [*rt.settings.notify_urls, rt.settings.database_url]
    error = redact_text(f"{type(exc).__name__}: {exc}".splitlines()[0][:300], secrets)
    log.error(
        kv(job=job, **fields, status="error", duration_s=time.monotonic() - started, error=error)
    )


def crawl_job(name: str) -> None:
    """Crawl one source in a child process, record the outcome, update its health.

    Logs exactly one line per run, also when recording the outcome fails."""
    rt = current_runtime()
    source = rt.sources.get(name)
    if source is None or rt.stopping.is_set():
        return
    started = time.monotonic()
    try:
        if rt.settings.redis_url:
            _enqueue_child(rt, source)
        else:
            _crawl_child(rt, source)
    except Exception as exc:  # noqa: BLE001 - one line, and the next run goes ahead
        _log_failure("crawl", started, exc, source=name)


def _enqueue_child(rt: Runtime, source: SourceConfig) -> None:
    """With ``redis_url``: queue the source's run for the crawl workers instead of crawling.

    ``stancewatch enqueue NAME`` runs as a child (it imports Scrapy; the scheduler stays
    small); the worker that finishes the run records it and the source's health."""
    result = run_command(
        rt.settings, ["enqueue", source.name, "--format", "json"], source.timeout, rt.children
    )
    try:
        queued = json.loads(result.stdout.strip().splitlines()[-1])[0]
    except (ValueError, IndexError, KeyError):
        queued = {}
    status = "queued" if queued.get("run_id") else RunStatus.FAILED
    reason = queued.get("skipped") or (
        None if queued else f"enqueue exited with code {result.returncode}: {result.stderr_tail}"
    )
    if queued.get("skipped"):
        status = "skipped"
    log.info(
        kv(
            job="crawl",
            source=source.name,
            status=status,
            duration_s=result.duration,
            run=queued.get("run_id"),
            requests=queued.get("requests"),
            reason=reason,
        )
    )


def _crawl_child(rt: Runtime, source: SourceConfig) -> None:
    name = source.name
    started_at = utcnow()
    result = run_command(
        rt.settings, ["crawl", name, "--format", "json"], source.timeout, rt.children
    )
    summary = _summary(result, name)
    status = summary.get("status", RunStatus.FAILED)
    reason = summary.get("reason")
    if result.timed_out:
        status, reason = RunStatus.FAILED, f"timed out after {source.timeout:g}s"
        close_run(rt.sessions, source, started_at, reason)
    elif not summary:  # crashed, or stopped at shutdown before it could say anything
        status = RunStatus.FAILED
        if result.stopped:
            reason = f"{STOPPED} the service shut down during the crawl"
        else:
            reason = f"crawl process exited with code {result.returncode}: {result.stderr_tail}"
        close_run(rt.sessions, source, started_at, reason, add_missing=not result.stopped)
    cut = result.timed_out or (not summary and not result.stopped)
    followup = _finish_cut_crawl(rt, source) if cut and not rt.stopping.is_set() else None
    now = utcnow()
    with rt.sessions.begin() as s:
        health, alerts = update_health(
            s, rt.settings, name, source.interval, now, rt.health_targets
        )
    next_in = _adapted_delay(rt, source, status, health)
    next_run = health.backoff_until
    if next_run is None and next_in is not None:
        next_run = now + timedelta(seconds=next_in)
    if next_run is not None and rt.scheduler is not None and not rt.stopping.is_set():
        try:
            rt.scheduler.modify_job(crawl_job_id(name), next_run_time=next_run)
        except LookupError:  # the job was removed meanwhile
            pass
    log.info(
        kv(
            job="crawl",
            source=name,
            status=status,
            duration_s=result.duration,
            pages=summary.get("pages_fetched", 0),
            new=summary.get("articles_new", 0),
            updated=summary.get("articles_updated", 0),
            duplicates=summary.get("duplicates_exact", 0) + summary.get("duplicates_near", 0),
            errors=summary.get("errors", 0),
            reason=reason,
            health=health.state,
            failures=health.consecutive_failures,
            backoff_until=health.backoff_until.isoformat(timespec="seconds")
            if health.backoff_until
            else None,
            alerts=alerts or None,
            followup=followup,
            next_in=None if next_in is None else f"{next_in:.0f}s",
        )
    )


def _adapted_delay(
    rt: Runtime, source: SourceConfig, status: str, health: Assessment
) -> float | None:
    """Seconds until the next crawl when this source's interval adapts (None: it does not).

    Only after a successful run and without a backoff in force: a failing source's backoff
    always wins, and a failed run says nothing about how often the source publishes. The
    scheduler's jitter is added as the interval trigger would, so adapted sources do not fire
    together either.
    """
    if status not in SUCCESS or health.backoff_until is not None:
        return None
    if rt.scheduler is None or not adaptive_enabled(source, rt.settings):
        return None
    delay = adaptive_delay(
        health.news_gaps,
        source.interval,
        rt.settings.adaptive_min_factor,
        rt.settings.adaptive_max_factor,
    )
    return delay + random.uniform(0, source.interval * rt.settings.scheduler_jitter)


def _finish_cut_crawl(rt: Runtime, source: SourceConfig) -> str | None:
    """Analyse and deliver what a killed or crashed crawl stored before it could do so itself.

    The crawl child analyses and delivers after crawling; one cut short (timeout, crash) left
    its stored articles unanalysed, and their alerts would wait for another source's crawl.
    The analysis runs in a child too (the stance engine stays out of the scheduler process).
    Returns what was done, for the job's log line (None: nothing was pending).
    """
    with rt.sessions() as s:
        pending = s.scalar(select(Article.id).where(Article.analyzed_at.is_(None)).limit(1))
    if pending is None:
        return None
    result = run_command(rt.settings, ["analyze", "--format", "json"], source.timeout, rt.children)
    if result.returncode != 0:
        why = "timed out" if result.timed_out else f"exit code {result.returncode}"
        return f"analyze failed ({why})"
    if not rt.settings.notify_urls or rt.stopping.is_set():
        return "analyzed"
    sent = _deliver(rt)
    return f"analyzed, {sent.sent} alerts sent"


def _deliver(rt: Runtime) -> DeliverSummary:
    from stancewatch import flow

    return flow.deliver(rt.settings, rt.sessions)


def _summary(result: ChildResult, name: str) -> dict[str, Any]:
    """The child's JSON summary of this source ({} when it printed none).

    ``crawl --format json`` prints a list of summaries; the summary is found wherever it sits
    in the document (a later ``{"crawl": [...], "analyze": ...}`` shape works too).
    """
    text = result.stdout.strip()
    for chunk in [text, *reversed(text.splitlines())]:
        try:
            found = _find_summary(json.loads(chunk), name)
        except ValueError:
            continue
        if found is not None:
            return found
    return {}


def _find_summary(data: Any, name: str) -> dict[str, Any] | None:
    if isinstance(data, dict):
        if data.get("source") == name and "status" in data:
            return data
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            found = _find_summary(item, name)
            if found is not None:
                return found
    return None


def close_run(
    sessions: sessionmaker[Session],
    source: SourceConfig,
    since: datetime,
    reason: str,
    add_missing: bool = True,
) -> None:
    """Record a crawl that did not finish as failed: close the row the child left running,
    or (``add_missing``) add one when it was killed before it wrote any."""
    now = utcnow()
    with sessions.begin() as s:
        source_id = s.scalar(select(Source.id).where(Source.name == source.name))
        if source_id is None:
            row = Source(name=source.name, kind=source.kind)
            s.add(row)
            s.flush()
            source_id = row.id
        closed = s.execute(
            update(CrawlRun)
            .where(
                CrawlRun.source_id == source_id,
                CrawlRun.status == RunStatus.RUNNING,
                CrawlRun.started_at >= since,
            )
            .values(status=RunStatus.FAILED, reason=reason, finished_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not closed and add_missing:
            s.add(
                CrawlRun(
                    source_id=source_id,
                    started_at=since,
                    finished_at=now,
                    status=RunStatus.FAILED,
                    reason=reason,
                )
            )


def close_stale_runs(sessions: sessionmaker[Session], sources: dict[str, SourceConfig]) -> int:
    """At start: runs left ``running`` by a scheduler that died, older than their timeout."""
    now = utcnow()
    count = 0
    with sessions.begin() as s:
        rows = s.execute(
            select(CrawlRun, Source.name)
            .join(Source, Source.id == CrawlRun.source_id)
            .where(CrawlRun.status == RunStatus.RUNNING)
        ).all()
        for run, name in rows:
            timeout = sources[name].timeout if name in sources else 900.0
            if (now - run.started_at).total_seconds() > timeout:
                run.status, run.finished_at = RunStatus.FAILED, now
                run.reason = "interrupted: the crawl process ended without recording a result"
                count += 1
    return count


def deliver_job() -> None:
    """Retry pending outbox rows, in-process (the delivery stage needs no reactor)."""
    rt = current_runtime()
    if rt.stopping.is_set():
        return
    if not rt.settings.notify_urls:
        log.debug("deliver job skipped: no notification targets")
        return
    started = time.monotonic()
    try:
        result = _deliver(rt)
    except Exception as exc:  # noqa: BLE001 - one line, and the next run goes ahead
        _log_failure("deliver", started, exc)
        return
    log.info(
        kv(
            job="deliver",
            status=RunStatus.OK if not result.failed else RunStatus.FAILED,
            duration_s=time.monotonic() - started,
            queued=result.enqueued,
            sent=result.sent,
            failed=result.failed,
            gave_up=result.gave_up or None,
            pending=result.pending,
            held=result.held,
        )
    )
