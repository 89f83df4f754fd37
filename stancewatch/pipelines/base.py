"""What every pipeline step shares: the crawler, its spider's store, and CPU timers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from stancewatch.spiders.news import NewsSpider


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

    def settings_get(self, name: str, default: Any = None) -> Any:
        return self.crawler.settings.get(name, default)
