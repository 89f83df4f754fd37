"""Crawl workers on Redis and analysis workers on PostgreSQL, as separate real processes.

Real Redis (127.0.0.1:6379, a key prefix of its own per test), real PostgreSQL, the local
demo site over HTTP; workers are ``python -m stancewatch worker`` processes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from stancewatch.db import make_engine, session_factory
from stancewatch.models import Article, CrawlRun, Source, SourceHealth
from stancewatch.settings import Settings

REDIS_URL = os.environ.get("STANCEWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SOURCES = ("censor-nato-membership", "cnbc-world", "aggregator", "fakty-en")
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.postgres


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own; its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("STANCEWATCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"Redis is required but unreachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"sw-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def slow_down(site, seconds: float) -> None:
    """Every answer of the demo site waits ``seconds``: requests then wait on the queue long
    enough for every worker to take some (a fast site is drained by whichever asks)."""
    site.delay = seconds


@pytest.fixture
def env(pg_url, redis_prefix, site, tmp_path) -> dict[str, str]:
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(only=SOURCES), encoding="utf-8")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("STANCEWATCH_")},
        "PYTHONPATH": str(ROOT),
        "STANCEWATCH_DATABASE_URL": pg_url,
        "STANCEWATCH_REDIS_URL": REDIS_URL,
        "STANCEWATCH_REDIS_PREFIX": redis_prefix,
        "STANCEWATCH_SOURCES": str(sources),
        "STANCEWATCH_WORKER_TIMEOUT": "4",
        "STANCEWATCH_DOWNLOAD_TIMEOUT": "3",
        "STANCEWATCH_RETRY_TIMES": "1",
        "STANCEWATCH_AUTOTHROTTLE_START_DELAY": "0.05",
        "STANCEWATCH_AUTOTHROTTLE_MAX_DELAY": "0.5",
        "STANCEWATCH_LOG_LEVEL": "INFO",
        "WORKER_LOGS": str(tmp_path),
    }


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stancewatch", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    """A worker process; its log goes to a file (a pipe nobody reads would block it)."""
    log = Path(env["WORKER_LOGS"]) / f"worker-{uuid.uuid4().hex[:6]}.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "stancewatch", "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    proc.log = log  # type: ignore[attr-defined]
    return proc


def wait_for_workers(prefix: str, n: int, timeout: float = 60) -> None:
    """Until ``n`` workers have sent a heartbeat (they are ready to take requests)."""
    client = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + timeout
    while client.zcard(f"{prefix}:workers") < n:
        assert time.monotonic() < deadline, "workers did not start"
        time.sleep(0.2)


def finish(proc: subprocess.Popen, timeout: float = 120) -> dict[str, str]:
    """Wait for a worker; its last stdout line as a dict (``key=value`` pairs)."""
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, proc.log.read_text()[-3000:]  # type: ignore[attr-defined]
    line = out.strip().splitlines()[-1]
    return dict(part.split("=", 1) for part in line.split())


def stored(pg_url: str) -> list[Article]:
    engine = make_engine(pg_url)
    with session_factory(engine)() as s:
        rows = list(s.scalars(select(Article).order_by(Article.id)))
    engine.dispose()
    return rows


def runs(pg_url: str) -> list[tuple[str, str, int, object]]:
    engine = make_engine(pg_url)
    with session_factory(engine)() as s:
        rows = s.execute(
            select(Source.name, CrawlRun.status, CrawlRun.articles_new, CrawlRun.finished_at)
            .join(Source, Source.id == CrawlRun.source_id)
            .order_by(Source.name)
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def assert_stored_once(site, pg_url: str) -> list[Article]:
    articles = stored(pg_url)
    canon = Counter(a.canonical_url for a in articles)
    assert [u for u, n in canon.items() if n > 1] == []
    # 6 Censor items, 2 CNBC stories, the aggregator's reworded copy, 1 FAKTY story (as in
    # test_crawl; the aggregator's tracking-link copy is an exact duplicate: not stored)
    assert len(articles) == 10, [a.title for a in articles]
    return articles


def test_two_workers_share_one_queue(site, env, pg_url, redis_prefix):
    slow_down(site, 0.3)
    queued = cli(env, "enqueue")
    assert queued.returncode == 0, queued.stderr
    assert sorted(line.split(":")[0] for line in queued.stdout.splitlines()) == sorted(SOURCES)
    workers = [start_worker(env, "--idle-exit", "5", "--concurrency", "1") for _ in range(2)]
    lines = [finish(w) for w in workers]
    articles = assert_stored_once(site, pg_url)
    # every article URL requested once, across both workers (the demo site's access log)
    paths = Counter(r.path for r in site.article_requests())
    assert paths and [p for p, n in paths.items() if n > 1] == []
    # the syndicated copy is linked to its story whichever worker fetched which
    feasible = site.article("cnbc-reuters-zelensky-feasible")
    copy = next(
        a for a in articles if a.title == site.article("aggregator-zelensky-feasible").title
    )
    original = next(a for a in articles if a.title == feasible.title)
    assert {original.duplicate_of_id, copy.duplicate_of_id} - {None} in ({original.id}, {copy.id})
    # both took part; the counts add up to what was stored
    assert all(int(line["pages"]) > 0 for line in lines), lines
    assert sum(int(line["new"]) for line in lines) == 10
    # one finished crawl run per source, with the whole run's counts
    recorded = runs(pg_url)
    assert [r[0] for r in recorded] == sorted(SOURCES)
    assert all(r[1] in {"ok", "empty"} and r[3] is not None for r in recorded), recorded
    assert sum(r[2] for r in recorded) == 10
    assert dict((r[0], r[2]) for r in recorded)["censor-nato-membership"] == 6
    # and each source's health, as the scheduler records it after a crawl
    engine = make_engine(pg_url)
    with session_factory(engine)() as s:
        health = dict(
            s.execute(
                select(Source.name, SourceHealth.state).join(
                    SourceHealth, SourceHealth.source_id == Source.id
                )
            ).all()
        )
    engine.dispose()
    assert sorted(health) == sorted(SOURCES) and set(health.values()) == {"ok"}, health


def claims_by_pid(prefix: str) -> dict[int, int]:
    """Requests each live worker process holds right now (pid -> count)."""
    client = redis.Redis.from_url(REDIS_URL)
    held: Counter[int] = Counter()
    for key in client.scan_iter(f"{prefix}:*:claimed:*"):
        pid = int(key.decode().rsplit(":", 2)[-2])
        held[pid] += client.llen(key)
    return {pid: n for pid, n in held.items() if n}


def wait_for(predicate, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not (found := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return found


def test_a_killed_worker_loses_nothing(site, env, pg_url, redis_prefix):
    slow_down(site, 0.5)
    assert cli(env, "enqueue").returncode == 0
    workers = {
        w.pid: w
        for w in (start_worker(env, "--idle-exit", "8", "--concurrency", "2") for _ in range(2))
    }
    # mid-crawl: a worker holds requests it has not finished
    held = wait_for(lambda: claims_by_pid(redis_prefix), what="a worker holding requests")
    victim = next(iter(held))
    workers[victim].send_signal(signal.SIGKILL)
    workers[victim].wait(10)
    survivor = next(w for pid, w in workers.items() if pid != victim)
    line = finish(survivor)
    assert int(line["pages"]) > 0
    assert held[victim] > 0  # it died holding requests: the survivor did them again
    articles = assert_stored_once(site, pg_url)
    assert len({a.canonical_url for a in articles}) == 10
    recorded = runs(pg_url)
    assert [r[0] for r in recorded] == sorted(SOURCES)
    assert all(r[3] is not None for r in recorded), recorded  # every run closed
    assert claims_by_pid(redis_prefix) == {}


def test_sigterm_puts_work_back_and_exits_cleanly(site, env, pg_url, redis_prefix):
    slow_down(site, 0.5)
    assert cli(env, "enqueue").returncode == 0
    first = start_worker(env, "--concurrency", "2")
    wait_for(lambda: claims_by_pid(redis_prefix), what="the worker holding requests")
    first.send_signal(signal.SIGTERM)
    line = finish(first, timeout=30)
    assert line["stopped_by"] == "SIGTERM"
    # nothing is left claimed by the stopped worker; what it did not do waits on the queue
    assert first.pid not in claims_by_pid(redis_prefix)
    assert int(line["new"]) < 10
    # status: work waits on the queue, the runs are open, no worker is about
    status = json.loads(cli(env, "status", "--format", "json").stdout)["queue"]
    assert status["queued"] > 0 and status["claimed"] == 0, status
    assert status["running"] and status["workers_seen"] == 0
    second = start_worker(env, "--idle-exit", "4")
    finish(second)
    assert_stored_once(site, pg_url)
    assert all(r[3] is not None for r in runs(pg_url))


def start_analyzer(env: dict[str, str], *args: str) -> subprocess.Popen:
    log = Path(env["WORKER_LOGS"]) / f"analyze-{uuid.uuid4().hex[:6]}.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "stancewatch", "analyze", "--worker", "--format", "json", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    proc.log = log  # type: ignore[attr-defined]
    return proc


def test_two_analyze_workers_analyse_each_article_once(env, pg_url):
    from datetime import UTC, datetime, timedelta

    from fixtures.stored import add_article

    from stancewatch.models import Statement

    # polling often: the idle one wakes while the other still works through the backlog
    env = {**env, "STANCEWATCH_ANALYZE_WORKER_POLL": "0.05"}
    analyzers = [start_analyzer(env, "--idle-exit", "3") for _ in range(2)]
    # both wait for work before any arrives, so both get a share
    for proc in analyzers:
        wait_for(lambda p=proc: "analyze worker ready" in p.log.read_text(), what="ready")
    engine = make_engine(pg_url)
    sessions = session_factory(engine)
    start = datetime(2025, 6, 1, tzinfo=UTC)
    texts = [
        "Zelensky said Ukraine will join NATO.",
        "Orban said Hungary opposes Ukraine joining NATO.",
        "The weather in Kyiv was mild.",
    ]
    n = 240
    for i in range(n):
        add_article(
            sessions, f"{texts[i % 3]} Report {i}.", start + timedelta(hours=i), source=f"s{i % 4}"
        )
    outs = []
    for proc in analyzers:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, proc.log.read_text()[-2000:]
        outs.append(json.loads(out))
    counts = [o["articles"] for o in outs]
    assert sum(counts) == n and all(counts), counts  # each article by exactly one worker
    with sessions() as s:
        pending = s.scalar(select(func.count()).where(Article.analyzed_at.is_(None)))
        per_article = s.execute(
            select(Statement.article_id, Statement.actor, func.count())
            .group_by(Statement.article_id, Statement.actor)
            .having(func.count() > 1)
        ).all()
        statements = s.scalar(select(func.count()).select_from(Statement))
    engine.dispose()
    assert pending == 0 and per_article == [] and statements >= 2 * n // 3


def test_analyze_worker_needs_postgresql(runner, sqlite_url):
    from fixtures.stored import invoke

    result = invoke(runner, sqlite_url, "analyze", "--worker", "--idle-exit", "0")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "Error: analyze --worker needs PostgreSQL (workers claim rows with FOR UPDATE SKIP LOCKED)"
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_redis_url_needs_postgresql_and_commands_need_redis_url(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWATCH_")}
    base["PYTHONPATH"] = str(ROOT)
    sqlite = f"sqlite:///{tmp_path / 'x.db'}"
    with_redis = {**base, "STANCEWATCH_REDIS_URL": REDIS_URL, "STANCEWATCH_DATABASE_URL": sqlite}
    result = cli(with_redis, "enqueue")
    assert result.returncode == 2
    assert one_line(result) == (
        "Error: redis_url needs a PostgreSQL database_url (crawl workers share one database; "
        "SQLite is for one process)"
    )
    for command in ("enqueue", "worker"):
        result = cli({**base, "STANCEWATCH_DATABASE_URL": sqlite}, command)
        assert result.returncode == 2
        assert one_line(result) == (
            f"Error: {command} needs redis_url (STANCEWATCH_REDIS_URL); without it "
            "`stancewatch crawl` crawls in this process"
        )


def test_an_unreachable_redis_is_one_line(env):
    result = cli({**env, "STANCEWATCH_REDIS_URL": "redis://:s3cret-pw@127.0.0.1:1/0"}, "enqueue")
    assert result.returncode == 3
    line = one_line(result)
    assert line.startswith("Error: redis unreachable (redis://***:***@127.0.0.1:1/0): "), line
    assert "s3cret" not in result.stderr + result.stdout


def test_scheduler_queues_crawls_for_the_workers(site, env, pg_url, redis_prefix, tmp_path):
    sources = tmp_path / "one.toml"
    sources.write_text(site.sources_toml(interval="2s", only=("fakty-en",)))
    service = subprocess.Popen(
        [sys.executable, "-m", "stancewatch", "run"],
        env={**env, "STANCEWATCH_SOURCES": str(sources), "STANCEWATCH_SCHEDULER_JITTER": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert service.stderr is not None
        line = wait_for(
            lambda: next((x for x in [service.stderr.readline()] if "job=crawl" in x), None),
            what="the crawl job's line",
        )
    finally:
        service.send_signal(signal.SIGTERM)
        service.communicate(timeout=30)
    assert "status=queued" in line and "requests=1" in line, line
    client = redis.Redis.from_url(REDIS_URL)
    assert client.llen(f"{redis_prefix}:fakty-en:requests") == 1  # for a worker, not crawled
    assert [r[1] for r in runs(pg_url)] == ["running"]  # the run a worker will close
    assert site.article_requests() == []


def test_shared_index_is_rebuilt_once_and_seen_by_every_worker(sqlite_url, redis_prefix):
    """In one process, two index objects stand for two workers on one Redis."""
    from datetime import UTC, datetime, timedelta

    from fixtures.stored import add_article

    from stancewatch.crawl.dedup import minhash_of, to_bytes
    from stancewatch.crawl.distributed import SharedNearDuplicateIndex
    from stancewatch.crawl.frontier import Keys
    from stancewatch.models import ArticleSignature

    story = " ".join(f"word{i} of the wire story about NATO membership talks" for i in range(60))
    reworded = story.replace("word7 ", "altered7 ").replace("word30 ", "altered30 ")
    other = " ".join(f"unrelated{i} local weather report" for i in range(80))
    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    stored_id = add_article(sessions, story, now - timedelta(days=1))
    with sessions.begin() as s:
        s.add(ArticleSignature(article_id=stored_id, minhash=to_bytes(minhash_of(story, 128, 3))))
    settings = Settings(redis_url=REDIS_URL, redis_prefix=redis_prefix)
    client = redis.Redis.from_url(REDIS_URL)
    a, b = (SharedNearDuplicateIndex(client, settings, Keys(redis_prefix), 128, 0.5) for _ in "ab")
    a.build_once(sessions)
    b.build_once(sessions)  # built already: nothing added twice
    assert len(a) == len(b) == 1
    sig = to_bytes(minhash_of(reworded, 128, 3))
    match = b.best_match(sig, 0.7)
    assert match is not None and match[0] == stored_id and match[1] >= 0.7
    assert b.best_match(to_bytes(minhash_of(other, 128, 3)), 0.7) is None
    a.add(99, to_bytes(minhash_of(other, 128, 3)), now - timedelta(days=400))
    assert b.best_match(to_bytes(minhash_of(other, 128, 3)), 0.7) == (99, 1.0)
    assert b.evict(now) == 1 and b.best_match(to_bytes(minhash_of(other, 128, 3)), 0.7) is None
    engine.dispose()
