"""The health check behind ``stancewatch status`` (Docker's HEALTHCHECK).

It reads, never writes or migrates, and every wait is short (``make_engine(url, wait=...)``),
so a locked or unreachable database gives a quick non-zero answer instead of a hang. Next
run times come straight from APScheduler's table, without unpickling a job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

from stancewatch.models import CrawlRun, OutboxMessage, Source, SourceHealth
from stancewatch.models.status import OutboxStatus
from stancewatch.scheduler.health import FAILURE
from stancewatch.scheduler.jobs import crawl_job_id
from stancewatch.scheduler.service import JOBS_TABLE
from stancewatch.settings import Settings
from stancewatch.sources import SourceConfig

#: A source whose last this-many runs all failed makes the health check fail.
FAILED_RUNS_UNHEALTHY = 3
#: The outbox counts shown, in this order.
_SHOWN = [str(s) for s in (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.HELD,
                           OutboxStatus.FAILED, OutboxStatus.SENT)]  # fmt: skip


@dataclass
class Status:
    sources: list[dict[str, Any]]
    outbox: dict[str, int]
    problems: list[str] = field(default_factory=list)
    #: With ``redis_url``: the crawl workers' queue (requests queued and claimed, sources
    #: with a run in progress, workers seen in the last minute).
    queue: dict[str, Any] | None = None

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        shown = {
            "healthy": self.healthy,
            "problems": self.problems,
            "sources": self.sources,
            "outbox": self.outbox,
        }
        if self.queue is not None:
            shown["queue"] = self.queue
        return shown


def add_queue_status(report: Status, settings: Settings) -> None:
    """With ``redis_url``: the crawl queue's depth and the workers seen (Redis down is a
    problem, so the health check fails)."""
    if not settings.redis_url:
        return
    from stancewatch.crawl.frontier import Keys, connect, queue_status
    from stancewatch.errors import RedisNotAvailableError

    try:
        report.queue = queue_status(connect(settings), Keys(settings.redis_prefix)).as_dict()
    except RedisNotAvailableError as exc:
        report.problems.append(str(exc))


def _next_runs(engine: Engine) -> dict[str, datetime]:
    if not inspect(engine).has_table(JOBS_TABLE):
        return {}
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT id, next_run_time FROM {JOBS_TABLE}"))
        return {job_id: datetime.fromtimestamp(ts, UTC) for job_id, ts in rows if ts is not None}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _source_row(
    s: Session, source: SourceConfig, next_runs: dict[str, datetime]
) -> tuple[dict[str, Any], bool]:
    """One source's row, and whether its last runs all failed."""
    row: dict[str, Any] = {
        "source": source.name,
        "enabled": source.enabled,
        "last_run": None,
        "result": None,
        "reason": None,
        "health": None,
        "failures": 0,
        "next_run": _iso(next_runs.get(crawl_job_id(source.name))),
    }
    source_id = s.scalar(select(Source.id).where(Source.name == source.name))
    if source_id is None:
        return row, False
    runs = list(
        s.scalars(
            select(CrawlRun)
            .where(CrawlRun.source_id == source_id)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            .limit(FAILED_RUNS_UNHEALTHY)
        )
    )
    health = s.get(SourceHealth, source_id)
    if runs:
        row.update(last_run=_iso(runs[0].started_at), result=runs[0].status, reason=runs[0].reason)
    if health is not None:
        row.update(health=health.state, failures=health.consecutive_failures)
    failing = len(runs) == FAILED_RUNS_UNHEALTHY and all(r.status in FAILURE for r in runs)
    return row, failing


def collect_status(engine: Engine, sources: list[SourceConfig]) -> Status:
    """Per source: last run, result, health, next run; the outbox backlog; the problems."""
    next_runs = _next_runs(engine)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    with Session(engine) as s:
        for source in sources:
            row, failing = _source_row(s, source, next_runs)
            rows.append(row)
            if failing and source.enabled:
                problems.append(
                    f"source {source.name} failed its last {FAILED_RUNS_UNHEALTHY} runs"
                )
        counts = dict(
            s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
            .tuples()
            .all()
        )
    outbox = {k: int(counts.get(k, 0)) for k in _SHOWN}
    if outbox[str(OutboxStatus.FAILED)]:
        problems.append(f"{outbox['failed']} outbox message(s) failed after their last attempt")
    return Status(sources=rows, outbox=outbox, problems=problems)
