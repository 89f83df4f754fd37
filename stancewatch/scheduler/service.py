"""``stancewatch run``: APScheduler with jobs persisted in our database, one per source.

Start-up: take the scheduler lock (wait while another instance holds it), close runs a dead
scheduler left open, start APScheduler paused, bring the persisted jobs in line with
sources.toml (added, removed, rescheduled; stable ids, so never duplicated), then resume.
SIGTERM / SIGINT: no new jobs, running crawls get ``crawl_grace_period`` seconds to finish,
then are stopped and recorded; the job store keeps every next run time for the restart.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from stancewatch.db import session_factory
from stancewatch.deliver.targets import health_targets
from stancewatch.errors import SchedulerLockLostError
from stancewatch.scheduler.jobs import (
    DELIVER_JOB,
    Runtime,
    close_stale_runs,
    crawl_job,
    crawl_job_id,
    deliver_job,
    install,
    kv,
)
from stancewatch.scheduler.lock import SchedulerLock
from stancewatch.settings import Settings
from stancewatch.sources import SourceConfig

log = logging.getLogger("stancewatch.scheduler")

#: Seconds between checks that the scheduler lock is still held.
LOCK_CHECK = 15.0

#: APScheduler's table in our database (left out of our migrations' comparison).
JOBS_TABLE = "apscheduler_jobs"


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    rescheduled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class _Scheduler(BackgroundScheduler):
    """APScheduler 3 wakes its thread once more after ``shutdown()``; with due jobs left by a
    pause, that last round submits them to the closed executor and logs a traceback. A
    stopped scheduler processes nothing."""

    def _process_jobs(self):  # type: ignore[no-untyped-def]
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def make_scheduler(engine: Engine, settings: Settings, workers: int) -> BackgroundScheduler:
    return _Scheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=workers)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": max(1, int(settings.misfire_grace_time)),
        },
        timezone=UTC,
    )


def _interval_job(
    scheduler: BaseScheduler,
    job_id: str,
    func: object,
    args: list[str],
    seconds: float,
    jitter: float,
    report: SyncReport,
    now: datetime,
) -> None:
    """Add or replace one interval job, keeping its next run time unless its interval changed."""
    old = scheduler.get_job(job_id)
    trigger = IntervalTrigger(seconds=seconds, jitter=jitter or None, timezone=UTC)
    # a new source, or one whose runs were missed while the service was down, runs soon
    # (once: missed runs are coalesced), spread by up to a minute of its jitter
    soon = now + timedelta(seconds=random.uniform(0, min(jitter, 60.0)))
    if old is None:
        next_run = soon
        report.added.append(job_id)
    elif getattr(old.trigger, "interval", None) == trigger.interval:
        kept = old.next_run_time
        next_run = kept if kept is not None and kept > now else soon
        report.kept.append(job_id)
    else:
        next_run = min(old.next_run_time or now, now + trigger.interval)
        report.rescheduled.append(job_id)
    scheduler.add_job(
        func,
        trigger,
        args=args,
        id=job_id,
        name=job_id,
        replace_existing=True,
        next_run_time=next_run,
    )


def sync_jobs(
    scheduler: BaseScheduler, sources: list[SourceConfig], settings: Settings
) -> SyncReport:
    """Make the persisted jobs match sources.toml: one crawl job per enabled source, one
    deliver job. Run it on a started (paused) scheduler, so the stored jobs are visible."""
    now = datetime.now(UTC)
    report = SyncReport()
    wanted = {crawl_job_id(s.name): s for s in sources if s.enabled}
    for job in scheduler.get_jobs():
        if job.id.startswith("crawl:") and job.id not in wanted:
            scheduler.remove_job(job.id)
            report.removed.append(job.id)
    for job_id, source in wanted.items():
        jitter = source.interval * settings.scheduler_jitter
        _interval_job(
            scheduler, job_id, crawl_job, [source.name], source.interval, jitter, report, now
        )
    _interval_job(
        scheduler, DELIVER_JOB, deliver_job, [], settings.deliver_interval, 0.0, report, now
    )
    return report


def _on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: stop.set())


def run_service(
    settings: Settings,
    engine: Engine,
    sources: list[SourceConfig],
    stop: threading.Event | None = None,
) -> None:
    """Schedule crawls until SIGTERM / SIGINT (or ``stop``). Blocks."""
    stop = stop or threading.Event()
    targets = health_targets(settings.notify_urls)  # a bad notification URL fails now, in one line
    _on_signals(stop)
    # Our own line per job run says more; APScheduler's "Running job" pairs are noise.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    lock = SchedulerLock(engine, poll=settings.scheduler_lock_poll)
    if not lock.acquire(stop):
        log.info("stopped while waiting for the scheduler lock")
        return
    sessions = session_factory(engine)
    by_name = {s.name: s for s in sources}
    runtime = Runtime(settings=settings, sessions=sessions, sources=by_name, health_targets=targets)
    scheduler: BackgroundScheduler | None = None
    try:
        stale = close_stale_runs(sessions, by_name)
        enabled = [s for s in sources if s.enabled]
        scheduler = make_scheduler(engine, settings, workers=len(enabled) + 2)
        runtime.scheduler = scheduler
        install(runtime)
        scheduler.start(paused=True)
        report = sync_jobs(scheduler, sources, settings)
        scheduler.resume()
        log.info(
            kv(
                event="started",
                sources=len(enabled),
                added=",".join(report.added) or None,
                rescheduled=",".join(report.rescheduled) or None,
                removed=",".join(report.removed) or None,
                kept=len(report.kept),
                stale_runs_closed=stale or None,
            )
        )
        _wait_for_stop(stop, lock)
        log.info(kv(event="stopping", running_crawls=len(runtime.children.running())))
    finally:
        _shutdown(runtime, scheduler, settings)
        install(None)
        lock.release()
    log.info(kv(event="stopped"))


def _wait_for_stop(stop: threading.Event, lock: SchedulerLock) -> None:
    """Until a signal; checks every ``LOCK_CHECK`` seconds that the lock is still ours."""
    last_check = time.monotonic()
    while not stop.wait(1.0):
        if time.monotonic() - last_check >= LOCK_CHECK:
            last_check = time.monotonic()
            if not lock.held():
                log.error(kv(event="lock_lost", where=lock.where))
                stop.set()
                raise SchedulerLockLostError(lock.where)


def _shutdown(runtime: Runtime, scheduler: BackgroundScheduler | None, settings: Settings) -> None:
    """No new jobs; let running crawls finish within the grace period; stop the rest."""
    runtime.stopping.set()
    if scheduler is None or not scheduler.running:
        return
    scheduler.pause()
    runtime.children.wait(settings.crawl_grace_period)
    runtime.children.stop_all()
    scheduler.shutdown(wait=True)
