"""The item pipelines of the crawl stage, in the order of ``ITEM_PIPELINES``:

extract (100) -> canonical URL (200) -> exact duplicate (300) -> near duplicate (400) -> store (500)

Each step lives next to the logic it applies (``extract.py``, ``canonical.py``, ``dedup.py``,
``store.py``); this module holds what they share: the base step with the crawler, its spider's
store and CPU timers, and the reasons an item is dropped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import DropItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from stancewatch.crawl.spider import NewsSpider

ITEM_PIPELINES = {
    "stancewatch.crawl.extract.ExtractPipeline": 100,
    "stancewatch.crawl.canonical.CanonicalUrlPipeline": 200,
    "stancewatch.crawl.dedup.ExactDuplicatePipeline": 300,
    "stancewatch.crawl.dedup.NearDuplicatePipeline": 400,
    "stancewatch.crawl.store.StorePipeline": 500,
}


class Step:
    """Base of the pipeline steps. Settings come only through ``from_crawler``."""

    stage = "step"

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def spider(self) -> NewsSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def count(self, key: str, n: int = 1) -> None:
        self.stats.inc_value(f"stancewatch/{key}", n)

    def add_cpu(self, ms: float, stage: str | None = None) -> None:
        self.stats.inc_value(f"stancewatch/cpu_ms/{stage or self.stage}", ms)  # type: ignore[arg-type]

    @contextmanager
    def timed(self) -> Iterator[None]:
        started = time.process_time()
        try:
            yield
        finally:
            self.add_cpu((time.process_time() - started) * 1000)


# Why an item was dropped, as exception classes: Scrapy counts
# ``item_dropped_reasons_count/<class>`` and the crawl summary reads those stats.
class NotAnArticle(DropItem):
    """The page holds no article (tag page, gallery, error page, too little text)."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"not an article ({reason}): {url}", log_level="INFO")
        self.reason = reason


class ExactDuplicate(DropItem):
    """Same canonical URL or same normalised text as a stored article."""

    def __init__(self, what: str, url: str, article_id: int) -> None:
        super().__init__(
            f"exact duplicate ({what}) of article {article_id}: {url}", log_level="INFO"
        )


class Unchanged(DropItem):
    """A re-fetched article whose text did not change."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unchanged: {url}", log_level="DEBUG")
