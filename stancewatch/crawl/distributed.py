"""Crawl workers on Redis: the same spider and pipelines, fed by scrapy-redis.

``enqueue_crawls`` records a crawl run per source and puts its index requests (feeds, sitemaps,
listings, with the conditional headers from the database) on the source's scrapy-redis queue.
``run_crawl_worker`` runs one crawler per source in this process, each with scrapy-redis's scheduler
and dupefilter on Redis, so any number of workers on any number of hosts share one frontier.

What scrapy-redis does not do, and this module adds on top of its queue class:

- **Claims.** A popped request moves atomically (``LMOVE``) to the worker's claimed list and
  leaves it only when its response (and every item it gave) has been processed. A worker
  killed with SIGKILL stops sending heartbeats; after ``worker_timeout`` another worker moves
  its claims back on the queue, so nothing is lost. A clean stop (SIGTERM, ``--idle-exit``)
  lets Scrapy finish the requests in flight and puts any claim left back on the queue.
- **One crawl run per source across workers.** Workers add their counters to the run's
  stats hash in the same transaction that drops the claim; the worker that finds the queue
  and every claimed list empty closes the run (a Lua script, so exactly one does), with the
  summary the single-process crawl would have written.
- **Shared dedup.** The near-duplicate index lives in Redis (the in-process index's LSH bands,
  one Redis set per band value), and the dedup check plus the insert run under one Redis lock, so a copy fetched by worker B
  is linked to the original stored by worker A even when both arrive at the same moment.
  Known URLs and conditional-request state stay in the shared database.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing import get_context
from typing import Any, cast

import numpy as np
import redis
import scrapy
from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy_redis.queue import FifoQueue
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet import task
from twisted.python.failure import Failure

from stancewatch.crawl.frontier import Keys, connect
from stancewatch.crawl.items import ArticleItem
from stancewatch.crawl.near_index import NearDuplicateIndex
from stancewatch.crawl.runner import NetworkTracebackFilter, scrapy_settings
from stancewatch.crawl.spider import NewsSpider
from stancewatch.crawl.store import ArticleStore
from stancewatch.crawl.summary import CrawlSummary, summarise
from stancewatch.models import ArticleSignature, utcnow
from stancewatch.settings import Settings
from stancewatch.sources import SourceConfig

log = logging.getLogger(__name__)

#: request.meta keys: a claimed request's bytes in the claimed list, what its response gave
#: that is not processed yet, and (on a new request) the response that gave it.
CLAIM = "stancewatch_claim"
PENDING = "stancewatch_pending"
PARENT = "stancewatch_parent"
#: Scrapy stats that make a crawl summary; workers add these up in the run's stats hash.
SUMMARY_STATS = ("stancewatch/", "response_received_count", "offsite/", "robotstxt/")
#: Seconds between checks for dead workers' claims, finished runs and --idle-exit.
TICK = 1.0

# Closes a source's run when nothing of it is queued or claimed: returns [run id, stats...]
# and deletes the run, its stats and its dupefilter (the next run fetches failed URLs again).
_FINISH_RUN = """
if redis.call('LLEN', KEYS[1]) > 0 then return false end
local run = redis.call('GET', KEYS[2])
if (not run) or run == 'pending' then return false end
for _, w in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
  if redis.call('LLEN', ARGV[1] .. w) > 0 then return false end
end
local stats = redis.call('HGETALL', KEYS[3])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[5])
table.insert(stats, 1, run)
return stats
"""


# --- the queue: scrapy-redis's FIFO list, with claims ------------------------------------------
class ClaimQueue(FifoQueue):
    """scrapy-redis FIFO queue whose pop moves the request to the worker's claimed list."""

    def push(self, request: scrapy.Request) -> None:
        # A retry or redirect of a claimed request goes back on the queue: its old claim is
        # done (the new request is claimed again when popped).
        data = request.meta.pop(CLAIM, None)
        parent = request.meta.pop(PARENT, None)
        worker: Worker | None = getattr(self.spider, "worker", None)
        if data is not None and worker is not None:
            worker.ack(self.spider, data, requeued=True)
        super().push(request)
        if isinstance(parent, Pending):
            parent.release()

    def pop(self, timeout: int = 0) -> scrapy.Request | None:
        worker: Worker = self.spider.worker
        data = self.server.lmove(
            self.key, worker.keys.claimed(self.spider.name, worker.id), "RIGHT", "LEFT"
        )
        if data is None:
            return None
        worker.claimed(data)
        request = self._decode_request(data)
        request.meta[CLAIM] = data
        return request


class WorkerSpider(NewsSpider):
    """The config-driven spider, started by the queue instead of its own start URLs."""

    worker: Worker

    async def start(self) -> AsyncIterator[scrapy.Request]:
        return
        yield  # an async generator with nothing in it: requests come from Redis

    async def index_requests(self) -> AsyncIterator[scrapy.Request]:
        """What the single-process crawl starts with (``enqueue_crawls`` queues these)."""
        async for request in super().start():
            yield request

    def on_error(self, failure: Failure) -> None:
        super().on_error(failure)
        request = getattr(failure, "request", None)
        if request is not None:
            self.worker.ack_request(self, request)

    def idle(self) -> None:
        """Never close on an empty queue: another worker may queue more at any moment."""
        raise DontCloseSpider


class Pending:
    """What a claimed response gave that is not processed yet: its claim is dropped when the
    callback has returned and every item went through the pipelines and every new request
    is on the queue (Scrapy handles a callback's output in parallel, after it returned)."""

    def __init__(self, done: Callable[[], None]) -> None:
        self.count = 0
        self.returned = False
        self._done = done

    def add(self) -> None:
        self.count += 1

    def release(self) -> None:
        self.count -= 1
        self.check()

    def check(self) -> None:
        if self.returned and self.count <= 0 and self._done is not None:
            done, self._done = self._done, None  # type: ignore[assignment]
            done()


class ClaimAckMiddleware:
    """Spider middleware (the outermost): counts a response's output into its ``Pending``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        for item_signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_done, signal=item_signal)
        crawler.signals.connect(self._request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClaimAckMiddleware:
        return cls(crawler)

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterable[Any]:
        pending = self._pending(response)
        try:
            for out in result:
                yield self._count(pending, out)
        finally:
            pending.returned = True
            pending.check()

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        pending = self._pending(response)
        try:
            async for out in result:
                yield self._count(pending, out)
        finally:
            pending.returned = True
            pending.check()

    def _pending(self, response: Response) -> Pending:
        request = response.request
        spider = self.crawler.spider

        def ack() -> None:
            if isinstance(spider, WorkerSpider) and request is not None:
                spider.worker.ack_request(spider, request)

        pending = Pending(ack)
        response.meta[PENDING] = pending
        return pending

    @staticmethod
    def _count(pending: Pending, out: Any) -> Any:
        pending.add()
        if isinstance(out, scrapy.Request):
            out.meta[PARENT] = pending  # released by ClaimQueue.push, or when dropped
        return out

    def _item_done(self, item: Any, response: Response | None = None, **_: Any) -> None:
        pending = response.meta.get(PENDING) if response is not None else None
        if isinstance(pending, Pending):
            pending.release()

    def _request_dropped(self, request: scrapy.Request, **_: Any) -> None:
        release_parent(request)


def release_parent(request: scrapy.Request) -> None:
    """The request is queued (or refused by the dupefilter): one thing less for its parent."""
    parent = request.meta.pop(PARENT, None)
    if isinstance(parent, Pending):
        parent.release()


# --- the shared near-duplicate index ---------------------------------------------------------
class SharedNearDuplicateIndex(NearDuplicateIndex):
    """The near-duplicate index in Redis, shared by every worker: the same banding as the
    in-process index (datasketch's optimal bands for the threshold), one Redis set per band
    value, the packed signatures in a hash and the time each was indexed in a sorted set (the
    window). Same interface as the in-process index, so the pipelines do not know which.

    Why not datasketch's ``MinHashLSH`` with its Redis storage: it makes one round trip per
    band for a query and for an insert, measured at 111 ms per page here
    (``bench/crawl_workers.py``); one pipeline per query and per insert is about 3 ms.
    """

    #: Adds between evictions of articles older than the window.
    EVICT_EVERY = 200

    def __init__(
        self, client: redis.Redis, settings: Settings, keys: Keys, num_perm: int, threshold: float
    ) -> None:
        super().__init__(num_perm, threshold, timedelta(days=settings.near_duplicate_window_days))
        self.client = client
        self.sig_key = f"{keys.near}:signatures"
        self.when_key = f"{keys.near}:indexed"
        self.built_key = f"{keys.near}:built"
        self._band_prefix = f"{keys.near}:band:".encode()
        self._adds = 0

    def __len__(self) -> int:
        return int(self.client.hlen(self.sig_key))  # type: ignore[arg-type]

    def _band_names(self, packed: bytes) -> list[bytes]:
        """One set per band value: the band's bytes are the key (no hash to agree on)."""
        width = self.rows * 4
        return [
            self._band_prefix + b"%d:" % i + packed[i * width : (i + 1) * width]
            for i in range(self.bands)
        ]

    def candidates(self, packed: bytes) -> set[int]:
        pipe = self.client.pipeline(transaction=False)
        for name in self._band_names(packed):
            pipe.smembers(name)
        return {int(member) for members in pipe.execute() for member in members}

    def best_match(self, packed: bytes, min_jaccard: float) -> tuple[int, float] | None:
        found = sorted(self.candidates(packed))
        if not found:
            return None
        sig = np.frombuffer(packed, dtype="<u4")
        best: tuple[int, float] | None = None
        stored = self.client.hmget(self.sig_key, [str(c) for c in found])
        for cand, other_packed in zip(found, stored, strict=True):  # type: ignore[arg-type]
            if other_packed is None:
                continue
            other = np.frombuffer(cast(bytes, other_packed), dtype="<u4")
            jaccard = float(np.count_nonzero(other == sig)) / self.num_perm
            if jaccard >= min_jaccard and (best is None or jaccard > best[1]):
                best = (cand, jaccard)
        return best

    def add(self, article_id: int, packed: bytes, when: datetime) -> None:
        pipe = self.client.pipeline(transaction=True)
        self._add_to(pipe, article_id, packed, when)
        pipe.execute()
        self._adds += 1
        if self._adds % self.EVICT_EVERY == 0:
            self.evict(utcnow())

    def _add_to(self, pipe: Any, article_id: int, packed: bytes, when: datetime) -> None:
        member = str(article_id)
        pipe.hset(self.sig_key, member, packed)
        for name in self._band_names(packed):
            pipe.sadd(name, member)
        pipe.zadd(self.when_key, {member: when.timestamp()})

    def remove(self, article_id: int) -> None:
        member = str(article_id)
        packed = self.client.hget(self.sig_key, member)
        pipe = self.client.pipeline(transaction=True)
        if packed is not None:
            for name in self._band_names(cast(bytes, packed)):
                pipe.srem(name, member)
        pipe.hdel(self.sig_key, member)
        pipe.zrem(self.when_key, member)
        pipe.execute()

    def evict(self, now: datetime) -> int:
        cutoff = (now - self.window).timestamp()
        old = self.client.zrangebyscore(self.when_key, "-inf", cutoff)
        for member in old:  # type: ignore[union-attr]
            self.remove(int(cast(bytes, member)))
        return len(old)  # type: ignore[arg-type]

    def build_once(self, sessions: sessionmaker[Session]) -> None:
        """Fill the index from ``article_signatures`` if no worker has since Redis started
        (the first worker does it under a lock; the others wait for it)."""
        if self.client.exists(self.built_key):
            return
        with self.client.lock(f"{self.built_key}:lock", timeout=600, blocking_timeout=600):
            if self.client.exists(self.built_key):
                return
            cutoff = utcnow() - self.window
            with sessions() as s:
                rows = s.execute(
                    select(
                        ArticleSignature.article_id,
                        ArticleSignature.minhash,
                        ArticleSignature.indexed_at,
                    )
                    .where(ArticleSignature.indexed_at >= cutoff)
                    .execution_options(yield_per=5000)
                )
                pipe = self.client.pipeline(transaction=False)
                for i, (article_id, packed, when) in enumerate(rows):
                    if len(packed) == self.num_perm * 4:
                        self._add_to(pipe, article_id, packed, when)
                    if i % 1000 == 999:  # one round trip per thousand articles
                        pipe.execute()
                pipe.execute()
            self.client.set(self.built_key, "1")


class SharedArticleStore(ArticleStore):
    """The article store of a worker: the dedup checks that race between workers are made
    again under one Redis lock, together with the insert and the index update."""

    #: Seconds a crashed holder keeps the dedup lock at most.
    LOCK_TIMEOUT = 30

    def __init__(
        self,
        sessions: sessionmaker[Session],
        index: NearDuplicateIndex,
        lock: Any,
        min_jaccard: float,
    ) -> None:
        super().__init__(sessions, index)
        self.lock = lock
        self.min_jaccard = min_jaccard

    def insert(self, item: ArticleItem, source_id: int) -> int | None:
        with self.lock:
            if self.exact_match(item.canonical_url, item.content_hash) is not None:
                return None  # stored by another worker since this one checked
            if item.duplicate_of_id is None:
                match = self.index.best_match(item.signature, self.min_jaccard)
                if match is not None:
                    item.duplicate_of_id = self.story_of(match[0])
                    item.similarity = round(match[1], 4)
            return super().insert(item, source_id)


# --- enqueue -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Queued:
    """What ``enqueue_crawls`` did for one source."""

    source: str
    run_id: int | None
    requests: int
    #: None: queued; otherwise why not (a run of this source is still in progress).
    skipped: str | None = None


def _spider(
    settings: Settings, source: SourceConfig, store: ArticleStore, **kwargs: Any
) -> WorkerSpider:
    return WorkerSpider(source=source, store=store, **_limits(settings), **kwargs)


async def _collect(requests: AsyncIterator[scrapy.Request]) -> list[scrapy.Request]:
    return [r async for r in requests]


def enqueue_crawls(
    settings: Settings, sessions: sessionmaker[Session], sources: list[SourceConfig]
) -> list[Queued]:
    """Start a crawl run of each source on the shared queue; a source whose previous run is
    still in progress is skipped (a source never runs twice at once, as in the scheduler)."""
    client = connect(settings)
    keys = Keys(settings.redis_prefix)
    store = ArticleStore(sessions, NearDuplicateIndex(settings.minhash_perms, 0.5, timedelta(0)))
    done = []
    for source in sources:
        name = source.name
        if not client.set(keys.run(name), "pending", nx=True):
            running = client.get(keys.run(name))
            done.append(Queued(name, None, 0, f"run {running.decode()} in progress"))  # type: ignore[union-attr]
            continue
        try:
            run_id = store.start_run(store.source_id(name, source.kind))
            spider = _spider(settings, source, store)
            requests = asyncio.run(_collect(spider.index_requests()))
            client.delete(keys.stats(name), keys.dupefilter(name))
            queue = ClaimQueue(client, spider, keys.queue(name))
            for request in requests:
                queue.push(request)
            client.sadd(keys.sources, name)
            client.set(keys.run(name), str(run_id))
        except BaseException:
            client.delete(keys.run(name))
            raise
        done.append(Queued(name, run_id, len(requests)))
    return done


# --- the worker --------------------------------------------------------------------------------
@dataclass
class CrawlWorkerSummary:
    """What one worker did over its life (its ``key=value`` line)."""

    worker: str
    pages: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: int = 0
    runs_finished: int = 0
    seconds: float = 0.0
    stopped_by: str = "idle"
    summaries: list[CrawlSummary] = field(default_factory=list)


def worker_id() -> str:
    """Unique per process and readable in ``redis-cli``: host, pid and a random tail."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


RunFinished = Callable[[SourceConfig, CrawlSummary], None]


class Worker:
    """One worker process: its id and heartbeat, claims, run bookkeeping and idle exit."""

    def __init__(
        self,
        settings: Settings,
        client: redis.Redis,
        store: ArticleStore,
        sources: list[SourceConfig],
        on_run_finished: RunFinished | None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.store = store
        self.keys = Keys(settings.redis_prefix)
        self.id = worker_id()
        self.sources = {s.name: s for s in sources}
        self.on_run_finished = on_run_finished
        self.crawlers: dict[str, Crawler] = {}
        self._flushed: dict[str, dict[str, float]] = {}
        self._finish = client.register_script(_FINISH_RUN)
        self._held: set[bytes] = set()
        self.last_activity = time.monotonic()
        self.runs_finished = 0
        self._beating = threading.Event()

    # --- liveness -----------------------------------------------------------------------
    def beat(self) -> None:
        self.client.zadd(self.keys.workers, {self.id: time.time()})

    def start_heartbeat(self) -> None:
        """A thread, not the reactor: a long extraction must not make us look dead."""
        self.beat()
        interval = max(0.2, self.settings.worker_timeout / 4)

        def loop() -> None:
            while not self._beating.wait(interval):
                try:
                    self.beat()
                except redis.RedisError as exc:
                    log.warning("worker heartbeat failed: %s", exc)

        threading.Thread(target=loop, name="stancewatch-heartbeat", daemon=True).start()

    def reclaim_dead(self) -> int:
        """Put the claims of workers not seen for ``worker_timeout`` back on the queues."""
        cutoff = time.time() - self.settings.worker_timeout
        moved = 0
        for raw in self.client.zrangebyscore(self.keys.workers, "-inf", cutoff):  # type: ignore[union-attr]
            dead = cast(bytes, raw).decode()
            moved += self._return_claims(dead)
            self.client.zrem(self.keys.workers, dead)
            log.warning("worker %s is gone: %d requests back on the queue", dead, moved)
        return moved

    def _return_claims(self, worker: str) -> int:
        moved = 0
        for name in self._known_sources():
            claimed, queue = self.keys.claimed(name, worker), self.keys.queue(name)
            while self.client.lmove(claimed, queue, "LEFT", "RIGHT") is not None:
                moved += 1
        return moved

    def _known_sources(self) -> set[str]:
        queued = {s.decode() for s in self.client.smembers(self.keys.sources)}  # type: ignore[union-attr]
        return queued | set(self.sources)

    def leave(self) -> int:
        """A clean stop: what this worker still holds goes back on the queue."""
        self._beating.set()
        moved = self._return_claims(self.id)
        self.client.zrem(self.keys.workers, self.id)
        return moved

    # --- claims -------------------------------------------------------------------------
    @property
    def outstanding(self) -> int:
        """Requests this worker took and has not finished."""
        return len(self._held)

    def claimed(self, data: bytes) -> None:
        self._held.add(data)
        self.last_activity = time.monotonic()

    def ack_request(self, spider: WorkerSpider, request: scrapy.Request) -> None:
        data = request.meta.pop(CLAIM, None)
        if data is not None:
            self.ack(spider, data)

    def ack(self, spider: scrapy.Spider, data: bytes, requeued: bool = False) -> None:
        """Drop one claim and add this crawler's new counters to the run, in one transaction,
        so a finished run's stats always hold every page its claims stood for."""
        name = spider.name
        pipe = self.client.pipeline(transaction=True)
        pipe.lrem(self.keys.claimed(name, self.id), 1, data)  # type: ignore[arg-type]
        for key, delta in self._stats_delta(name).items():
            pipe.hincrbyfloat(self.keys.stats(name), key, delta)
        pipe.llen(self.keys.queue(name))
        results = pipe.execute()
        # Gone from our list even when LREM found nothing (another worker took it back).
        self._held.discard(data)
        self.last_activity = time.monotonic()
        if not requeued and results[-1] == 0:
            self.try_finish(name)

    def _stats_delta(self, name: str) -> dict[str, float]:
        crawler = self.crawlers.get(name)
        if crawler is None or crawler.stats is None:
            return {}
        now = {
            k: float(v)
            for k, v in crawler.stats.get_stats().items()
            if k.startswith(SUMMARY_STATS) and isinstance(v, int | float)
        }
        before = self._flushed.get(name, {})
        self._flushed[name] = now
        return {k: v - before.get(k, 0.0) for k, v in now.items() if v != before.get(k, 0.0)}

    # --- runs ---------------------------------------------------------------------------
    def try_finish(self, name: str) -> bool:
        """Close the source's run if nothing of it is queued or claimed by any worker."""
        k = self.keys
        keys = [k.queue(name), k.run(name), k.stats(name), k.workers, k.dupefilter(name)]
        found = self._finish(keys=keys, args=[f"{k.prefix}:{name}:claimed:"])
        if not found:
            return False
        run_id = int(found[0])
        flat = [x.decode() for x in found[1:]]
        stats = {key: _number(value) for key, value in zip(flat[::2], flat[1::2], strict=True)}
        summary = summarise(name, stats)
        self.store.finish_run(run_id, summary.status, summary.reason, summary.as_dict())
        self.runs_finished += 1
        source = self.sources.get(name)
        if source is not None and self.on_run_finished is not None:
            try:
                self.on_run_finished(source, summary)
            except Exception:  # noqa: BLE001 - the run is recorded; health catches up next run
                log.exception("after the run of %s", name)
        log.info("run %d of %s finished: %s", run_id, name, summary.status)
        return True

    def tick(self, idle_exit: float | None, stop: Callable[[str], None]) -> None:
        """Every second: dead workers' claims back, runs whose last page another worker
        finished closed, and ``--idle-exit`` when nothing was taken for that long."""
        try:
            self.reclaim_dead()
            if self.outstanding == 0:
                for name in self.sources:
                    self.try_finish(name)
            if self.outstanding == 0 and self._queued():
                self.last_activity = time.monotonic()  # work waits: not idle
        except redis.RedisError as exc:
            log.warning("worker tick failed: %s", exc)
        quiet = time.monotonic() - self.last_activity
        if idle_exit is not None and self.outstanding == 0 and quiet >= idle_exit:
            stop("idle")

    def _queued(self) -> bool:
        pipe = self.client.pipeline(transaction=False)
        for name in self.sources:
            pipe.llen(self.keys.queue(name))
        return any(pipe.execute())


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def worker_scrapy_settings(settings: Settings, concurrency: int) -> dict[str, Any]:
    """Scrapy's settings for a worker: ours, plus scrapy-redis's scheduler and dupefilter."""
    keys = Keys(settings.redis_prefix)
    return {
        **scrapy_settings(settings),
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "stancewatch.crawl.distributed.ClaimQueue",
        "SCHEDULER_QUEUE_KEY": keys.queue("%(spider)s"),
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter("%(spider)s"),
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": settings.redis_url,
        "CONCURRENT_REQUESTS": concurrency,
        "SPIDER_MIDDLEWARES": {"stancewatch.crawl.distributed.ClaimAckMiddleware": 10},
    }


def run_crawl_worker(
    settings: Settings,
    sessions: sessionmaker[Session],
    sources: list[SourceConfig],
    *,
    concurrency: int | None = None,
    idle_exit: float | None = None,
    on_run_finished: RunFinished | None = None,
) -> CrawlWorkerSummary:
    """Take requests of ``sources`` from the shared queue until SIGTERM / SIGINT or
    ``idle_exit`` seconds with nothing to do. One call per process (Scrapy's reactor)."""
    started = time.monotonic()
    client = connect(settings)
    keys = Keys(settings.redis_prefix)
    index = SharedNearDuplicateIndex(
        client, settings, keys, settings.minhash_perms, settings.lsh_threshold
    )
    index.build_once(sessions)
    lock = client.lock(
        f"{keys.near}:lock", timeout=SharedArticleStore.LOCK_TIMEOUT, blocking_timeout=60
    )
    store = SharedArticleStore(sessions, index, lock, settings.near_duplicate_jaccard)
    worker = Worker(settings, client, store, sources, on_run_finished)
    summary = CrawlWorkerSummary(worker=worker.id)
    pool = (
        ProcessPoolExecutor(settings.extract_workers, mp_context=get_context("forkserver"))
        if settings.extract_workers > 0
        else None
    )
    process = _WorkerProcess(
        worker_scrapy_settings(settings, concurrency or settings.concurrent_requests)
    )
    quiet = NetworkTracebackFilter()
    for name in NetworkTracebackFilter.LOGGERS:
        logging.getLogger(name).addFilter(quiet)

    def stop(why: str) -> None:
        if summary.stopped_by == "idle" and why != "idle":
            summary.stopped_by = why
        if not stopping.running:
            return
        stopping.stop()
        process.stop()

    # Scrapy asks an idle scheduler for work every 5 s; a worker waiting on a shared queue
    # should pick up what another process queued sooner (one LMOVE per crawler per second).
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = TICK
    worker.start_heartbeat()
    try:
        for source in sources:
            crawler = process.create_crawler(WorkerSpider)
            crawler.signals.connect(_idle_handler, signal=signals.spider_idle)
            worker.crawlers[source.name] = crawler
            process.crawl(
                crawler,
                source=source,
                store=store,
                extract_pool=pool,
                worker=worker,  # scrapy.Spider sets keyword arguments as attributes
                **_limits(settings),
            )
        stopping = task.LoopingCall(worker.tick, idle_exit, stop)
        worker.last_activity = time.monotonic()  # --idle-exit counts from here
        stopping.start(TICK, now=False)
        process.start(install_signal_handlers=True)
        if process.signalled:
            summary.stopped_by = process.signalled
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        returned = worker.leave()
        if returned:
            log.info("%d claimed requests back on the queue", returned)
    for name, crawler in worker.crawlers.items():
        s = summarise(name, crawler.stats.get_stats() if crawler.stats else {})
        summary.summaries.append(s)
        summary.pages += s.pages_fetched
        summary.new += s.articles_new
        summary.updated += s.articles_updated
        summary.duplicates += s.duplicates_exact + s.duplicates_near
        summary.errors += s.errors
    summary.runs_finished = worker.runs_finished
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


class _WorkerProcess(CrawlerProcess):
    """Scrapy's process, remembering which signal stopped it (for the worker's line)."""

    signalled: str | None = None

    def _signal_shutdown(self, signum: int, _: Any) -> None:
        self.signalled = signal.Signals(signum).name
        super()._signal_shutdown(signum, _)


def _limits(settings: Settings) -> dict[str, Any]:
    """The spider's limits from the settings, for the enqueuer and the workers alike."""
    return {
        "max_pages": settings.max_listing_pages,
        "verify_every": settings.conditional_verify_every,
        "sitemap_max_urls": settings.sitemap_max_urls,
        "sitemap_max_urls_per_crawl": settings.sitemap_max_urls_per_crawl,
    }


def _idle_handler(spider: scrapy.Spider) -> None:
    if isinstance(spider, WorkerSpider):
        spider.idle()
