"""Article links out of feeds and sitemaps, with their dates: well-kept parsers, not our own.

Feeds (RSS 0.9x/1.0/2.0, Atom, RDF, with their date formats, encodings and broken XML) are
feedparser's, and so are a paged or archived feed's links to its older pages (RFC 5005). Sitemaps and sitemap indexes are Scrapy's ``Sitemap``: streaming (``iterparse``),
entities not resolved, recovering from broken XML; a sitemap is read up to a cap of entries, and
the rest only counted, so a 200,000-URL sitemap costs no more memory than the cap.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree
from scrapy.utils.sitemap import Sitemap

from stancewatch.crawl.extract import parse_date

#: feedparser's versions of an RSS 1.0/0.90 feed, where ``dc:date`` is the item's date.
_RSS1 = {"rss090", "rss10"}

#: Feed-level links that lead back in time (RFC 5005): a paged feed's ``next`` page and an
#: archived feed's ``prev-archive`` document (Atom ``<link>``, or ``<atom:link>`` in RSS).
#: ``previous`` and ``next-archive`` lead forward, to newer entries: not followed.
OLDER_RELS = ("next", "prev-archive")


@dataclass(frozen=True)
class Entry:
    url: str
    published: datetime | None = None
    modified: datetime | None = None


def _utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's dates are UTC ``struct_time``s."""
    if parsed is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _feed_link(entry: Any) -> str | None:
    """The entry's alternate link; its id only when that is a URL (an id may be a URN).

    A link of any scheme is returned: the crawl scope refuses and counts what is not http(s)."""
    for link in entry.get("links", ()):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    # feedparser copies an id into ``link`` (``guidislink``): a URN is no page to fetch
    guid = str(entry.get("id") or entry.get("link") or "")
    return guid if guid.startswith(("http://", "https://", "/")) else None


@dataclass
class FeedPage:
    """What one feed document holds: its entries, and its links to older pages."""

    entries: list[Entry] = field(default_factory=list)
    #: Absolute URLs of the pages further back (``OLDER_RELS``), in document order, once each.
    older: list[str] = field(default_factory=list)


def parse_feed(body: bytes, base_url: str) -> list[Entry] | None:
    """Entries of an RSS/RDF/Atom feed; None when the body is not a feed at all."""
    page = parse_feed_page(body, base_url)
    return None if page is None else page.entries


def parse_feed_page(body: bytes, base_url: str) -> FeedPage | None:
    """Entries of an RSS/RDF/Atom feed and its links to older pages; None when the body is
    not a feed at all."""
    # bytes, never a str: feedparser reads a str that looks like a path or URL from there
    parsed = feedparser.parse(bytes(body), response_headers={"content-location": base_url})
    version = parsed.get("version") or ""
    if not version:
        return None
    older: list[str] = []
    for link in parsed.feed.get("links", ()):
        href = link.get("href")
        if link.get("rel") in OLDER_RELS and href:
            url = urljoin(base_url, str(href))  # feedparser resolved it against base_url
            if url not in older:
                older.append(url)
    entries: list[Entry] = []
    for item in parsed.entries:
        link = _feed_link(item)
        if not link:
            continue
        published = _utc(item.get("published_parsed")) or _utc(item.get("created_parsed"))
        modified = _utc(item.get("updated_parsed"))
        if published is None and version in _RSS1:
            published, modified = modified, None  # dc:date is when the item was published
        entries.append(Entry(urljoin(base_url, link), published, modified))
    return FeedPage(entries, older)


class _NewsSitemap(Sitemap):
    """Scrapy's sitemap reader, also keeping Google News' nested ``publication_date``."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: etree._Element) -> dict[str, Any] | None:
        published = next(
            (
                (date.text or "").strip()
                for child in elem
                if self._get_tag_name(child) == "news"
                for date in child
                if self._get_tag_name(date) == "publication_date"
            ),
            None,
        )
        d = super()._process_sitemap_element(elem)  # clears elem: read the date first
        if d is not None and published:
            d["publication_date"] = published
        return d


@dataclass
class SitemapPage:
    """What one sitemap or sitemap index holds, up to the cap."""

    entries: list[Entry] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    #: Entries (or child sitemaps) beyond the cap: counted, not kept.
    dropped: int = 0


def parse_sitemap(body: bytes, base_url: str, max_urls: int) -> SitemapPage | None:
    """The first ``max_urls`` entries of a sitemap (or child sitemaps of an index); None if
    the body is neither."""
    try:
        sitemap = _NewsSitemap(body.lstrip())
    except (etree.XMLSyntaxError, StopIteration, ValueError):
        return None
    if sitemap.type not in ("urlset", "sitemapindex"):
        return None
    page = SitemapPage()
    try:
        for item in sitemap:
            if len(page.entries) + len(page.children) >= max_urls:
                page.dropped += 1
                continue
            loc = urljoin(base_url, item["loc"])
            if sitemap.type == "sitemapindex":
                page.children.append(loc)
            else:
                published = parse_date(item.get("publication_date"))
                page.entries.append(Entry(loc, published, parse_date(item.get("lastmod"))))
    except etree.XMLSyntaxError:
        pass  # broken at the end: keep what was read
    return page
