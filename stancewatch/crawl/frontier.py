"""The shared crawl frontier in Redis: key names, the connection, and what ``status`` shows.

Light on purpose (redis only, no Scrapy): the scheduler's health check reads the queue depth
and the workers seen from here. Every key starts with ``redis_prefix``; per source there are

    <prefix>:<source>:requests          scrapy-redis request queue (a list, FIFO)
    <prefix>:<source>:dupefilter        scrapy-redis dupefilter (fingerprints of this run)
    <prefix>:<source>:claimed:<worker>  requests a worker has taken and not finished
    <prefix>:<source>:run               the crawl_runs id of the run in progress
    <prefix>:<source>:stats             the run's counters, added up from every worker

and, shared, ``<prefix>:workers`` (worker id -> last heartbeat), ``<prefix>:sources`` (every
source ever queued) and ``<prefix>:near*`` (the near-duplicate index).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from stancewatch.errors import RedisNotAvailableError
from stancewatch.redact import redact_url
from stancewatch.settings import Settings

#: Workers seen within this many seconds count as alive in ``stancewatch status``.
SEEN_WINDOW = 60.0


@dataclass(frozen=True)
class Keys:
    """The Redis key names of one deployment (``redis_prefix``)."""

    prefix: str

    def queue(self, source: str) -> str:
        return f"{self.prefix}:{source}:requests"

    def dupefilter(self, source: str) -> str:
        return f"{self.prefix}:{source}:dupefilter"

    def claimed(self, source: str, worker: str) -> str:
        return f"{self.prefix}:{source}:claimed:{worker}"

    def run(self, source: str) -> str:
        return f"{self.prefix}:{source}:run"

    def stats(self, source: str) -> str:
        return f"{self.prefix}:{source}:stats"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def sources(self) -> str:
        return f"{self.prefix}:sources"

    @property
    def near(self) -> str:
        return f"{self.prefix}:near"


def connect(settings: Settings) -> redis.Redis:
    """A client for ``redis_url``, checked with a PING; unreachable is a one-line error."""
    assert settings.redis_url, "connect() is only called with redis_url set"
    try:
        client = redis.Redis.from_url(
            settings.redis_url, socket_timeout=30, socket_connect_timeout=5
        )
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise RedisNotAvailableError(
            redact_url(settings.redis_url, keep_path=True), str(exc)
        ) from None
    return client


@dataclass(frozen=True)
class QueueStatus:
    queued: int
    claimed: int
    running: list[str]
    workers_seen: int

    def as_dict(self) -> dict[str, object]:
        return {
            "queued": self.queued,
            "claimed": self.claimed,
            "running": self.running,
            "workers_seen": self.workers_seen,
        }


def queue_status(client: redis.Redis, keys: Keys) -> QueueStatus:
    """Requests waiting and taken, sources with a run in progress, workers seen lately."""
    sources = sorted(s.decode() for s in client.smembers(keys.sources))  # type: ignore[union-attr]
    workers = [w.decode() for w in client.zrange(keys.workers, 0, -1)]  # type: ignore[union-attr]
    pipe = client.pipeline(transaction=False)
    for source in sources:
        pipe.llen(keys.queue(source))
        pipe.exists(keys.run(source))
        for worker in workers:
            pipe.llen(keys.claimed(source, worker))
    pipe.zcount(keys.workers, time.time() - SEEN_WINDOW, "+inf")
    results = pipe.execute()
    seen = int(results.pop())
    queued = claimed = 0
    running: list[str] = []
    step = 2 + len(workers)
    for i, source in enumerate(sources):
        part = results[i * step : (i + 1) * step]
        queued += int(part[0])
        if part[1]:
            running.append(source)
        claimed += sum(int(n) for n in part[2:])
    return QueueStatus(queued=queued, claimed=claimed, running=running, workers_seen=seen)
