"""Step 1: extract title, text and metadata; pages that are not articles are dropped.

trafilatura is the CPU-heavy part of the crawl. With ``STANCEWATCH_EXTRACT_WORKERS`` > 0 it runs
in a process pool, so the reactor keeps downloading while pages are parsed on the other core.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool

from stancewatch.crawl.items import ArticleItem
from stancewatch.extract import Extracted, extract
from stancewatch.extract import NotAnArticle as ExtractionRefused
from stancewatch.pipelines.base import Step
from stancewatch.pipelines.drops import NotAnArticle

log = logging.getLogger(__name__)


def _extract(body: bytes, url: str, encoding: str | None) -> Extracted | str:
    """Runs in the worker: a reason string instead of an exception keeps pickling cheap."""
    try:
        return extract(body, url, encoding)
    except ExtractionRefused as refused:
        return refused.reason


class ExtractPipeline(Step):
    stage = "extract"

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.body is not None
        pool: Executor | None = getattr(self.spider, "extract_pool", None)
        result: Extracted | str | None = None
        if pool is not None:
            try:
                future = pool.submit(_extract, item.body, item.url, item.declared_encoding)
                result = await asyncio.wrap_future(future)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): finish the crawl in this process.
                log.warning("extraction worker pool broke; extracting in the crawl process")
                self.count("extract/pool_broken")
                self.spider.extract_pool = None
        if result is None:
            result = _extract(item.body, item.url, item.declared_encoding)
        item.body = None  # the raw page is not needed past this point
        if isinstance(result, str):
            self.count(f"skipped/{result}")
            raise NotAnArticle(result, item.url)
        self.add_cpu(result.cpu_ms)
        item.title = result.title
        item.text = result.text
        item.author = result.author
        item.language = result.language
        item.published_at = result.published_at or item.listed_published
        item.modified_at = result.modified_at
        item.declared_canonical = result.canonical_url
        return item
