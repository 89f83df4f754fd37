"""Crawl throughput of 1, 2 and 4 ``stancewatch worker`` processes against the single-process crawl.

The local benchmark site of ``bench/crawl_ratio.py`` (N distinct ~70 KiB article pages behind a
paginated listing) is crawled into a fresh PostgreSQL database each time:

* single: ``run_crawl`` in one process (the path without ``redis_url``), extraction in-process;
* workers: K ``stancewatch worker`` processes (Redis queue, dupefilter and near-duplicate index),
  started and ready before ``stancewatch enqueue``; timed from the enqueue to the last article
  stored, CPU read from /proc for the worker processes over that span.

Then the queue's own cost per page, measured in one process without HTTP: push + claim (LMOVE)
+ ack (LREM and the counters) of a real article request, the shared near-duplicate index's
query + insert, and the dedup lock. Prints figures; asserts nothing.

    python bench/crawl_workers.py [--pages 2000] [--workers 1 2 4]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Database:
    """A fresh migrated PostgreSQL database, dropped afterwards."""

    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.name = f"sw_bench_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = make_url(admin_url).set(database=self.name).render_as_string(False)
        from stancewatch.db import make_engine
        from stancewatch.migrations import upgrade

        engine = make_engine(self.url)
        upgrade(engine)
        engine.dispose()

    def articles(self) -> int:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
        engine.dispose()
        return int(n)

    def drop(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


SOURCE = (
    '[[sources]]\nname = "bench"\nkind = "listing"\nstart_urls = ["{url}"]\n'
    'article_pattern = "/news/"\npagination_pattern = "/page/\\\\d+"\nmax_pages = 10000\n'
    'interval = "30m"\n'
)
CRAWL_ENV = {
    "STANCEWATCH_ROBOTSTXT_OBEY": "true",
    "STANCEWATCH_AUTOTHROTTLE": "false",  # a local server: measure the machine, not politeness
    "STANCEWATCH_CONCURRENT_REQUESTS": "16",
    "STANCEWATCH_CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "STANCEWATCH_EXTRACT_WORKERS": "0",
    "STANCEWATCH_CRAWL_LOG_LEVEL": "ERROR",
    "STANCEWATCH_LOG_LEVEL": "WARNING",
}


def environment(db_url: str, sources: Path, redis_url: str | None, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWATCH_")}
    env.update(CRAWL_ENV)
    env.update(
        PYTHONPATH=str(ROOT),
        STANCEWATCH_DATABASE_URL=db_url,
        STANCEWATCH_SOURCES=str(sources),
        STANCEWATCH_REDIS_PREFIX=prefix,
    )
    if redis_url:
        env["STANCEWATCH_REDIS_URL"] = redis_url
    return env


def single(site_url: str, admin_url: str, tmp: Path, pages: int) -> dict:
    """``stancewatch crawl --no-analyze`` in one process (no redis_url)."""
    db = Database(admin_url)
    sources = tmp / "sources.toml"
    sources.write_text(SOURCE.format(url=site_url))
    env = environment(db.url, sources, None, "unused")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "stancewatch", "crawl", "--no-analyze", "--format", "json"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"single crawl failed:\n{proc.stderr[-2000:]}")
    stored = db.articles()
    db.drop()
    cpu = os.times()
    return {
        "seconds": seconds,
        "stored": stored,
        "children_cpu_s": cpu.children_user + cpu.children_system,
    }


def workers(site_url: str, admin_url: str, redis_url: str, tmp: Path, k: int, pages: int) -> dict:
    import redis

    db = Database(admin_url)
    prefix = f"sw-bench-{uuid.uuid4().hex[:8]}"
    sources = tmp / "sources.toml"
    sources.write_text(SOURCE.format(url=site_url))
    env = environment(db.url, sources, redis_url, prefix)
    client = redis.Redis.from_url(redis_url)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "stancewatch", "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=(tmp / f"w{i}.log").open("w"),
            text=True,
        )  # fmt: skip
        for i in range(k)
    ]
    while client.zcard(f"{prefix}:workers") < k:
        time.sleep(0.1)
    time.sleep(5.0)  # the workers' crawlers open a few seconds after their heartbeat starts
    cpu0 = sum(cpu_seconds(p.pid) for p in procs)
    started = time.perf_counter()
    queued = subprocess.run(
        [sys.executable, "-m", "stancewatch", "enqueue"], env=env, capture_output=True, text=True
    )
    if queued.returncode != 0:
        raise SystemExit(f"enqueue failed:\n{queued.stderr[-2000:]}")
    stored = 0
    deadline = time.monotonic() + 1800
    while stored < pages and time.monotonic() < deadline:
        time.sleep(0.25)
        stored = db.articles()
    seconds = time.perf_counter() - started
    cpu1 = sum(cpu_seconds(p.pid) for p in procs if p.poll() is None)
    lines = []
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        out, _ = p.communicate(timeout=120)
        lines.append(out.strip().splitlines()[-1] if out.strip() else "")
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    db.drop()
    return {"seconds": seconds, "stored": stored, "cpu_s": cpu1 - cpu0, "lines": lines}


def queue_overhead(redis_url: str, admin_url: str, n: int = 2000) -> dict[str, float]:
    """ms per page of the Redis work a worker adds to a page, measured without HTTP."""
    from datetime import timedelta

    import redis
    import scrapy

    from stancewatch.crawl import distributed as d
    from stancewatch.crawl.dedup import minhash_of, to_bytes
    from stancewatch.crawl.entries import Entry
    from stancewatch.crawl.frontier import Keys
    from stancewatch.crawl.near_index import NearDuplicateIndex
    from stancewatch.models import utcnow
    from stancewatch.settings import Settings
    from stancewatch.sources import SourceConfig

    sys.path.insert(0, str(HERE))
    from benchsite import article_page

    prefix = f"sw-bench-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        database_url="postgresql://unused", redis_url=redis_url, redis_prefix=prefix
    )
    client = redis.Redis.from_url(redis_url)
    keys = Keys(prefix)
    source = SourceConfig(name="bench", kind="listing", start_urls=("http://127.0.0.1/",))
    store = d.ArticleStore(None, NearDuplicateIndex(128, 0.5, timedelta(days=1)))  # type: ignore[arg-type]
    spider = d._spider(settings, source, store)
    worker = d.Worker(settings, client, store, [source], None)
    spider.worker = worker
    queue = d.ClaimQueue(client, spider, keys.queue("bench"))
    requests = [
        scrapy.Request(f"http://127.0.0.1/news/{i}.html", callback=spider.parse_article,
                       errback=spider.on_error, cb_kwargs={"entry": Entry(f"http://127.0.0.1/news/{i}.html"), "update_of": None})
        for i in range(n)
    ]  # fmt: skip
    out: dict[str, float] = {}
    t = time.perf_counter()
    for r in requests:
        queue.push(r)
    out["push"] = (time.perf_counter() - t) * 1000 / n
    t = time.perf_counter()
    popped = [queue.pop() for _ in range(n)]
    out["claim (LMOVE + decode)"] = (time.perf_counter() - t) * 1000 / n
    t = time.perf_counter()
    for r in popped:
        worker.ack_request(spider, r)  # type: ignore[arg-type]
    out["ack (LREM + run counters + finish check)"] = (time.perf_counter() - t) * 1000 / n
    # the near-duplicate index: Redis (shared) vs in-process, on real page texts
    texts = [article_page(i).decode("utf-8", "replace") for i in range(min(n, 500))]
    sigs = [to_bytes(minhash_of(text, 128, 3)) for text in texts]
    shared = d.SharedNearDuplicateIndex(client, settings, keys, 128, 0.5)
    local = NearDuplicateIndex(128, 0.5, timedelta(days=30))
    for name, index in (("near index, shared (Redis)", shared), ("near index, in-process", local)):
        t = time.perf_counter()
        for i, sig in enumerate(sigs):
            index.best_match(sig, 0.7)
            index.add(i + 1, sig, utcnow())
        out[f"{name}: query + insert"] = (time.perf_counter() - t) * 1000 / len(sigs)
    lock = client.lock(f"{prefix}:near:lock", timeout=30)
    t = time.perf_counter()
    for _ in range(n):
        with lock:
            pass
    out["dedup lock acquire + release"] = (time.perf_counter() - t) * 1000 / n
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    from benchsite import BenchSite

    print(
        f"pages: {args.pages}  cores: {os.cpu_count()}  extraction in each crawl process",
        flush=True,
    )
    with BenchSite(n_articles=args.pages) as site, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        before = os.times()
        base = single(site.listing_url, args.postgres, tmp, args.pages)
        after = os.times()
        base_cpu = (after.children_user + after.children_system) - (
            before.children_user + before.children_system
        )
        base_pps = base["stored"] / base["seconds"]
        print(
            f"single process (no redis_url): {base['stored']} stored in {base['seconds']:.1f} s = "
            f"{base_pps:.1f} pages/s, CPU {base_cpu * 1000 / max(1, base['stored']):.1f} ms/page "
            "(process start included)",
            flush=True,
        )
        for k in args.workers:
            r = workers(site.listing_url, args.postgres, args.redis, tmp, k, args.pages)
            pps = r["stored"] / r["seconds"]
            print(
                f"{k} worker(s): {r['stored']} stored in {r['seconds']:.1f} s = {pps:.1f} pages/s "
                f"({pps / base_pps:.2f}x single), CPU {r['cpu_s'] * 1000 / max(1, r['stored']):.1f} "
                "ms/page (workers, crawl span only)",
                flush=True,
            )
            for line in r["lines"]:
                print(f"    {line}")
        print("queue and shared-index cost per page (ms, one process, no HTTP):")
        for name, ms in queue_overhead(args.redis, args.postgres, min(args.pages, 2000)).items():
            print(f"    {name:<45} {ms:7.3f}")
    print(json.dumps({"done": True}))


if __name__ == "__main__":
    main()
