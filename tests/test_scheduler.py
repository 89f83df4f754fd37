"""The scheduler service against a small local news site: crawls in child processes,
persisted jobs, timeouts, one scheduler per database, source health and the health check."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from stancewatch.cli import cli
from stancewatch.db import make_engine, session_factory
from stancewatch.deliver.runner import deliver_pending
from stancewatch.demo.server import LocalServer, Request, Response
from stancewatch.errors import ConfigError
from stancewatch.migrations import include_object
from stancewatch.models import Article, Base, CrawlRun, OutboxMessage, Source, SourceHealth, utcnow
from stancewatch.scheduler.adaptive import adaptive_delay, adaptive_enabled
from stancewatch.scheduler.health import backoff_delay, failure_weight, update_health
from stancewatch.scheduler.jobs import Runtime, crawl_job, install
from stancewatch.scheduler.lock import ADVISORY_KEY, SchedulerLock
from stancewatch.scheduler.service import make_scheduler, sync_jobs
from stancewatch.scheduler.status import collect_status
from stancewatch.settings import Settings
from stancewatch.sources import parse_sources

WORDS = (
    "Allies met in Brussels to discuss the path of Ukraine toward membership in the alliance "
    "and the security guarantees that could come before it while the war goes on. "
)


def _article(feed: str, n: int) -> bytes:
    body = " ".join(f"<p>{feed} report {n}, paragraph {i}: {WORDS * 2}</p>" for i in range(4))
    return (
        f"<html><head><title>{feed} story {n}</title>"
        f'<meta property="article:published_time" content="2025-12-1{n}T10:00:00Z"></head>'
        f"<body><article><h1>{feed} story {n}</h1>{body}</article></body></html>"
    ).encode()


def _feed(base: str, feed: str) -> bytes:
    items = "".join(
        f"<item><title>{feed} story {n}</title><link>{base}/{feed}/news/{n}.html</link>"
        f"<pubDate>Mon, 1{n} Dec 2025 10:00:00 GMT</pubDate></item>"
        for n in (1, 2)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


class Site:
    """Feeds ``/<name>/feed.xml`` of two articles each, a page that never answers (``/hang``),
    a feed whose third link hangs (``/partial/feed.xml``) and ``/limited/...`` answering 429
    while ``limited`` is set."""

    def __init__(self) -> None:
        self.limited = threading.Event()
        self.server = LocalServer(self.handle, name="scheduler-site")

    @property
    def base(self) -> str:
        return self.server.base

    def handle(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        if parts == ["hang"]:
            return Response(200, b"", delay=60)  # never answers while the test runs
        if parts[0] == "limited" and self.limited.is_set():
            return Response(429, b"", {"Retry-After": "1"})
        if parts == ["partial", "feed.xml"]:  # two articles, and a third page that hangs
            body = _feed(self.base, "partial").replace(
                b"</channel>", f"<item><title>x</title><link>{self.base}/hang</link></item>"
                .encode() + b"</channel>")  # fmt: skip
            return Response(200, body, {"Content-Type": "application/rss+xml"})
        if len(parts) == 2 and parts[1] == "feed.xml":
            return Response(
                200, _feed(self.base, parts[0]), {"Content-Type": "application/rss+xml"}
            )
        if len(parts) == 3 and parts[1] == "news":
            body = _article(parts[0], int(parts[2].split(".")[0]))
            return Response(200, body, {"Content-Type": "text/html"})
        return Response(404, b"not found", {"Content-Type": "text/plain"})


@pytest.fixture
def site() -> Iterator[Site]:
    running = Site()
    with running.server:
        yield running


def _receiver(received: list[dict]) -> LocalServer:
    """An apprise ``json://`` target that keeps every posted payload."""

    def post(request: Request) -> Response:
        received.append(json.loads(request.body))
        return Response(200)

    return LocalServer(post, name="receiver").start()


def sources_toml(site: Site, entries: dict[str, dict[str, str]]) -> str:
    """``{name: {"path": "/alpha/feed.xml", "interval": "1s", ...}}`` as a sources file."""
    out = []
    for name, opts in entries.items():
        out.append(
            f'[[sources]]\nname = "{name}"\nkind = "feed"\n'
            f'start_urls = ["{site.base}{opts["path"]}"]\n'
            f'interval = "{opts.get("interval", "1s")}"\ntimeout = "{opts.get("timeout", "60s")}"\n'
            f"enabled = {opts.get('enabled', 'true')}\n"
        )
    return "\n".join(out)


#: Settings of the service under test, as the environment of its process.
SERVICE_ENV = {
    "STANCEWATCH_AUTOTHROTTLE": "false",
    "STANCEWATCH_DOWNLOAD_TIMEOUT": "20",
    "STANCEWATCH_RETRY_TIMES": "0",
    "STANCEWATCH_SCHEDULER_JITTER": "0.2",
    "STANCEWATCH_SCHEDULER_LOCK_POLL": "0.3",
    "STANCEWATCH_CRAWL_GRACE_PERIOD": "10",
    "STANCEWATCH_DELIVER_INTERVAL": "3600",
    "STANCEWATCH_LOG_LEVEL": "INFO",
}


class Service:
    """``stancewatch run`` in its own process, its log collected line by line."""

    def __init__(self, db_url: str, sources: Path, **env: str) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "stancewatch",
                "--database-url",
                db_url,
                "--sources",
                str(sources),
                "run",
            ],  # fmt: skip
            env={**os.environ, **SERVICE_ENV, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip())

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out; service log:\n" + "\n".join(self.lines[-30:]))
            if self.proc.poll() is not None and not predicate():
                time.sleep(0.3)
                raise AssertionError("service exited:\n" + "\n".join(self.lines[-30:]))
            time.sleep(0.2)

    def logged(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def job_lines(self) -> list[str]:
        return [line for line in self.lines if "job=crawl" in line]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout)
        self._reader.join(5)
        return rc


def _runs(db_url: str) -> list[tuple[str, CrawlRun]]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        rows = s.execute(
            select(Source.name, CrawlRun).join(Source).order_by(CrawlRun.started_at)
        ).all()
    engine.dispose()
    return [(name, run) for name, run in rows]


def _job_ids(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM apscheduler_jobs ORDER BY id"))]
    engine.dispose()
    return ids


def test_one_scheduler_crawls_each_source_while_a_second_waits(db_url, site, tmp_path):
    """The lock holder crawls both sources on their intervals, never one source twice at
    once; a second ``run`` on the same database waits, then takes over when the first stops."""
    path = tmp_path / "sources.toml"
    path.write_text(
        sources_toml(
            site, {"alpha": {"path": "/alpha/feed.xml"}, "beta": {"path": "/beta/feed.xml"}}
        )
    )
    first = Service(db_url, path)
    first.wait_for(lambda: first.logged("scheduler lock acquired"))
    second = Service(db_url, path)
    second.wait_for(lambda: second.logged("waiting for the scheduler lock"))
    for name in ("alpha", "beta"):
        first.wait_for(lambda n=name: sum(f"source={n} " in j for j in first.job_lines()) >= 2, 60)
    assert second.job_lines() == [] and not second.logged("scheduler lock acquired")
    assert first.stop() == 0
    second.wait_for(lambda: second.logged("scheduler lock acquired"))
    assert second.stop(signal.SIGINT) == 0

    runs = _runs(db_url)
    assert {name for name, _ in runs} == {"alpha", "beta"}
    assert all(run.status in ("ok", "empty") for _, run in runs), [r.reason for _, r in runs]
    assert [run.articles_new for name, run in runs if name == "alpha"][0] == 2
    for name in ("alpha", "beta"):  # max_instances=1: runs of one source never overlap
        mine = [run for n, run in runs if n == name]
        assert len(mine) >= 2
        assert all(a.finished_at <= b.started_at for a, b in zip(mine, mine[1:], strict=False))
    assert _job_ids(db_url) == ["crawl:alpha", "crawl:beta", "deliver"]
    line = next(j for j in first.job_lines() if "source=alpha" in j)
    assert "status=" in line and "duration_s=" in line and "new=" in line
    # one structured line per crawl run (a crawl cut short by the stop may leave no row)
    lines = [j for j in first.job_lines() + second.job_lines() if 'reason="stopped:' not in j]
    recorded = [r for _, r in runs if not (r.reason or "").startswith("stopped:")]
    assert len(lines) == len(recorded)


def test_models_still_match_migrations_next_to_the_job_store(db_url, settings):
    """APScheduler's table lives in our database but stays out of the migrations check."""
    engine = make_engine(db_url)
    scheduler = make_scheduler(engine, settings, workers=1)
    scheduler.start(paused=True)
    scheduler.shutdown()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(ctx, Base.metadata) == []
    assert inspect(engine).has_table("apscheduler_jobs")
    engine.dispose()


def _synced(engine, settings, text_: str, next_runs: dict | None = None):
    """Start a scheduler paused on the database, sync its jobs with ``text_``, stop it.
    ``next_runs`` first moves stored jobs' next run times (as if time had passed)."""
    scheduler = make_scheduler(engine, settings, workers=1)
    scheduler.start(paused=True)
    try:
        for job_id, when in (next_runs or {}).items():
            scheduler.modify_job(job_id, next_run_time=when)
        report = sync_jobs(scheduler, parse_sources(text_, "test"), settings)
        jobs = {j.id: (j.trigger.interval, j.next_run_time) for j in scheduler.get_jobs()}
    finally:
        scheduler.shutdown()
    return report, jobs


def test_a_restart_keeps_jobs_and_applies_sources_changes(db_url, settings, site, runner, tmp_path):
    engine = make_engine(db_url)
    before = {"alpha": {"path": "/a", "interval": "1h"}, "beta": {"path": "/b", "interval": "2h"},
              "gamma": {"path": "/c", "interval": "3h"}, "eps": {"path": "/e", "interval": "1h"}}  # fmt: skip
    report, jobs = _synced(engine, settings, sources_toml(site, before))
    assert sorted(report.added) == [
        "crawl:alpha",
        "crawl:beta",
        "crawl:eps",
        "crawl:gamma",
        "deliver",
    ]
    after = {"alpha": {"path": "/a", "interval": "1h"}, "beta": {"path": "/b", "interval": "30m"},
             "gamma": {"path": "/c", "enabled": "false"}, "delta": {"path": "/d"},
             "eps": {"path": "/e", "interval": "1h"}}  # fmt: skip
    now = utcnow()
    later, missed = now + timedelta(minutes=50), now - timedelta(hours=5)
    report2, jobs2 = _synced(
        engine, settings, sources_toml(site, after), {"crawl:alpha": later, "crawl:eps": missed}
    )
    assert report2.kept == ["crawl:alpha", "crawl:eps", "deliver"]
    assert report2.rescheduled == ["crawl:beta"] and report2.removed == ["crawl:gamma"]
    assert report2.added == ["crawl:delta"]
    assert jobs2["crawl:alpha"] == (timedelta(hours=1), later)  # same interval, same next run
    # runs missed while the service was down: one run soon, not five
    assert now <= jobs2["crawl:eps"][1] <= utcnow() + timedelta(seconds=60)
    assert jobs2["crawl:beta"][0] == timedelta(minutes=30)
    assert _job_ids(db_url) == ["crawl:alpha", "crawl:beta", "crawl:delta", "crawl:eps", "deliver"]
    # what every stored job runs with, read back from the job store
    scheduler = make_scheduler(engine, settings, workers=1)
    scheduler.start(paused=True)
    stored = {(j.max_instances, j.coalesce, j.misfire_grace_time) for j in scheduler.get_jobs()}
    scheduler.shutdown()
    assert stored == {(1, True, int(settings.misfire_grace_time))}
    engine.dispose()

    # the health check shows each source's next run from the job store
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site, after))
    result = runner.invoke(cli, ["--database-url", db_url, "--sources", str(path), "status",
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["source"]: r for r in json.loads(result.output)["sources"]}
    assert rows["alpha"]["next_run"] == later.isoformat(timespec="seconds")
    assert rows["gamma"]["next_run"] is None and rows["alpha"]["last_run"] is None


def test_hung_crawl_is_killed_at_its_timeout_and_the_next_run_goes_ahead(
    sqlite_url, site, tmp_path
):
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site, {"stuck": {"path": "/hang", "timeout": "2s"}}))
    service = Service(
        sqlite_url, path, STANCEWATCH_HEALTH_MAX_BACKOFF="1", STANCEWATCH_CRAWL_GRACE_PERIOD="1"
    )
    service.wait_for(lambda: len(service.job_lines()) >= 2, 40)
    assert service.stop() == 0
    assert all('reason="timed out after 2s"' in line for line in service.job_lines()[:2])
    runs = [run for _, run in _runs(sqlite_url)]
    assert [r.reason for r in runs[:2]] == ["timed out after 2s"] * 2
    assert all(r.status == "failed" for r in runs[:2])
    assert not [r for r in runs if r.status == "running"]  # a crawl cut by the stop is closed
    with make_engine(sqlite_url).connect() as conn:
        health = conn.execute(select(SourceHealth.state, SourceHealth.consecutive_failures)).one()
    assert health.state == "failing" and health.consecutive_failures >= 2


def test_crashed_crawl_process_is_recorded_with_its_error(sqlite_url, site, tmp_path):
    """A child that dies without a summary (here: a source its sources file lacks)."""
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site, {"alpha": {"path": "/alpha/feed.xml"}}))
    settings = Settings(database_url=sqlite_url, sources=str(path))
    ghost = parse_sources(sources_toml(site, {"ghost": {"path": "/g"}}), "test")[0]
    engine = make_engine(sqlite_url)
    install(Runtime(settings=settings, sessions=session_factory(engine), sources={"ghost": ghost}))
    try:
        crawl_job("ghost")
    finally:
        install(None)
    ((name, run),) = _runs(sqlite_url)
    assert (name, run.status) == ("ghost", "failed")
    assert run.reason.startswith("crawl process exited with code 2: Error: unknown source: ghost")
    engine.dispose()


def _add_runs(
    db_url: str, name: str, runs: list[tuple[str, str | None, int]], start=None, step=1.0
):
    """Runs of ``name`` ``step`` hours apart: (status, reason, articles_new)."""
    start = start or utcnow() - timedelta(hours=len(runs) * step)
    engine = make_engine(db_url)
    with session_factory(engine).begin() as s:
        source = s.scalar(select(Source).where(Source.name == name))
        if source is None:
            source = Source(name=name, kind="feed")
            s.add(source)
            s.flush()
        for i, (status, reason, new) in enumerate(runs):
            at = start + timedelta(hours=i * step)
            s.add(CrawlRun(source_id=source.id, started_at=at, finished_at=at, status=status,
                           reason=reason, articles_new=new))  # fmt: skip
    engine.dispose()


def test_status_exit_codes(db_url, runner, site, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site, {"alpha": {"path": "/a"}, "beta": {"path": "/b"}}))
    status = ["--database-url", db_url, "--sources", str(path), "status"]
    _add_runs(db_url, "alpha", [("ok", None, 2), ("down", "site down: timeout x1", 0),
                                ("failed", "no index page was fetched", 0)])  # fmt: skip
    _add_runs(db_url, "beta", [("empty", "nothing new", 0)])
    healthy = runner.invoke(cli, status)
    assert healthy.exit_code == 0, healthy.output
    assert "alpha" in healthy.output and "outbox: pending 0" in healthy.output
    _add_runs(db_url, "alpha", [("blocked", "blocked: robots_txt x1", 0)], start=utcnow())
    broken = runner.invoke(cli, [*status, "--format", "json"])
    assert broken.exit_code == 1
    report = json.loads(broken.output)
    assert report["problems"] == ["source alpha failed its last 3 runs"]
    alpha = next(r for r in report["sources"] if r["source"] == "alpha")
    assert (alpha["result"], alpha["reason"]) == ("blocked", "blocked: robots_txt x1")
    _add_runs(db_url, "alpha", [("ok", None, 1)], start=utcnow() + timedelta(seconds=1))
    assert runner.invoke(cli, status).exit_code == 0
    engine = make_engine(db_url)
    with session_factory(engine).begin() as s:
        s.add(OutboxMessage(kind="health", subject_key="x", target_key="k", target_redacted="r",
                            status="failed", attempts=8))  # fmt: skip
    engine.dispose()
    gave_up = runner.invoke(cli, status)
    assert gave_up.exit_code == 1 and "1 outbox message(s) failed" in gave_up.output


def test_status_of_an_uninitialised_database_is_one_line(runner, tmp_path):
    (tmp_path / "none.db").touch()  # there, but never migrated
    result = runner.invoke(cli, ["--database-url", f"sqlite:///{tmp_path / 'none.db'}", "status"])
    assert result.exit_code == 3
    assert result.output.strip().splitlines() == [
        f"Error: database unreachable (sqlite:///{tmp_path / 'none.db'}): "
        "no stancewatch tables (run: stancewatch db upgrade)"
    ]


NOTIFY = ("json://127.0.0.1:9/hook", "mailtos://desk:secretpw@mail.example.org")


def _health(db_url: str, name: str, now=None, interval: float = 3600.0):
    settings = Settings(database_url=db_url, notify_urls=NOTIFY)
    engine = make_engine(db_url)
    with session_factory(engine).begin() as s:
        assessment, added = update_health(s, settings, name, interval, now or utcnow())
    engine.dispose()
    return assessment, added


def _health_rows(db_url: str) -> list[OutboxMessage]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    engine.dispose()
    return rows


def test_one_health_alert_when_broken_and_one_on_recovery(db_url):
    _add_runs(db_url, "alpha", [("ok", None, 3)])
    for i in range(5):  # failures pile up; the third crosses the threshold
        _add_runs(db_url, "alpha", [("down", "site down or unreachable: timeout x2", 0)],
                  start=utcnow() + timedelta(seconds=i))  # fmt: skip
        a, added = _health(db_url, "alpha")
        assert a.consecutive_failures == i + 1
        assert added == (2 if i == 2 else 0)
        assert a.state == ("broken" if i >= 2 else "failing")
        assert a.backoff_until is not None
    rows = _health_rows(db_url)
    assert len(rows) == 2 and {r.kind for r in rows} == {"health"}
    assert rows[0].title == "stancewatch: source alpha is failing"
    assert "3 failed crawls in a row" in rows[0].body
    assert len({r.target_key for r in rows}) == 2
    assert all("secretpw" not in r.target_redacted for r in rows)
    _add_runs(db_url, "alpha", [("empty", "nothing new", 0)], start=utcnow() + timedelta(minutes=1))
    a, added = _health(db_url, "alpha")
    assert (a.state, added, a.backoff_until) == ("ok", 2, None)
    assert _health(db_url, "alpha")[1] == 0  # recovered once, not twice
    rows = _health_rows(db_url)
    assert [r.title for r in rows[2:]] == ["stancewatch: source alpha has recovered"] * 2


def test_blocks_weigh_more_and_a_429_less(db_url):
    _add_runs(db_url, "blocked", [("blocked", "blocked: bot_protection x1", 0)] * 2)
    assert _health(db_url, "blocked")[0].state == "broken"  # 2 x 2.0 >= 3
    _add_runs(db_url, "limited", [("blocked", "blocked: http_429 x3", 0)] * 4)
    a, added = _health(db_url, "limited")
    assert (a.state, a.score, a.rate_limited, added) == ("failing", 2.0, True, 0)


def test_a_source_silent_past_its_rhythm_raises_one_alert(db_url):
    start = utcnow() - timedelta(hours=40)
    # news every hour for 6 hours, then 34 hours of empty runs: past 4 x its rhythm
    _add_runs(db_url, "quiet", [("ok", None, 1)] * 6 + [("empty", "nothing new", 0)] * 34, start)
    a, added = _health(db_url, "quiet", interval=1800)
    assert (a.state, added, a.rhythm_seconds) == ("silent", 2, 3600.0)
    assert "is silent" in _health_rows(db_url)[0].title
    assert _health(db_url, "quiet", interval=1800)[1] == 0


def test_backoff_doubles_up_to_a_ceiling_with_a_random_offset_after_429():
    assert backoff_delay(60, 0, False, 3600) is None
    assert [backoff_delay(60, n, False, 3600) for n in (1, 2, 3, 7)] == [120, 240, 480, 3600]
    delays = {backoff_delay(60, 1, True, 3600) for _ in range(20)}
    assert len(delays) > 1 and all(120 <= d <= 180 for d in delays)
    assert failure_weight("down", "timeout x1") == 1.0
    assert failure_weight("blocked", "blocked: robots_txt x1") == 2.0
    assert failure_weight("blocked", "blocked: http_429 x1") == 0.5
    assert failure_weight("empty", None) == 0.0


def test_sigterm_stops_a_running_crawl_after_the_grace_period(sqlite_url, site, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site, {"stuck": {"path": "/hang", "timeout": "60s"}}))
    service = Service(sqlite_url, path, STANCEWATCH_CRAWL_GRACE_PERIOD="1")
    service.wait_for(lambda: [r for _, r in _runs(sqlite_url) if r.status == "running"], 30)
    assert service.stop() == 0
    ((_, run),) = _runs(sqlite_url)
    assert (run.status, run.reason) == ("failed", "stopped: the service shut down during the crawl")
    assert service.logged("event=stopping running_crawls=1")
    assert not service.logged("Traceback")


def test_the_lock_is_exclusive_and_a_lost_lock_is_noticed(db_url):
    engine, other = make_engine(db_url), make_engine(db_url)
    first, second = SchedulerLock(engine, poll=0.1), SchedulerLock(other, poll=0.1)
    stop = threading.Event()
    assert first.acquire(stop) and first.held()
    threading.Timer(0.5, stop.set).start()
    assert second.acquire(stop) is False  # waited until told to stop
    if engine.dialect.name == "postgresql":  # a server restart ends the session holding it
        with other.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_locks "
                              "WHERE locktype = 'advisory' AND objid = :k AND database = "
                              "(SELECT oid FROM pg_database WHERE datname = current_database())"),
                         {"k": ADVISORY_KEY})  # fmt: skip
        assert not first.held()
    first.release()
    assert second.acquire(threading.Event()) and second.held()
    second.release()
    engine.dispose()
    other.dispose()


def test_health_alert_reaches_a_receiver_through_deliver(sqlite_url):
    """End to end once the delivery stage is installed: outbox row -> apprise -> receiver."""
    received: list[dict] = []

    server = _receiver(received)
    port = server.port
    settings = Settings(
        database_url=sqlite_url,
        notify_urls=(f"json://127.0.0.1:{port}/desk", f"json://127.0.0.1:{port}/ops?tag=health"),
    )
    _add_runs(sqlite_url, "alpha", [("blocked", "blocked: robots_txt x1", 0)] * 2)
    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        assert update_health(s, settings, "alpha", 60.0, utcnow())[1] == 1  # the health target
    deliver_pending(settings, sessions)
    server.stop()
    engine.dispose()
    assert [m["title"] for m in received] == ["stancewatch: source alpha is failing"]
    assert "2 failed crawls in a row of alpha" in received[0]["message"]


def test_a_bad_sources_file_stops_run_before_it_starts(runner, sqlite_url, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "x"\nkind = "feed"\nstart_urls = ["http://a.example/"]\n'
                    'interval = "soon"\n')  # fmt: skip
    result = runner.invoke(cli, ["--database-url", sqlite_url, "--sources", str(path), "run"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: {path}: source #1 ('x'): not an interval like 30m, 2h or 90s: 'soon'"
    ]


def test_the_crawl_summary_is_found_in_the_child_output():
    from stancewatch.scheduler.child import ChildResult
    from stancewatch.scheduler.jobs import _summary

    mine = {"source": "a", "status": "ok", "articles_new": 2}
    for out in (json.dumps([mine]), "log line\n" + json.dumps({"crawl": [mine], "analyze": {}}),
                json.dumps([mine], indent=2)):  # fmt: skip
        assert _summary(ChildResult(0, out, "", 1.0), "a") == mine
    assert _summary(ChildResult(1, "Traceback ...", "", 1.0), "a") == {}
    assert _summary(ChildResult(0, json.dumps([mine]), "", 1.0), "b") == {}


def test_a_429_backs_the_source_off_with_an_offset_and_it_recovers(sqlite_url, site, tmp_path):
    """The real crawl meets a 429: the source is rate limited (weighs half a failure), its
    next run moves past twice its interval plus a random offset (the backoff wins over an
    adaptive interval); then it recovers."""
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site, {"limited": {"path": "/limited/feed.xml",
                                                    "interval": "60s"}}))  # fmt: skip
    settings = Settings(database_url=sqlite_url, sources=str(path), retry_times=0,
                        autothrottle=False, adaptive_interval=True)  # fmt: skip
    sources = parse_sources(path.read_text(), "test")
    engine = make_engine(sqlite_url)
    scheduler = make_scheduler(engine, settings, workers=1)
    scheduler.start(paused=True)
    sync_jobs(scheduler, sources, settings)
    install(Runtime(settings=settings, sessions=session_factory(engine),
                    sources={"limited": sources[0]}, scheduler=scheduler))  # fmt: skip
    site.limited.set()
    try:
        crawl_job("limited")
        with session_factory(engine)() as s:
            health = s.scalars(select(SourceHealth)).one()
        job = scheduler.get_job("crawl:limited")
        site.limited.clear()
        crawl_job("limited")
        with session_factory(engine)() as s:
            recovered = s.scalars(select(SourceHealth)).one()
    finally:
        install(None)
        scheduler.shutdown()
        engine.dispose()
    assert (health.last_status, health.state, health.score) == ("blocked", "failing", 0.5)
    assert "http_429" in health.last_reason
    delay = (health.backoff_until - health.updated_at).total_seconds()
    assert 120 <= delay <= 180  # 2 x 60 s, plus up to one interval at random
    assert abs((job.next_run_time - health.backoff_until).total_seconds()) < 1
    assert (recovered.state, recovered.consecutive_failures, recovered.backoff_until) == (
        "ok", 0, None)  # fmt: skip
    assert recovered.last_status == "ok"


def test_a_job_that_fails_in_the_scheduler_logs_one_line_and_no_secret(tmp_path, caplog):
    """The database vanished under the service: the crawl job still says what happened in its
    one line (no traceback, no secret) and returns, so the next run goes ahead."""
    url = f"sqlite:///{tmp_path / 'gone' / 'stancewatch.db'}"  # its directory does not exist
    secret = "json://desk:secretpw@127.0.0.1:9/hook"
    settings = Settings(database_url=url, notify_urls=(secret,))
    source = parse_sources('[[sources]]\nname = "alpha"\nkind = "feed"\n'
                           'start_urls = ["http://127.0.0.1:9/feed.xml"]\n', "test")[0]  # fmt: skip
    engine = make_engine(url)
    install(Runtime(settings=settings, sessions=session_factory(engine),
                    sources={"alpha": source}, health_targets=[]))  # fmt: skip
    caplog.set_level("INFO", logger="stancewatch.scheduler")
    try:
        crawl_job("alpha")
    finally:
        install(None)
        engine.dispose()
    lines = [r.getMessage() for r in caplog.records if r.name == "stancewatch.scheduler"]
    assert len(lines) == 1, lines
    assert lines[0].startswith("job=crawl source=alpha status=error duration_s=")
    assert "error=" in lines[0] and "OperationalError" in lines[0]
    assert "secretpw" not in caplog.text and "Traceback" not in caplog.text


def test_the_service_delivers_due_alerts_on_its_own_interval(sqlite_url, tmp_path):
    """Without any crawl, the deliver job of ``stancewatch run`` sends what is due to a local
    apprise receiver, and logs one line per run without the target's password."""
    received: list[dict] = []

    server = _receiver(received)
    target = f"json://desk:secretpw@127.0.0.1:{server.port}/hook"
    _add_runs(sqlite_url, "alpha", [("blocked", "blocked: robots_txt x1", 0)] * 2)
    settings = Settings(database_url=sqlite_url, notify_urls=(target,))
    engine = make_engine(sqlite_url)
    with session_factory(engine).begin() as s:
        assert update_health(s, settings, "alpha", 3600.0, utcnow())[1] == 1
    engine.dispose()
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "alpha"\nkind = "feed"\nenabled = false\n'
                    'start_urls = ["http://127.0.0.1:9/feed.xml"]\n')  # fmt: skip
    service = Service(sqlite_url, path, STANCEWATCH_DELIVER_INTERVAL="1",
                      STANCEWATCH_NOTIFY_URLS=target)  # fmt: skip
    try:
        service.wait_for(lambda: service.logged("job=deliver status=ok") and bool(received))
        assert service.stop() == 0
    finally:
        server.stop()
    assert [m["title"] for m in received] == ["stancewatch: source alpha is failing"]
    line = next(x for x in service.lines if "job=deliver" in x)
    assert "sent=1" in line and "duration_s=" in line
    assert not any("secretpw" in x for x in service.lines)
    assert _health_rows(sqlite_url)[0].status == "sent"


def test_what_a_killed_crawl_stored_is_analysed_right_away(sqlite_url, site, tmp_path, caplog):
    """The crawl stores two articles, then hangs on a third page and is killed at its
    timeout: the scheduler analyses the two at once instead of leaving them (and their
    alerts) to some later crawl."""
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site, {"partial": {"path": "/partial/feed.xml",
                                                    "timeout": "8s"}}))  # fmt: skip
    settings = Settings(database_url=sqlite_url, sources=str(path), retry_times=0,
                        autothrottle=False, download_timeout=60)  # fmt: skip
    source = parse_sources(path.read_text(), "test")[0]
    engine = make_engine(sqlite_url)
    install(Runtime(settings=settings, sessions=session_factory(engine),
                    sources={"partial": source}, health_targets=[]))  # fmt: skip
    caplog.set_level("INFO", logger="stancewatch.scheduler")
    try:
        crawl_job("partial")
    finally:
        install(None)
    with session_factory(engine)() as s:
        analysed = s.execute(select(Article.title, Article.analyzed_at)).all()
    engine.dispose()
    ((_, run),) = _runs(sqlite_url)
    assert (run.status, run.reason) == ("failed", "timed out after 8s")
    assert sorted(t for t, _ in analysed) == ["partial story 1", "partial story 2"]
    assert all(at is not None for _, at in analysed)
    (line,) = [r.getMessage() for r in caplog.records if "job=crawl" in r.getMessage()]
    assert 'reason="timed out after 8s"' in line and "followup=analyzed" in line


HOUR = 3600.0


def test_adaptive_delay_is_half_the_median_gap_within_bounds():
    """Bounds 0.5 and 4 times a 1-hour interval: 30 min to 4 h."""
    busy = [600.0, 900.0, 300.0, 1200.0]  # news every ~10 minutes: 6 min, held at 30 min
    assert adaptive_delay(busy, HOUR, 0.5, 4.0) == 0.5 * HOUR
    regular = [3 * HOUR, 3 * HOUR, 2.5 * HOUR, 4 * HOUR]  # every ~3 h: 1.5 h
    assert adaptive_delay(regular, HOUR, 0.5, 4.0) == 1.5 * HOUR
    quiet = [2 * 86400.0, 86400.0, 3 * 86400.0]  # every ~2 days: 1 day, held at 4 h
    assert adaptive_delay(quiet, HOUR, 0.5, 4.0) == 4 * HOUR
    # one burst or one long weekend does not swing it (median, not mean)
    assert adaptive_delay([*regular, 30 * 86400.0], HOUR, 0.5, 4.0) == 1.5 * HOUR


def test_adaptive_delay_keeps_the_interval_without_enough_history():
    for gaps in ([], [600.0], [600.0, 600.0]):
        assert adaptive_delay(gaps, HOUR, 0.5, 4.0) == HOUR
    assert adaptive_delay([600.0] * 3, HOUR, 0.5, 4.0) == 0.5 * HOUR


def test_adaptive_delay_is_deterministic():
    gaps = [5000.0, 7000.0, 6000.0, 9000.0, 4000.0]
    delays = {adaptive_delay(order, HOUR, 0.5, 4.0) for order in (gaps, gaps[::-1], sorted(gaps))}
    assert delays == {3000.0}
    # bounds that cross are not an error: the lower one wins
    assert adaptive_delay([10.0] * 3, HOUR, 2.0, 1.0) == 2 * HOUR


def test_a_source_can_opt_in_or_out_of_adaptation():
    entry = '[[sources]]\nname = "{}"\nkind = "feed"\nstart_urls = ["http://x.example/f"]\n'
    text = "\n".join(
        [entry.format("plain"), entry.format("on") + "adaptive = true\n",
         entry.format("off") + "adaptive = false\n"]
    )  # fmt: skip
    plain, on, off = parse_sources(text, "test")
    assert (plain.adaptive, on.adaptive, off.adaptive) == (None, True, False)
    for settings in (Settings(), Settings(adaptive_interval=True)):
        assert adaptive_enabled(plain, settings) is settings.adaptive_interval
        assert (adaptive_enabled(on, settings), adaptive_enabled(off, settings)) == (True, False)
    with pytest.raises(ConfigError, match=r"'bad'\): adaptive must be true or false"):
        parse_sources(entry.format("bad") + 'adaptive = "yes"\n', "test")


def test_an_adaptive_source_next_run_follows_its_rhythm(db_url, site, tmp_path, caplog):
    """A real crawl of a source with news every 3 hours and a 1-hour interval: with
    adaptation off its next run stays where the interval trigger put it; with it on, the
    next run moves to 1.5 hours (plus jitter) after the crawl, and status shows it."""
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site, {"alpha": {"path": "/alpha/feed.xml",
                                                  "interval": "1h"}}))  # fmt: skip
    # news at -12 h, -9 h, -6 h, -3 h; the crawl below finds news now: four 3-hour gaps
    _add_runs(db_url, "alpha", [("ok", None, 2), ("empty", "nothing new", 0)] * 4, step=1.5)
    sources = parse_sources(path.read_text(), "test")
    off = Settings(database_url=db_url, sources=str(path), retry_times=0, autothrottle=False)
    engine = make_engine(db_url)
    scheduler = make_scheduler(engine, off, workers=1)
    scheduler.start(paused=True)
    sync_jobs(scheduler, sources, off)
    before = scheduler.get_job("crawl:alpha").next_run_time
    caplog.set_level("INFO", logger="stancewatch.scheduler")
    runtime = Runtime(settings=off, sessions=session_factory(engine),
                      sources={"alpha": sources[0]}, scheduler=scheduler, health_targets=[])  # fmt: skip
    try:
        install(runtime)
        crawl_job("alpha")  # adaptation off: the crawl finds two new articles
        unmoved = scheduler.get_job("crawl:alpha").next_run_time
        install(dataclasses.replace(runtime, settings=off.replace(adaptive_interval=True)))
        crawl_job("alpha")  # on: nothing new this time, the rhythm is still 3 hours
        moved = scheduler.get_job("crawl:alpha").next_run_time
        with session_factory(engine)() as s:
            health = s.scalars(select(SourceHealth)).one()
        status = collect_status(engine, sources)
    finally:
        install(None)
        scheduler.shutdown()
        engine.dispose()
    assert unmoved == before
    assert (health.state, health.backoff_until, health.rhythm_seconds) == ("ok", None, 3 * HOUR)
    delay = (moved - health.updated_at).total_seconds()
    assert 1.5 * HOUR <= delay <= 1.5 * HOUR + 0.1 * HOUR + 1  # plus up to 10 % jitter
    assert status.sources[0]["next_run"] == moved.isoformat(timespec="seconds")
    lines = [r.getMessage() for r in caplog.records if "job=crawl" in r.getMessage()]
    assert [("new=2" in x, "next_in=" in x) for x in lines] == [(True, False), (False, True)]
    logged = float(lines[1].split("next_in=")[1].split("s")[0])
    assert abs(logged - delay) <= 1


def test_a_gone_feed_has_its_own_state_weight_and_alert(db_url):
    _add_runs(db_url, "moved", [("ok", None, 2)])
    gone = ("gone", "gone: the start URL is not found (http_404 x1)", 0)
    _add_runs(db_url, "moved", [gone], start=utcnow() + timedelta(seconds=1))
    a, added = _health(db_url, "moved")
    assert (a.state, a.score, added) == ("failing", 1.5, 0)
    _add_runs(db_url, "moved", [gone], start=utcnow() + timedelta(seconds=2))
    a, added = _health(db_url, "moved")
    assert (a.state, a.score, added) == ("gone", 3.0, 2)  # 2 x 1.5: one alert per target
    rows = _health_rows(db_url)
    assert rows[0].title == "stancewatch: source moved is gone"
    assert rows[0].body.startswith(
        "2 failed crawls in a row of moved; its feed or sitemap is not found "
        "(gone: the start URL is not found (http_404 x1)): the address is wrong or has moved. "
        "Update its start_urls in sources.toml."
    )
    assert failure_weight("gone", gone[1]) == 1.5
    assert failure_weight("too_large", "index page too large") == 1.0


def test_the_sqlite_lock_file_dies_with_a_killed_scheduler(sqlite_url):
    """kill -9 of the holder frees the lock file at once: nothing to clean up by hand."""
    code = (
        "import sys, threading, time\n"
        "from stancewatch.db import make_engine\n"
        "from stancewatch.scheduler.lock import SchedulerLock\n"
        "lock = SchedulerLock(make_engine(sys.argv[1]))\n"
        "assert lock.acquire(threading.Event())\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, sqlite_url], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        engine = make_engine(sqlite_url)
        waiting = SchedulerLock(engine, poll=0.05)
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        assert waiting.acquire(stop) is False  # held by the other process
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        assert waiting.acquire(threading.Event()) and waiting.held()
        waiting.release()
        engine.dispose()
    finally:
        holder.kill()
        holder.wait(10)


def test_a_crashed_child_is_recorded_by_its_exception_not_a_stack_fragment():
    """A run record said "crawl process exited with code 1:  line 1977, in
    _exec_single_context ..." (the last 600 characters of a traceback); it names the exception."""
    from stancewatch.scheduler.child import what_failed

    stack = "".join(f'  File "/x/mod{i}.py", line {i}, in f{i}\n    call({i})\n' for i in range(40))
    err = (
        "Traceback (most recent call last):\n" + stack
        + "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed: "
        "actor_states.actor\n"
    )  # fmt: skip
    assert what_failed(err.strip()) == (
        "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed: "
        "actor_states.actor"
    )
    assert what_failed("Error: no such source: x") == "Error: no such source: x"
    assert len(what_failed("y" * 5000)) == 600
