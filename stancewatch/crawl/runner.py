"""Run Scrapy crawls of chosen sources in this process and record a crawl run per source.

Scrapy's reactor can start only once per process: one call of :func:`run_crawl` per process.
The scheduler therefore runs each crawl as a child process (``stancewatch crawl NAME``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context
from typing import Any

from scrapy.crawler import CrawlerProcess
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.crawl.pipelines import ITEM_PIPELINES
from stancewatch.crawl.scope import DISABLED_HANDLERS, DOWNLOADER_MIDDLEWARES
from stancewatch.crawl.spider import NewsSpider
from stancewatch.crawl.store import ArticleStore, load_index
from stancewatch.crawl.summary import CrawlSummary, summarise
from stancewatch.settings import Settings
from stancewatch.sources import SourceConfig

log = logging.getLogger(__name__)


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    """Our settings, translated once into Scrapy's. Politeness is on by default."""
    return {
        "BOT_NAME": "stancewatch",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": settings.robotstxt_obey,
        "AUTOTHROTTLE_ENABLED": settings.autothrottle,
        "AUTOTHROTTLE_START_DELAY": settings.autothrottle_start_delay,
        "AUTOTHROTTLE_MAX_DELAY": settings.autothrottle_max_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.concurrent_requests_per_domain),
        "CONCURRENT_REQUESTS": settings.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_requests_per_domain,
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.max_download_size,
        "DOWNLOAD_WARNSIZE": settings.max_download_size // 2,
        "RETRY_TIMES": settings.retry_times,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408],
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": settings.crawl_log_level.upper(),
        "ITEM_PIPELINES": ITEM_PIPELINES,
        # http(s) on the source's own site only, redirects included (crawl/scope.py)
        "DOWNLOADER_MIDDLEWARES": DOWNLOADER_MIDDLEWARES,
        "DOWNLOAD_HANDLERS": DISABLED_HANDLERS,
        "STANCEWATCH_MINHASH_PERMS": settings.minhash_perms,
        "STANCEWATCH_SHINGLE_SIZE": settings.shingle_size,
        "STANCEWATCH_NEAR_DUPLICATE_JACCARD": settings.near_duplicate_jaccard,
    }


class NetworkTracebackFilter(logging.Filter):
    """A site that is down is not a bug: keep Scrapy's one-line download errors, drop their
    tracebacks (the crawl summary says what failed). Errors in our own code keep theirs."""

    _NETWORK = ("scrapy.downloadermiddlewares.", "scrapy.core.downloader")
    LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry",
               "scrapy.core.scraper", "scrapy.core.downloader.handlers.http11")  # fmt: skip

    def filter(self, record: logging.LogRecord) -> bool:
        network = record.name.startswith(self._NETWORK) or (
            record.name == "scrapy.core.scraper" and "Error downloading" in str(record.msg)
        )
        if network and record.exc_info:
            record.msg = record.getMessage()
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def run_crawl(
    settings: Settings,
    sessions: sessionmaker[Session],
    sources: list[SourceConfig],
    extra_scrapy_settings: dict[str, Any] | None = None,
    *,
    backfill: bool = False,
    max_pages: int | None = None,
    since: datetime | None = None,
    on_page: Callable[[int], None] | None = None,
) -> list[CrawlSummary]:
    """Crawl ``sources`` concurrently, record one crawl run each, and return the summaries.

    ``backfill`` walks listings past their known pages and feeds along their links to older
    pages, up to ``max_pages`` index pages (default ``Settings.max_listing_pages``), a feed
    no further back than its first page with an entry older than ``since``. ``on_page`` is
    told each crawler's count of index pages walked after each one."""
    index = load_index(
        sessions,
        settings.minhash_perms,
        settings.lsh_threshold,
        settings.near_duplicate_window_days,
    )
    store = ArticleStore(sessions, index)
    pool = (
        # No max_tasks_per_child: on Python 3.11 replacing a worker can deadlock the pool
        # (seen here after 4,000 pages); workers stay flat at ~45 MiB without it.
        ProcessPoolExecutor(settings.extract_workers, mp_context=get_context("forkserver"))
        if settings.extract_workers > 0
        else None
    )
    process = CrawlerProcess({**scrapy_settings(settings), **(extra_scrapy_settings or {})})
    quiet = NetworkTracebackFilter()
    for name in NetworkTracebackFilter.LOGGERS:
        logging.getLogger(name).addFilter(quiet)
    runs: list[tuple[SourceConfig, Any, int]] = []
    try:
        for source in sources:
            source_id = store.source_id(source.name, source.kind)
            stale = store.close_stale_runs(source_id, source.timeout)
            if stale:
                log.warning(
                    "%s: %d earlier crawl(s) had died while running: closed", source.name, stale
                )
            run_id = store.start_run(source_id)
            crawler = process.create_crawler(NewsSpider)
            runs.append((source, crawler, run_id))
            process.crawl(
                crawler,
                source=source,
                store=store,
                max_pages=max_pages or settings.max_listing_pages,
                verify_every=settings.conditional_verify_every,
                sitemap_max_urls=settings.sitemap_max_urls,
                sitemap_max_urls_per_crawl=settings.sitemap_max_urls_per_crawl,
                extract_pool=pool,
                backfill=backfill,
                since=since,
                on_page=on_page,
            )
        process.start()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    summaries = []
    for source, crawler, run_id in runs:
        summary = summarise(source.name, crawler.stats.get_stats() if crawler.stats else {})
        store.finish_run(run_id, summary.status, summary.reason, summary.as_dict())
        summaries.append(summary)
    return summaries
