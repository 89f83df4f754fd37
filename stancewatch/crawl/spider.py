"""The one config-driven spider: feeds, news sitemaps and paginated listings.

A source entry (``SourceConfig``) says what to read; site quirks are options of the entry, not
copies of this class. Index pages (feeds, sitemaps, listings) are fetched conditionally; article
links already stored are not downloaded again unless their entry says they changed since.
Counters go to Scrapy's stats under ``stancewatch/``, so the crawl summary comes from the stats.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import Executor
from datetime import datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from stancewatch.crawl.canonical import canonical_url
from stancewatch.crawl.entries import Entry, parse_feed_page, parse_sitemap
from stancewatch.crawl.failures import TOO_LARGE, failure_reason
from stancewatch.crawl.items import ArticleItem
from stancewatch.crawl.scope import SiteScope
from stancewatch.crawl.store import ArticleStore
from stancewatch.sources import SourceConfig

_PAGE_IN_PATH = re.compile(r"/page/\d+/?$|[?&]page=\d+")


class NewsSpider(scrapy.Spider):
    """Crawls one source entry."""

    name = "stancewatch"

    def __init__(
        self,
        source: SourceConfig,
        store: ArticleStore,
        *,
        max_pages: int,
        verify_every: int,
        sitemap_max_urls: int,
        sitemap_max_urls_per_crawl: int,
        extract_pool: Executor | None = None,
        backfill: bool = False,
        since: datetime | None = None,
        on_page: Callable[[int], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.store = store
        #: Worker processes for extraction, or None to extract in this process.
        self.extract_pool = extract_pool
        #: What this crawl may fetch; ScopeMiddleware applies it to every request.
        self.scope = SiteScope.of(source.domains, source.start_urls)
        self.max_pages = max_pages if backfill else (source.max_pages or max_pages)
        #: ``stancewatch backfill``: walk a listing past pages whose articles are all stored,
        #: back in time up to ``max_pages``.
        self.backfill = backfill
        #: A backfill's ``--since``: a feed page with an entry published before it is the last
        #: one walked (its older pages are not requested).
        self.since = since
        #: Told the number of index pages walked so far, after each (the backfill's progress).
        self.on_page = on_page
        self.pages_walked = 0
        self.verify_every = max(1, verify_every)
        #: Entries read from one sitemap, and from all sitemaps of this crawl (the rest counted).
        self.sitemap_max_urls = sitemap_max_urls
        self.sitemap_max_urls_per_crawl = sitemap_max_urls_per_crawl
        self._sitemap_urls_taken = 0
        self.article_re = re.compile(source.article_pattern) if source.article_pattern else None
        self.pagination_re = (
            re.compile(source.pagination_pattern) if source.pagination_pattern else _PAGE_IN_PATH
        )
        # Links are checked by the scope below: LinkExtractor's allow_domains compares the
        # host with its port and knows nothing of schemes or registered domains.
        self._listing_links = LinkExtractor(unique=True)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        return spider

    def _bytes_received(self, data: bytes, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Counts a download's bytes: a body sent without a length that Scrapy cuts off at
        ``max_download_size`` fails as a bare "cancelled", told apart by its count."""
        request.meta["stancewatch_bytes"] = request.meta.get("stancewatch_bytes", 0) + len(data)

    # --- counters --------------------------------------------------------------------------
    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"stancewatch/{key}", n)

    # --- index pages -----------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield self._index_request(url, page=1)

    def _index_request(self, url: str, page: int) -> scrapy.Request:
        headers = dict(self.source.headers)
        state = self.store.fetch_state(url)
        # a backfill needs every page's links, not "not modified": it never asks conditionally
        verify = self.backfill or state is None or state.unchanged_count + 1 >= self.verify_every
        if state is not None and not verify:
            if state.etag and state.etag_trusted:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse_index,
            errback=self.on_error,
            # a backfill's seen requests persist in its JOBDIR: a resumed one skips the pages
            # it already walked (a crawl re-reads its index pages every time)
            dont_filter=not self.backfill,
            meta={"handle_httpstatus_list": [304], "page": page, "index": True},
        )

    def parse_index(self, response: Response) -> Iterator[scrapy.Request]:
        url = response.request.url if response.request else response.url
        state = self.store.fetch_state(url)
        self.count("index/walked")
        self.pages_walked += 1
        if self.on_page is not None:
            self.on_page(self.pages_walked)
        if response.status == 304:
            self.count("index/not_modified")
            self.store.save_fetch_state(
                url, unchanged_count=(state.unchanged_count if state else 0) + 1
            )
            return
        self.count("index/fetched")
        body_hash = hashlib.sha256(response.body).hexdigest()
        etag = _header(response, b"ETag")
        trusted = state.etag_trusted if state is not None else True
        if state is not None and etag and etag == state.etag and body_hash != state.body_hash:
            trusted = False  # same ETag, new content: never send this ETag again
            self.count("index/etag_untrusted")
        self.store.save_fetch_state(
            url,
            etag=etag,
            last_modified=_header(response, b"Last-Modified"),
            body_hash=body_hash,
            etag_trusted=trusted,
            unchanged_count=0,
        )
        if self.source.kind == "feed":
            yield from self._from_feed(response)
        elif self.source.kind == "sitemap":
            yield from self._from_sitemap(response)
        else:
            yield from self._from_listing(response)

    def _from_feed(self, response: Response) -> Iterator[scrapy.Request]:
        feed = parse_feed_page(response.body, response.url)
        if feed is None:
            self.count("index/not_a_feed")
            return
        if not feed.entries:
            self.count("index/feed_empty")
        yield from self._follow(feed.entries)
        if not self.backfill or not feed.older:
            return  # a crawl reads the feed itself; a backfill walks on to its older pages
        page = response.meta["page"]
        if page >= self.max_pages:
            self.count("index/stopped_at_max_pages")
            return
        dates = [e.published for e in feed.entries if e.published is not None]
        if self.since is not None and dates and min(dates) < self.since:
            self.count("index/stopped_at_since")
            return
        for url in self._on_site(feed.older, "next_page")[:1]:  # one page at a time, as listings
            yield self._index_request(url, page=page + 1)

    def _from_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        page = parse_sitemap(response.body, response.url, self.sitemap_max_urls)
        if page is None:
            self.count("index/not_a_sitemap")
            return
        if page.dropped:
            self.count("sitemap/capped/per_sitemap", page.dropped)
        if not page.entries and not page.children:
            self.count("index/feed_empty")
        for child in self._on_site(page.children, "sitemap")[: self.max_pages]:
            yield self._index_request(child, page=response.meta["page"] + 1)
        room = max(0, self.sitemap_max_urls_per_crawl - self._sitemap_urls_taken)
        if len(page.entries) > room:
            self.count("sitemap/capped/per_crawl", len(page.entries) - room)
        entries = page.entries[:room]
        self._sitemap_urls_taken += len(entries)
        yield from self._follow(entries)

    def _from_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self.count("index/not_html")
            return
        links = self._on_site([link.url for link in self._listing_links.extract_links(response)])
        requests = list(self._follow([Entry(u) for u in links if not self._is_pagination(u)]))
        yield from requests
        page = response.meta["page"]
        if page >= self.max_pages:
            return
        if not requests and not self.backfill:
            # Listings run newest first: a page whose every article is stored means the pages
            # after it hold nothing new either. This keeps a re-crawl to one page per source.
            self.count("index/stopped_at_known_page")
            return
        nxt = response.xpath('//link[@rel="next"]/@href | //a[@rel="next"]/@href').get()
        candidates = (
            self._on_site([response.urljoin(nxt)], "next_page")
            if nxt
            else [u for u in links if self._is_pagination(u)]
        )
        for url in candidates[:1]:
            yield self._index_request(url, page=page + 1)

    def _is_pagination(self, url: str) -> bool:
        """Pagination wins over the article pattern (``/news/page/2`` is a listing page)."""
        return bool(self.pagination_re.search(url))

    def _on_site(self, urls: list[str], kind: str = "links") -> list[str]:
        """The URLs in scope; the others counted by reason (``links/refused/scheme``...)."""
        kept = []
        for url in urls:
            why = self.scope.refusal(url)
            if why is None:
                kept.append(url)
            else:
                self.count(f"{kind}/refused/{why}")
        return kept

    def _is_article(self, url: str) -> bool:
        return self.article_re.search(url) is not None if self.article_re else True

    # --- article links ---------------------------------------------------------------------
    def _follow(self, entries: Iterable[Entry]) -> Iterator[scrapy.Request]:
        entries = list(entries)
        in_scope = set(self._on_site([e.url for e in entries]))
        on_site = [e for e in entries if e.url in in_scope]
        wanted = [e for e in on_site if self._is_article(e.url)]
        if entries and not wanted:
            self.count("index/no_matching_links")
        known = self.store.known([canonical_url(e.url) for e in wanted] + [e.url for e in wanted])
        for entry in wanted:
            self.count("links/seen")
            hit = known.get(canonical_url(entry.url)) or known.get(entry.url)
            update_of = None
            if hit is not None:
                if entry.modified is None or entry.modified <= hit.stored_at:
                    self.count("links/known")
                    continue
                update_of = hit.id
                self.count("links/updated")
            yield scrapy.Request(
                entry.url,
                callback=self.parse_article,
                errback=self.on_error,
                cb_kwargs={"entry": entry, "update_of": update_of},
            )

    def parse_article(
        self, response: Response, entry: Entry, update_of: int | None
    ) -> Iterator[ArticleItem]:
        self.count("article/fetched")
        content_type = (_header(response, b"Content-Type") or "text/html").lower()
        if "html" not in content_type and "xml" not in content_type:
            self.count("skipped/not_html")
            return
        declared = http_content_type_encoding(content_type) or html_body_declared_encoding(
            response.body[:4096]
        )
        yield ArticleItem(
            source=self.source.name,
            url=response.url,
            body=response.body,
            declared_encoding=declared,
            listed_published=entry.published,
            listed_modified=entry.modified,
            update_of=update_of,
        )

    # --- failures --------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        reason = failure_reason(failure)
        request = getattr(failure, "request", None)
        if reason == "cancelled" and request is not None:
            maxsize = request.meta.get("download_maxsize") or self.crawler.settings.getint(
                "DOWNLOAD_MAXSIZE"
            )
            if maxsize and request.meta.get("stancewatch_bytes", 0) > maxsize:
                reason = TOO_LARGE
        where = "index" if request is not None and request.meta.get("index") else "article"
        self.count(f"errors/{where}/{reason}")
        self.logger.info("%s page failed: %s (%s)", where, reason, getattr(request, "url", "?"))


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
